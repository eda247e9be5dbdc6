-- +goose Up
-- Delegated administration (issue 11, R-PK-2, seed 003). The desk enrols a
-- console in the cloud-essentials programme; an enrolled console offers
-- delegated admin to one of its customers; the customer's admin accepts or
-- declines; the customer ends an accepted relationship, the console
-- withdraws an offer. Until accepted, the console can do no admin task for
-- the customer.
ALTER TABLE consoles ADD COLUMN cloud_essentials boolean NOT NULL DEFAULT false;

CREATE TABLE delegated_admin_relationships (
    id            bigserial PRIMARY KEY,
    console_id    bigint NOT NULL REFERENCES consoles(id),
    customer_id   bigint NOT NULL REFERENCES customers(id),
    message       text NOT NULL CHECK (length(message) BETWEEN 1 AND 2000),
    state         text NOT NULL CHECK (state IN ('offered', 'accepted', 'declined', 'ended', 'withdrawn')),
    -- Every move changes the version once: a move is an UPDATE … WHERE
    -- version = the one read, so a double click or a race changes it once.
    version       integer NOT NULL DEFAULT 1,
    offered_by    bigint REFERENCES users(id),
    offered_at    timestamptz NOT NULL,
    answered_by   bigint REFERENCES users(id), -- accepted or declined
    answered_at   timestamptz,
    ended_by      bigint REFERENCES users(id), -- ended (customer) or withdrawn (console)
    ended_at      timestamptz,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CHECK (state = 'offered' OR state = 'withdrawn' OR answered_at IS NOT NULL),
    CHECK ((state IN ('ended', 'withdrawn')) = (ended_at IS NOT NULL))
);
-- At most one live (offered or accepted) relationship per console and customer.
CREATE UNIQUE INDEX delegated_admin_live_idx ON delegated_admin_relationships (console_id, customer_id)
    WHERE state IN ('offered', 'accepted');
-- The customers list's extra arm (R-ROLE-6's exception): the customers that
-- granted this console delegated admin.
CREATE INDEX delegated_admin_accepted_idx ON delegated_admin_relationships (console_id, customer_id)
    WHERE state = 'accepted';
-- The customer portal's list of its offers and relationships.
CREATE INDEX delegated_admin_customer_idx ON delegated_admin_relationships (customer_id, id);

-- +goose Down
DROP TABLE delegated_admin_relationships;
ALTER TABLE consoles DROP COLUMN cloud_essentials;
