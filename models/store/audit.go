package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"partnerconsole/models"
)

func (s *Store) auditQuery(ctx context.Context, a models.Actor, f models.AuditFilter) *gorm.DB {
	q := s.db.WithContext(ctx).Model(&models.AuditEvent{})
	if !a.IsDesk() {
		q = q.Where("organisation_id = ?", a.OrgID)
	}
	if f.ActorUserID != 0 {
		q = q.Where("actor_user_id = ?", f.ActorUserID)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.RecordType != "" {
		q = q.Where("record_type = ?", f.RecordType)
	}
	if f.RecordID != 0 {
		q = q.Where("record_id = ?", f.RecordID)
	}
	return q
}

// ListAudit returns a keyset page of the audit log, newest first: the
// actor's organisation's events, or everything for the desk.
func (s *Store) ListAudit(ctx context.Context, a models.Actor, f models.AuditFilter, cursor string) (models.Page[models.AuditEvent], error) {
	var page models.Page[models.AuditEvent]
	if err := a.Require(models.PermReadAudit); err != nil {
		return page, err
	}
	page, err := newestFirst(s.auditQuery(ctx, a, f), cursor, func(e models.AuditEvent) int64 { return e.ID })
	if err != nil {
		return page, fmt.Errorf("list audit: %w", err)
	}
	return page, nil
}

// ExportAudit streams every matching event, newest first.
func (s *Store) ExportAudit(ctx context.Context, a models.Actor, f models.AuditFilter, emit func(models.AuditEvent) error) error {
	if err := a.Require(models.PermReadAudit); err != nil {
		return err
	}
	var last int64
	for {
		q := s.auditQuery(ctx, a, f)
		if last != 0 {
			q = q.Where("id < ?", last)
		}
		var rows []models.AuditEvent
		if err := q.Order("id DESC").Limit(1000).Find(&rows).Error; err != nil {
			return fmt.Errorf("export audit: %w", err)
		}
		for _, r := range rows {
			if err := emit(r); err != nil {
				return err
			}
		}
		if len(rows) < 1000 {
			return nil
		}
		last = rows[len(rows)-1].ID
	}
}
