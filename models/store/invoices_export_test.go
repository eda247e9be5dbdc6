package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// ExplainInvoicesPage is EXPLAIN of a first page of the actor's invoices,
// with sequential and bitmap scans and sorts priced out, so a small test
// table shows whether an index gives the page in its order (as a large one
// needs).
func (s *Store) ExplainInvoicesPage(ctx context.Context, a models.Actor) (string, error) {
	sql := s.db.ToSQL(func(tx *gorm.DB) *gorm.DB {
		var rows []models.InvoiceRow
		st := *s
		st.db = tx
		return invoiceKeyset(st.invoiceQuery(ctx, a, models.InvoiceFilter{}), models.Cursor{}, false).
			Select(invoiceSelect).Limit(models.PageSize + 1).Find(&rows)
	})
	var lines []string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off").Error; err != nil {
			return err
		}
		return tx.Raw("EXPLAIN " + sql).Scan(&lines).Error
	})
	if err != nil {
		return "", fmt.Errorf("explain %s: %w", sql, err)
	}
	return strings.Join(lines, "\n"), nil
}
