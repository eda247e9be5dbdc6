-- +goose Up
-- Billing (issue 9): who pays whom, invoices and their lines, one-off
-- charges, credits, payment methods and payments. Money is bigint minor
-- units of the billing account's ISO 4217 currency (models/money).

-- A billing account belongs to a console (the reseller pays the platform)
-- or to a direct customer (the customer pays the platform).
ALTER TABLE billing_accounts
    ALTER COLUMN console_id DROP NOT NULL,
    ADD COLUMN customer_id bigint REFERENCES customers(id),
    ADD COLUMN tax_rate_bp integer NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    ADD COLUMN payment_terms_days integer NOT NULL DEFAULT 30 CHECK (payment_terms_days BETWEEN 0 AND 365),
    ADD COLUMN suspend_after_days integer NOT NULL DEFAULT 30 CHECK (suspend_after_days BETWEEN 0 AND 365),
    ADD CONSTRAINT billing_accounts_owner_check CHECK ((console_id IS NULL) <> (customer_id IS NULL));
CREATE INDEX billing_accounts_customer_idx ON billing_accounts (customer_id, id) WHERE customer_id IS NOT NULL;

ALTER TABLE subscriptions
    ADD COLUMN ended_at timestamptz,
    ADD COLUMN cancelled_at timestamptz,
    ADD COLUMN trial_billing_set_up boolean NOT NULL DEFAULT false;
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_status_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_status_check CHECK (status IN ('active', 'suspended', 'ended'));
CREATE INDEX subscriptions_billing_account_idx ON subscriptions (billing_account_id, id) WHERE billing_account_id IS NOT NULL;

-- Invoice numbers are unique per platform: INV-<year>-<6 digits>.
CREATE SEQUENCE invoice_number_seq;

-- One invoice per billing account and period: the UNIQUE makes the monthly
-- job idempotent (ON CONFLICT DO NOTHING).
CREATE TABLE invoices (
    id                 bigserial PRIMARY KEY,
    number             text NOT NULL UNIQUE,
    billing_account_id bigint NOT NULL REFERENCES billing_accounts(id),
    period_start       date NOT NULL,
    period_end         date NOT NULL,
    currency           char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    subtotal_minor     bigint NOT NULL CHECK (subtotal_minor >= 0),
    credits_minor      bigint NOT NULL DEFAULT 0 CHECK (credits_minor >= 0 AND credits_minor <= subtotal_minor),
    tax_minor          bigint NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
    total_minor        bigint NOT NULL CHECK (total_minor = subtotal_minor - credits_minor + tax_minor),
    paid_minor         bigint NOT NULL DEFAULT 0 CHECK (paid_minor >= 0 AND paid_minor <= total_minor),
    state              text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'paid', 'void')),
    issued_on          date NOT NULL,
    due_on             date NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    UNIQUE (billing_account_id, period_start),
    CHECK (period_end > period_start),
    CHECK (due_on >= issued_on),
    CHECK (state <> 'paid' OR paid_minor = total_minor)
);
CREATE INDEX invoices_account_idx ON invoices (billing_account_id, issued_on DESC, id DESC);
CREATE INDEX invoices_state_due_idx ON invoices (state, due_on);
CREATE INDEX invoices_issued_idx ON invoices (issued_on DESC, id DESC);

-- One-off charges (added licences on annual plans, cancel-now remaining
-- commitment, proration) waiting for the next invoice; invoice_id is set
-- when billed.
CREATE TABLE billing_charges (
    id                 bigserial PRIMARY KEY,
    billing_account_id bigint NOT NULL REFERENCES billing_accounts(id),
    subscription_id    bigint REFERENCES subscriptions(id),
    kind               text NOT NULL CHECK (kind IN ('licences_added', 'cancellation', 'proration', 'other')),
    description        text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    quantity           integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
    amount_minor       bigint NOT NULL CHECK (amount_minor > 0),
    currency           char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    period_start       date,
    period_end         date,
    created_at         timestamptz NOT NULL,
    invoice_id         bigint REFERENCES invoices(id),
    idempotency_key    text UNIQUE
);
CREATE INDEX billing_charges_pending_idx ON billing_charges (billing_account_id, created_at, id) WHERE invoice_id IS NULL;

CREATE TABLE invoice_lines (
    id               bigserial PRIMARY KEY,
    invoice_id       bigint NOT NULL REFERENCES invoices(id),
    subscription_id  bigint REFERENCES subscriptions(id),
    charge_id        bigint REFERENCES billing_charges(id),
    description      text NOT NULL DEFAULT '',
    product_name     text NOT NULL DEFAULT '',
    period_start     date NOT NULL,
    period_end       date NOT NULL,
    quantity         integer NOT NULL CHECK (quantity >= 0),
    unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
    amount_minor     bigint NOT NULL CHECK (amount_minor >= 0),
    po_number        text NOT NULL DEFAULT '' CHECK (length(po_number) <= 80)
);
CREATE INDEX invoice_lines_invoice_idx ON invoice_lines (invoice_id, id);
CREATE UNIQUE INDEX invoice_lines_charge_idx ON invoice_lines (charge_id) WHERE charge_id IS NOT NULL;

-- Credits (credit notes), applied to the next invoices until used up.
CREATE TABLE credits (
    id                 bigserial PRIMARY KEY,
    billing_account_id bigint NOT NULL REFERENCES billing_accounts(id),
    amount_minor       bigint NOT NULL CHECK (amount_minor > 0),
    remaining_minor    bigint NOT NULL CHECK (remaining_minor >= 0 AND remaining_minor <= amount_minor),
    currency           char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    reason             text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    source             text NOT NULL CHECK (source IN ('cancellation', 'over_payment', 'refund_approved', 'proration', 'manual')),
    created_by         bigint REFERENCES users(id),
    created_at         timestamptz NOT NULL,
    idempotency_key    text UNIQUE
);
CREATE INDEX credits_open_idx ON credits (billing_account_id, created_at, id) WHERE remaining_minor > 0;

CREATE TABLE credit_applications (
    invoice_id   bigint NOT NULL REFERENCES invoices(id),
    credit_id    bigint NOT NULL REFERENCES credits(id),
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    PRIMARY KEY (invoice_id, credit_id)
);
CREATE INDEX credit_applications_credit_idx ON credit_applications (credit_id);

-- Payment methods: only the processor's token, brand, last 4 and expiry;
-- the full card number is never stored.
CREATE TABLE payment_methods (
    id                 bigserial PRIMARY KEY,
    billing_account_id bigint NOT NULL REFERENCES billing_accounts(id),
    processor          text NOT NULL,
    token              text NOT NULL,
    brand              text NOT NULL DEFAULT '',
    last4              char(4) NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
    exp_month          integer NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
    exp_year           integer NOT NULL CHECK (exp_year BETWEEN 2000 AND 2100),
    is_primary         boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL,
    removed_at         timestamptz
);
CREATE INDEX payment_methods_account_idx ON payment_methods (billing_account_id, id);
CREATE UNIQUE INDEX payment_methods_one_primary ON payment_methods (billing_account_id) WHERE is_primary AND removed_at IS NULL;

CREATE TABLE payments (
    id                 bigserial PRIMARY KEY,
    billing_account_id bigint NOT NULL REFERENCES billing_accounts(id),
    payment_method_id  bigint REFERENCES payment_methods(id),
    amount_minor       bigint NOT NULL CHECK (amount_minor > 0),
    currency           char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    kind               text NOT NULL CHECK (kind IN ('manual', 'automatic')),
    state              text NOT NULL CHECK (state IN ('succeeded', 'declined', 'pending_retry')),
    processor_ref      text NOT NULL DEFAULT '',
    decline_reason     text NOT NULL DEFAULT '',
    idempotency_key    text NOT NULL UNIQUE,
    created_by         bigint REFERENCES users(id),
    created_at         timestamptz NOT NULL
);
CREATE INDEX payments_account_idx ON payments (billing_account_id, created_at DESC, id DESC);

CREATE TABLE payment_allocations (
    payment_id   bigint NOT NULL REFERENCES payments(id),
    invoice_id   bigint NOT NULL REFERENCES invoices(id),
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    PRIMARY KEY (payment_id, invoice_id)
);
CREATE INDEX payment_allocations_invoice_idx ON payment_allocations (invoice_id);

-- +goose Down
DROP TABLE payment_allocations;
DROP TABLE payments;
DROP TABLE payment_methods;
DROP TABLE credit_applications;
DROP TABLE credits;
DROP TABLE invoice_lines;
DROP TABLE billing_charges;
DROP TABLE invoices;
DROP SEQUENCE invoice_number_seq;
DROP INDEX subscriptions_billing_account_idx;
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_status_check;
UPDATE subscriptions SET status = 'suspended', suspension_reasons = ARRAY['other'] WHERE status = 'ended';
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_status_check CHECK (status IN ('active', 'suspended'));
ALTER TABLE subscriptions DROP COLUMN trial_billing_set_up, DROP COLUMN cancelled_at, DROP COLUMN ended_at;
DROP INDEX billing_accounts_customer_idx;
DELETE FROM billing_accounts WHERE console_id IS NULL;
ALTER TABLE billing_accounts
    DROP CONSTRAINT billing_accounts_owner_check,
    DROP COLUMN suspend_after_days,
    DROP COLUMN payment_terms_days,
    DROP COLUMN tax_rate_bp,
    DROP COLUMN customer_id,
    ALTER COLUMN console_id SET NOT NULL;
