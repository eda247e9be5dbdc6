package web_test

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
	"partnerconsole/web/webtest"
)

// queryCounter counts the SQL statements GORM runs while it is on, and the
// writes among them. A subquery GORM only builds (DryRun, as cappedCount's
// inner SELECT) is not a statement.
type queryCounter struct {
	on     atomic.Bool
	n      atomic.Int64
	writes atomic.Int64
}

func countQueries(t testing.TB, db *gorm.DB) *queryCounter {
	t.Helper()
	qc := &queryCounter{}
	inc := func(tx *gorm.DB) {
		if qc.on.Load() && !tx.DryRun {
			qc.n.Add(1)
		}
	}
	write := func(tx *gorm.DB) {
		if qc.on.Load() && !tx.DryRun {
			qc.n.Add(1)
			qc.writes.Add(1)
		}
	}
	raw := func(tx *gorm.DB) {
		if qc.on.Load() && !tx.DryRun {
			qc.n.Add(1)
			if s := strings.ToUpper(strings.TrimSpace(tx.Statement.SQL.String())); !strings.HasPrefix(s, "SELECT") && !strings.HasPrefix(s, "WITH") {
				qc.writes.Add(1)
			}
		}
	}
	cb := db.Callback()
	name := fmt.Sprintf("test:count:%p", qc)
	for _, err := range []error{
		cb.Query().After("gorm:query").Register(name, inc),
		cb.Row().After("gorm:row").Register(name, inc),
		cb.Raw().After("gorm:raw").Register(name, raw),
		cb.Create().After("gorm:create").Register(name, write),
		cb.Update().After("gorm:update").Register(name, write),
		cb.Delete().After("gorm:delete").Register(name, write),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return qc
}

// during counts the statements one request runs.
func (qc *queryCounter) during(fn func()) int64 {
	qc.n.Store(0)
	qc.writes.Store(0)
	qc.on.Store(true)
	fn()
	qc.on.Store(false)
	return qc.n.Load()
}

// addSubscriptions gives a customer n more subscriptions.
func addSubscriptions(t testing.TB, s *webtest.Server, customerID, consoleID int64, n int) {
	t.Helper()
	var products []models.Product
	if err := s.Gorm.Order("id").Find(&products).Error; err != nil || len(products) == 0 {
		t.Fatalf("products: %v (%d)", err, len(products))
	}
	now := s.Clock.Now()
	subs := make([]models.Subscription, 0, n)
	for i := 0; i < n; i++ {
		subs = append(subs, models.Subscription{CustomerID: customerID, ConsoleID: &consoleID, ProductID: products[i%len(products)].ID,
			Quantity: 1 + i, Plan: models.PlanFlexible, Channel: models.SubOnline, Status: models.SubActive, SuspensionReasons: models.TextArray{},
			StartDate: now.AddDate(0, -1, 0), EndDate: now.AddDate(1, 0, 0), RenewalOption: models.RenewAuto, CreatedAt: now, UpdatedAt: now})
	}
	if err := s.Gorm.CreateInBatches(&subs, 100).Error; err != nil {
		t.Fatal(err)
	}
}

// A page costs a small, bounded number of statements whatever its rows: the
// customers list with 5, 200 and 1000 customers, a customer with 5, 200 and
// 400 subscriptions (no N+1). A list page runs two (the session with its
// bell count; the page, which on a first page carries its capped count);
// the customer page four (the session, then the customer,
// its subscriptions and its audit trail in one transaction). A plain GET
// writes nothing once the session's last-seen time is fresh.
func TestQueryBudget(t *testing.T) {
	t.Parallel()
	// A console's list reads the customers that granted it delegated admin
	// too (R-ROLE-6's exception), and its customer page the delegated-admin
	// panel (the console's enrolment and the live relationship).
	const listBudget, customerBudget, consoleListBudget, consoleCustomerBudget = 2, 4, 3, 6
	// The subscriptions list: the session, the page (with its capped count on
	// a first page) and the filter's product and billing account choices.
	const subscriptionListBudget = 3
	s := webtest.Start(t)
	qc := countQueries(t, s.Gorm)
	ctx := t.Context()
	console := s.SignedIn(t, "A:super_admin")
	desk := s.SignedIn(t, "desk:support_engineer")
	customerPage := fmt.Sprintf("/console/customers/%d", s.CustomerA.ID)
	deskCustomerPage := fmt.Sprintf("/desk/customers/%d", s.CustomerA.ID)
	pages := []struct {
		c      *webtest.Client
		path   string
		budget int64
	}{
		{console, "/console/customers", consoleListBudget},
		{console, "/console/customers?sort=name&q=customer", consoleListBudget},
		{console, customerPage, consoleCustomerBudget},
		{desk, "/desk/customers", listBudget},
		{desk, deskCustomerPage, customerBudget},
		{console, "/console/audit", listBudget},
		{console, "/console/subscriptions", subscriptionListBudget},
	}
	measure := func() map[string]int64 {
		out := map[string]int64{}
		for _, p := range pages {
			var status int
			out[p.path] = qc.during(func() { status = p.c.Get(p.path).Status })
			if status != http.StatusOK {
				t.Fatalf("GET %s: status %d", p.path, status)
			}
			if w := qc.writes.Load(); w != 0 {
				t.Errorf("GET %s wrote %d times", p.path, w)
			}
		}
		return out
	}

	grow := func(customers, subs int) map[string]int64 {
		t.Helper()
		if err := s.Store.SeedBulkCustomers(ctx, s.ConsoleA.ID, customers); err != nil {
			t.Fatal(err)
		}
		addSubscriptions(t, s, s.CustomerA.ID, s.ConsoleA.ID, subs)
		return measure()
	}
	// 5 customers in console A, 5 subscriptions on customer A: one short page.
	s.Clock.Advance(2 * time.Minute) // the sessions' last-seen refresh happens once, here
	console.Get("/console")
	desk.Get("/desk")
	measure()
	small := grow(4, 5)
	// 200 of each: the list pages now, the customer page lists them all.
	medium := grow(195, 195)
	// 1000 customers, 400 subscriptions.
	large := grow(800, 200)

	// The pages did render the rows the budget was measured on.
	if n := strings.Count(console.Get(customerPage).Body, `data-testid="subscription-row"`); n != 400 {
		t.Fatalf("customer page shows %d subscriptions, want 400", n)
	}
	if n := strings.Count(console.Get("/console/customers").Body, `data-testid="customer-row"`); n != models.PageSize {
		t.Fatalf("customers list shows %d rows, want a full page of %d", n, models.PageSize)
	}

	for _, p := range pages {
		t.Run(p.path, func(t *testing.T) {
			t.Logf("%s: %d statements with 5 rows, %d with 200, %d with 1000/400", p.path, small[p.path], medium[p.path], large[p.path])
			// A short list skips its count; past one page the cost is flat.
			if small[p.path] > medium[p.path] || medium[p.path] != large[p.path] {
				t.Errorf("%s: %d, %d then %d statements as rows grow (N+1?)", p.path, small[p.path], medium[p.path], large[p.path])
			}
			if large[p.path] > p.budget || small[p.path] == 0 {
				t.Errorf("%s: %d statements, budget %d", p.path, large[p.path], p.budget)
			}
		})
	}
	// A later page does not count again: the first page's count travels in
	// its cursor. Three statements: the session, the page and the customers
	// that granted the console delegated admin.
	t.Run("next page", func(t *testing.T) {
		first := console.Get("/console/customers?q=customer")
		m := regexp.MustCompile(`href="([^"]*)" rel="next"`).FindStringSubmatch(first.Body)
		if m == nil {
			t.Fatal("no next link on a full first page")
		}
		var next webtest.Response
		n := qc.during(func() { next = console.Get(html.UnescapeString(m[1])) })
		if n != consoleListBudget || next.Status != http.StatusOK {
			t.Errorf("next page: %d statements (status %d), want %d", n, next.Status, consoleListBudget)
		}
		count := regexp.MustCompile(`data-testid="count">([^<]*)<`)
		a, b := count.FindStringSubmatch(first.Body), count.FindStringSubmatch(next.Body)
		if a == nil || b == nil || a[1] != b[1] {
			t.Errorf("the next page's count %q differs from the first page's %q", b, a)
		}
	})
	// The subscriptions list's later page: the count travels in its cursor.
	t.Run("subscriptions next page", func(t *testing.T) {
		first := console.Get("/console/subscriptions")
		m := regexp.MustCompile(`href="([^"]*)" rel="next"`).FindStringSubmatch(first.Body)
		if m == nil {
			t.Fatal("no next link on a full first page")
		}
		var next webtest.Response
		n := qc.during(func() { next = console.Get(html.UnescapeString(m[1])) })
		if n > subscriptionListBudget || next.Status != http.StatusOK {
			t.Errorf("next page: %d statements (status %d), budget %d", n, next.Status, subscriptionListBudget)
		}
		if rows := strings.Count(next.Body, `data-testid="subscription-row"`); rows != models.PageSize {
			t.Errorf("next page shows %d subscriptions, want %d", rows, models.PageSize)
		}
		count := regexp.MustCompile(`data-testid="count">([^<]*)<`)
		a, b := count.FindStringSubmatch(first.Body), count.FindStringSubmatch(next.Body)
		if a == nil || b == nil || a[1] != b[1] {
			t.Errorf("the next page's count %q differs from the first page's %q", b, a)
		}
	})
	// The customer page lists every subscription: its cost is the same for 5 and 400.
	for _, p := range []string{customerPage, deskCustomerPage} {
		t.Run(p, func(t *testing.T) {
			if small[p] != large[p] {
				t.Errorf("%s: %d statements with 5 subscriptions, %d with 400", p, small[p], large[p])
			}
		})
	}
}
