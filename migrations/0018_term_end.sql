-- +goose Up
-- The end of a subscription's term (issue 11, R-PK-3, R-PK-4, R-NOTE-2).
-- A subscription not renewed by its end date becomes 'expired' (30 days of
-- grace, full use), then 'disabled' (only the customer's administrators sign
-- in; data kept; reactivation possible) until 120 days after its end date,
-- then 'deleted' (the tenant deprovisioned; not reversible). Cancelling
-- skips the grace period. The suspended <=> reasons rule stays.
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_status_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_status_check
    CHECK (status IN ('active', 'suspended', 'ended', 'expired', 'disabled', 'deleted'));

-- When each term-state move happened (the job writes them; the page shows them).
ALTER TABLE subscriptions
    ADD COLUMN expired_at timestamptz,
    ADD COLUMN disabled_at timestamptz,
    ADD COLUMN deleted_at timestamptz;

-- The partner of record (R-PK-2), shared with issue 11's product keys
-- (0016 adds it too; both are idempotent). NULL: the selling console.
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS partner_of_record_console_id bigint REFERENCES consoles(id);

-- The term-state job's scan: subscriptions past their end date that are in
-- the term's end, or may enter it.
CREATE INDEX subscriptions_term_end_idx ON subscriptions (end_date, id)
    WHERE status IN ('active', 'suspended', 'ended', 'expired', 'disabled');

-- Renewal and reactivation from the subscription page are changes too.
ALTER TABLE subscription_changes DROP CONSTRAINT subscription_changes_action_check;
ALTER TABLE subscription_changes ADD CONSTRAINT subscription_changes_action_check
    CHECK (action IN ('licences_added', 'renewal_changed', 'cancelled', 'suspended', 'reactivated', 'trial_ended',
                      'billing_set_up', 'renewed_direct', 'term_reactivated'));

-- Each renewal notice sent (R-PK-3): one row per subscription, term (its end
-- date), notice (60, 30, 7 or 1 days before) and recipient. The UNIQUE makes
-- the daily job send each notice once across re-runs and replicas
-- (INSERT ... ON CONFLICT DO NOTHING RETURNING: only a new row is notified).
CREATE TABLE renewal_notices (
    id               bigserial PRIMARY KEY,
    subscription_id  bigint NOT NULL REFERENCES subscriptions(id),
    end_date         date NOT NULL,
    days_before      integer NOT NULL CHECK (days_before IN (60, 30, 7, 1)),
    user_id          bigint NOT NULL REFERENCES users(id),
    commitment       boolean NOT NULL,
    sent_at          timestamptz NOT NULL,
    UNIQUE (subscription_id, end_date, days_before, user_id)
);
CREATE INDEX renewal_notices_user_idx ON renewal_notices (user_id, sent_at);

-- +goose Down
DROP TABLE renewal_notices;
ALTER TABLE subscription_changes DROP CONSTRAINT subscription_changes_action_check;
DELETE FROM subscription_changes WHERE action IN ('renewed_direct', 'term_reactivated');
ALTER TABLE subscription_changes ADD CONSTRAINT subscription_changes_action_check
    CHECK (action IN ('licences_added', 'renewal_changed', 'cancelled', 'suspended', 'reactivated', 'trial_ended', 'billing_set_up'));
DROP INDEX subscriptions_term_end_idx;
-- partner_of_record_console_id stays: 0016 (product keys) owns it as well.
ALTER TABLE subscriptions DROP COLUMN deleted_at, DROP COLUMN disabled_at, DROP COLUMN expired_at;
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_status_check;
UPDATE subscriptions SET status = 'ended', ended_at = coalesce(ended_at, updated_at) WHERE status IN ('expired', 'disabled', 'deleted');
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_status_check CHECK (status IN ('active', 'suspended', 'ended'));
