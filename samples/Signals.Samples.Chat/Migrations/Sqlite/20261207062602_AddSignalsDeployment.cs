using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signals.Samples.Chat.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddSignalsDeployment : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "signals_deployment",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    epoch = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_signals_deployment", x => x.id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "signals_deployment");
        }
    }
}
