-- +goose Up
-- Two-factor sign-in (R-ROLE-7, issue 8 §1).

-- One authenticator per user. The TOTP seed is sealed with AES-256-GCM under
-- ENCRYPTION_KEY (never stored in clear). confirmed_at is NULL while the user
-- enrols (the seed is shown, no code has matched yet). last_step is the
-- RFC 6238 time-step of the last accepted code: a code works once.
CREATE TABLE user_second_factors (
    user_id      bigint PRIMARY KEY REFERENCES users(id),
    totp_seed    bytea NOT NULL,
    confirmed_at timestamptz,
    last_step    bigint NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- Ten single-use recovery codes per user, stored as SHA-256 of ~79-bit codes.
CREATE TABLE recovery_codes (
    user_id    bigint NOT NULL REFERENCES users(id),
    code_hash  bytea NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- Wrong codes, for throttling per account (counted under the lock of the
-- user's user_second_factors row, so parallel guesses are counted too).
CREATE TABLE second_factor_failures (
    id      bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users(id),
    at      timestamptz NOT NULL
);
CREATE INDEX second_factor_failures_user_idx ON second_factor_failures (user_id, at);

-- A session opened by a correct password still needs its second step:
-- 'code' (enter a code) or 'enrol' (set up an authenticator first); '' is a
-- fully signed-in session. second_factor_at is when a code last passed in
-- this session (step-up freshness).
ALTER TABLE user_sessions
    ADD COLUMN pending text NOT NULL DEFAULT '' CHECK (pending IN ('', 'code', 'enrol')),
    ADD COLUMN second_factor_at timestamptz;

-- +goose Down
ALTER TABLE user_sessions DROP COLUMN second_factor_at, DROP COLUMN pending;
DROP TABLE second_factor_failures;
DROP TABLE recovery_codes;
DROP TABLE user_second_factors;
