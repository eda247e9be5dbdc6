-- +goose Up
-- Support cases (SPEC §9), their comment thread and attachments, in-app
-- notices and the email outbox (SPEC §10).

CREATE TABLE support_cases (
    id            bigserial PRIMARY KEY,
    console_id    bigint NOT NULL REFERENCES consoles(id),
    customer_id   bigint REFERENCES customers(id),
    type          text NOT NULL CHECK (type IN ('meet_offline_to_online', 'csp_refund', 'undo_migration', 'billing_question', 'other')),
    state         text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'in_progress', 'waiting_on_partner', 'resolved', 'rejected')),
    impact        text NOT NULL CHECK (impact IN ('low', 'medium', 'high', 'critical')),
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description   text NOT NULL CHECK (length(description) BETWEEN 1 AND 10000),
    fields        jsonb NOT NULL DEFAULT '{}',
    amount_minor  bigint CHECK (amount_minor > 0),
    currency      char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    contact_name  text NOT NULL,
    contact_email text NOT NULL,
    contact_phone text NOT NULL DEFAULT '',
    filed_by_id   bigint REFERENCES users(id),
    filed_by_name text NOT NULL,
    assignee_id   bigint REFERENCES users(id),
    version       integer NOT NULL DEFAULT 1 CHECK (version > 0),
    closed_at     timestamptz,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CHECK ((state IN ('resolved', 'rejected')) = (closed_at IS NOT NULL))
);
-- Lists: a console's cases and the desk queue, newest or oldest first.
CREATE INDEX support_cases_console_idx ON support_cases (console_id, created_at, id);
CREATE INDEX support_cases_created_idx ON support_cases (created_at, id);
CREATE INDEX support_cases_state_idx ON support_cases (state, created_at, id);
CREATE INDEX support_cases_customer_idx ON support_cases (customer_id, created_at, id);
CREATE INDEX support_cases_assignee_idx ON support_cases (assignee_id, created_at, id);
CREATE INDEX support_cases_title_trgm ON support_cases USING gin (lower(title) gin_trgm_ops);

CREATE TABLE case_comments (
    id          bigserial PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES support_cases(id),
    author_id   bigint REFERENCES users(id),
    author_name text NOT NULL,
    from_desk   boolean NOT NULL,
    body        text NOT NULL CHECK (length(body) <= 10000),
    internal    boolean NOT NULL DEFAULT false,
    state_from  text NOT NULL DEFAULT '',
    state_to    text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    -- Only desk staff write internal notes.
    CHECK (NOT internal OR from_desk),
    -- A comment has text, or records a state change (whose note may be empty).
    CHECK (length(body) > 0 OR state_to <> '')
);
CREATE INDEX case_comments_case_idx ON case_comments (case_id, id);

CREATE TABLE case_attachments (
    id           bigserial PRIMARY KEY,
    case_id      bigint NOT NULL REFERENCES support_cases(id),
    comment_id   bigint REFERENCES case_comments(id),
    file_name    text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg', 'text/plain', 'text/csv')),
    size         bigint NOT NULL CHECK (size > 0 AND size <= 10485760),
    data         bytea NOT NULL,
    uploaded_by  bigint REFERENCES users(id),
    created_at   timestamptz NOT NULL,
    CHECK (octet_length(data) = size)
);
CREATE INDEX case_attachments_case_idx ON case_attachments (case_id, id);
CREATE INDEX case_attachments_comment_idx ON case_attachments (comment_id);

-- In-app notices. Title and body are English message ids rendered with args
-- in the reader's language.
CREATE TABLE notifications (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users(id),
    kind       text NOT NULL CHECK (length(kind) BETWEEN 1 AND 50),
    title      text NOT NULL,
    body       text NOT NULL DEFAULT '',
    args       jsonb NOT NULL DEFAULT '{}',
    link       text NOT NULL DEFAULT '',
    read_at    timestamptz,
    created_at timestamptz NOT NULL
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- Email kinds a user turned off.
CREATE TABLE notification_email_optouts (
    user_id bigint NOT NULL REFERENCES users(id),
    kind    text NOT NULL CHECK (length(kind) BETWEEN 1 AND 50),
    PRIMARY KEY (user_id, kind)
);

-- The email outbox: written in the same transaction as the change, sent by
-- a background job with retries.
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    user_id         bigint REFERENCES users(id),
    to_email        text NOT NULL CHECK (length(to_email) BETWEEN 3 AND 254),
    to_name         text NOT NULL DEFAULT '',
    locale          text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'fr', 'ja')),
    kind            text NOT NULL CHECK (length(kind) BETWEEN 1 AND 50),
    title           text NOT NULL,
    body            text NOT NULL DEFAULT '',
    args            jsonb NOT NULL DEFAULT '{}',
    link            text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'logged', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error      text NOT NULL DEFAULT '',
    next_attempt_at timestamptz NOT NULL,
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL,
    CHECK ((status IN ('sent', 'logged')) = (sent_at IS NOT NULL))
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id) WHERE status = 'queued';
CREATE INDEX outbox_list_idx ON outbox (id DESC);
CREATE INDEX outbox_status_idx ON outbox (status, id DESC);

-- +goose Down
DROP TABLE outbox;
DROP TABLE notification_email_optouts;
DROP TABLE notifications;
DROP TABLE case_attachments;
DROP TABLE case_comments;
DROP TABLE support_cases;
