package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"partnerconsole/models"
	"partnerconsole/web/webtest"
)

// The main console's list of incoming migrations costs the same number of
// statements with 2 started customers as with 20 (issue 12: no queries per
// row).
func TestIncomingMigrationsQueryBudget(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	ctx := context.Background()
	qc := countQueries(t, s.Gorm)
	mainA, srcB := s.Actor("A:super_admin"), s.Actor("B:super_admin")
	c, err := s.Store.InviteConsole(ctx, mainA, s.ConsoleB.PublicResellerID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Store.AcceptConnection(ctx, srcB, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Store.SaveBillingAccount(ctx, mainA, 0, models.BillingAccountInput{Name: "A in yen", Currency: "JPY", LegalEntity: "A KK"}); err != nil {
		t.Fatal(err)
	}
	var ws models.Product
	if err := s.Gorm.Where("family = ?", models.FamilyWorkspace).Order("id").Take(&ws).Error; err != nil {
		t.Fatal(err)
	}
	s.Clock.Advance(models.MigrationWait)
	n := 0
	startMore := func(k int) {
		t.Helper()
		var ids []int64
		for range k {
			n++
			cust, err := s.Store.CreateCustomer(ctx, srcB, models.CustomerInput{Name: fmt.Sprintf("Budget %02d", n), Domain: fmt.Sprintf("budget-%02d.example", n), Country: "JP"})
			if err != nil {
				t.Fatal(err)
			}
			now := s.Clock.Now()
			for range 2 {
				sub := models.Subscription{CustomerID: cust.ID, ConsoleID: &s.ConsoleB.ID, ProductID: ws.ID, Quantity: 3, Plan: models.PlanFlexible,
					Channel: models.SubOnline, Status: models.SubActive, SuspensionReasons: models.TextArray{}, StartDate: now.AddDate(0, -1, 0),
					EndDate: now.AddDate(1, 0, 0), RenewalOption: models.RenewAuto, CreatedAt: now, UpdatedAt: now}
				if err := s.Gorm.Create(&sub).Error; err != nil {
					t.Fatal(err)
				}
			}
			ids = append(ids, cust.ID)
		}
		if _, err := s.Store.StartMigrations(ctx, srcB, ids); err != nil {
			t.Fatal(err)
		}
	}
	main := s.SignedIn(t, "A:super_admin")
	measure := func() int64 {
		var body string
		q := qc.during(func() {
			r := main.Get("/console/consolidation/incoming")
			if r.Status != http.StatusOK {
				t.Fatalf("incoming: %d", r.Status)
			}
			body = r.Body
		})
		if rows := strings.Count(body, `data-testid="incoming-customer-`); rows != n {
			t.Fatalf("%d rows, want %d", rows, n)
		}
		return q
	}
	startMore(2)
	main.Get("/console/consolidation/incoming")
	few := measure()
	startMore(18)
	many := measure()
	t.Logf("%d statements with 2 rows, %d with 20", few, many)
	if many != few || many > 12 {
		t.Errorf("the incoming list costs %d statements with 2 rows and %d with 20: want the same, small number", few, many)
	}
}
