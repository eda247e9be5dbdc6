package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// Support cases (R-CASE-*), one file per concern: cases.go (scope, shared
// helpers, the actions registry), cases_file.go (filing), cases_list.go
// (list, export, one case), cases_state.go (desk moves, assignment,
// reopening), cases_comments.go (the thread), cases_actions.go (desk
// actions), cases_notify.go (who hears of what). The rules themselves are
// in models/case_rules.go.

// CaseAction is a desk action a case type offers (grace conversion, refund,
// migration undo). It runs in the transaction that holds the case locked; it
// may change the case (its state, say) and returns a note for the thread,
// which the partner reads in their language.
type CaseAction func(tx *gorm.DB, now time.Time, a models.Actor, c *models.SupportCase) (note models.Msg, err error)

// caseActions wires the action names of models.CaseTypes to their code.
// The Store builds it once in New; an action without an entry here is not
// offered.
func caseActions() map[string]CaseAction {
	return map[string]CaseAction{
		models.ActionConvertToGracePlan: convertToGracePlan,
		models.ActionApproveRefund:      approveSoftwareRefund,
		models.ActionUndoMigration:      undoCustomerMigration,
	}
}

// caseAction finds the code of a named action.
func (s *Store) caseAction(name string) (CaseAction, bool) {
	fn, ok := s.actions[name]
	return fn, ok
}

// CaseActions lists the actions a case type offers that have code, for the
// case page's buttons.
func (s *Store) CaseActions(t models.CaseType) []string {
	var out []string
	for _, name := range t.Spec().Actions {
		if _, ok := s.caseAction(name); ok {
			out = append(out, name)
		}
	}
	return out
}

// scopeCases limits a cases query to what the actor may see (R-ROLE-6): a
// console its own cases, the desk every case, anyone else nothing.
func scopeCases(a models.Actor) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		switch {
		case a.OrgKind == models.OrgConsole && a.Can(models.PermFileCases):
			return db.Where("support_cases.console_id = ?", a.OrgID)
		case a.IsDesk() && a.Can(models.PermWorkCases):
			return db
		}
		return db.Where("false")
	}
}

func canSeeCases(a models.Actor) error {
	if a.Can(models.PermFileCases) || a.Can(models.PermWorkCases) {
		return nil
	}
	return models.Forbidden()
}

func caseAudit(c models.SupportCase) map[string]any {
	m := map[string]any{"type": c.Type, "state": c.State, "impact": c.Impact, "title": c.Title, "version": c.Version}
	if c.CustomerID != nil {
		m["customer_id"] = *c.CustomerID
	}
	if c.AssigneeID != nil {
		m["assignee_id"] = *c.AssigneeID
	}
	return m
}

// lockCase loads a case the actor may see FOR UPDATE.
func lockCase(tx *gorm.DB, a models.Actor, id int64) (models.SupportCase, error) {
	var c models.SupportCase
	err := forUpdate(tx).Scopes(scopeCases(a)).Where("support_cases.id = ?", id).Take(&c).Error
	return c, notFound(err)
}

// saveCase writes a changed case; the version check guards against a writer
// that loaded it before another's change.
func saveCase(tx *gorm.DB, c models.SupportCase) error {
	res := tx.Model(&models.SupportCase{}).Where("id = ?", c.ID).Updates(map[string]any{
		"state": c.State, "assignee_id": c.AssigneeID, "version": c.Version, "closed_at": c.ClosedAt, "updated_at": c.UpdatedAt,
	})
	if res.Error != nil {
		return fmt.Errorf("save case %d: %w", c.ID, res.Error)
	}
	return nil
}

// addCaseComment writes one thread entry by the actor.
func addCaseComment(tx *gorm.DB, a models.Actor, cm *models.CaseComment) error {
	cm.AuthorName, cm.FromDesk = a.Name, a.IsDesk()
	if a.UserID != 0 {
		uid := a.UserID
		cm.AuthorID = &uid
	}
	if err := tx.Create(cm).Error; err != nil {
		return fmt.Errorf("add to case %d's thread: %w", cm.CaseID, err)
	}
	return nil
}

// orgsOfCase are the audit logs a case event goes to: the console's, and the
// operator's when the desk acts.
func orgsOfCase(a models.Actor, c models.SupportCase) []int64 {
	if a.IsDesk() {
		return []int64{c.ConsoleID, a.OrgID}
	}
	return []int64{c.ConsoleID}
}

func ptrOr(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func without(ids []int64, x int64) []int64 {
	out := ids[:0:0]
	for _, id := range ids {
		if id != x {
			out = append(out, id)
		}
	}
	return out
}

func excerpt(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}

func consoleName(tx *gorm.DB, id int64) string {
	var name string
	tx.Table("consoles").Select("name").Where("id = ?", id).Scan(&name)
	return name
}

// CaseCustomers lists the console's customers for the case form's picker.
func (s *Store) CaseCustomers(ctx context.Context, a models.Actor) ([]models.Customer, error) {
	if a.OrgKind != models.OrgConsole {
		return nil, nil
	}
	var out []models.Customer
	if err := s.db.WithContext(ctx).Where("console_id = ?", a.OrgID).Order("name_key, id").Limit(500).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list customers for cases: %w", err)
	}
	return out, nil
}

// ConsoleCurrency is the actor's console's currency, for the case form.
func (s *Store) ConsoleCurrency(ctx context.Context, a models.Actor) string {
	var cur string
	s.db.WithContext(ctx).Table("consoles").Select("default_currency").Where("id = ?", a.OrgID).Scan(&cur)
	return strings.TrimSpace(cur)
}
