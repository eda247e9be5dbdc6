package jobs_test

import (
	"context"
	"testing"
	"time"

	"partnerconsole/handlers/jobs"
	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// The term-end jobs (issue 11) are listed: renewal notices daily, term-state
// moves hourly, and each does its work when run.
func TestTermJobsScheduled(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	byName := map[string]jobs.Periodic{}
	for _, p := range jobs.Schedule(f.Store) {
		byName[p.Name] = p
	}
	notices, moves := byName["renewal_notices"], byName["term_moves"]
	if notices.Every != 24*time.Hour || moves.Every != time.Hour {
		t.Fatalf("renewal_notices every %v, term_moves every %v", notices.Every, moves.Every)
	}
	var pid int64
	f.Gorm.Table("products").Select("id").Order("id").Limit(1).Scan(&pid)
	now := f.Clock.Now()
	today := models.Day(now)
	ca := f.ConsoleA.ID
	soon := models.Subscription{CustomerID: f.CustomerA.ID, ConsoleID: &ca, ProductID: pid, Quantity: 5, Plan: models.PlanAnnualMonthly,
		Channel: models.SubOnline, Status: models.SubActive, SuspensionReasons: models.TextArray{}, StartDate: today.AddDate(-1, 0, 8),
		EndDate: today.AddDate(0, 0, 7), RenewalOption: models.RenewManually, CreatedAt: now, UpdatedAt: now}
	over := soon
	over.StartDate, over.EndDate = today.AddDate(-1, 0, -2), today.AddDate(0, 0, -2)
	for _, s := range []*models.Subscription{&soon, &over} {
		if err := f.Gorm.Create(s).Error; err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []jobs.Periodic{notices, moves} {
		if err := p.Run(context.Background()); err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
	}
	var n int64
	f.Gorm.Table("renewal_notices").Where("subscription_id = ? AND days_before = 7", soon.ID).Count(&n)
	if n == 0 {
		t.Error("no renewal notice sent")
	}
	var st string
	f.Gorm.Table("subscriptions").Select("status").Where("id = ?", over.ID).Scan(&st)
	if st != string(models.SubExpired) {
		t.Errorf("status %s, want expired", st)
	}
}
