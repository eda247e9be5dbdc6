-- +goose Up
-- On-premises software bought on behalf of customers (issue 10, SPEC §5,
-- seed 001, R-SW-1..6).

-- The catalogue: products with their key format (R-SW-3) and their
-- versions: the current one (rank 0) and, where the product has downgrade
-- rights (R-SW-5), n-1 (rank 1) and n-2 (rank 2). Languages and bitness are
-- the choices offered for each version's bits.
CREATE TABLE software_products (
    id              bigserial PRIMARY KEY,
    sku             text NOT NULL UNIQUE CHECK (length(sku) BETWEEN 1 AND 60),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    key_format      text NOT NULL DEFAULT '5x5' CHECK (key_format IN ('5x5')),
    downgrade_rights boolean NOT NULL DEFAULT false,
    languages       text[] NOT NULL DEFAULT '{en}',
    bitness         text[] NOT NULL DEFAULT '{64}',
    created_at      timestamptz NOT NULL
);

CREATE TABLE software_versions (
    id          bigserial PRIMARY KEY,
    product_id  bigint NOT NULL REFERENCES software_products(id),
    version     text NOT NULL CHECK (length(version) BETWEEN 1 AND 40),
    rank        smallint NOT NULL CHECK (rank BETWEEN 0 AND 2),
    UNIQUE (product_id, version),
    UNIQUE (product_id, rank)
);

-- Price of one licence (perpetual) per currency.
CREATE TABLE software_prices (
    product_id       bigint NOT NULL REFERENCES software_products(id),
    currency         char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    unit_price_minor bigint NOT NULL CHECK (unit_price_minor > 0),
    PRIMARY KEY (product_id, currency)
);

-- Orders: placed by a console for one of its customers, charged to a
-- billing account. The history stays with the console that placed it.
CREATE SEQUENCE software_order_number_seq;
CREATE TABLE software_orders (
    id                 bigserial PRIMARY KEY,
    number             text NOT NULL UNIQUE CHECK (number ~ '^SW-[0-9]{4}-[0-9]{6,}$'),
    console_id         bigint NOT NULL REFERENCES consoles(id),
    customer_id        bigint NOT NULL REFERENCES customers(id),
    billing_account_id bigint NOT NULL REFERENCES billing_accounts(id),
    po_number          text NOT NULL DEFAULT '' CHECK (length(po_number) <= 60),
    currency           char(3) NOT NULL,
    total_minor        bigint NOT NULL CHECK (total_minor > 0),
    state              text NOT NULL DEFAULT 'placed' CHECK (state IN ('placed', 'partly_cancelled', 'cancelled')),
    placed_by          bigint REFERENCES users(id),
    placed_at          timestamptz NOT NULL,
    idempotency_key    text UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 100)
);
CREATE INDEX software_orders_console_idx ON software_orders (console_id, id DESC);
CREATE INDEX software_orders_customer_idx ON software_orders (customer_id, id DESC);

-- One line per product and version, one product key per line. The key is
-- sealed with AES-GCM under ENCRYPTION_KEY (key_ciphertext, bound to the
-- line) with the id of the encryption key (rotation re-encrypts); only
-- its SHA-256 (key_hash) is searchable. Revoking a key (cancellation,
-- approved refund) stops its reveal, downloads and links.
CREATE TABLE software_order_lines (
    id               bigserial PRIMARY KEY,
    order_id         bigint NOT NULL REFERENCES software_orders(id),
    product_id       bigint NOT NULL REFERENCES software_products(id),
    version_id       bigint NOT NULL REFERENCES software_versions(id),
    quantity         integer NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
    unit_price_minor bigint NOT NULL CHECK (unit_price_minor > 0),
    amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
    state            text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'cancelled', 'refunded')),
    key_ciphertext   bytea NOT NULL,
    key_id           text NOT NULL CHECK (length(key_id) BETWEEN 1 AND 40),
    key_hash         bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    revoked_at       timestamptz,
    credited_minor   bigint NOT NULL DEFAULT 0 CHECK (credited_minor >= 0),
    CHECK ((state = 'active') = (revoked_at IS NULL))
);
CREATE INDEX software_order_lines_order_idx ON software_order_lines (order_id, id);

-- The demo catalogue (seed 001): three products with downgrade rights.
INSERT INTO software_products (sku, name, key_format, downgrade_rights, languages, bitness, created_at) VALUES
  ('SW-WINSRV-STD', 'Windows Server Standard', '5x5', true, '{en,fr,ja}', '{64}', now()),
  ('SW-OFFICE-LTSC', 'Office LTSC Professional Plus', '5x5', true, '{en,fr,ja}', '{32,64}', now()),
  ('SW-SQLSRV-STD', 'SQL Server Standard', '5x5', true, '{en,fr,ja}', '{64}', now());
INSERT INTO software_versions (product_id, version, rank)
SELECT p.id, v.version, v.rank FROM software_products p
JOIN (VALUES ('SW-WINSRV-STD', '2025', 0), ('SW-WINSRV-STD', '2022', 1), ('SW-WINSRV-STD', '2019', 2),
             ('SW-OFFICE-LTSC', '2024', 0), ('SW-OFFICE-LTSC', '2021', 1), ('SW-OFFICE-LTSC', '2019', 2),
             ('SW-SQLSRV-STD', '2022', 0), ('SW-SQLSRV-STD', '2019', 1), ('SW-SQLSRV-STD', '2017', 2)
) AS v(sku, version, rank) ON v.sku = p.sku;
INSERT INTO software_prices (product_id, currency, unit_price_minor)
SELECT p.id, c.currency, round(v.base * c.rate)::bigint FROM software_products p
JOIN (VALUES ('SW-WINSRV-STD', 110000), ('SW-OFFICE-LTSC', 45000), ('SW-SQLSRV-STD', 95000)) AS v(sku, base) ON v.sku = p.sku
CROSS JOIN (VALUES ('USD', 1.0), ('EUR', 0.93), ('GBP', 0.80), ('CHF', 0.90), ('SEK', 10.5), ('CAD', 1.36), ('AUD', 1.52),
                   ('JPY', 1.5)) AS c(currency, rate);

-- +goose Down
DROP TABLE software_order_lines;
DROP TABLE software_orders;
DROP SEQUENCE software_order_number_seq;
DROP TABLE software_prices;
DROP TABLE software_versions;
DROP TABLE software_products;
