package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// RunCaseAction runs one of the case type's desk actions (the Meet grace
// conversion, a refund, a migration undo) with the case locked, records its
// note in the thread, audits and tells the partner.
func (s *Store) RunCaseAction(ctx context.Context, a models.Actor, id int64, version int, name string) (models.SupportCase, error) {
	var c models.SupportCase
	if err := a.Require(models.PermWorkCases); err != nil {
		return c, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		if c, err = lockCase(tx, a, id); err != nil {
			return err
		}
		fn, ok := s.caseAction(name)
		if err := c.CheckAction(version, name, ok); err != nil {
			return err
		}
		before, from := caseAudit(c), c.State
		note, err := fn(tx, now, a, &c)
		if err != nil {
			return err
		}
		c.ActionDone(version, now)
		if err := saveCase(tx, c); err != nil {
			return err
		}
		text := excerpt(note.English(), 10000)
		if text != "" || c.State != from {
			cm := models.CaseComment{CaseID: c.ID, Body: text, CreatedAt: now}
			if note.Text != "" {
				cm.BodyMsg = &note
			}
			if c.State != from {
				cm.StateFrom, cm.StateTo = string(from), string(c.State)
			}
			if err := addCaseComment(tx, a, &cm); err != nil {
				return err
			}
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "case.action." + name, RecordType: "support_case", RecordID: c.ID, Before: before, After: caseAudit(c), Orgs: orgsOfCase(a, c)}); err != nil {
			return err
		}
		if c.State != from {
			return notifyPartner(tx, now, a, c, stateNotice(c, from, text))
		}
		return notifyPartner(tx, now, a, c, commentNotice(c, a.Name, text))
	})
	return c, err
}
