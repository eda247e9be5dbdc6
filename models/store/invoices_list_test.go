package store_test

import (
	"fmt"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// addInvoices gives a billing account n invoices, one a month from
// January 2020 (the i-th for period 2020-01 plus i months), every third
// paid, the others open.
func addInvoices(t *testing.T, f *storetest.Fixture, accountID int64, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		start := d(2020, 1, 1).AddDate(0, i, 0)
		state, paid := models.InvoiceOpen, int64(0)
		if i%3 == 0 {
			state, paid = models.InvoicePaid, 100
		}
		inv := models.Invoice{Number: fmt.Sprintf("L-%d-%03d", accountID, i), BillingAccountID: accountID, PeriodStart: start, PeriodEnd: start.AddDate(0, 1, 0),
			Currency: "EUR", SubtotalMinor: 100, TotalMinor: 100, PaidMinor: paid, State: state, IssuedOn: start.AddDate(0, 1, 0), DueOn: start.AddDate(0, 2, 0),
			CreatedAt: start, UpdatedAt: start}
		if err := f.Gorm.Create(&inv).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// The invoices list's first page reads its rows and its capped count in
// one statement; a later page shows the count the first page put in its
// cursor (it does not count again), and every filter counts what it shows,
// for a console and for the desk.
func TestInvoicesListCountsOnItsFirstPageAndCarriesIt(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ba, other := billingAccount(t, f, "A"), billingAccount(t, f, "B")
	n := models.PageSize + 10
	addInvoices(t, f, ba.ID, 0, n)
	addInvoices(t, f, other.ID, 0, 3)
	a := f.Actor("A:super_admin")
	first, err := f.Store.Invoices(bg, a, models.InvoiceFilter{}, "")
	if err != nil || first.Next == "" || len(first.Items) != models.PageSize {
		t.Fatalf("first page: %d rows, next %q, %v", len(first.Items), first.Next, err)
	}
	if first.Total != int64(n) || first.Many {
		t.Fatalf("first page counts %d (many %v), want %d", first.Total, first.Many, n)
	}
	for i, r := range first.Items {
		if r.AccountName != ba.Name || r.ConsoleName == "" {
			t.Fatalf("row %d lacks its account or console: %+v", r.ID, r)
		}
		if i > 0 && r.IssuedOn.After(first.Items[i-1].IssuedOn) {
			t.Fatalf("invoice %s after %s: not newest first", r.Number, first.Items[i-1].Number)
		}
	}
	if c, ok := models.DecodeCursor(first.Next); !ok || c.N != int64(n) {
		t.Fatalf("next cursor carries %d, want %d", c.N, n)
	}
	addInvoices(t, f, ba.ID, n, 1) // the later page still shows what the first counted
	later, err := f.Store.Invoices(bg, a, models.InvoiceFilter{}, first.Next)
	if err != nil || later.Total != first.Total || later.Many != first.Many || len(later.Items) != n-models.PageSize {
		t.Fatalf("later page: %d rows counting %d/%v (%v), the first page carried %d/%v", len(later.Items), later.Total, later.Many, err, first.Total, first.Many)
	}
	again, err := f.Store.Invoices(bg, a, models.InvoiceFilter{}, "")
	if err != nil || again.Total != int64(n+1) {
		t.Fatalf("first page again counts %d (%v), want %d", again.Total, err, n+1)
	}
	// A cursor carrying no count (a link from before counts were carried)
	// counts again.
	last := first.Items[len(first.Items)-1]
	old := models.Cursor{Key: last.IssuedOn.Format("2006-01-02"), ID: last.ID}
	if p, err := f.Store.Invoices(bg, a, models.InvoiceFilter{}, old.Encode()); err != nil || p.Total != int64(n+1) {
		t.Fatalf("a cursor without a count: total %d (%v), want %d", p.Total, err, n+1)
	}

	paid := int64(0)
	for i := 0; i <= n; i++ {
		if i%3 == 0 {
			paid++
		}
	}
	for _, c := range []struct {
		name   string
		actor  string
		filter models.InvoiceFilter
		want   int64
	}{
		{"paid", "A:super_admin", models.InvoiceFilter{State: models.InvoicePaid}, paid},
		{"open", "A:super_admin", models.InvoiceFilter{State: models.InvoiceOpen}, int64(n+1) - paid},
		{"a period", "A:super_admin", models.InvoiceFilter{Period: "2020-03"}, 1},
		{"its account", "A:super_admin", models.InvoiceFilter{BillingAccountID: ba.ID}, int64(n + 1)},
		{"another console's account", "A:super_admin", models.InvoiceFilter{BillingAccountID: other.ID}, 0},
		{"the desk, every console", "desk:support_engineer", models.InvoiceFilter{}, int64(n + 1 + 3)},
		{"the desk, one account", "desk:support_engineer", models.InvoiceFilter{BillingAccountID: other.ID}, 3},
		{"console B", "B:super_admin", models.InvoiceFilter{}, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := f.Store.Invoices(bg, f.Actor(c.actor), c.filter, "")
			if err != nil {
				t.Fatal(err)
			}
			shown := int64(len(p.Items))
			if p.Total != c.want || (p.Next == "") != (shown == c.want) {
				t.Fatalf("counts %d, shows %d (next %q), want %d", p.Total, shown, p.Next, c.want)
			}
			for _, r := range p.Items {
				if (c.filter.State != "" && r.State != c.filter.State) || (c.filter.BillingAccountID != 0 && r.BillingAccountID != c.filter.BillingAccountID) {
					t.Fatalf("invoice %s does not match the filter: %+v", r.Number, r.Invoice)
				}
			}
		})
	}
}

// invoiceListFields is what the invoices list reads of a row
// (invoiceListColumns).
func invoiceListFields(r models.InvoiceRow) string {
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	return fmt.Sprintf("%d %s %d %s %s %s %d %d %s %s %s | %s %s %s", r.ID, r.Number, r.BillingAccountID, day(r.PeriodStart), day(r.PeriodEnd),
		r.Currency, r.TotalMinor, r.PaidMinor, r.State, day(r.IssuedOn), day(r.DueOn), r.AccountName, r.ConsoleName, r.CustomerName)
}

// The list scans its rows by hand: each row holds what GORM's scan of the
// invoice (Store.Invoice) holds, for every field the list shows or pages
// by, on a first page and a later one, for a console and the desk.
func TestInvoicesListScansWhatGORMScans(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	addInvoices(t, f, billingAccount(t, f, "A").ID, 0, models.PageSize+3)
	for _, actor := range []string{"A:super_admin", "desk:operator_admin"} {
		a := f.Actor(actor)
		first, err := f.Store.Invoices(bg, a, models.InvoiceFilter{}, "")
		if err != nil || first.Next == "" {
			t.Fatalf("%s: first page next %q, %v", actor, first.Next, err)
		}
		later, err := f.Store.Invoices(bg, a, models.InvoiceFilter{}, first.Next)
		if err != nil || len(later.Items) == 0 {
			t.Fatalf("%s: later page %d rows, %v", actor, len(later.Items), err)
		}
		for _, r := range append(first.Items, later.Items...) {
			full, err := f.Store.Invoice(bg, a, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := invoiceListFields(r), invoiceListFields(full.InvoiceRow); got != want {
				t.Fatalf("%s: invoice %d listed as\n%s\nGORM reads\n%s", actor, r.ID, got, want)
			}
		}
	}
}
