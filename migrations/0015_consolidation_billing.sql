-- +goose Up
-- Console consolidation, the rest (issue 12, SPEC §8).
--
-- subscription_moves records each day a subscription changed billing account
-- through a customer migration (or its undo): from which account, to which,
-- on which day. The monthly invoice bills each account for the days the
-- subscription was its own (R-CON-9): on a migration on the day D the source
-- is billed up to D−1 and the main from D.
CREATE TABLE subscription_moves (
    id               bigserial PRIMARY KEY,
    subscription_id  bigint NOT NULL REFERENCES subscriptions(id),
    from_account_id  bigint REFERENCES billing_accounts(id),
    to_account_id    bigint REFERENCES billing_accounts(id),
    moved_on         date NOT NULL,
    migration_id     bigint REFERENCES customer_migrations(id),
    created_at       timestamptz NOT NULL
);
CREATE INDEX subscription_moves_sub_idx ON subscription_moves (subscription_id, moved_on, id);
CREATE INDEX subscription_moves_from_idx ON subscription_moves (from_account_id);
CREATE INDEX subscription_moves_to_idx ON subscription_moves (to_account_id);

-- A bulk completion of customer migrations at the main console (R-BULK-1),
-- worked by a background job: one item per customer, done or failed with
-- its reason. account_ids are the chosen billing accounts (a JSON array).
CREATE TABLE migration_batches (
    id           bigserial PRIMARY KEY,
    console_id   bigint NOT NULL REFERENCES consoles(id),
    created_by   bigint NOT NULL REFERENCES users(id),
    account_ids  jsonb NOT NULL DEFAULT '[]',
    confirmed    boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    finished_at  timestamptz
);
CREATE INDEX migration_batches_console_idx ON migration_batches (console_id, id);
CREATE INDEX migration_batches_open_idx ON migration_batches (id) WHERE finished_at IS NULL;

CREATE TABLE migration_batch_items (
    batch_id     bigint NOT NULL REFERENCES migration_batches(id),
    customer_id  bigint NOT NULL REFERENCES customers(id),
    position     int NOT NULL,
    state        text NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    name         text NOT NULL DEFAULT '',
    message      text NOT NULL DEFAULT '',
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (batch_id, customer_id)
);

-- +goose Down
DROP TABLE migration_batch_items;
DROP TABLE migration_batches;
DROP TABLE subscription_moves;
