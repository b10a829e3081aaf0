-- Signals schema for PostgreSQL (13 or later), for teams that manage their schema by hand.
-- It creates exactly what EF Core migrations create for modelBuilder.AddSignalsOutbox() with the default names, in the
-- connection's default schema. Idempotent: every statement is IF NOT EXISTS (or, for the key collation at the end, checks first), so
-- running it again changes nothing.

-- Outbox ids come from this sequence, drawn only once the writing transaction has its id (the CASE fixes the order of
-- evaluation): the dispatcher relies on it to know which ids can still commit. Keep CACHE 1 (the default).
CREATE SEQUENCE IF NOT EXISTS signals_outbox_id_seq START WITH 1 INCREMENT BY 1 NO CYCLE;

-- One row per version bump, written in the transaction of the change; xid is the writer's transaction id. A dispatcher writes
-- a row with reannounced_id set when a change committed after a newer version of its key had been published.
CREATE TABLE IF NOT EXISTS signals_outbox (
    id bigint NOT NULL DEFAULT (CASE WHEN pg_current_xact_id() IS NOT NULL THEN nextval('"signals_outbox_id_seq"') END),
    key character varying(512) COLLATE "C" NOT NULL,
    created_at timestamp with time zone NOT NULL,
    hash character varying(64),
    reannounced_id bigint,
    xid xid8 NOT NULL DEFAULT (pg_current_xact_id()),
    CONSTRAINT "PK_signals_outbox" PRIMARY KEY (id)
);

-- The latest version of every key whose outbox rows retention removed; xid is the compacting transaction's id.
CREATE TABLE IF NOT EXISTS signals_state (
    key character varying(512) COLLATE "C" NOT NULL,
    version bigint NOT NULL,
    hash character varying(64),
    updated_at timestamp with time zone NOT NULL,
    xid xid8 NOT NULL DEFAULT (pg_current_xact_id()),
    CONSTRAINT "PK_signals_state" PRIMARY KEY (key)
);

-- The values of value signals (the EF Core ISignalValueStore).
CREATE TABLE IF NOT EXISTS signals_values (
    key character varying(512) COLLATE "C" NOT NULL,
    value jsonb NOT NULL,
    hash character varying(64) NOT NULL,
    version bigint NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_signals_values" PRIMARY KEY (key)
);

-- The heartbeats of the app instances sharing this database (the mesh): one row per live instance.
CREATE TABLE IF NOT EXISTS signals_instances (
    id character varying(200) NOT NULL,
    host character varying(255) NOT NULL,
    started_at timestamp with time zone NOT NULL,
    last_seen_at timestamp with time zone NOT NULL,
    health character varying(16) NOT NULL,
    CONSTRAINT "PK_signals_instances" PRIMARY KEY (id)
);

-- The identity of this deployment's version line: one row, written by the first dispatcher to start (a random epoch that every
-- cursor the endpoints hand out carries, so a cursor from another database gets a reset).
CREATE TABLE IF NOT EXISTS signals_deployment (
    id integer NOT NULL,
    epoch character varying(32) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_signals_deployment" PRIMARY KEY (id)
);

-- The dispatchers read new rows by transaction id.
CREATE INDEX IF NOT EXISTS "IX_signals_outbox_xid" ON signals_outbox (xid);
CREATE INDEX IF NOT EXISTS "IX_signals_state_xid" ON signals_state (xid);

-- The hub reads the version of a key it does not hold by key: the latest outbox id of each key.
CREATE INDEX IF NOT EXISTS "IX_signals_outbox_key_id" ON signals_outbox (key, id);

-- A dispatcher reads the highest compacted version (the resume floor) at start without reading every key.
CREATE INDEX IF NOT EXISTS "IX_signals_state_version" ON signals_state (version);

-- At most one reannouncement per late change, whichever instance writes it first; partial, so ordinary saves never touch it.
CREATE UNIQUE INDEX IF NOT EXISTS "IX_signals_outbox_reannounced_id" ON signals_outbox (reannounced_id) WHERE reannounced_id IS NOT NULL;

-- Keys compare byte by byte (COLLATE "C"): every look-up by key then compares bytes instead of calling the C library's strcoll.
-- Tables this script created before the collation was added get it here; ALTER COLUMN rebuilds the column's indexes (and takes an
-- ACCESS EXCLUSIVE lock while it does), so it runs only where a key column has another collation.
DO $signals$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['signals_outbox', 'signals_state', 'signals_values'] LOOP
        IF EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_schema = current_schema() AND table_name = t AND column_name = 'key' AND collation_name IS DISTINCT FROM 'C') THEN
            EXECUTE format('ALTER TABLE %I ALTER COLUMN key TYPE character varying(512) COLLATE "C"', t);
        END IF;
    END LOOP;
END
$signals$;
