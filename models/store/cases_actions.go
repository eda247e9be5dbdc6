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
		if note.Text == "" {
			return nil
		}
		return notifyPartner(tx, now, a, c, actionNotice(c, note))
	})
	return c, err
}

// actionNotice tells the partner what an action did, in the note's own
// words so each reader gets it in their language; dates go as calendar
// days.
func actionNotice(c models.SupportCase, note models.Msg) Notice {
	args := make([]any, 0, len(note.Args)+4)
	for i := 0; i+1 < len(note.Args); i += 2 {
		v := note.Args[i+1]
		if t, ok := v.(time.Time); ok {
			v = t.UTC().Format("2006-01-02")
		}
		args = append(args, note.Args[i], v)
	}
	args = append(args, "ID", c.ID, "Title", c.Title)
	return Notice{Kind: models.NoticeCaseCommented, Title: "New comment on case #{{.ID}}: {{.Title}}", Body: note.Text, Args: args}
}
