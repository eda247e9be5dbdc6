package main

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// The other lists at volume (issue 13, goal 5): offers, the audit log, the
// desk's case queue, subscriptions, invoices and software orders get n rows
// each, copied from one demo row of the first console (or the desk's
// queue) with the unique columns made unique and the creation times spread,
// so their first and deep pages are measured on more than the demo data.

// cloneSpec is one table to fill: the row copied (the newest matching
// where) and the expressions replacing some columns ("g" is 1..n).
type cloneSpec struct {
	table     string
	where     string // SQL condition choosing the source row
	overrides map[string]string
}

func volumeSpecs(consoleID int64) []cloneSpec {
	spread := func(col string) string { return col + " - g * interval '1 minute'" }
	// An invoice a month back per copy, up to 10 000 copies; past that a day
	// more each (a million months is out of a timestamp's range, and an
	// account has one invoice per period).
	back := func(col string) string {
		return "(" + col + " - least(g, 10000) * interval '1 month' - greatest(g - 10000, 0) * interval '1 day')::date"
	}
	return []cloneSpec{
		{"offers", fmt.Sprintf("console_id = %d AND transfer_token_id IS NULL AND migration_id IS NULL", consoleID),
			map[string]string{"created_at": spread("created_at"), "state": "'sent'", "sent_at": "coalesce(sent_at, created_at)",
				"subscription_id": "NULL", "decided_at": "NULL", "decided_by_id": "NULL", "decided_by_name": "''", "decline_reason": "''",
				"expires_on": "current_date + 30"}},
		{"audit_events", fmt.Sprintf("organisation_id = %d", consoleID), map[string]string{"at": spread("at")}},
		{"support_cases", fmt.Sprintf("console_id = %d", consoleID), map[string]string{"created_at": spread("created_at"), "updated_at": spread("updated_at")}},
		{"subscriptions", fmt.Sprintf("console_id = %d", consoleID), map[string]string{"created_at": spread("created_at")}},
		{"invoices", fmt.Sprintf("billing_account_id IN (SELECT id FROM billing_accounts WHERE console_id = %d)", consoleID),
			map[string]string{"number": "'BENCH-' || g", "period_start": back("period_start"),
				"period_end": back("period_end"), "issued_on": back("issued_on"),
				"due_on": back("due_on"), "created_at": spread("created_at")}},
		{"software_orders", fmt.Sprintf("console_id = %d", consoleID),
			map[string]string{"number": "'SW-9999-' || (100000000 + g)", "idempotency_key": "NULL", "created_at": spread("created_at")}},
	}
}

// seedVolume copies each table's source row n times; a table without a
// source row is named in the result and left as it is.
func seedVolume(ctx context.Context, db *gorm.DB, consoleID int64, n int) (missing []string, err error) {
	for _, c := range volumeSpecs(consoleID) {
		var cols []string
		if err := db.WithContext(ctx).Raw(`SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ? AND column_name <> 'id' AND is_generated = 'NEVER'
			ORDER BY ordinal_position`, c.table).Scan(&cols).Error; err != nil {
			return nil, err
		}
		var exprs []string
		for _, col := range cols {
			if e, ok := c.overrides[col]; ok {
				exprs = append(exprs, e)
			} else {
				exprs = append(exprs, "src."+col)
			}
		}
		q := fmt.Sprintf(`INSERT INTO %[1]s (%[2]s) SELECT %[3]s FROM (SELECT * FROM %[1]s WHERE %[4]s ORDER BY id DESC LIMIT 1) AS src, generate_series(1, %[5]d) AS g`,
			c.table, strings.Join(cols, ", "), strings.Join(exprs, ", "), c.where, n)
		res := db.WithContext(ctx).Exec(q)
		if res.Error != nil {
			return nil, fmt.Errorf("volume %s: %w", c.table, res.Error)
		}
		if res.RowsAffected == 0 {
			missing = append(missing, c.table)
		}
		if err := db.WithContext(ctx).Exec("ANALYZE " + c.table).Error; err != nil {
			return nil, err
		}
	}
	return missing, nil
}
