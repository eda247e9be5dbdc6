-- +goose Up
-- Office 365 product keys (issue 11, SPEC §6, seed 003, R-PK-1): key cards a
-- console holds, the Redeem wizard's server-side drafts, invitations that
-- let a new customer admin set a password, licence assignments, and the
-- partner of record of a subscription.

-- The catalogue's Office 365 plans: add Microsoft 365 Business Standard if
-- missing (O365-E1, O365-E3 and O365-BB come from 0002).
INSERT INTO products (sku, name, family, max_quantity, versions, languages, bitness, downgrade_rights)
VALUES ('M365-BSD', 'Microsoft 365 Business Standard', 'office365', 300, '{}', '{}', '{}', false)
ON CONFLICT (sku) DO NOTHING;
INSERT INTO prices (product_id, plan, currency, unit_price_minor)
SELECT p.id, v.plan, c.currency, round(v.base * c.rate)::bigint
FROM products p
JOIN (VALUES ('flexible', 1500), ('annual_monthly', 1250), ('annual_prepaid', 15000)) AS v(plan, base) ON true
CROSS JOIN (VALUES ('USD', 1.0), ('EUR', 0.93), ('GBP', 0.80), ('CHF', 0.90), ('SEK', 10.5), ('CAD', 1.36), ('AUD', 1.52),
                   ('JPY', 1.5)) AS c(currency, rate)
WHERE p.sku = 'M365-BSD'
ON CONFLICT DO NOTHING;

-- The partner of record (POR) of a subscription: the console that set it
-- up with product keys; it receives the renewal notices (R-PK-2, R-PK-3).
-- NULL: the customer's console. (0018 adds it too, if missing.)
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS partner_of_record_console_id bigint REFERENCES consoles(id);

-- The Redeem wizard of one partner user, kept on the server: the partner
-- resumes where it stopped. One open draft per console and user.
CREATE TABLE redemption_drafts (
    id              bigserial PRIMARY KEY,
    console_id      bigint NOT NULL REFERENCES consoles(id),
    user_id         bigint NOT NULL REFERENCES users(id),
    step            text NOT NULL DEFAULT 'instructions' CHECK (step IN ('instructions', 'keys', 'review', 'account')),
    acknowledged_at timestamptz,
    customer_id     bigint REFERENCES customers(id),
    completed_at    timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CHECK ((completed_at IS NULL) = (customer_id IS NULL)),
    CHECK (step = 'instructions' OR acknowledged_at IS NOT NULL)
);
CREATE UNIQUE INDEX redemption_drafts_open_key ON redemption_drafts (console_id, user_id) WHERE completed_at IS NULL;

-- Key cards: one Office 365 product key each, loaded by the desk for a
-- console (generated in local mode, imported from a distributor's CSV).
-- The key is sealed with AES-GCM under ENCRYPTION_KEY (key_sealed, bound
-- to its hash); only its SHA-256 (key_hash) is searchable and its last
-- five characters shown. A checked key is reserved to a draft until
-- reserved_until (24 h); a reservation that ran out counts as available.
CREATE TABLE product_key_cards (
    id                       bigserial PRIMARY KEY,
    console_id               bigint NOT NULL REFERENCES consoles(id),
    product_id               bigint NOT NULL REFERENCES products(id),
    term_months              integer NOT NULL CHECK (term_months BETWEEN 1 AND 36),
    seats                    integer NOT NULL CHECK (seats BETWEEN 1 AND 100000),
    key_hash                 bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    key_sealed               bytea NOT NULL,
    key_last5                text NOT NULL CHECK (key_last5 ~ '^[A-Z0-9]{5}$'),
    state                    text NOT NULL DEFAULT 'available' CHECK (state IN ('available', 'reserved', 'used')),
    reserved_draft_id        bigint REFERENCES redemption_drafts(id),
    reserved_until           timestamptz,
    used_at                  timestamptz,
    used_for_subscription_id bigint REFERENCES subscriptions(id),
    source                   text NOT NULL CHECK (source IN ('generated', 'imported', 'demo')),
    loaded_by                bigint REFERENCES users(id),
    created_at               timestamptz NOT NULL,
    CHECK ((state = 'reserved') = (reserved_draft_id IS NOT NULL AND reserved_until IS NOT NULL)),
    CHECK ((state = 'used') = (used_at IS NOT NULL AND used_for_subscription_id IS NOT NULL))
);
CREATE INDEX product_key_cards_console_idx ON product_key_cards (console_id, id DESC);
CREATE INDEX product_key_cards_draft_idx ON product_key_cards (reserved_draft_id) WHERE reserved_draft_id IS NOT NULL;
CREATE INDEX product_key_cards_subscription_idx ON product_key_cards (used_for_subscription_id) WHERE used_for_subscription_id IS NOT NULL;

-- Invitations: a link that lets an invited user set a password, once,
-- before it expires. Only the token's SHA-256 is stored.
CREATE TABLE user_invitations (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users(id),
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL
);
CREATE INDEX user_invitations_user_idx ON user_invitations (user_id, id DESC);

-- Licences assigned to users: a subscription's seat held by a person
-- (the customer admin a redemption names gets one).
CREATE TABLE licence_assignments (
    id              bigserial PRIMARY KEY,
    subscription_id bigint NOT NULL REFERENCES subscriptions(id),
    user_id         bigint NOT NULL REFERENCES users(id),
    assigned_at     timestamptz NOT NULL,
    UNIQUE (subscription_id, user_id)
);
CREATE INDEX licence_assignments_user_idx ON licence_assignments (user_id);

-- +goose Down
DROP TABLE licence_assignments;
DROP TABLE user_invitations;
DROP TABLE product_key_cards;
DROP TABLE redemption_drafts;
ALTER TABLE subscriptions DROP COLUMN IF EXISTS partner_of_record_console_id;
DELETE FROM prices WHERE product_id IN (SELECT id FROM products WHERE sku = 'M365-BSD');
DELETE FROM products WHERE sku = 'M365-BSD';
