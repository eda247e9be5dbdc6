package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"partnerconsole/models"
)

// Deliver hands one email to its transport. It returns the status to
// record: OutboxSent for SMTP, OutboxLogged when no SMTP is configured
// (local mode); an error leaves the email queued for a later attempt.
type Deliver func(ctx context.Context, m models.OutboxMessage) (models.OutboxStatus, error)

// SendOutbox sends up to limit due emails, one transaction each: the row is
// locked (SKIP LOCKED, so two senders never take the same email), handed to
// deliver, and marked sent, or queued again with a backoff, or failed after
// MaxMailAttempts. It returns how many were delivered and how many failed
// this round.
func (s *Store) SendOutbox(ctx context.Context, limit int, deliver Deliver) (sent, failed int, err error) {
	for i := 0; i < limit; i++ {
		if err := ctx.Err(); err != nil {
			return sent, failed, err
		}
		found := false
		var sendErr error
		err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
			var m models.OutboxMessage
			err := tx.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"}).
				Where("status = ? AND next_attempt_at <= ?", models.OutboxQueued, now).
				Order("next_attempt_at, id").Take(&m).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("outbox: take next: %w", err)
			}
			found = true
			status, derr := deliver(ctx, m)
			m.Attempts++
			upd := map[string]any{"attempts": m.Attempts}
			if derr == nil {
				upd["status"], upd["sent_at"], upd["last_error"] = status, now, ""
			} else {
				sendErr = derr
				upd["last_error"] = truncate(derr.Error(), 500)
				if m.Attempts >= models.MaxMailAttempts {
					upd["status"] = models.OutboxFailed
				} else {
					upd["next_attempt_at"] = now.Add(models.MailBackoff(m.Attempts))
				}
			}
			if err := tx.Model(&models.OutboxMessage{}).Where("id = ?", m.ID).Updates(upd).Error; err != nil {
				return fmt.Errorf("outbox: record attempt: %w", err)
			}
			return nil
		})
		if err != nil {
			return sent, failed, err
		}
		if !found {
			return sent, failed, nil
		}
		if sendErr != nil {
			failed++
			// The server is probably down: stop this round, try again later.
			return sent, failed, nil
		}
		sent++
	}
	return sent, failed, nil
}

// OutboxFilter is models.OutboxFilter (moved so views need not import the store).
type OutboxFilter = models.OutboxFilter

// ListOutbox is the desk's Sent mail page: every email, newest first.
func (s *Store) ListOutbox(ctx context.Context, a models.Actor, f OutboxFilter, cursor string) (models.Page[models.OutboxMessage], error) {
	var page models.Page[models.OutboxMessage]
	if err := a.Require(models.PermDeskMail); err != nil {
		return page, err
	}
	q := s.db.WithContext(ctx).Model(&models.OutboxMessage{})
	switch f.Status {
	case models.OutboxQueued, models.OutboxSent, models.OutboxLogged, models.OutboxFailed:
		q = q.Where("status = ?", f.Status)
	}
	if f.To != "" {
		q = q.Where("to_email LIKE ?", escapeLike(models.NormalizeEmail(f.To))+"%")
	}
	page, err := newestFirst(q, cursor, func(m models.OutboxMessage) int64 { return m.ID })
	if err != nil {
		return page, fmt.Errorf("list outbox: %w", err)
	}
	return page, nil
}

// GetOutbox loads one email for the desk.
func (s *Store) GetOutbox(ctx context.Context, a models.Actor, id int64) (models.OutboxMessage, error) {
	var m models.OutboxMessage
	if err := a.Require(models.PermDeskMail); err != nil {
		return m, err
	}
	return m, notFound(s.db.WithContext(ctx).Where("id = ?", id).Take(&m).Error)
}

// RetryOutbox queues a failed email again, now.
func (s *Store) RetryOutbox(ctx context.Context, a models.Actor, id int64) error {
	if err := a.Require(models.PermDeskMail); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var m models.OutboxMessage
		if err := forUpdate(tx).Where("id = ?", id).Take(&m).Error; err != nil {
			return notFound(err)
		}
		if m.Status != models.OutboxFailed {
			return &models.Error{Code: models.CodeConflict, Message: "Only a failed email can be sent again."}
		}
		if err := tx.Model(&m).Updates(map[string]any{"status": models.OutboxQueued, "attempts": 0, "next_attempt_at": now}).Error; err != nil {
			return fmt.Errorf("retry email %d: %w", id, err)
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "email.retried", RecordType: "outbox", RecordID: m.ID, Before: nil, After: map[string]any{"to": m.ToEmail}, Orgs: []int64{a.OrgID}})
	})
}

// OutboxFailures counts the emails that gave up, for the desk's warning.
func (s *Store) OutboxFailures(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&models.OutboxMessage{}).Where("status = ?", models.OutboxFailed).Count(&n).Error
	return n, err
}
