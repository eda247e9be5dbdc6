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
	// A console's list reads the customers of other consoles that granted
	// it delegated admin (R-ROLE-6's exception) only when its page's
	// statement says there are any (none here: TestDelegatedCustomersList
	// covers them), and its customer page the delegated-admin panel (the
	// console's enrolment and the live relationship).
	const listBudget, customerBudget, consoleListBudget, consoleCustomerBudget = 2, 4, 2, 6
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
	// its cursor. Two statements: the session and the page.
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

// The offers and invoices lists run at most three statements a page, the
// session's included, first page and later page alike, and write nothing:
// the session; the page, which on a first page carries its capped count
// and on a later page takes it from the cursor; the filter options (the
// catalogue and the customer filtered on, in one statement, for offers;
// the billing accounts for invoices). The later page shows the first
// page's count.
func TestQueryBudgetOffersAndInvoices(t *testing.T) {
	t.Parallel()
	const budget = 3
	s := webtest.Start(t)
	ctx := t.Context()
	ba, err := s.Store.SaveBillingAccount(ctx, s.Actor("A:super_admin"), 0, models.BillingAccountInput{Name: "A EUR", Currency: "EUR", LegalEntity: "Entity A"})
	if err != nil {
		t.Fatal(err)
	}
	var product int64
	if err := s.Gorm.Table("products").Select("id").Where("sku = ?", "GWS-BS").Scan(&product).Error; err != nil || product == 0 {
		t.Fatalf("product: %v", err)
	}
	n := models.PageSize + 10
	for i := 0; i < n; i++ {
		if _, err := s.Store.CreateOffer(ctx, s.Actor("A:sales_agent"), models.OfferInput{CustomerID: s.CustomerA.ID, ProductID: product,
			Quantity: "10", Plan: models.PlanFlexible, UnitPrice: "7.50", BillingAccountID: ba.ID, PONumber: fmt.Sprintf("PO-%03d", i)}, "", false); err != nil {
			t.Fatalf("offer %d: %v", i, err)
		}
		s.Clock.Advance(time.Second)
		start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, i, 0)
		inv := models.Invoice{Number: fmt.Sprintf("Q-%03d", i), BillingAccountID: ba.ID, PeriodStart: start, PeriodEnd: start.AddDate(0, 1, 0),
			Currency: "EUR", SubtotalMinor: 100, TotalMinor: 100, State: models.InvoiceOpen, IssuedOn: start.AddDate(0, 1, 0), DueOn: start.AddDate(0, 2, 0),
			CreatedAt: start, UpdatedAt: start}
		if err := s.Gorm.Create(&inv).Error; err != nil {
			t.Fatal(err)
		}
	}
	qc := countQueries(t, s.Gorm)
	console, desk := s.SignedIn(t, "A:super_admin"), s.SignedIn(t, "desk:operator_admin")
	s.Clock.Advance(2 * time.Minute) // the sessions' last-seen refresh happens once, here
	console.Get("/console")
	desk.Get("/desk")
	next := regexp.MustCompile(`href="([^"]*)" rel="next"`)
	count := regexp.MustCompile(`data-testid="count">([^<]*)<`)
	for _, p := range []struct {
		c    *webtest.Client
		path string
	}{
		{console, "/console/offers"},
		{console, "/console/offers?state=draft"},
		{console, fmt.Sprintf("/console/offers?customer=%d", s.CustomerA.ID)},
		{console, fmt.Sprintf("/console/offers?product=%d", product)},
		{console, "/console/offers?q=po-0"},
		{desk, "/desk/offers"},
		{console, "/console/invoices"},
		{console, "/console/invoices?state=open"},
		{console, fmt.Sprintf("/console/invoices?account=%d", ba.ID)},
		{desk, "/desk/invoices"},
	} {
		t.Run(p.path, func(t *testing.T) {
			get := func(path string) (webtest.Response, int64, int64) {
				var r webtest.Response
				n := qc.during(func() { r = p.c.Get(path) })
				if r.Status != http.StatusOK {
					t.Fatalf("GET %s: status %d", path, r.Status)
				}
				return r, n, qc.writes.Load()
			}
			first, n, w := get(p.path)
			if n > budget || w != 0 {
				t.Errorf("first page: %d statements, %d writes; budget %d, no write", n, w, budget)
			}
			m := next.FindStringSubmatch(first.Body)
			if m == nil {
				t.Fatal("no next link on a full first page")
			}
			later, n, w := get(html.UnescapeString(m[1]))
			if n > budget || w != 0 {
				t.Errorf("later page: %d statements, %d writes; budget %d, no write", n, w, budget)
			}
			a, b := count.FindStringSubmatch(first.Body), count.FindStringSubmatch(later.Body)
			if a == nil || b == nil || a[1] != b[1] {
				t.Errorf("the later page's count %q differs from the first page's %q", b, a)
			}
		})
	}
	// Filtered on a customer, the offers list's customer filter shows that
	// customer (and "All customers"); unfiltered it has no customer filter
	// (the search box finds any customer).
	filtered := console.Get(fmt.Sprintf("/console/offers?customer=%d", s.CustomerA.ID)).Body
	if !strings.Contains(filtered, `data-testid="filter-customer"`) ||
		!strings.Contains(filtered, fmt.Sprintf(`<option value="%d" selected>%s</option>`, s.CustomerA.ID, html.EscapeString(s.CustomerA.Name))) {
		t.Errorf("the customer filter does not show %q selected", s.CustomerA.Name)
	}
	if strings.Contains(console.Get("/console/offers").Body, `data-testid="filter-customer"`) {
		t.Error("the unfiltered offers list shows a customer filter")
	}
}
