package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// NotifyThenFail writes notices in a transaction that then fails with fail
// (nil commits), for the outbox's same-transaction test.
func (s *Store) NotifyThenFail(ctx context.Context, userIDs []int64, n Notice, fail error) error {
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := notifyUsers(tx, now, userIDs, n); err != nil {
			return err
		}
		return fail
	})
}

// NotifyOrgThenFail is NotifyThenFail for a whole organisation.
func (s *Store) NotifyOrgThenFail(ctx context.Context, orgID int64, roles []models.Role, n Notice, fail error) error {
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := notifyOrg(tx, now, orgID, roles, n); err != nil {
			return err
		}
		return fail
	})
}

// FileCaseThenFail files a case inside a caller's transaction that then
// fails, as the Meet migration's step 3 does when a later step fails.
func (s *Store) FileCaseThenFail(ctx context.Context, a models.Actor, in models.CaseInput, fail error) (models.SupportCase, error) {
	var c models.SupportCase
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		if c, err = s.fileCase(tx, now, a, in); err != nil {
			return err
		}
		return fail
	})
	return c, err
}

// SetCaseAction wires fn under name on this store only, for a test: the
// actions map is the store's own, so other tests' stores keep theirs.
func (s *Store) SetCaseAction(name string, fn CaseAction) {
	s.actions[name] = fn
}
