-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Every user belongs to exactly one organisation: a partner console, a
-- customer, or the platform operator. Consoles and customers extend it.
CREATE TABLE organisations (
    id         bigserial PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('console', 'customer', 'operator')),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE consoles (
    id                 bigint PRIMARY KEY REFERENCES organisations(id),
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    public_reseller_id text NOT NULL UNIQUE CHECK (public_reseller_id ~ '^[A-Z2-9]{4}-[A-Z2-9]{4}$'),
    country            char(2) NOT NULL,
    default_currency   char(3) NOT NULL,
    tier               text NOT NULL CHECK (tier IN ('direct', 'two_tier')),
    distributor_name   text NOT NULL DEFAULT '',
    status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    CHECK (tier = 'direct' OR distributor_name <> '')
);
CREATE INDEX consoles_name_idx ON consoles (lower(name), id);
CREATE INDEX consoles_created_idx ON consoles (created_at, id);

CREATE TABLE customers (
    id             bigint PRIMARY KEY REFERENCES organisations(id),
    console_id     bigint REFERENCES consoles(id),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- The list sorts, pages and searches on lower(name). Stored, because
    -- lower() under a UTF-8 locale costs ~1 µs a row when a search filters
    -- rows (see docs/BENCH.md), and so that the keyset cursor takes the
    -- database's own key.
    name_key       text GENERATED ALWAYS AS (lower(name)) STORED,
    domain         text NOT NULL CHECK (domain = lower(domain)),
    tenant_id      uuid NOT NULL UNIQUE,
    country        char(2) NOT NULL,
    channel        text NOT NULL CHECK (channel IN ('direct', 'reseller')),
    contact_name   text NOT NULL DEFAULT '',
    contact_email  text NOT NULL DEFAULT '',
    contact_phone  text NOT NULL DEFAULT '',
    tos_accepted_at timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    CHECK ((channel = 'direct') = (console_id IS NULL))
);
-- Domains are unique platform-wide; the "C" collation serves prefix search.
CREATE UNIQUE INDEX customers_domain_key ON customers (domain COLLATE "C");
CREATE INDEX customers_console_name_idx ON customers (console_id, name_key, id);
CREATE INDEX customers_console_created_idx ON customers (console_id, created_at, id);
CREATE INDEX customers_name_idx ON customers (name_key, id);
CREATE INDEX customers_created_idx ON customers (created_at, id);
CREATE INDEX customers_name_trgm ON customers USING gin (name_key gin_trgm_ops);

CREATE TABLE users (
    id                     bigserial PRIMARY KEY,
    organisation_id        bigint NOT NULL REFERENCES organisations(id),
    email                  text NOT NULL CHECK (email = lower(email)),
    name                   text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    password_hash          text NOT NULL,
    role                   text NOT NULL CHECK (role IN (
        'super_admin', 'admin_agent', 'sales_agent', 'helpdesk_agent',
        'customer_admin', 'customer_billing', 'customer_viewer',
        'support_engineer', 'sales_rep', 'operator_admin')),
    can_add_customers      boolean NOT NULL DEFAULT false,
    can_migrate_customers  boolean NOT NULL DEFAULT false,
    locale                 text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'fr', 'ja')),
    time_zone              text NOT NULL DEFAULT 'UTC',
    disabled_at            timestamptz,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_org_name_idx ON users (organisation_id, lower(name), id);

-- Server-side sessions: the cookie holds only the random id; its hash is the key.
CREATE TABLE user_sessions (
    id_hash      bytea PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users(id),
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    ip           text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT '',
    revoked_at   timestamptz
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id, created_at DESC);

-- Failed sign-ins, for throttling per account and per address.
CREATE TABLE sign_in_failures (
    id    bigserial PRIMARY KEY,
    email text NOT NULL,
    ip    text NOT NULL,
    at    timestamptz NOT NULL
);
CREATE INDEX sign_in_failures_email_idx ON sign_in_failures (email, at);
CREATE INDEX sign_in_failures_ip_idx ON sign_in_failures (ip, at);

CREATE TABLE billing_accounts (
    id           bigserial PRIMARY KEY,
    console_id   bigint NOT NULL REFERENCES consoles(id),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    currency     char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    legal_entity text NOT NULL CHECK (length(legal_entity) BETWEEN 1 AND 200),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX billing_accounts_console_idx ON billing_accounts (console_id, lower(name), id);

CREATE TABLE products (
    id              bigserial PRIMARY KEY,
    sku             text NOT NULL UNIQUE,
    name            text NOT NULL,
    family          text NOT NULL CHECK (family IN ('workspace', 'meet_hardware', 'chrome', 'voice', 'cloud', 'office365', 'onprem')),
    max_quantity    integer NOT NULL CHECK (max_quantity > 0),
    versions        text[] NOT NULL DEFAULT '{}',
    languages       text[] NOT NULL DEFAULT '{}',
    bitness         text[] NOT NULL DEFAULT '{}',
    downgrade_rights boolean NOT NULL DEFAULT false
);

CREATE TABLE prices (
    product_id       bigint NOT NULL REFERENCES products(id),
    plan             text NOT NULL CHECK (plan IN ('flexible', 'annual_monthly', 'annual_prepaid', 'trial')),
    currency         char(3) NOT NULL,
    unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
    PRIMARY KEY (product_id, plan, currency)
);

CREATE TABLE subscriptions (
    id                 bigserial PRIMARY KEY,
    customer_id        bigint NOT NULL REFERENCES customers(id),
    console_id         bigint REFERENCES consoles(id),
    product_id         bigint NOT NULL REFERENCES products(id),
    quantity           integer NOT NULL CHECK (quantity > 0),
    plan               text NOT NULL CHECK (plan IN ('flexible', 'annual_monthly', 'annual_prepaid', 'trial')),
    channel            text NOT NULL CHECK (channel IN ('online', 'offline')),
    status             text NOT NULL CHECK (status IN ('active', 'suspended')),
    suspension_reasons text[] NOT NULL DEFAULT '{}' CHECK (suspension_reasons <@ ARRAY[
        'reseller_initiated', 'trial_ended', 'non_payment', 'pending_tos_acceptance', 'renewal_with_cancel', 'other']::text[]),
    start_date         date NOT NULL,
    end_date           date NOT NULL,
    renewal_option     text NOT NULL CHECK (renewal_option IN ('auto_renew', 'renew_manually', 'cancel_at_end')),
    billing_account_id bigint REFERENCES billing_accounts(id),
    po_number          text NOT NULL DEFAULT '' CHECK (length(po_number) <= 80),
    distributor_name   text NOT NULL DEFAULT '',
    first_invoice_date date,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    CHECK ((status = 'suspended') = (cardinality(suspension_reasons) > 0)),
    CHECK (end_date >= start_date)
);
CREATE INDEX subscriptions_customer_idx ON subscriptions (customer_id, id);
CREATE INDEX subscriptions_console_idx ON subscriptions (console_id, id);

-- Append-only audit log. One row per organisation whose log shows the event.
CREATE TABLE audit_events (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES organisations(id),
    actor_user_id   bigint REFERENCES users(id),
    actor_name      text NOT NULL,
    action          text NOT NULL,
    record_type     text NOT NULL,
    record_id       bigint NOT NULL,
    before          jsonb,
    after           jsonb,
    ip              text NOT NULL DEFAULT '',
    at              timestamptz NOT NULL
);
CREATE INDEX audit_events_org_idx ON audit_events (organisation_id, id DESC);
CREATE INDEX audit_events_record_idx ON audit_events (record_type, record_id, id DESC);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_user_id, id DESC);
CREATE INDEX audit_events_action_idx ON audit_events (action, id DESC);

-- The audit log is append-only: no update, no delete.
-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- +goose Down
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE subscriptions;
DROP TABLE prices;
DROP TABLE products;
DROP TABLE billing_accounts;
DROP TABLE sign_in_failures;
DROP TABLE user_sessions;
DROP TABLE users;
DROP TABLE customers;
DROP TABLE consoles;
DROP TABLE organisations;
