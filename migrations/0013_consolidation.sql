-- +goose Up
-- Console consolidation (issue 12, SPEC §8, seed 002). A main console invites
-- a source console by its public reseller id; the source accepts; either side
-- closes. A source has at most one open (sent or accepted) connection: the
-- partial unique index makes two mains inviting one source at the same moment
-- end with one winner (R-CON-3).
CREATE TABLE console_connections (
    id                 bigserial PRIMARY KEY,
    main_console_id    bigint NOT NULL REFERENCES consoles(id),
    source_console_id  bigint NOT NULL REFERENCES consoles(id),
    state              text NOT NULL CHECK (state IN ('sent', 'accepted', 'closed')),
    invited_by         bigint REFERENCES users(id),
    accepted_at        timestamptz,
    closed_at          timestamptz,
    closed_by          bigint REFERENCES users(id),
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    CHECK (main_console_id <> source_console_id),
    CHECK (state <> 'accepted' OR accepted_at IS NOT NULL),
    CHECK ((state = 'closed') = (closed_at IS NOT NULL))
);
CREATE UNIQUE INDEX console_connections_one_open_idx ON console_connections (source_console_id) WHERE state <> 'closed';
CREATE INDEX console_connections_main_idx ON console_connections (main_console_id, id);

-- One row per customer of a connected source: its readiness (R-CON-4,
-- R-CON-5), recomputed by a periodic job and on Refresh, then its migration.
-- reasons lists why a customer is not ready, with the details shown.
CREATE TABLE customer_migrations (
    id             bigserial PRIMARY KEY,
    connection_id  bigint NOT NULL REFERENCES console_connections(id),
    customer_id    bigint NOT NULL REFERENCES customers(id),
    state          text NOT NULL CHECK (state IN ('ready', 'not_ready', 'started', 'migrating', 'done', 'failed')),
    reasons        jsonb NOT NULL DEFAULT '[]',
    computed_at    timestamptz NOT NULL,
    result         text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    UNIQUE (connection_id, customer_id)
);
CREATE INDEX customer_migrations_computed_idx ON customer_migrations (computed_at, id);

-- +goose Down
DROP TABLE customer_migrations;
DROP TABLE console_connections;
