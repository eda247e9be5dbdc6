-- +goose Up
-- The subscription's life (issue 9, R-LIC-1..3): one row per licence or
-- plan change decided on a subscription. The form's idempotency key is
-- UNIQUE, so a double submit, a retried POST or parallel posts of one form
-- change the subscription once. The invoice job can read the quantity
-- history from it (flexible plans bill seats used, prorated by day).
CREATE TABLE subscription_changes (
    id               bigserial PRIMARY KEY,
    subscription_id  bigint NOT NULL REFERENCES subscriptions(id),
    action           text NOT NULL CHECK (action IN ('licences_added', 'renewal_changed', 'cancelled', 'suspended',
                                                     'reactivated', 'trial_ended', 'billing_set_up')),
    quantity_before  integer NOT NULL CHECK (quantity_before > 0),
    quantity_after   integer NOT NULL CHECK (quantity_after > 0),
    plan_after       text NOT NULL,
    price_minor      bigint NOT NULL DEFAULT 0 CHECK (price_minor >= 0),
    charged_minor    bigint NOT NULL DEFAULT 0 CHECK (charged_minor >= 0),
    currency         text NOT NULL DEFAULT '',
    actor_user_id    bigint REFERENCES users(id),
    idempotency_key  text UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 100),
    created_at       timestamptz NOT NULL
);
CREATE INDEX subscription_changes_sub_idx ON subscription_changes (subscription_id, id);

-- The subscriptions list per console: keyset by renewal (end date) and by
-- id, and the trial-end job's scan.
CREATE INDEX subscriptions_console_end_idx ON subscriptions (console_id, end_date, id);
CREATE INDEX subscriptions_trial_end_idx ON subscriptions (end_date, id) WHERE plan = 'trial' AND NOT trial_billing_set_up;

-- +goose Down
DROP INDEX subscriptions_trial_end_idx;
DROP INDEX subscriptions_console_end_idx;
DROP TABLE subscription_changes;
