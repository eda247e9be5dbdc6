package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// AddComment adds a comment with attachments to a case. The desk may write
// an internal note the partner never sees; a partner's comment on a case
// waiting on them hands it back to the desk (SupportCase.Commented).
func (s *Store) AddComment(ctx context.Context, a models.Actor, caseID int64, in models.CommentInput, files ...models.Upload) (models.CaseComment, error) {
	var cm models.CaseComment
	if err := canSeeCases(a); err != nil {
		return cm, err
	}
	in = in.Normalize(a.IsDesk())
	fe := models.FieldErrors{}
	if err := models.ValidateComment(in.Body); err != nil {
		fe2, _ := models.AsValidation(err)
		for k, v := range fe2 {
			fe.Add(k, v)
		}
	}
	checked, err := checkUploads(files)
	if err != nil {
		fe2, ok := models.AsValidation(err)
		if !ok {
			return cm, err
		}
		for k, v := range fe2 {
			fe.Add(k, v)
		}
	}
	if err := fe.Err(); err != nil {
		// Still a 404 for a case the actor cannot see.
		if _, gerr := s.GetCase(ctx, a, caseID); gerr != nil {
			return cm, gerr
		}
		return cm, err
	}
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		c, err := lockCase(tx, a, caseID)
		if err != nil {
			return err
		}
		from := c.State
		moved, err := c.Commented(a.IsDesk(), now)
		if err != nil {
			return err
		}
		cm = models.CaseComment{CaseID: c.ID, Body: in.Body, Internal: in.Internal, CreatedAt: now}
		if moved {
			cm.StateFrom, cm.StateTo = string(from), string(c.State)
		}
		if err := addCaseComment(tx, a, &cm); err != nil {
			return err
		}
		if err := saveAttachments(tx, now, a, c.ID, &cm.ID, checked); err != nil {
			return err
		}
		if moved {
			if err := saveCase(tx, c); err != nil {
				return err
			}
		} else if err := tx.Model(&models.SupportCase{}).Where("id = ?", c.ID).Update("updated_at", now).Error; err != nil {
			return fmt.Errorf("touch case: %w", err)
		}
		action := "case.commented"
		if in.Internal {
			action = "case.internal_note"
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: action, RecordType: "support_case", RecordID: c.ID, After: map[string]any{"comment_id": cm.ID, "files": len(checked)}, Orgs: orgsOfCase(a, c)}); err != nil {
			return err
		}
		if in.Internal {
			return nil
		}
		n := commentNotice(c, a.Name, in.Body)
		if a.IsDesk() {
			return notifyPartner(tx, now, a, c, n)
		}
		return notifyCaseDesk(tx, now, a, c, n)
	})
	return cm, err
}
