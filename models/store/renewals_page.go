package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// The partner's Renewals page (issue 11): the console's subscriptions, sold
// by it or with it as partner of record, active and ending in the next 60
// days; commitments first, then by end date; keyset by (rank, end date, id);
// CSV.

const renewalRankSQL = `(CASE WHEN s.plan IN ('annual_monthly', 'annual_prepaid') THEN 0 ELSE 1 END)`

func (s *Store) renewalQuery(ctx context.Context, a models.Actor, f models.RenewalFilter) (*gorm.DB, error) {
	if a.OrgKind != models.OrgConsole || !a.Can(models.PermReadCustomers) {
		return nil, models.Forbidden()
	}
	now := s.Now()
	q := s.db.WithContext(ctx).Table("subscriptions s").
		Joins("JOIN customers c ON c.id = s.customer_id").
		Where("(s.console_id = ? OR s.partner_of_record_console_id = ?)", a.OrgID, a.OrgID).
		Where("s.status = 'active' AND s.plan NOT IN ('trial', 'grace') AND s.end_date BETWEEN ? AND ?", models.Day(now), f.Last(now))
	if t := strings.ToLower(strings.TrimSpace(f.Query)); t != "" {
		q = q.Where(`(c.name_key LIKE ? OR (c.domain COLLATE "C") LIKE ?)`, "%"+escapeLike(t)+"%", escapeLike(t)+"%")
	}
	if f.Plan != "" {
		q = q.Where("s.plan = ?", f.Plan)
	}
	return q, nil
}

func renewalRows(q *gorm.DB, after models.Cursor, has bool, limit int) ([]models.RenewalRow, error) {
	if has {
		rank, date, ok := strings.Cut(after.Key, "|")
		r, rerr := strconv.Atoi(rank)
		d, derr := time.Parse(time.DateOnly, date)
		if ok && rerr == nil && derr == nil {
			q = q.Where("("+renewalRankSQL+", s.end_date, s.id) > (?, ?, ?)", r, d, after.ID)
		}
	}
	var rows []models.RenewalRow
	err := q.Select(`s.id, s.customer_id, c.name AS customer_name, c.domain AS customer_domain, p.name AS product_name,
		s.quantity, s.plan, s.end_date, s.renewal_option`).
		Joins("JOIN products p ON p.id = s.product_id").
		Order(renewalRankSQL + ", s.end_date, s.id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list renewals: %w", err)
	}
	return rows, nil
}

func renewalCursor(r models.RenewalRow) models.Cursor {
	return models.Cursor{Key: fmt.Sprintf("%d|%s", r.RenewalRank(), r.EndDate.Format(time.DateOnly)), ID: r.ID}
}

// renewalList is the Renewals page's list of the filter.
func (s *Store) renewalList(ctx context.Context, a models.Actor, f models.RenewalFilter) keysetList[models.RenewalRow] {
	return keysetList[models.RenewalRow]{
		query:  func() (*gorm.DB, error) { return s.renewalQuery(ctx, a, f) },
		rows:   renewalRows,
		cursor: renewalCursor,
	}
}

// ListRenewals returns one keyset page of the console's renewals in the
// filter's window, commitments first, and a capped count.
func (s *Store) ListRenewals(ctx context.Context, a models.Actor, f models.RenewalFilter, cursor string) (models.Page[models.RenewalRow], error) {
	return s.renewalList(ctx, a, f).page(cursor)
}

// ExportRenewals streams every renewal of the filter, in batches, and
// records the export in the audit log.
func (s *Store) ExportRenewals(ctx context.Context, a models.Actor, f models.RenewalFilter, emit func(models.RenewalRow) error) error {
	if err := s.renewalList(ctx, a, f).export(emit); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		return audit(tx, auditEntry{Actor: a, At: now, Action: "renewals.exported", RecordType: "organisation",
			RecordID: a.OrgID, After: f, Orgs: []int64{a.OrgID}})
	})
}
