-- +goose Up
-- Finishing on-premises software (issue 10): the orders list pages newest
-- first by (placed_at, id), per console and per customer, and filters by
-- the day placed (R-SW-1, R-LIST-1). The desk's refund decisions need no
-- new column: the approved amount is the credit (credits, source
-- refund_approved, keyed by the case), the note or reason is the case's
-- thread.
CREATE INDEX software_orders_console_placed_idx ON software_orders (console_id, placed_at DESC, id DESC);
CREATE INDEX software_orders_customer_placed_idx ON software_orders (customer_id, placed_at DESC, id DESC);

-- +goose Down
DROP INDEX software_orders_customer_placed_idx;
DROP INDEX software_orders_console_placed_idx;
