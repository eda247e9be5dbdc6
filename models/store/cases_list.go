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

// caseQuery applies the actor's scope and the filter.
func (s *Store) caseQuery(ctx context.Context, a models.Actor, f models.CaseFilter, now time.Time) *gorm.DB {
	q := s.db.WithContext(ctx).Table("support_cases").Scopes(scopeCases(a))
	if t := strings.TrimSpace(f.Query); t != "" {
		if n, err := strconv.ParseInt(strings.TrimPrefix(t, "#"), 10, 64); err == nil && n > 0 {
			q = q.Where("support_cases.id = ?", n)
		} else {
			q = q.Where("lower(support_cases.title) LIKE ?", "%"+escapeLike(strings.ToLower(t))+"%")
		}
	}
	switch {
	case f.State.Valid():
		q = q.Where("support_cases.state = ?", f.State)
	case f.Open:
		q = q.Where("support_cases.state NOT IN ?", []models.CaseState{models.CaseResolved, models.CaseRejected})
	}
	if f.Type.Valid() {
		q = q.Where("support_cases.type = ?", f.Type)
	}
	if f.Impact.Valid() {
		q = q.Where("support_cases.impact = ?", f.Impact)
	}
	if f.CustomerID > 0 {
		q = q.Where("support_cases.customer_id = ?", f.CustomerID)
	}
	if f.ConsoleID > 0 && a.IsDesk() {
		q = q.Where("support_cases.console_id = ?", f.ConsoleID)
	}
	if f.OlderThan > 0 {
		q = q.Where("support_cases.created_at <= ?", now.Add(-time.Duration(f.OlderThan)*24*time.Hour))
	}
	switch f.Assigned {
	case "me":
		q = q.Where("support_cases.assignee_id = ?", a.UserID)
	case "none":
		q = q.Where("support_cases.assignee_id IS NULL")
	}
	return q
}

func caseKeyset(q *gorm.DB, sort string, after models.Cursor, has bool) *gorm.DB {
	var t time.Time
	if has {
		var err error
		if t, err = time.Parse(time.RFC3339Nano, after.Key); err != nil {
			has = false
		}
	}
	if sort == "oldest" {
		if has {
			q = q.Where("(support_cases.created_at, support_cases.id) > (?, ?)", t, after.ID)
		}
		return q.Order("support_cases.created_at, support_cases.id")
	}
	if has {
		q = q.Where("(support_cases.created_at, support_cases.id) < (?, ?)", t, after.ID)
	}
	return q.Order("support_cases.created_at DESC, support_cases.id DESC")
}

const caseRowSelect = "support_cases.*, coalesce(customers.name, '') AS customer_name, consoles.name AS console_name, coalesce(assignee.name, '') AS assignee_name"

// caseListSelect is caseRowSelect without what a list never shows: the
// description (up to 10 000 characters) and the type's fields (JSON decoded
// per row); a list row leaves them empty, the case page reads them.
const caseListSelect = "support_cases.id, support_cases.console_id, support_cases.customer_id, support_cases.type, support_cases.state, support_cases.impact, " +
	"support_cases.title, support_cases.amount_minor, support_cases.currency, support_cases.contact_name, support_cases.contact_email, support_cases.contact_phone, " +
	"support_cases.filed_by_id, support_cases.filed_by_name, support_cases.assignee_id, support_cases.version, support_cases.closed_at, support_cases.created_at, support_cases.updated_at, " +
	"coalesce(customers.name, '') AS customer_name, consoles.name AS console_name, coalesce(assignee.name, '') AS assignee_name"

func caseRowJoins(q *gorm.DB) *gorm.DB {
	return q.Select(caseRowSelect).
		Joins("LEFT JOIN customers ON customers.id = support_cases.customer_id").
		Joins("JOIN consoles ON consoles.id = support_cases.console_id").
		Joins("LEFT JOIN users assignee ON assignee.id = support_cases.assignee_id")
}

// ListCases returns a keyset page of the cases the actor may see: the
// console's own, or the desk's queue across all consoles.
func (s *Store) ListCases(ctx context.Context, a models.Actor, f models.CaseFilter, cursor string) (models.Page[models.CaseRow], error) {
	var page models.Page[models.CaseRow]
	if err := canSeeCases(a); err != nil {
		return page, err
	}
	now := s.Now()
	after, has := models.DecodeCursor(cursor)
	q := caseRowJoins(caseKeyset(s.caseQuery(ctx, a, f, now), f.Sort, after, has)).Select(caseListSelect).Limit(models.PageSize + 1)
	rows, err := findRows[models.CaseRow](q, models.PageSize+1)
	if err != nil {
		return page, fmt.Errorf("list cases: %w", err)
	}
	full := len(rows) > models.PageSize
	if full {
		rows = rows[:models.PageSize]
	}
	page.Items = rows
	// The count: a first page holding every case is its own count; a later
	// page shows the count its cursor carries (counted once, on the first
	// page, as the customers list does); only a first page that does not
	// hold every case counts, capped.
	carriedTotal, carriedMany, carried := models.CarriedCount(after)
	switch {
	case !has && !full:
		page.Total = int64(len(rows))
	case has && carried:
		page.Total, page.Many = carriedTotal, carriedMany
	default:
		total, many, err := cappedCount(s.caseQuery(ctx, a, f, now))
		if err != nil {
			return page, err
		}
		page.Total, page.Many = total, many
	}
	if full {
		last := rows[len(rows)-1]
		page.Next = models.Cursor{Key: last.CreatedAt.UTC().Format(time.RFC3339Nano), ID: last.ID, N: models.CarryCount(page.Total, page.Many)}.Encode()
	}
	return page, nil
}

// ExportCases streams every case of the filter, in batches, and audits the
// export.
func (s *Store) ExportCases(ctx context.Context, a models.Actor, f models.CaseFilter, emit func(models.CaseRow) error) error {
	if err := canSeeCases(a); err != nil {
		return err
	}
	now := s.Now()
	var after models.Cursor
	has := false
	for {
		var rows []models.CaseRow
		if err := caseRowJoins(caseKeyset(s.caseQuery(ctx, a, f, now), f.Sort, after, has)).Limit(1000).Find(&rows).Error; err != nil {
			return fmt.Errorf("export cases: %w", err)
		}
		for _, r := range rows {
			if err := emit(r); err != nil {
				return err
			}
		}
		if len(rows) < 1000 {
			break
		}
		last := rows[len(rows)-1]
		after, has = models.Cursor{Key: last.CreatedAt.UTC().Format(time.RFC3339Nano), ID: last.ID}, true
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		return audit(tx, auditEntry{Actor: a, At: now, Action: "cases.exported", RecordType: "organisation", RecordID: a.OrgID, Before: nil, After: f, Orgs: []int64{a.OrgID}})
	})
}

// GetCase loads a case the actor may see with its thread. Internal notes,
// and files attached to them, are left out of the query for anyone but the
// desk.
func (s *Store) GetCase(ctx context.Context, a models.Actor, id int64) (models.CaseView, error) {
	var v models.CaseView
	if err := canSeeCases(a); err != nil {
		return v, err
	}
	db := s.db.WithContext(ctx)
	err := caseRowJoins(db.Table("support_cases").Scopes(scopeCases(a))).Where("support_cases.id = ?", id).Take(&v.CaseRow).Error
	if err != nil {
		return v, notFound(err)
	}
	cq := db.Where("case_id = ?", id)
	if !a.IsDesk() {
		cq = cq.Where("NOT internal")
	}
	if err := cq.Order("id").Limit(2000).Find(&v.Comments).Error; err != nil {
		return v, fmt.Errorf("load case comments: %w", err)
	}
	aq := db.Table("case_attachments").Select("case_attachments.id, case_attachments.case_id, case_attachments.comment_id, case_attachments.file_name, case_attachments.content_type, case_attachments.size, case_attachments.uploaded_by, case_attachments.created_at").
		Where("case_attachments.case_id = ?", id)
	if !a.IsDesk() {
		aq = aq.Joins("LEFT JOIN case_comments cc ON cc.id = case_attachments.comment_id").Where("cc.id IS NULL OR NOT cc.internal")
	}
	if err := aq.Order("case_attachments.id").Find(&v.Attachments).Error; err != nil {
		return v, fmt.Errorf("load case attachments: %w", err)
	}
	return v, nil
}
