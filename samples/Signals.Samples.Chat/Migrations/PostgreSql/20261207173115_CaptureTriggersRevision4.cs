using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signals.Samples.Chat.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class CaptureTriggersRevision4 : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_first ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_again ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_first ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_again ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_first ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_again ON \"messages\"");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages_insert\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages_insert_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages_update\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages_update_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages_delete\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages_delete_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages\"()");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_first ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_again ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_first ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_again ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_first ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_again ON \"participants\"");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants_insert\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants_insert_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants_update\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants_update_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants_delete\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants_delete_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants\"()");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_first ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_again ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_first ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_again ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_first ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_again ON \"rooms\"");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_rooms_insert\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_rooms_insert_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_rooms_update\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_rooms_update_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_rooms_delete\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_rooms_delete_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_rooms\"()");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_escaped(argument text) RETURNS text\nLANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $signals$\nBEGIN\n    IF argument = '' THEN\n        RAISE EXCEPTION 'A family argument must not be empty: an empty segment would not be a key.' USING ERRCODE = '22023';\n    END IF;\n    RETURN (SELECT string_agg(CASE WHEN c ~ '[%:\\u0001-\\u001f\\u007f-\\u009f]' THEN '%' || upper(lpad(to_hex(ascii(c)), 2, '0')) ELSE c END, '' ORDER BY n)\n            FROM regexp_split_to_table(argument, '') WITH ORDINALITY AS t(c, n));\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_argument(argument text) RETURNS text\nLANGUAGE sql IMMUTABLE PARALLEL SAFE AS $signals$\nSELECT CASE WHEN argument !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(argument) ELSE argument END\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_too_long(key text) RETURNS text LANGUAGE plpgsql AS $signals$\nBEGIN\n    RAISE EXCEPTION 'A signal key is at most 512 UTF-8 bytes; this one is %: %', octet_length(key), key USING ERRCODE = '22001';\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_messages_insert\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END, now()\n    FROM (SELECT 'chat:room:' || CASE WHEN signals_new.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_new.\"RoomId\"::text) ELSE signals_new.\"RoomId\"::text END FROM signals_new\n             UNION SELECT 'chat:room-activity:' || CASE WHEN signals_new.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_new.\"RoomId\"::text) ELSE signals_new.\"RoomId\"::text END FROM signals_new) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_messages_insert\"() IS 'signals-capture:{\"entity\":\"ChatMessage\",\"table\":\"messages\",\"keys\":[[{\"literal\":\"chat:room:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_messages_insert_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END FROM (SELECT 'chat:room:' || CASE WHEN signals_new.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_new.\"RoomId\"::text) ELSE signals_new.\"RoomId\"::text END FROM signals_new\n             UNION SELECT 'chat:room-activity:' || CASE WHEN signals_new.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_new.\"RoomId\"::text) ELSE signals_new.\"RoomId\"::text END FROM signals_new) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_messages_insert_again\"() IS 'signals-capture:{\"entity\":\"ChatMessage\",\"table\":\"messages\",\"keys\":[[{\"literal\":\"chat:room:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_messages_update\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END, now()\n    FROM (SELECT 'chat:room:' || CASE WHEN signals_old.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_old.\"RoomId\"::text) ELSE signals_old.\"RoomId\"::text END FROM signals_old\n             UNION SELECT 'chat:room:' || CASE WHEN signals_new.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_new.\"RoomId\"::text) ELSE signals_new.\"RoomId\"::text END FROM signals_new\n             UNION SELECT 'chat:room-activity:' || CASE WHEN signals_old.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_old.\"RoomId\"::text) ELSE signals_old.\"RoomId\"::text END FROM signals_old\n             UNION SELECT 'chat:room-activity:' || CASE WHEN signals_new.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_new.\"RoomId\"::text) ELSE signals_new.\"RoomId\"::text END FROM signals_new) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_messages_update\"() IS 'signals-capture:{\"entity\":\"ChatMessage\",\"table\":\"messages\",\"keys\":[[{\"literal\":\"chat:room:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_messages_update_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END FROM (SELECT 'chat:room:' || CASE WHEN signals_old.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_old.\"RoomId\"::text) ELSE signals_old.\"RoomId\"::text END FROM signals_old\n             UNION SELECT 'chat:room:' || CASE WHEN signals_new.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_new.\"RoomId\"::text) ELSE signals_new.\"RoomId\"::text END FROM signals_new\n             UNION SELECT 'chat:room-activity:' || CASE WHEN signals_old.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_old.\"RoomId\"::text) ELSE signals_old.\"RoomId\"::text END FROM signals_old\n             UNION SELECT 'chat:room-activity:' || CASE WHEN signals_new.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_new.\"RoomId\"::text) ELSE signals_new.\"RoomId\"::text END FROM signals_new) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_messages_update_again\"() IS 'signals-capture:{\"entity\":\"ChatMessage\",\"table\":\"messages\",\"keys\":[[{\"literal\":\"chat:room:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_messages_delete\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END, now()\n    FROM (SELECT 'chat:room:' || CASE WHEN signals_old.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_old.\"RoomId\"::text) ELSE signals_old.\"RoomId\"::text END FROM signals_old\n             UNION SELECT 'chat:room-activity:' || CASE WHEN signals_old.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_old.\"RoomId\"::text) ELSE signals_old.\"RoomId\"::text END FROM signals_old) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_messages_delete\"() IS 'signals-capture:{\"entity\":\"ChatMessage\",\"table\":\"messages\",\"keys\":[[{\"literal\":\"chat:room:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_messages_delete_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END FROM (SELECT 'chat:room:' || CASE WHEN signals_old.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_old.\"RoomId\"::text) ELSE signals_old.\"RoomId\"::text END FROM signals_old\n             UNION SELECT 'chat:room-activity:' || CASE WHEN signals_old.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_old.\"RoomId\"::text) ELSE signals_old.\"RoomId\"::text END FROM signals_old) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_messages_delete_again\"() IS 'signals-capture:{\"entity\":\"ChatMessage\",\"table\":\"messages\",\"keys\":[[{\"literal\":\"chat:room:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_first ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_again ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_first ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_again ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_first ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_again ON \"messages\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_insert_first AFTER INSERT ON \"messages\" REFERENCING NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '' AND set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) IS NOT NULL) EXECUTE FUNCTION \"signals_capture_messages_insert\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_insert_again AFTER INSERT ON \"messages\" REFERENCING NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_messages_insert_again\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_update_first AFTER UPDATE ON \"messages\" REFERENCING OLD TABLE AS signals_old NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '' AND set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) IS NOT NULL) EXECUTE FUNCTION \"signals_capture_messages_update\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_update_again AFTER UPDATE ON \"messages\" REFERENCING OLD TABLE AS signals_old NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_messages_update_again\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_delete_first AFTER DELETE ON \"messages\" REFERENCING OLD TABLE AS signals_old FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '' AND set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) IS NOT NULL) EXECUTE FUNCTION \"signals_capture_messages_delete\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_delete_again AFTER DELETE ON \"messages\" REFERENCING OLD TABLE AS signals_old FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_messages_delete_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages\"()");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_escaped(argument text) RETURNS text\nLANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $signals$\nBEGIN\n    IF argument = '' THEN\n        RAISE EXCEPTION 'A family argument must not be empty: an empty segment would not be a key.' USING ERRCODE = '22023';\n    END IF;\n    RETURN (SELECT string_agg(CASE WHEN c ~ '[%:\\u0001-\\u001f\\u007f-\\u009f]' THEN '%' || upper(lpad(to_hex(ascii(c)), 2, '0')) ELSE c END, '' ORDER BY n)\n            FROM regexp_split_to_table(argument, '') WITH ORDINALITY AS t(c, n));\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_argument(argument text) RETURNS text\nLANGUAGE sql IMMUTABLE PARALLEL SAFE AS $signals$\nSELECT CASE WHEN argument !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(argument) ELSE argument END\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_too_long(key text) RETURNS text LANGUAGE plpgsql AS $signals$\nBEGIN\n    RAISE EXCEPTION 'A signal key is at most 512 UTF-8 bytes; this one is %: %', octet_length(key), key USING ERRCODE = '22001';\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_participants_insert\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END, now()\n    FROM (SELECT 'chat:participants:' || CASE WHEN signals_new.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_new.\"RoomId\"::text) ELSE signals_new.\"RoomId\"::text END FROM signals_new\n             UNION SELECT 'chat:room-activity:' || CASE WHEN signals_new.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_new.\"RoomId\"::text) ELSE signals_new.\"RoomId\"::text END FROM signals_new) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_participants_insert\"() IS 'signals-capture:{\"entity\":\"Participant\",\"table\":\"participants\",\"keys\":[[{\"literal\":\"chat:participants:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_participants_insert_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END FROM (SELECT 'chat:participants:' || CASE WHEN signals_new.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_new.\"RoomId\"::text) ELSE signals_new.\"RoomId\"::text END FROM signals_new\n             UNION SELECT 'chat:room-activity:' || CASE WHEN signals_new.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_new.\"RoomId\"::text) ELSE signals_new.\"RoomId\"::text END FROM signals_new) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_participants_insert_again\"() IS 'signals-capture:{\"entity\":\"Participant\",\"table\":\"participants\",\"keys\":[[{\"literal\":\"chat:participants:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_participants_update\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END, now()\n    FROM (SELECT 'chat:participants:' || CASE WHEN signals_old.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_old.\"RoomId\"::text) ELSE signals_old.\"RoomId\"::text END FROM signals_old\n             UNION SELECT 'chat:participants:' || CASE WHEN signals_new.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_new.\"RoomId\"::text) ELSE signals_new.\"RoomId\"::text END FROM signals_new\n             UNION SELECT 'chat:room-activity:' || CASE WHEN signals_old.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_old.\"RoomId\"::text) ELSE signals_old.\"RoomId\"::text END FROM signals_old\n             UNION SELECT 'chat:room-activity:' || CASE WHEN signals_new.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_new.\"RoomId\"::text) ELSE signals_new.\"RoomId\"::text END FROM signals_new) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_participants_update\"() IS 'signals-capture:{\"entity\":\"Participant\",\"table\":\"participants\",\"keys\":[[{\"literal\":\"chat:participants:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_participants_update_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END FROM (SELECT 'chat:participants:' || CASE WHEN signals_old.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_old.\"RoomId\"::text) ELSE signals_old.\"RoomId\"::text END FROM signals_old\n             UNION SELECT 'chat:participants:' || CASE WHEN signals_new.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_new.\"RoomId\"::text) ELSE signals_new.\"RoomId\"::text END FROM signals_new\n             UNION SELECT 'chat:room-activity:' || CASE WHEN signals_old.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_old.\"RoomId\"::text) ELSE signals_old.\"RoomId\"::text END FROM signals_old\n             UNION SELECT 'chat:room-activity:' || CASE WHEN signals_new.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_new.\"RoomId\"::text) ELSE signals_new.\"RoomId\"::text END FROM signals_new) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_participants_update_again\"() IS 'signals-capture:{\"entity\":\"Participant\",\"table\":\"participants\",\"keys\":[[{\"literal\":\"chat:participants:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_participants_delete\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END, now()\n    FROM (SELECT 'chat:participants:' || CASE WHEN signals_old.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_old.\"RoomId\"::text) ELSE signals_old.\"RoomId\"::text END FROM signals_old\n             UNION SELECT 'chat:room-activity:' || CASE WHEN signals_old.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_old.\"RoomId\"::text) ELSE signals_old.\"RoomId\"::text END FROM signals_old) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_participants_delete\"() IS 'signals-capture:{\"entity\":\"Participant\",\"table\":\"participants\",\"keys\":[[{\"literal\":\"chat:participants:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_participants_delete_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END FROM (SELECT 'chat:participants:' || CASE WHEN signals_old.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_old.\"RoomId\"::text) ELSE signals_old.\"RoomId\"::text END FROM signals_old\n             UNION SELECT 'chat:room-activity:' || CASE WHEN signals_old.\"RoomId\"::text !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(signals_old.\"RoomId\"::text) ELSE signals_old.\"RoomId\"::text END FROM signals_old) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_participants_delete_again\"() IS 'signals-capture:{\"entity\":\"Participant\",\"table\":\"participants\",\"keys\":[[{\"literal\":\"chat:participants:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_first ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_again ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_first ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_again ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_first ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_again ON \"participants\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_insert_first AFTER INSERT ON \"participants\" REFERENCING NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '' AND set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) IS NOT NULL) EXECUTE FUNCTION \"signals_capture_participants_insert\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_insert_again AFTER INSERT ON \"participants\" REFERENCING NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_participants_insert_again\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_update_first AFTER UPDATE ON \"participants\" REFERENCING OLD TABLE AS signals_old NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '' AND set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) IS NOT NULL) EXECUTE FUNCTION \"signals_capture_participants_update\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_update_again AFTER UPDATE ON \"participants\" REFERENCING OLD TABLE AS signals_old NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_participants_update_again\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_delete_first AFTER DELETE ON \"participants\" REFERENCING OLD TABLE AS signals_old FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '' AND set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) IS NOT NULL) EXECUTE FUNCTION \"signals_capture_participants_delete\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_delete_again AFTER DELETE ON \"participants\" REFERENCING OLD TABLE AS signals_old FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_participants_delete_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants\"()");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_escaped(argument text) RETURNS text\nLANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $signals$\nBEGIN\n    IF argument = '' THEN\n        RAISE EXCEPTION 'A family argument must not be empty: an empty segment would not be a key.' USING ERRCODE = '22023';\n    END IF;\n    RETURN (SELECT string_agg(CASE WHEN c ~ '[%:\\u0001-\\u001f\\u007f-\\u009f]' THEN '%' || upper(lpad(to_hex(ascii(c)), 2, '0')) ELSE c END, '' ORDER BY n)\n            FROM regexp_split_to_table(argument, '') WITH ORDINALITY AS t(c, n));\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_argument(argument text) RETURNS text\nLANGUAGE sql IMMUTABLE PARALLEL SAFE AS $signals$\nSELECT CASE WHEN argument !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(argument) ELSE argument END\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_too_long(key text) RETURNS text LANGUAGE plpgsql AS $signals$\nBEGIN\n    RAISE EXCEPTION 'A signal key is at most 512 UTF-8 bytes; this one is %: %', octet_length(key), key USING ERRCODE = '22001';\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_rooms_insert\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT DISTINCT s.k, now()\n    FROM ((SELECT 'chat:rooms' FROM signals_new LIMIT 1)) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_rooms_insert\"() IS 'signals-capture:{\"entity\":\"Room\",\"table\":\"rooms\",\"keys\":[[{\"literal\":\"chat:rooms\",\"format\":\"Text\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_rooms_insert_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT DISTINCT s.k FROM ((SELECT 'chat:rooms' FROM signals_new LIMIT 1)) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_rooms_insert_again\"() IS 'signals-capture:{\"entity\":\"Room\",\"table\":\"rooms\",\"keys\":[[{\"literal\":\"chat:rooms\",\"format\":\"Text\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_rooms_update\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT s.k, now()\n    FROM ((SELECT 'chat:rooms' FROM signals_old LIMIT 1)\n             UNION (SELECT 'chat:rooms' FROM signals_new LIMIT 1)) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_rooms_update\"() IS 'signals-capture:{\"entity\":\"Room\",\"table\":\"rooms\",\"keys\":[[{\"literal\":\"chat:rooms\",\"format\":\"Text\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_rooms_update_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT s.k FROM ((SELECT 'chat:rooms' FROM signals_old LIMIT 1)\n             UNION (SELECT 'chat:rooms' FROM signals_new LIMIT 1)) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_rooms_update_again\"() IS 'signals-capture:{\"entity\":\"Room\",\"table\":\"rooms\",\"keys\":[[{\"literal\":\"chat:rooms\",\"format\":\"Text\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_rooms_delete\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT DISTINCT s.k, now()\n    FROM ((SELECT 'chat:rooms' FROM signals_old LIMIT 1)) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_rooms_delete\"() IS 'signals-capture:{\"entity\":\"Room\",\"table\":\"rooms\",\"keys\":[[{\"literal\":\"chat:rooms\",\"format\":\"Text\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_rooms_delete_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT DISTINCT s.k FROM ((SELECT 'chat:rooms' FROM signals_old LIMIT 1)) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_rooms_delete_again\"() IS 'signals-capture:{\"entity\":\"Room\",\"table\":\"rooms\",\"keys\":[[{\"literal\":\"chat:rooms\",\"format\":\"Text\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":4,\"columns\":[]}'");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_first ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_again ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_first ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_again ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_first ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_again ON \"rooms\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_insert_first AFTER INSERT ON \"rooms\" REFERENCING NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '' AND set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) IS NOT NULL) EXECUTE FUNCTION \"signals_capture_rooms_insert\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_insert_again AFTER INSERT ON \"rooms\" REFERENCING NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_rooms_insert_again\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_update_first AFTER UPDATE ON \"rooms\" REFERENCING OLD TABLE AS signals_old NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '' AND set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) IS NOT NULL) EXECUTE FUNCTION \"signals_capture_rooms_update\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_update_again AFTER UPDATE ON \"rooms\" REFERENCING OLD TABLE AS signals_old NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_rooms_update_again\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_delete_first AFTER DELETE ON \"rooms\" REFERENCING OLD TABLE AS signals_old FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '' AND set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) IS NOT NULL) EXECUTE FUNCTION \"signals_capture_rooms_delete\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_delete_again AFTER DELETE ON \"rooms\" REFERENCING OLD TABLE AS signals_old FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_rooms_delete_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_rooms\"()");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_first ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_again ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_first ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_again ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_first ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_again ON \"messages\"");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages_insert\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages_insert_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages_update\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages_update_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages_delete\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages_delete_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages\"()");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_first ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_again ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_first ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_again ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_first ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_again ON \"participants\"");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants_insert\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants_insert_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants_update\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants_update_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants_delete\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants_delete_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants\"()");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_first ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_again ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_first ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_again ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_first ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_again ON \"rooms\"");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_rooms_insert\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_rooms_insert_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_rooms_update\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_rooms_update_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_rooms_delete\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_rooms_delete_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_rooms\"()");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_escaped(argument text) RETURNS text\nLANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $signals$\nBEGIN\n    IF argument = '' THEN\n        RAISE EXCEPTION 'A family argument must not be empty: an empty segment would not be a key.' USING ERRCODE = '22023';\n    END IF;\n    RETURN (SELECT string_agg(CASE WHEN c ~ '[%:\\u0001-\\u001f\\u007f-\\u009f]' THEN '%' || upper(lpad(to_hex(ascii(c)), 2, '0')) ELSE c END, '' ORDER BY n)\n            FROM regexp_split_to_table(argument, '') WITH ORDINALITY AS t(c, n));\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_argument(argument text) RETURNS text\nLANGUAGE sql IMMUTABLE PARALLEL SAFE AS $signals$\nSELECT CASE WHEN argument !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(argument) ELSE argument END\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_too_long(key text) RETURNS text LANGUAGE plpgsql AS $signals$\nBEGIN\n    RAISE EXCEPTION 'A signal key is at most 512 UTF-8 bytes; this one is %: %', octet_length(key), key USING ERRCODE = '22001';\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_messages_insert\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT DISTINCT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END, now()\n    FROM set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) AS floor,\n         (SELECT 'chat:room:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n             UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_messages_insert\"() IS 'signals-capture:{\"entity\":\"ChatMessage\",\"table\":\"messages\",\"keys\":[[{\"literal\":\"chat:room:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_messages_insert_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT DISTINCT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END FROM (SELECT 'chat:room:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n             UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_messages_insert_again\"() IS 'signals-capture:{\"entity\":\"ChatMessage\",\"table\":\"messages\",\"keys\":[[{\"literal\":\"chat:room:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_messages_update\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT DISTINCT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END, now()\n    FROM set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) AS floor,\n         (SELECT 'chat:room:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n             UNION ALL SELECT 'chat:room:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n             UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n             UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_messages_update\"() IS 'signals-capture:{\"entity\":\"ChatMessage\",\"table\":\"messages\",\"keys\":[[{\"literal\":\"chat:room:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_messages_update_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT DISTINCT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END FROM (SELECT 'chat:room:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n             UNION ALL SELECT 'chat:room:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n             UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n             UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_messages_update_again\"() IS 'signals-capture:{\"entity\":\"ChatMessage\",\"table\":\"messages\",\"keys\":[[{\"literal\":\"chat:room:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_messages_delete\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT DISTINCT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END, now()\n    FROM set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) AS floor,\n         (SELECT 'chat:room:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n             UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_messages_delete\"() IS 'signals-capture:{\"entity\":\"ChatMessage\",\"table\":\"messages\",\"keys\":[[{\"literal\":\"chat:room:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_messages_delete_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT DISTINCT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END FROM (SELECT 'chat:room:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n             UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_messages_delete_again\"() IS 'signals-capture:{\"entity\":\"ChatMessage\",\"table\":\"messages\",\"keys\":[[{\"literal\":\"chat:room:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_first ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_again ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_first ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_again ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_first ON \"messages\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_again ON \"messages\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_insert AFTER INSERT ON \"messages\" REFERENCING NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '') EXECUTE FUNCTION \"signals_capture_messages_insert\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_insert_again AFTER INSERT ON \"messages\" REFERENCING NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_messages_insert_again\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_update AFTER UPDATE ON \"messages\" REFERENCING OLD TABLE AS signals_old NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '') EXECUTE FUNCTION \"signals_capture_messages_update\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_update_again AFTER UPDATE ON \"messages\" REFERENCING OLD TABLE AS signals_old NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_messages_update_again\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_delete AFTER DELETE ON \"messages\" REFERENCING OLD TABLE AS signals_old FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '') EXECUTE FUNCTION \"signals_capture_messages_delete\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_delete_again AFTER DELETE ON \"messages\" REFERENCING OLD TABLE AS signals_old FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_messages_delete_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_messages\"()");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_escaped(argument text) RETURNS text\nLANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $signals$\nBEGIN\n    IF argument = '' THEN\n        RAISE EXCEPTION 'A family argument must not be empty: an empty segment would not be a key.' USING ERRCODE = '22023';\n    END IF;\n    RETURN (SELECT string_agg(CASE WHEN c ~ '[%:\\u0001-\\u001f\\u007f-\\u009f]' THEN '%' || upper(lpad(to_hex(ascii(c)), 2, '0')) ELSE c END, '' ORDER BY n)\n            FROM regexp_split_to_table(argument, '') WITH ORDINALITY AS t(c, n));\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_argument(argument text) RETURNS text\nLANGUAGE sql IMMUTABLE PARALLEL SAFE AS $signals$\nSELECT CASE WHEN argument !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(argument) ELSE argument END\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_too_long(key text) RETURNS text LANGUAGE plpgsql AS $signals$\nBEGIN\n    RAISE EXCEPTION 'A signal key is at most 512 UTF-8 bytes; this one is %: %', octet_length(key), key USING ERRCODE = '22001';\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_participants_insert\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT DISTINCT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END, now()\n    FROM set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) AS floor,\n         (SELECT 'chat:participants:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n             UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_participants_insert\"() IS 'signals-capture:{\"entity\":\"Participant\",\"table\":\"participants\",\"keys\":[[{\"literal\":\"chat:participants:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_participants_insert_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT DISTINCT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END FROM (SELECT 'chat:participants:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n             UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_participants_insert_again\"() IS 'signals-capture:{\"entity\":\"Participant\",\"table\":\"participants\",\"keys\":[[{\"literal\":\"chat:participants:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_participants_update\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT DISTINCT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END, now()\n    FROM set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) AS floor,\n         (SELECT 'chat:participants:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n             UNION ALL SELECT 'chat:participants:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n             UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n             UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_participants_update\"() IS 'signals-capture:{\"entity\":\"Participant\",\"table\":\"participants\",\"keys\":[[{\"literal\":\"chat:participants:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_participants_update_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT DISTINCT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END FROM (SELECT 'chat:participants:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n             UNION ALL SELECT 'chat:participants:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new\n             UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n             UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_new.\"RoomId\"::text) FROM signals_new) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_participants_update_again\"() IS 'signals-capture:{\"entity\":\"Participant\",\"table\":\"participants\",\"keys\":[[{\"literal\":\"chat:participants:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_participants_delete\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT DISTINCT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END, now()\n    FROM set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) AS floor,\n         (SELECT 'chat:participants:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n             UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_participants_delete\"() IS 'signals-capture:{\"entity\":\"Participant\",\"table\":\"participants\",\"keys\":[[{\"literal\":\"chat:participants:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_participants_delete_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT DISTINCT CASE WHEN octet_length(s.k) <= 512 THEN s.k ELSE signals_key_too_long(s.k) END FROM (SELECT 'chat:participants:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old\n             UNION ALL SELECT 'chat:room-activity:' || signals_key_argument(signals_old.\"RoomId\"::text) FROM signals_old) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_participants_delete_again\"() IS 'signals-capture:{\"entity\":\"Participant\",\"table\":\"participants\",\"keys\":[[{\"literal\":\"chat:participants:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}],[{\"literal\":\"chat:room-activity:\",\"format\":\"Text\"},{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[{\"column\":\"RoomId\",\"format\":\"Text\",\"property\":\"RoomId\"}]}'");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_first ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_again ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_first ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_again ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_first ON \"participants\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_again ON \"participants\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_insert AFTER INSERT ON \"participants\" REFERENCING NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '') EXECUTE FUNCTION \"signals_capture_participants_insert\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_insert_again AFTER INSERT ON \"participants\" REFERENCING NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_participants_insert_again\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_update AFTER UPDATE ON \"participants\" REFERENCING OLD TABLE AS signals_old NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '') EXECUTE FUNCTION \"signals_capture_participants_update\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_update_again AFTER UPDATE ON \"participants\" REFERENCING OLD TABLE AS signals_old NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_participants_update_again\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_delete AFTER DELETE ON \"participants\" REFERENCING OLD TABLE AS signals_old FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '') EXECUTE FUNCTION \"signals_capture_participants_delete\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_delete_again AFTER DELETE ON \"participants\" REFERENCING OLD TABLE AS signals_old FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_participants_delete_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_participants\"()");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_escaped(argument text) RETURNS text\nLANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $signals$\nBEGIN\n    IF argument = '' THEN\n        RAISE EXCEPTION 'A family argument must not be empty: an empty segment would not be a key.' USING ERRCODE = '22023';\n    END IF;\n    RETURN (SELECT string_agg(CASE WHEN c ~ '[%:\\u0001-\\u001f\\u007f-\\u009f]' THEN '%' || upper(lpad(to_hex(ascii(c)), 2, '0')) ELSE c END, '' ORDER BY n)\n            FROM regexp_split_to_table(argument, '') WITH ORDINALITY AS t(c, n));\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_argument(argument text) RETURNS text\nLANGUAGE sql IMMUTABLE PARALLEL SAFE AS $signals$\nSELECT CASE WHEN argument !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN signals_key_escaped(argument) ELSE argument END\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION signals_key_too_long(key text) RETURNS text LANGUAGE plpgsql AS $signals$\nBEGIN\n    RAISE EXCEPTION 'A signal key is at most 512 UTF-8 bytes; this one is %: %', octet_length(key), key USING ERRCODE = '22001';\nEND\n$signals$");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_rooms_insert\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT DISTINCT s.k, now()\n    FROM set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) AS floor,\n         ((SELECT 'chat:rooms' FROM signals_new LIMIT 1)) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_rooms_insert\"() IS 'signals-capture:{\"entity\":\"Room\",\"table\":\"rooms\",\"keys\":[[{\"literal\":\"chat:rooms\",\"format\":\"Text\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_rooms_insert_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT DISTINCT s.k FROM ((SELECT 'chat:rooms' FROM signals_new LIMIT 1)) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_rooms_insert_again\"() IS 'signals-capture:{\"entity\":\"Room\",\"table\":\"rooms\",\"keys\":[[{\"literal\":\"chat:rooms\",\"format\":\"Text\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_rooms_update\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT DISTINCT s.k, now()\n    FROM set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) AS floor,\n         ((SELECT 'chat:rooms' FROM signals_old LIMIT 1)\n             UNION ALL (SELECT 'chat:rooms' FROM signals_new LIMIT 1)) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_rooms_update\"() IS 'signals-capture:{\"entity\":\"Room\",\"table\":\"rooms\",\"keys\":[[{\"literal\":\"chat:rooms\",\"format\":\"Text\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_rooms_update_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT DISTINCT s.k FROM ((SELECT 'chat:rooms' FROM signals_old LIMIT 1)\n             UNION ALL (SELECT 'chat:rooms' FROM signals_new LIMIT 1)) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_rooms_update_again\"() IS 'signals-capture:{\"entity\":\"Room\",\"table\":\"rooms\",\"keys\":[[{\"literal\":\"chat:rooms\",\"format\":\"Text\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_rooms_delete\"() RETURNS trigger LANGUAGE plpgsql AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT DISTINCT s.k, now()\n    FROM set_config('signals.capture_floor', coalesce(nullif(current_setting('signals.capture_floor', true), ''), pg_sequence_last_value('\"signals_outbox_id_seq\"')::text, '0'), true) AS floor,\n         ((SELECT 'chat:rooms' FROM signals_old LIMIT 1)) AS s(k)\n    WHERE s.k IS NOT NULL;\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_rooms_delete\"() IS 'signals-capture:{\"entity\":\"Room\",\"table\":\"rooms\",\"keys\":[[{\"literal\":\"chat:rooms\",\"format\":\"Text\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[]}'");

            migrationBuilder.Sql("CREATE OR REPLACE FUNCTION \"signals_capture_rooms_delete_again\"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $signals$\nBEGIN\n    INSERT INTO \"signals_outbox\" (\"key\", \"created_at\")\n    SELECT d.k, now()\n    FROM (SELECT DISTINCT s.k FROM ((SELECT 'chat:rooms' FROM signals_old LIMIT 1)) AS s(k) WHERE s.k IS NOT NULL) AS d(k)\n    WHERE NOT EXISTS (SELECT FROM \"signals_outbox\" o WHERE (o.\"key\", o.\"id\") > (d.k, current_setting('signals.capture_floor')::bigint) AND o.\"key\" <= d.k\n                      AND o.\"xid\" IS NOT DISTINCT FROM pg_current_xact_id());\n    RETURN NULL;\nEND\n$signals$");

            migrationBuilder.Sql("COMMENT ON FUNCTION \"signals_capture_rooms_delete_again\"() IS 'signals-capture:{\"entity\":\"Room\",\"table\":\"rooms\",\"keys\":[[{\"literal\":\"chat:rooms\",\"format\":\"Text\"}]],\"outbox\":\"signals_outbox\",\"outboxKey\":\"key\",\"outboxCreatedAt\":\"created_at\",\"outboxTransactionId\":\"xid\",\"outboxId\":\"id\",\"revision\":3,\"columns\":[]}'");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_first ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_insert_again ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_first ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_update_again ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_first ON \"rooms\"");

            migrationBuilder.Sql("DROP TRIGGER IF EXISTS signals_capture_delete_again ON \"rooms\"");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_insert AFTER INSERT ON \"rooms\" REFERENCING NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '') EXECUTE FUNCTION \"signals_capture_rooms_insert\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_insert_again AFTER INSERT ON \"rooms\" REFERENCING NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_rooms_insert_again\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_update AFTER UPDATE ON \"rooms\" REFERENCING OLD TABLE AS signals_old NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '') EXECUTE FUNCTION \"signals_capture_rooms_update\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_update_again AFTER UPDATE ON \"rooms\" REFERENCING OLD TABLE AS signals_old NEW TABLE AS signals_new FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_rooms_update_again\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_delete AFTER DELETE ON \"rooms\" REFERENCING OLD TABLE AS signals_old FOR EACH STATEMENT WHEN (coalesce(current_setting('signals.capture_floor', true), '') = '') EXECUTE FUNCTION \"signals_capture_rooms_delete\"()");

            migrationBuilder.Sql("CREATE TRIGGER signals_capture_delete_again AFTER DELETE ON \"rooms\" REFERENCING OLD TABLE AS signals_old FOR EACH STATEMENT WHEN (current_setting('signals.capture_floor', true) <> '') EXECUTE FUNCTION \"signals_capture_rooms_delete_again\"()");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS \"signals_capture_rooms\"()");
        }
    }
}
