package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// ExplainSubscriptionsPage is EXPLAIN of the statement
// ListSubscriptions runs for the actor's unfiltered list at cursor ("" for
// the first page), planned as the database's statistics have it: nothing is
// priced out.
func (s *Store) ExplainSubscriptionsPage(ctx context.Context, a models.Actor, cursor string) (string, error) {
	after, has := models.DecodeCursor(cursor)
	var buildErr error
	sql := s.db.ToSQL(func(tx *gorm.DB) *gorm.DB {
		st := *s
		st.db = tx
		q, err := st.subscriptionQuery(ctx, a, models.SubscriptionFilter{})
		if err != nil {
			buildErr = err
			return tx
		}
		var rows []map[string]any
		return subscriptionPage(q, after, has).Find(&rows)
	})
	if buildErr != nil {
		return "", buildErr
	}
	var lines []string
	if err := s.db.WithContext(ctx).Raw("EXPLAIN " + sql).Scan(&lines).Error; err != nil {
		return "", fmt.Errorf("explain %s: %w", sql, err)
	}
	return strings.Join(lines, "\n"), nil
}
