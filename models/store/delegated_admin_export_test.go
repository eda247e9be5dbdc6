package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// ExplainCustomersPage is EXPLAIN of the first page of ListCustomers'
// queries: the console's own customers, then the delegated-admin arm
// (R-ROLE-6's exception).
func (s *Store) ExplainCustomersPage(ctx context.Context, a models.Actor, f models.CustomerFilter) (own, delegated string, err error) {
	explain := func(build func(st *Store) *gorm.DB) (string, error) {
		sql := s.db.ToSQL(func(tx *gorm.DB) *gorm.DB {
			var rows []CustomerRow
			st := *s
			st.db = tx
			return customerKeyset(build(&st), f.Sort, models.Cursor{}, false).
				Select("customers.*, coalesce(consoles.name, '') AS console_name").
				Joins("LEFT JOIN consoles ON consoles.id = customers.console_id").
				Limit(models.PageSize + 1).Find(&rows)
		})
		var lines []string
		if err := s.db.WithContext(ctx).Raw("EXPLAIN " + sql).Scan(&lines).Error; err != nil {
			return "", fmt.Errorf("explain %s: %w", sql, err)
		}
		return strings.Join(lines, "\n"), nil
	}
	if own, err = explain(func(st *Store) *gorm.DB { return st.customerQuery(ctx, a, f) }); err != nil {
		return "", "", err
	}
	delegated, err = explain(func(st *Store) *gorm.DB { return st.delegatedArm(ctx, a, f) })
	return own, delegated, err
}
