package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// ExplainInvoicesPages is EXPLAIN of the actor's invoices list's two
// statements, a first page's (rows and capped count) and a later page's
// (from a cursor), with sequential and bitmap scans and sorts priced out,
// so a small test table shows whether an index gives the page in its order
// (as a large one needs).
func (s *Store) ExplainInvoicesPages(ctx context.Context, a models.Actor) (first, later string, err error) {
	explain := func(build func(st *Store) *gorm.DB) (string, error) {
		sql := s.db.ToSQL(func(tx *gorm.DB) *gorm.DB {
			st := *s
			st.db = tx
			return build(&st)
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
	first, err = explain(func(st *Store) *gorm.DB {
		var rows []models.InvoiceRow
		return st.invoicesFirstPage(ctx, a, models.InvoiceFilter{}).Find(&rows)
	})
	if err != nil {
		return "", "", err
	}
	later, err = explain(func(st *Store) *gorm.DB {
		var rows []models.InvoiceRow
		return invoiceKeyset(st.invoiceQuery(ctx, a, models.InvoiceFilter{}), models.Cursor{Key: "2100-01-01", ID: 1 << 40}, true).
			Select(invoiceListColumns).Limit(models.PageSize + 1).Find(&rows)
	})
	return first, later, err
}
