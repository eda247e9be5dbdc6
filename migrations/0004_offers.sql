-- +goose Up
-- Transfer tokens, offers and the Google Meet hardware offline → online
-- migration (SPEC §3, §4).

-- A temporary online grace plan is where support parks an offline Meet
-- hardware subscription while it moves online (R-MEET-2 step 4).
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_plan_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_plan_check
    CHECK (plan IN ('flexible', 'annual_monthly', 'annual_prepaid', 'trial', 'grace'));
-- The renewal job walks subscriptions by end date.
CREATE INDEX subscriptions_end_date_idx ON subscriptions (end_date, id);
CREATE INDEX subscriptions_product_idx ON subscriptions (customer_id, product_id, id);

-- A customer admin's transfer token for one reseller console (R-TOK-1). Only
-- the SHA-256 of the token is kept; the token itself is shown once.
CREATE TABLE transfer_tokens (
    id            bigserial PRIMARY KEY,
    customer_id   bigint NOT NULL REFERENCES customers(id),
    console_id    bigint NOT NULL REFERENCES consoles(id),
    token_hash    bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_by_id bigint REFERENCES users(id),
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz,
    used_offer_id bigint,
    revoked_at    timestamptz,
    replaced_by_id bigint REFERENCES transfer_tokens(id),
    CHECK (expires_at > created_at),
    CHECK (used_at IS NULL OR revoked_at IS NULL),
    CHECK ((used_at IS NULL) = (used_offer_id IS NULL))
);
CREATE INDEX transfer_tokens_customer_idx ON transfer_tokens (customer_id, created_at DESC, id DESC);
CREATE INDEX transfer_tokens_console_idx ON transfer_tokens (console_id, created_at DESC, id DESC);

-- Every redemption attempt by a console, for throttling (per console) and
-- for the record. A failed attempt changes nothing else.
CREATE TABLE token_redemption_attempts (
    id         bigserial PRIMARY KEY,
    console_id bigint NOT NULL REFERENCES consoles(id),
    user_id    bigint REFERENCES users(id),
    outcome    text NOT NULL CHECK (outcome IN ('ok', 'wrong', 'expired', 'revoked', 'used', 'other_console', 'wrong_domain')),
    at         timestamptz NOT NULL
);
CREATE INDEX token_redemption_attempts_console_idx ON token_redemption_attempts (console_id, at);

-- The Meet hardware migration tracker (R-MEET-2, R-MEET-3): one per
-- customer at a time; its steps are rows of meet_migration_steps.
CREATE TABLE meet_migrations (
    id              bigserial PRIMARY KEY,
    customer_id     bigint NOT NULL REFERENCES customers(id),
    console_id      bigint REFERENCES consoles(id),
    path            text NOT NULL CHECK (path IN ('reseller', 'direct')),
    state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'cancelled')),
    subscription_id bigint NOT NULL REFERENCES subscriptions(id),
    renewal_date    date NOT NULL,
    case_id         bigint REFERENCES support_cases(id),
    token_id        bigint REFERENCES transfer_tokens(id),
    offer_id        bigint,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CHECK ((path = 'direct') = (console_id IS NULL))
);
CREATE UNIQUE INDEX meet_migrations_open_key ON meet_migrations (customer_id) WHERE state = 'open';
CREATE INDEX meet_migrations_customer_idx ON meet_migrations (customer_id, id DESC);
CREATE INDEX meet_migrations_console_idx ON meet_migrations (console_id, id DESC);
CREATE UNIQUE INDEX meet_migrations_case_key ON meet_migrations (case_id) WHERE case_id IS NOT NULL;

CREATE TABLE meet_migration_steps (
    migration_id  bigint NOT NULL REFERENCES meet_migrations(id),
    step          smallint NOT NULL CHECK (step BETWEEN 1 AND 9),
    done_at       timestamptz NOT NULL,
    actor_user_id bigint REFERENCES users(id),
    actor_name    text NOT NULL,
    note          text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    PRIMARY KEY (migration_id, step)
);

-- Offers (R-OFF-1..5). console_id is null for a direct offer made by the
-- platform's sales staff (R-MEET-3).
CREATE TABLE offers (
    id                 bigserial PRIMARY KEY,
    console_id         bigint REFERENCES consoles(id),
    customer_id        bigint NOT NULL REFERENCES customers(id),
    product_id         bigint NOT NULL REFERENCES products(id),
    quantity           integer NOT NULL CHECK (quantity > 0),
    plan               text NOT NULL CHECK (plan IN ('flexible', 'annual_monthly', 'annual_prepaid', 'trial')),
    unit_price_minor   bigint NOT NULL CHECK (unit_price_minor >= 0),
    list_price_minor   bigint CHECK (list_price_minor >= 0),
    currency           char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    billing_account_id bigint REFERENCES billing_accounts(id),
    start_date         date NOT NULL,
    expires_on         date NOT NULL,
    message            text NOT NULL DEFAULT '' CHECK (length(message) <= 2000),
    po_number          text NOT NULL DEFAULT '' CHECK (length(po_number) <= 80),
    state              text NOT NULL CHECK (state IN ('draft', 'sent', 'accepted', 'declined', 'expired', 'withdrawn')),
    transfer_token_id  bigint REFERENCES transfer_tokens(id),
    migration_id       bigint REFERENCES meet_migrations(id),
    subscription_id    bigint REFERENCES subscriptions(id),
    created_by_id      bigint REFERENCES users(id),
    created_by_name    text NOT NULL,
    sent_at            timestamptz,
    decided_at         timestamptz,
    decided_by_id      bigint REFERENCES users(id),
    decided_by_name    text NOT NULL DEFAULT '',
    decline_reason     text NOT NULL DEFAULT '' CHECK (length(decline_reason) <= 1000),
    reminded_at        timestamptz,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    CHECK ((console_id IS NULL) = (billing_account_id IS NULL)),
    CHECK ((state = 'accepted') = (subscription_id IS NOT NULL)),
    CHECK (state IN ('draft', 'withdrawn') OR sent_at IS NOT NULL),
    CHECK (state NOT IN ('accepted', 'declined') OR decided_at IS NOT NULL),
    CHECK (state <> 'declined' OR decline_reason <> '')
);
CREATE INDEX offers_console_idx ON offers (console_id, created_at DESC, id DESC);
CREATE INDEX offers_customer_idx ON offers (customer_id, created_at DESC, id DESC);
CREATE INDEX offers_created_idx ON offers (created_at DESC, id DESC);
-- The expiry and reminder job.
CREATE INDEX offers_sent_expiry_idx ON offers (expires_on, id) WHERE state = 'sent';
-- A token backs at most one open offer at a time.
CREATE UNIQUE INDEX offers_open_token_key ON offers (transfer_token_id)
    WHERE transfer_token_id IS NOT NULL AND state IN ('draft', 'sent');
CREATE INDEX offers_po_trgm ON offers USING gin (lower(po_number) gin_trgm_ops);

ALTER TABLE transfer_tokens ADD CONSTRAINT transfer_tokens_used_offer_fk FOREIGN KEY (used_offer_id) REFERENCES offers(id);
ALTER TABLE meet_migrations ADD CONSTRAINT meet_migrations_offer_fk FOREIGN KEY (offer_id) REFERENCES offers(id);

-- +goose Down
ALTER TABLE meet_migrations DROP CONSTRAINT meet_migrations_offer_fk;
ALTER TABLE transfer_tokens DROP CONSTRAINT transfer_tokens_used_offer_fk;
DROP TABLE offers;
DROP TABLE meet_migration_steps;
DROP TABLE meet_migrations;
DROP TABLE token_redemption_attempts;
DROP TABLE transfer_tokens;
DROP INDEX subscriptions_product_idx;
DROP INDEX subscriptions_end_date_idx;
UPDATE subscriptions SET plan = 'flexible' WHERE plan = 'grace';
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_plan_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_plan_check
    CHECK (plan IN ('flexible', 'annual_monthly', 'annual_prepaid', 'trial'));
