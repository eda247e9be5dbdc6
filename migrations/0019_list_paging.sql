-- +goose Up
-- A console's invoices list pages by issue date through its billing
-- accounts; with the console only on billing_accounts, no index gave that
-- order and every page was a sequential scan and a sort (docs/BENCH.md,
-- issue 13). The invoice carries its account's console (NULL for a direct
-- customer's account), set from the account when the row is written, so the
-- page is an index scan of invoices_console_issued_idx from its cursor.
-- Billing accounts never change console (a consolidation leaves them, and
-- their invoices, with the source), so the copy cannot go stale.
ALTER TABLE invoices ADD COLUMN console_id bigint REFERENCES consoles(id);
UPDATE invoices i SET console_id = ba.console_id FROM billing_accounts ba WHERE ba.id = i.billing_account_id;

-- +goose StatementBegin
CREATE FUNCTION invoices_set_console() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.console_id := (SELECT console_id FROM billing_accounts WHERE id = NEW.billing_account_id);
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER invoices_console BEFORE INSERT OR UPDATE OF billing_account_id ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_set_console();

CREATE INDEX invoices_console_issued_idx ON invoices (console_id, issued_on DESC, id DESC) WHERE console_id IS NOT NULL;

-- The subscriptions list's product filter offers the products the console
-- sells: one index probe per product instead of reading every subscription
-- of the console on every page.
CREATE INDEX subscriptions_console_product_idx ON subscriptions (console_id, product_id);

-- +goose Down
DROP INDEX subscriptions_console_product_idx;
DROP INDEX invoices_console_issued_idx;
DROP TRIGGER invoices_console ON invoices;
DROP FUNCTION invoices_set_console();
ALTER TABLE invoices DROP COLUMN console_id;
