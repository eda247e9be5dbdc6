package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// ChangeCaseState moves a case (desk only). version is the version the
// engineer saw: if someone changed the case since, nothing is written and
// the answer is a conflict.
func (s *Store) ChangeCaseState(ctx context.Context, a models.Actor, id int64, version int, to models.CaseState, note string) (models.SupportCase, error) {
	var c models.SupportCase
	if err := a.Require(models.PermWorkCases); err != nil {
		return c, err
	}
	note = strings.TrimSpace(note)
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		if c, err = lockCase(tx, a, id); err != nil {
			return err
		}
		before, from := caseAudit(c), c.State
		if err := c.ChangeState(version, to, note, now); err != nil {
			return err
		}
		return s.writeCaseMove(tx, now, a, c, before, from, note, "case.state_changed")
	})
	return c, err
}

// writeCaseMove writes a case a rule changed: the row, the state change in
// the thread, the audit event and the partner's notice.
func (s *Store) writeCaseMove(tx *gorm.DB, now time.Time, a models.Actor, c models.SupportCase, before map[string]any, from models.CaseState, note, action string) error {
	if err := saveCase(tx, c); err != nil {
		return err
	}
	if c.State != from {
		cm := models.CaseComment{CaseID: c.ID, Body: note, StateFrom: string(from), StateTo: string(c.State), CreatedAt: now}
		if err := addCaseComment(tx, a, &cm); err != nil {
			return err
		}
	}
	if err := audit(tx, auditEntry{Actor: a, At: now, Action: action, RecordType: "support_case", RecordID: c.ID, Before: before, After: caseAudit(c), Orgs: orgsOfCase(a, c)}); err != nil {
		return err
	}
	if c.State == from {
		return nil
	}
	if a.IsDesk() {
		return notifyPartner(tx, now, a, c, stateNotice(c, from, note))
	}
	return notifyCaseDesk(tx, now, a, c, stateNotice(c, from, note))
}

// AssignCaseToMe gives the case to the acting engineer; an open case moves
// to in progress.
func (s *Store) AssignCaseToMe(ctx context.Context, a models.Actor, id int64, version int) (models.SupportCase, error) {
	var c models.SupportCase
	if err := a.Require(models.PermWorkCases); err != nil {
		return c, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		if c, err = lockCase(tx, a, id); err != nil {
			return err
		}
		before, from := caseAudit(c), c.State
		if _, err := c.AssignTo(version, a.UserID, now); err != nil {
			return err
		}
		return s.writeCaseMove(tx, now, a, c, before, from, "", "case.assigned")
	})
	return c, err
}

// ReopenCase reopens a resolved or rejected case for its partner, within
// 14 days of its closing.
func (s *Store) ReopenCase(ctx context.Context, a models.Actor, id int64) (models.SupportCase, error) {
	var c models.SupportCase
	if a.OrgKind != models.OrgConsole {
		return c, models.Forbidden()
	}
	if err := a.Require(models.PermFileCases); err != nil {
		return c, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		if c, err = lockCase(tx, a, id); err != nil {
			return err
		}
		before, from := caseAudit(c), c.State
		if err := c.Reopen(now); err != nil {
			return err
		}
		return s.writeCaseMove(tx, now, a, c, before, from, "", "case.reopened")
	})
	return c, err
}
