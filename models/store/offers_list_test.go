package store_test

import (
	"fmt"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// draftOffers makes console A save n draft offers to CustomerA, a minute
// apart, the i-th with PO number PO-<i> and, every third, of CEU.
func draftOffers(t *testing.T, f *storetest.Fixture, n int) {
	t.Helper()
	ba := billingAccount(t, f, "A")
	gws, ceu := productID(t, f, "GWS-BS"), productID(t, f, "CEU")
	for i := 0; i < n; i++ {
		p := gws
		if i%3 == 0 {
			p = ceu
		}
		if _, err := f.Store.CreateOffer(bg, f.Actor("A:sales_agent"), models.OfferInput{CustomerID: f.CustomerA.ID, ProductID: p,
			Quantity: "10", Plan: models.PlanFlexible, UnitPrice: "7.50", BillingAccountID: ba.ID, PONumber: fmt.Sprintf("PO-%03d", i)}, "", false); err != nil {
			t.Fatalf("offer %d: %v", i, err)
		}
		f.Clock.Advance(time.Minute)
	}
}

// offerCount counts console A's offers matching where, in SQL of its own.
func offerCount(t *testing.T, f *storetest.Fixture, where string, args ...any) int64 {
	t.Helper()
	var n int64
	q := f.Gorm.Table("offers").Joins("JOIN customers ON customers.id = offers.customer_id").Where("offers.console_id = ?", f.ConsoleA.ID)
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// The offers list's first page reads its rows and its capped count in one
// statement; a later page shows the count the first page put in its
// cursor (it does not count again), and every filter counts what it shows.
func TestOffersListCountsOnItsFirstPageAndCarriesIt(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	draftOffers(t, f, models.PageSize+10)
	a := f.Actor("A:super_admin")
	all := offerCount(t, f, "")
	first, err := f.Store.ListOffers(bg, a, models.OfferFilter{}, "")
	if err != nil || first.Next == "" || len(first.Items) != models.PageSize {
		t.Fatalf("first page: %d rows, next %q, %v", len(first.Items), first.Next, err)
	}
	if first.Total != all || first.Many {
		t.Fatalf("first page counts %d (many %v), want %d", first.Total, first.Many, all)
	}
	for i := 1; i < len(first.Items); i++ {
		p, o := first.Items[i-1], first.Items[i]
		if o.CreatedAt.After(p.CreatedAt) || (o.CreatedAt.Equal(p.CreatedAt) && o.ID > p.ID) {
			t.Fatalf("offer %d after %d: not newest first", o.ID, p.ID)
		}
		if o.CustomerName == "" || o.ProductName == "" || o.ConsoleName == "" {
			t.Fatalf("row %d lacks its customer, product or console: %+v", o.ID, o)
		}
	}
	if c, ok := models.DecodeCursor(first.Next); !ok || c.N != all {
		t.Fatalf("next cursor carries %d, want %d", c.N, all)
	}
	draftOffers(t, f, 1) // the later page still shows what the first counted
	later, err := f.Store.ListOffers(bg, a, models.OfferFilter{}, first.Next)
	if err != nil {
		t.Fatal(err)
	}
	if later.Total != first.Total || later.Many != first.Many {
		t.Fatalf("later page counts %d/%v, the first page carried %d/%v", later.Total, later.Many, first.Total, first.Many)
	}
	if len(later.Items) == 0 || later.Items[0].ID == first.Items[len(first.Items)-1].ID {
		t.Fatalf("later page starts with %+v", later.Items)
	}
	again, err := f.Store.ListOffers(bg, a, models.OfferFilter{}, "")
	if err != nil || again.Total != all+1 {
		t.Fatalf("first page again counts %d (%v), want %d", again.Total, err, all+1)
	}
	// A cursor carrying no count (a link from before counts were carried)
	// counts again.
	old := models.Cursor{Key: first.Items[9].CreatedAt.UTC().Format(time.RFC3339Nano), ID: first.Items[9].ID}
	if p, err := f.Store.ListOffers(bg, a, models.OfferFilter{}, old.Encode()); err != nil || p.Total != all+1 {
		t.Fatalf("a cursor without a count: total %d (%v), want %d", p.Total, err, all+1)
	}

	ceu := productID(t, f, "CEU")
	for _, c := range []struct {
		name   string
		filter models.OfferFilter
		want   int64
	}{
		{"state", models.OfferFilter{State: models.OfferDraft}, offerCount(t, f, "offers.state = 'draft'")},
		{"customer", models.OfferFilter{CustomerID: f.CustomerA.ID}, offerCount(t, f, "offers.customer_id = ?", f.CustomerA.ID)},
		{"product", models.OfferFilter{ProductID: ceu}, offerCount(t, f, "offers.product_id = ?", ceu)},
		{"search by PO number", models.OfferFilter{Query: "po-01"}, offerCount(t, f, "lower(offers.po_number) LIKE 'po-01%'")},
		{"search by customer name", models.OfferFilter{Query: f.CustomerA.Name}, offerCount(t, f, "offers.customer_id = ?", f.CustomerA.ID)},
		{"search matching nothing", models.OfferFilter{Query: "no such offer"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := f.Store.ListOffers(bg, a, c.filter, "")
			if err != nil {
				t.Fatal(err)
			}
			shown := int64(len(p.Items))
			if p.Total != c.want || (p.Next == "") != (shown == c.want) {
				t.Fatalf("counts %d, shows %d (next %q), want %d", p.Total, shown, p.Next, c.want)
			}
			if c.want == 0 {
				return
			}
			for _, o := range p.Items {
				if (c.filter.ProductID != 0 && o.ProductID != c.filter.ProductID) || (c.filter.State != "" && o.State != c.filter.State) {
					t.Fatalf("offer %d does not match the filter: %+v", o.ID, o.Offer)
				}
			}
		})
	}
}

// The offers list's filter options are one statement: the catalogue and,
// only when the list is filtered on a customer, that customer if the actor
// may see it.
func TestOfferListChoices(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	products, err := f.Store.Products(bg)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		actor    string
		customer int64
		want     int64 // the customer shown, 0 for none
	}{
		{"unfiltered", "A:super_admin", 0, 0},
		{"the console's customer", "A:super_admin", f.CustomerA.ID, f.CustomerA.ID},
		{"another console's customer", "B:super_admin", f.CustomerA.ID, 0},
		{"a customer that does not exist", "A:super_admin", 1 << 40, 0},
		{"the desk, any customer", "desk:operator_admin", f.CustomerB.ID, f.CustomerB.ID},
	} {
		t.Run(c.name, func(t *testing.T) {
			ch, err := f.Store.OfferListChoices(bg, f.Actor(c.actor), c.customer)
			if err != nil {
				t.Fatal(err)
			}
			if len(ch.Products) != len(products) {
				t.Fatalf("%d products, want the catalogue's %d", len(ch.Products), len(products))
			}
			for i, p := range ch.Products {
				if p.ID != products[i].ID || p.Name != products[i].Name {
					t.Fatalf("product %d is %d %q, want %d %q", i, p.ID, p.Name, products[i].ID, products[i].Name)
				}
			}
			switch {
			case c.want == 0 && ch.Customer != nil:
				t.Fatalf("shows customer %+v", *ch.Customer)
			case c.want != 0 && (ch.Customer == nil || ch.Customer.ID != c.want || ch.Customer.Name == "" || ch.Customer.Domain == ""):
				t.Fatalf("customer %+v, want %d with its name and domain", ch.Customer, c.want)
			}
		})
	}
}

// listFields is what the offers list reads of a row (offerListColumns).
func listFields(o models.OfferRow) string {
	return fmt.Sprintf("%d %v %d %d %d %s %d %s %s %s %s | %s %s %s %s %s %s", o.ID, ptr(o.ConsoleID), o.CustomerID, o.ProductID, o.Quantity, o.Plan,
		o.UnitPriceMinor, o.Currency, o.ExpiresOn.Format(time.DateOnly), o.State, o.CreatedAt.UTC().Format(time.RFC3339Nano),
		o.CustomerName, o.CustomerDomain, o.ConsoleName, o.ProductName, o.ProductSKU, o.ProductFamily)
}

func ptr(p *int64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

// The list scans its rows by hand: each row holds what GORM's scan of the
// offer (GetOffer) holds, for every field the list shows or pages by, on a
// first page and a later one.
func TestOffersListScansWhatGORMScans(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	draftOffers(t, f, models.PageSize+2)
	for _, actor := range []string{"A:super_admin", "desk:operator_admin"} {
		a := f.Actor(actor)
		first, err := f.Store.ListOffers(bg, a, models.OfferFilter{}, "")
		if err != nil || first.Next == "" {
			t.Fatalf("%s: first page next %q, %v", actor, first.Next, err)
		}
		later, err := f.Store.ListOffers(bg, a, models.OfferFilter{}, first.Next)
		if err != nil || len(later.Items) == 0 {
			t.Fatalf("%s: later page %d rows, %v", actor, len(later.Items), err)
		}
		for _, o := range append(first.Items, later.Items...) {
			full, err := f.Store.GetOffer(bg, a, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := listFields(o), listFields(full); got != want {
				t.Fatalf("%s: offer %d listed as\n%s\nGORM reads\n%s", actor, o.ID, got, want)
			}
		}
	}
}
