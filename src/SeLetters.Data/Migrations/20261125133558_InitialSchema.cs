using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "letters",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.SerialColumn),
                    document_name = table.Column<string>(type: "text", nullable: false),
                    document_type = table.Column<string>(type: "text", nullable: true),
                    document_title = table.Column<string>(type: "text", nullable: true),
                    source_file_path = table.Column<string>(type: "text", nullable: false),
                    file_size = table.Column<int>(type: "integer", nullable: true),
                    file_hash = table.Column<string>(type: "text", nullable: true),
                    processing_method = table.Column<string>(type: "text", nullable: true, defaultValue: "production_pipeline"),
                    processing_time_ms = table.Column<float>(type: "real", nullable: true),
                    extraction_confidence = table.Column<float>(type: "real", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp without time zone", nullable: true, defaultValueSql: "CURRENT_TIMESTAMP"),
                    updated_at = table.Column<DateTime>(type: "timestamp without time zone", nullable: true, defaultValueSql: "CURRENT_TIMESTAMP"),
                    status = table.Column<string>(type: "text", nullable: true, defaultValue: "processed"),
                    raw_grok_json = table.Column<string>(type: "jsonb", nullable: true),
                    ocr_supplementary_json = table.Column<string>(type: "jsonb", nullable: true),
                    processing_steps_json = table.Column<string>(type: "jsonb", nullable: true),
                    validation_details_json = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("letters_pkey", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "letter_products",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.SerialColumn),
                    letter_id = table.Column<int>(type: "integer", nullable: false),
                    product_identifier = table.Column<string>(type: "text", nullable: true),
                    range_label = table.Column<string>(type: "text", nullable: true),
                    subrange_label = table.Column<string>(type: "text", nullable: true),
                    product_line = table.Column<string>(type: "text", nullable: true),
                    product_description = table.Column<string>(type: "text", nullable: true),
                    obsolescence_status = table.Column<string>(type: "text", nullable: true),
                    end_of_service_date = table.Column<string>(type: "text", nullable: true),
                    replacement_suggestions = table.Column<string>(type: "text", nullable: true),
                    confidence_score = table.Column<float>(type: "real", nullable: true, defaultValueSql: "0.0"),
                    validation_status = table.Column<string>(type: "text", nullable: true, defaultValue: "validated")
                },
                constraints: table =>
                {
                    table.PrimaryKey("letter_products_pkey", x => x.id);
                    table.ForeignKey(
                        name: "letter_products_letter_id_fkey",
                        column: x => x.letter_id,
                        principalTable: "letters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "processing_debug",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.SerialColumn),
                    letter_id = table.Column<int>(type: "integer", nullable: false),
                    processing_step = table.Column<string>(type: "text", nullable: false),
                    step_timestamp = table.Column<DateTime>(type: "timestamp without time zone", nullable: true, defaultValueSql: "CURRENT_TIMESTAMP"),
                    step_duration_ms = table.Column<float>(type: "real", nullable: true),
                    step_success = table.Column<bool>(type: "boolean", nullable: true, defaultValue: true),
                    step_details = table.Column<string>(type: "text", nullable: true),
                    error_message = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("processing_debug_pkey", x => x.id);
                    table.ForeignKey(
                        name: "processing_debug_letter_id_fkey",
                        column: x => x.letter_id,
                        principalTable: "letters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "letter_product_matches",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.SerialColumn),
                    letter_id = table.Column<int>(type: "integer", nullable: false),
                    letter_product_id = table.Column<int>(type: "integer", nullable: false),
                    ibcatalogue_product_identifier = table.Column<string>(type: "text", nullable: false),
                    match_confidence = table.Column<float>(type: "real", nullable: false),
                    match_reason = table.Column<string>(type: "text", nullable: true),
                    technical_match_score = table.Column<float>(type: "real", nullable: true, defaultValueSql: "0.0"),
                    nomenclature_match_score = table.Column<float>(type: "real", nullable: true, defaultValueSql: "0.0"),
                    product_line_match_score = table.Column<float>(type: "real", nullable: true, defaultValueSql: "0.0"),
                    match_type = table.Column<string>(type: "text", nullable: true),
                    range_based_matching = table.Column<bool>(type: "boolean", nullable: true, defaultValue: false),
                    created_at = table.Column<DateTime>(type: "timestamp without time zone", nullable: true, defaultValueSql: "CURRENT_TIMESTAMP")
                },
                constraints: table =>
                {
                    table.PrimaryKey("letter_product_matches_pkey", x => x.id);
                    table.ForeignKey(
                        name: "letter_product_matches_letter_id_fkey",
                        column: x => x.letter_id,
                        principalTable: "letters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "letter_product_matches_letter_product_id_fkey",
                        column: x => x.letter_product_id,
                        principalTable: "letter_products",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "idx_matches_confidence",
                table: "letter_product_matches",
                column: "match_confidence");

            migrationBuilder.CreateIndex(
                name: "idx_matches_ibcatalogue_id",
                table: "letter_product_matches",
                column: "ibcatalogue_product_identifier");

            migrationBuilder.CreateIndex(
                name: "idx_matches_letter_id",
                table: "letter_product_matches",
                column: "letter_id");

            migrationBuilder.CreateIndex(
                name: "idx_matches_product_id",
                table: "letter_product_matches",
                column: "letter_product_id");

            migrationBuilder.CreateIndex(
                name: "idx_products_letter_id",
                table: "letter_products",
                column: "letter_id");

            migrationBuilder.CreateIndex(
                name: "idx_products_product_identifier",
                table: "letter_products",
                column: "product_identifier");

            migrationBuilder.CreateIndex(
                name: "idx_products_range_label",
                table: "letter_products",
                column: "range_label");

            migrationBuilder.CreateIndex(
                name: "idx_letters_created_at",
                table: "letters",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "idx_letters_document_name",
                table: "letters",
                column: "document_name");

            migrationBuilder.CreateIndex(
                name: "idx_letters_file_hash",
                table: "letters",
                column: "file_hash");

            migrationBuilder.CreateIndex(
                name: "idx_letters_raw_grok_gin",
                table: "letters",
                column: "raw_grok_json")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "idx_letters_source_path",
                table: "letters",
                column: "source_file_path");

            migrationBuilder.CreateIndex(
                name: "idx_letters_status",
                table: "letters",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "idx_letters_validation_details_gin",
                table: "letters",
                column: "validation_details_json")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "idx_debug_letter_id",
                table: "processing_debug",
                column: "letter_id");

            migrationBuilder.CreateIndex(
                name: "idx_debug_step",
                table: "processing_debug",
                column: "processing_step");

            migrationBuilder.CreateIndex(
                name: "idx_debug_timestamp",
                table: "processing_debug",
                column: "step_timestamp");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "letter_product_matches");

            migrationBuilder.DropTable(
                name: "processing_debug");

            migrationBuilder.DropTable(
                name: "letter_products");

            migrationBuilder.DropTable(
                name: "letters");
        }
    }
}
