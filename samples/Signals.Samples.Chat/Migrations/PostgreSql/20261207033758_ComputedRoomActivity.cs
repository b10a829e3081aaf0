using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signals.Samples.Chat.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ComputedRoomActivity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"messages\"");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages\"()");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"participants\"");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants\"()");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_argument(argument text) RETURNS text\nLANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $signals$\nBEGIN\n    IF argument = '' THEN\n        RAISE EXCEPTION 'A family argument must not be empty: an empty segment would not be a key.' USING ERRCODE = '22023';\n    END IF;\n    IF argument !~ '[%:\\u0001-\\u001f\\u007f-\\u009f]' THEN\n        RETURN argument;\n    END IF;\n    RETURN (SELECT string_agg(CASE WHEN c ~ '[%:\\u0001-\\u001f\\u007f-\\u009f]' THEN '%' || upper(lpad(to_hex(ascii(c)), 2, '0')) ELSE c END, '' ORDER BY n)\n            FROM regexp_split_to_table(argument, '') WITH ORDINALITY AS t(c, n));\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_too_long(key text) RETURNS text LANGUAGE plpgsql AS $signals$\nBEGIN\n    RAISE EXCEPTION 'A signal key is at most 512 UTF-8 bytes; this one is %: %', octet_length(key), key USING ERRCODE = '22001';\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_messages\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    IF TG_OP = 'INSERT' THEN\n        INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n        SELECT CASE WHEN octet_length(d.k) <= 512 THEN d.k ELSE signals_key_too_long(d.k) END, now()\n        FROM (SELECT DISTINCT k FROM (\n            SELECT 'chat:room:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n            UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n        ) AS s(k) WHERE k IS NOT NULL) AS d\n        WHERE NOT EXISTS (SELECT 1 FROM \"signals_outbox\" o WHERE o.\"xid\" = pg_current_xact_id() AND o.\"key\" = d.k);\n    ELSIF TG_OP = 'UPDATE' THEN\n        INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n        SELECT CASE WHEN octet_length(d.k) <= 512 THEN d.k ELSE signals_key_too_long(d.k) END, now()\n        FROM (SELECT DISTINCT k FROM (\n            SELECT 'chat:room:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n            UNION ALL SELECT 'chat:room:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n            UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n            UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n        ) AS s(k) WHERE k IS NOT NULL) AS d\n        WHERE NOT EXISTS (SELECT 1 FROM \"signals_outbox\" o WHERE o.\"xid\" = pg_current_xact_id() AND o.\"key\" = d.k);\n    ELSIF TG_OP = 'DELETE' THEN\n        INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n        SELECT CASE WHEN octet_length(d.k) <= 512 THEN d.k ELSE signals_key_too_long(d.k) END, now()\n        FROM (SELECT DISTINCT k FROM (\n            SELECT 'chat:room:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n            UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n        ) AS s(k) WHERE k IS NOT NULL) AS d\n        WHERE NOT EXISTS (SELECT 1 FROM \"signals_outbox\" o WHERE o.\"xid\" = pg_current_xact_id() AND o.\"key\" = d.k);\n    END IF;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_messages\"() IS 'signals-capture:{\"entity\":\"ChatMessage\",\"table\":\"messages\",\"keys\":[[{\"literal\":\"chat:room:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"messages\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_insert AFTER INSERT ON \"messages\" REFERENCING NEW TABLE AS signals_new FOR EACH STATEMENT EXECUTE FUNCTION \"signals_capture_messages\"()");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"messages\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_update AFTER UPDATE ON \"messages\" REFERENCING OLD TABLE AS signals_old NEW TABLE AS signals_new FOR EACH STATEMENT EXECUTE FUNCTION \"signals_capture_messages\"()");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"messages\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_delete AFTER DELETE ON \"messages\" REFERENCING OLD TABLE AS signals_old FOR EACH STATEMENT EXECUTE FUNCTION \"signals_capture_messages\"()");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_argument(argument text) RETURNS text\nLANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $signals$\nBEGIN\n    IF argument = '' THEN\n        RAISE EXCEPTION 'A family argument must not be empty: an empty segment would not be a key.' USING ERRCODE = '22023';\n    END IF;\n    IF argument !~ '[%:\\u0001-\\u001f\\u007f-\\u009f]' THEN\n        RETURN argument;\n    END IF;\n    RETURN (SELECT string_agg(CASE WHEN c ~ '[%:\\u0001-\\u001f\\u007f-\\u009f]' THEN '%' || upper(lpad(to_hex(ascii(c)), 2, '0')) ELSE c END, '' ORDER BY n)\n            FROM regexp_split_to_table(argument, '') WITH ORDINALITY AS t(c, n));\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_too_long(key text) RETURNS text LANGUAGE plpgsql AS $signals$\nBEGIN\n    RAISE EXCEPTION 'A signal key is at most 512 UTF-8 bytes; this one is %: %', octet_length(key), key USING ERRCODE = '22001';\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_participants\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    IF TG_OP = 'INSERT' THEN\n        INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n        SELECT CASE WHEN octet_length(d.k) <= 512 THEN d.k ELSE signals_key_too_long(d.k) END, now()\n        FROM (SELECT DISTINCT k FROM (\n            SELECT 'chat:participants:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n            UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n        ) AS s(k) WHERE k IS NOT NULL) AS d\n        WHERE NOT EXISTS (SELECT 1 FROM \"signals_outbox\" o WHERE o.\"xid\" = pg_current_xact_id() AND o.\"key\" = d.k);\n    ELSIF TG_OP = 'UPDATE' THEN\n        INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n        SELECT CASE WHEN octet_length(d.k) <= 512 THEN d.k ELSE signals_key_too_long(d.k) END, now()\n        FROM (SELECT DISTINCT k FROM (\n            SELECT 'chat:participants:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n            UNION ALL SELECT 'chat:participants:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n            UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n            UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n        ) AS s(k) WHERE k IS NOT NULL) AS d\n        WHERE NOT EXISTS (SELECT 1 FROM \"signals_outbox\" o WHERE o.\"xid\" = pg_current_xact_id() AND o.\"key\" = d.k);\n    ELSIF TG_OP = 'DELETE' THEN\n        INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n        SELECT CASE WHEN octet_length(d.k) <= 512 THEN d.k ELSE signals_key_too_long(d.k) END, now()\n        FROM (SELECT DISTINCT k FROM (\n            SELECT 'chat:participants:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n            UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n        ) AS s(k) WHERE k IS NOT NULL) AS d\n        WHERE NOT EXISTS (SELECT 1 FROM \"signals_outbox\" o WHERE o.\"xid\" = pg_current_xact_id() AND o.\"key\" = d.k);\n    END IF;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_participants\"() IS 'signals-capture:{\"entity\":\"Participant\",\"table\":\"participants\",\"keys\":[[{\"literal\":\"chat:participants:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"participants\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_insert AFTER INSERT ON \"participants\" REFERENCING NEW TABLE AS signals_new FOR EACH STATEMENT EXECUTE FUNCTION \"signals_capture_participants\"()");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"participants\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_update AFTER UPDATE ON \"participants\" REFERENCING OLD TABLE AS signals_old NEW TABLE AS signals_new FOR EACH STATEMENT EXECUTE FUNCTION \"signals_capture_participants\"()");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"participants\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_delete AFTER DELETE ON \"participants\" REFERENCING OLD TABLE AS signals_old FOR EACH STATEMENT EXECUTE FUNCTION \"signals_capture_participants\"()");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"messages\"");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages\"()");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"participants\"");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants\"()");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_argument(argument text) RETURNS text\nLANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $signals$\nBEGIN\n    IF argument = '' THEN\n        RAISE EXCEPTION 'A family argument must not be empty: an empty segment would not be a key.' USING ERRCODE = '22023';\n    END IF;\n    IF argument !~ '[%:\\u0001-\\u001f\\u007f-\\u009f]' THEN\n        RETURN argument;\n    END IF;\n    RETURN (SELECT string_agg(CASE WHEN c ~ '[%:\\u0001-\\u001f\\u007f-\\u009f]' THEN '%' || upper(lpad(to_hex(ascii(c)), 2, '0')) ELSE c END, '' ORDER BY n)\n            FROM regexp_split_to_table(argument, '') WITH ORDINALITY AS t(c, n));\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_too_long(key text) RETURNS text LANGUAGE plpgsql AS $signals$\nBEGIN\n    RAISE EXCEPTION 'A signal key is at most 512 UTF-8 bytes; this one is %: %', octet_length(key), key USING ERRCODE = '22001';\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_messages\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    IF TG_OP = 'INSERT' THEN\n        INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n        SELECT CASE WHEN octet_length(d.k) <= 512 THEN d.k ELSE signals_key_too_long(d.k) END, now()\n        FROM (SELECT DISTINCT k FROM (\n            SELECT 'chat:room:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n        ) AS s(k) WHERE k IS NOT NULL) AS d\n        WHERE NOT EXISTS (SELECT 1 FROM \"signals_outbox\" o WHERE o.\"xid\" = pg_current_xact_id() AND o.\"key\" = d.k);\n    ELSIF TG_OP = 'UPDATE' THEN\n        INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n        SELECT CASE WHEN octet_length(d.k) <= 512 THEN d.k ELSE signals_key_too_long(d.k) END, now()\n        FROM (SELECT DISTINCT k FROM (\n            SELECT 'chat:room:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n            UNION ALL SELECT 'chat:room:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n        ) AS s(k) WHERE k IS NOT NULL) AS d\n        WHERE NOT EXISTS (SELECT 1 FROM \"signals_outbox\" o WHERE o.\"xid\" = pg_current_xact_id() AND o.\"key\" = d.k);\n    ELSIF TG_OP = 'DELETE' THEN\n        INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n        SELECT CASE WHEN octet_length(d.k) <= 512 THEN d.k ELSE signals_key_too_long(d.k) END, now()\n        FROM (SELECT DISTINCT k FROM (\n            SELECT 'chat:room:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n        ) AS s(k) WHERE k IS NOT NULL) AS d\n        WHERE NOT EXISTS (SELECT 1 FROM \"signals_outbox\" o WHERE o.\"xid\" = pg_current_xact_id() AND o.\"key\" = d.k);\n    END IF;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_messages\"() IS 'signals-capture:{\"entity\":\"ChatMessage\",\"table\":\"messages\",\"keys\":[[{\"literal\":\"chat:room:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"messages\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_insert AFTER INSERT ON \"messages\" REFERENCING NEW TABLE AS signals_new FOR EACH STATEMENT EXECUTE FUNCTION \"signals_capture_messages\"()");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"messages\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_update AFTER UPDATE ON \"messages\" REFERENCING OLD TABLE AS signals_old NEW TABLE AS signals_new FOR EACH STATEMENT EXECUTE FUNCTION \"signals_capture_messages\"()");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"messages\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_delete AFTER DELETE ON \"messages\" REFERENCING OLD TABLE AS signals_old FOR EACH STATEMENT EXECUTE FUNCTION \"signals_capture_messages\"()");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_argument(argument text) RETURNS text\nLANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $signals$\nBEGIN\n    IF argument = '' THEN\n        RAISE EXCEPTION 'A family argument must not be empty: an empty segment would not be a key.' USING ERRCODE = '22023';\n    END IF;\n    IF argument !~ '[%:\\u0001-\\u001f\\u007f-\\u009f]' THEN\n        RETURN argument;\n    END IF;\n    RETURN (SELECT string_agg(CASE WHEN c ~ '[%:\\u0001-\\u001f\\u007f-\\u009f]' THEN '%' || upper(lpad(to_hex(ascii(c)), 2, '0')) ELSE c END, '' ORDER BY n)\n            FROM regexp_split_to_table(argument, '') WITH ORDINALITY AS t(c, n));\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_too_long(key text) RETURNS text LANGUAGE plpgsql AS $signals$\nBEGIN\n    RAISE EXCEPTION 'A signal key is at most 512 UTF-8 bytes; this one is %: %', octet_length(key), key USING ERRCODE = '22001';\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_participants\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    IF TG_OP = 'INSERT' THEN\n        INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n        SELECT CASE WHEN octet_length(d.k) <= 512 THEN d.k ELSE signals_key_too_long(d.k) END, now()\n        FROM (SELECT DISTINCT k FROM (\n            SELECT 'chat:participants:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n        ) AS s(k) WHERE k IS NOT NULL) AS d\n        WHERE NOT EXISTS (SELECT 1 FROM \"signals_outbox\" o WHERE o.\"xid\" = pg_current_xact_id() AND o.\"key\" = d.k);\n    ELSIF TG_OP = 'UPDATE' THEN\n        INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n        SELECT CASE WHEN octet_length(d.k) <= 512 THEN d.k ELSE signals_key_too_long(d.k) END, now()\n        FROM (SELECT DISTINCT k FROM (\n            SELECT 'chat:participants:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n            UNION ALL SELECT 'chat:participants:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n        ) AS s(k) WHERE k IS NOT NULL) AS d\n        WHERE NOT EXISTS (SELECT 1 FROM \"signals_outbox\" o WHERE o.\"xid\" = pg_current_xact_id() AND o.\"key\" = d.k);\n    ELSIF TG_OP = 'DELETE' THEN\n        INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n        SELECT CASE WHEN octet_length(d.k) <= 512 THEN d.k ELSE signals_key_too_long(d.k) END, now()\n        FROM (SELECT DISTINCT k FROM (\n            SELECT 'chat:participants:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n        ) AS s(k) WHERE k IS NOT NULL) AS d\n        WHERE NOT EXISTS (SELECT 1 FROM \"signals_outbox\" o WHERE o.\"xid\" = pg_current_xact_id() AND o.\"key\" = d.k);\n    END IF;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_participants\"() IS 'signals-capture:{\"entity\":\"Participant\",\"table\":\"participants\",\"keys\":[[{\"literal\":\"chat:participants:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"participants\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_insert AFTER INSERT ON \"participants\" REFERENCING NEW TABLE AS signals_new FOR EACH STATEMENT EXECUTE FUNCTION \"signals_capture_participants\"()");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"participants\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_update AFTER UPDATE ON \"participants\" REFERENCING OLD TABLE AS signals_old NEW TABLE AS signals_new FOR EACH STATEMENT EXECUTE FUNCTION \"signals_capture_participants\"()");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"participants\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_delete AFTER DELETE ON \"participants\" REFERENCING OLD TABLE AS signals_old FOR EACH STATEMENT EXECUTE FUNCTION \"signals_capture_participants\"()");
        }
    }
}
