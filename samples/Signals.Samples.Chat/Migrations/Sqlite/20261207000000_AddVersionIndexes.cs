using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signals.Samples.Chat.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddVersionIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_signals_outbox_key_id",
                table: "signals_outbox",
                columns: new[] { "key", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_signals_state_version",
                table: "signals_state",
                column: "version");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_signals_outbox_key_id",
                table: "signals_outbox");

            migrationBuilder.DropIndex(
                name: "IX_signals_state_version",
                table: "signals_state");
        }
    }
}
