package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

var bg = context.Background()

// wantCode fails unless err carries the domain code.
func wantCode(t *testing.T, what string, err error, code models.Code) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want %s", what, code)
		return
	}
	if got := models.ErrorCode(err); got != code {
		t.Errorf("%s: %v (code %s), want %s", what, err, got, code)
	}
}

// wantField fails unless err is a validation error with a message on field.
func wantField(t *testing.T, what string, err error, field string) {
	t.Helper()
	fe, ok := models.AsValidation(err)
	if !ok || fe[field] == "" {
		t.Errorf("%s: %v, want a message on %q", what, err, field)
	}
}

// countRows counts rows of a table matching a condition.
func countRows(t *testing.T, db *gorm.DB, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	q := db.Table(table)
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// addSubscription gives a customer a Workspace subscription sold by a
// console (nil: direct).
func addSubscription(t *testing.T, f *storetest.Fixture, customerID int64, consoleID *int64) models.Subscription {
	t.Helper()
	var p models.Product
	if err := f.Gorm.Where("family = ?", models.FamilyWorkspace).Order("id").Take(&p).Error; err != nil {
		t.Fatalf("workspace product: %v", err)
	}
	now := f.Clock.Now()
	sub := models.Subscription{CustomerID: customerID, ConsoleID: consoleID, ProductID: p.ID, Quantity: 10,
		Plan: models.PlanFlexible, Channel: models.SubOnline, Status: models.SubActive, SuspensionReasons: models.TextArray{},
		StartDate: now.Truncate(24 * time.Hour), EndDate: now.Truncate(24*time.Hour).AddDate(1, 0, 0),
		RenewalOption: models.RenewAuto, CreatedAt: now, UpdatedAt: now}
	if err := f.Gorm.Create(&sub).Error; err != nil {
		t.Fatalf("subscription: %v", err)
	}
	return sub
}

func customerIDs(rows []store.CustomerRow) map[int64]bool {
	m := map[int64]bool{}
	for _, r := range rows {
		m[r.ID] = true
	}
	return m
}

func isNotFound(err error) bool {
	var e *models.Error
	return errors.As(err, &e) && e.Code == models.CodeNotFound
}
