package store_test

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// cloneSubscriptions copies src n times onto a customer of a console, as the
// bench's volume does: every copy renews on src's date (many subscriptions
// of a console renew on the same day). Copies for another console carry no
// billing account.
func cloneSubscriptions(t *testing.T, f *storetest.Fixture, src models.Subscription, consoleID, customerID int64, n int) {
	t.Helper()
	account := "billing_account_id"
	if consoleID != *src.ConsoleID {
		account = "NULL"
	}
	if err := f.Gorm.Exec(`INSERT INTO subscriptions (customer_id, console_id, product_id, quantity, plan, channel, status,
		suspension_reasons, start_date, end_date, renewal_option, billing_account_id, created_at, updated_at)
		SELECT ?, ?, product_id, quantity, plan, channel, status, suspension_reasons, start_date, end_date, renewal_option,
		`+account+`, created_at, updated_at FROM subscriptions, generate_series(1, ?) WHERE id = ?`,
		customerID, consoleID, n, src.ID).Error; err != nil {
		t.Fatal(err)
	}
}

// The subscriptions list pages by (end_date, id) from its cursor, in one
// statement a page: every row once, in order, the first page's capped count
// carried to the next ones; a search pages the same way.
func TestSubscriptionsListPagesFromItsCursor(t *testing.T) {
	f := storetest.Seed(t)
	now := models.Day(f.Clock.Now())
	soon := lifeSub(t, f, "CEU", models.PlanTrial, 5, now.AddDate(0, 0, -20), now.AddDate(0, 0, 5))
	later := lifeSub(t, f, "GWS-BS", models.PlanAnnualMonthly, 10, now, now.AddDate(1, 0, -1))
	cloneSubscriptions(t, f, later, f.ConsoleA.ID, f.CustomerA.ID, 118)
	cloneSubscriptions(t, f, soon, f.ConsoleA.ID, f.CustomerA.ID, 10)
	cloneSubscriptions(t, f, later, f.ConsoleB.ID, f.CustomerB.ID, 30) // never in A's list
	var want []int64
	if err := f.Gorm.Raw("SELECT id FROM subscriptions WHERE console_id = ? ORDER BY end_date, id", f.ConsoleA.ID).Scan(&want).Error; err != nil || len(want) != 130 {
		t.Fatalf("%v: %d subscriptions in console A", err, len(want))
	}
	a := f.Actor("A:sales_agent")
	walk := func(t *testing.T, filter models.SubscriptionFilter) (ids []int64, pages []models.Page[models.SubscriptionRow]) {
		t.Helper()
		cursor := ""
		for len(pages) < 10 {
			p, err := f.Store.ListSubscriptions(bg, a, filter, cursor)
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, p)
			for _, r := range p.Items {
				ids = append(ids, r.ID)
			}
			if p.Next == "" {
				break
			}
			cursor = p.Next
		}
		return ids, pages
	}
	for name, filter := range map[string]models.SubscriptionFilter{"all": {}, "search": {Query: "customer-a"}} {
		t.Run(name, func(t *testing.T) {
			ids, pages := walk(t, filter)
			if !slices.Equal(ids, want) {
				t.Fatalf("pages read %v, want %v", ids, want)
			}
			if len(pages) != 3 || len(pages[0].Items) != models.PageSize {
				t.Fatalf("%d pages, the first of %d rows", len(pages), len(pages[0].Items))
			}
			for i, p := range pages {
				if p.Total != 130 || p.Many {
					t.Errorf("page %d: total %d (many %v), want 130", i+1, p.Total, p.Many)
				}
			}
			r := pages[0].Items[0]
			if r.CustomerName != f.CustomerA.Name || r.ProductName == "" || r.BillingAccountName == "" || !r.EndDate.Equal(soon.EndDate) {
				t.Errorf("first row %+v", r)
			}
		})
	}
	t.Run("export", func(t *testing.T) {
		var ids []int64
		if err := f.Store.ExportSubscriptions(bg, a, models.SubscriptionFilter{}, func(r models.SubscriptionRow) error {
			ids = append(ids, r.ID)
			return nil
		}); err != nil || !slices.Equal(ids, want) {
			t.Fatalf("export %v: %v", err, ids)
		}
	})
	t.Run("a cursor without a count counts again", func(t *testing.T) {
		first, _ := f.Store.ListSubscriptions(bg, a, models.SubscriptionFilter{}, "")
		c, _ := models.DecodeCursor(first.Next)
		c.N = 0
		p, err := f.Store.ListSubscriptions(bg, a, models.SubscriptionFilter{}, c.Encode())
		if err != nil || p.Total != 130 || p.Many || p.Items[0].ID != want[models.PageSize] {
			t.Fatalf("%v: total %d many %v", err, p.Total, p.Many)
		}
	})
	t.Run("past the cap", func(t *testing.T) {
		cloneSubscriptions(t, f, later, f.ConsoleA.ID, f.CustomerA.ID, models.CountCap)
		first, err := f.Store.ListSubscriptions(bg, a, models.SubscriptionFilter{}, "")
		if err != nil || first.Total != models.CountCap || !first.Many {
			t.Fatalf("%v: first page total %d many %v", err, first.Total, first.Many)
		}
		next, err := f.Store.ListSubscriptions(bg, a, models.SubscriptionFilter{}, first.Next)
		if err != nil || next.Total != models.CountCap || !next.Many {
			t.Fatalf("%v: next page total %d many %v", err, next.Total, next.Many)
		}
	})
}

// Every page of a console's subscriptions walks subscriptions_console_end_idx
// in the list's order and sorts nothing, page 1 as page 81, with thousands of
// subscriptions renewing on one day (the bench's shape: a deep page's cursor
// sits inside that day); and the planner expects the full page it reads
// (the keyset condition's >=, see subscriptionKeys). Planned from the
// statistics, nothing priced out.
func TestSubscriptionsPagesWalkTheConsoleIndex(t *testing.T) {
	f := storetest.Seed(t)
	now := models.Day(f.Clock.Now())
	sub := lifeSub(t, f, "GWS-BS", models.PlanAnnualMonthly, 10, now, now.AddDate(1, 0, -1))
	cloneSubscriptions(t, f, sub, f.ConsoleA.ID, f.CustomerA.ID, 8000)
	cloneSubscriptions(t, f, sub, f.ConsoleB.ID, f.CustomerB.ID, 8000)
	// As the bench leaves it: analysed, not vacuumed (no index-only scan for
	// free). Only the owner may ANALYZE (the app role's is skipped).
	owner, err := pgx.Connect(bg, f.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(bg)
	if _, err := owner.Exec(bg, "ANALYZE subscriptions"); err != nil {
		t.Fatal(err)
	}
	var deep struct{ ID int64 }
	if err := f.Gorm.Raw("SELECT id FROM subscriptions WHERE console_id = ? ORDER BY end_date, id OFFSET 4000 LIMIT 1",
		f.ConsoleA.ID).Scan(&deep).Error; err != nil {
		t.Fatal(err)
	}
	cursor := models.Cursor{Key: sub.EndDate.Format(time.DateOnly), ID: deep.ID, N: -models.CountCap}
	limit := regexp.MustCompile(`Limit  \(cost=\S+ rows=(\d+)`)
	for name, c := range map[string]string{"first page": "", "page 81": cursor.Encode()} {
		t.Run(name, func(t *testing.T) {
			plan, err := f.Store.ExplainSubscriptionsPage(bg, f.Actor("A:super_admin"), c)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(plan, "Scan using subscriptions_console_end_idx") || strings.Contains(plan, "Sort") {
				t.Fatalf("the page does not walk subscriptions_console_end_idx in its order:\n%s", plan)
			}
			for _, m := range limit.FindAllStringSubmatch(plan, -1) {
				if n, _ := strconv.Atoi(m[1]); n < models.PageSize+1 {
					t.Fatalf("the planner expects %s rows of a full page:\n%s", m[1], plan)
				}
			}
		})
	}
}
