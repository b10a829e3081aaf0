using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signals.Samples.Chat.Migrations.PostgreSql
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
                    id = table.Column<int>(type: "integer", nullable: false),
                    epoch = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
