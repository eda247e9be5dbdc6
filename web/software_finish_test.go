package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// Get key answers with the key in a modal dialog (components.Dialog, opened
// at load by the vendored app.js) with a copy button and the warning; the
// page carries the KMS panel of seed 001 (R-SW-3, R-SW-5).
func TestSoftwareKeyDialog(t *testing.T) {
	s, line := softwareServer(t)
	admin := s.SignedIn(t, "A:admin_agent")
	base := "/console/customers/" + strconvI(s.CustomerA.ID) + "/software"
	page := admin.Get(base)
	if !page.TestID("kms-info") || !page.Has("180 days") || !page.Has("MAK") || !page.TestID("keys-warning") || page.TestID("revealed-key") {
		t.Fatalf("software page: %d", page.Status)
	}
	r := admin.Post(base+"/lines/"+strconvI(line)+"/key", nil)
	if r.Status != http.StatusOK || !r.TestID("revealed-key") || !r.TestID("copy-key") || !r.Has(`data-dialog-show="key-dialog"`) ||
		!strings.Contains(r.Body, `<dialog id="key-dialog"`) || !r.Has("Keys are valuable") {
		t.Fatalf("get key: %d", r.Status)
	}
	if strings.Contains(r.Body, "cdn") || strings.Contains(r.Body, "<script>") {
		t.Fatal("a script from outside or inline")
	}
}

// The orders list, per console and per customer: search by number or
// customer, filter by state and by the days placed (a bad day is 422 on
// its field), keyset pages, CSV of the same filter.
func TestSoftwareOrdersList(t *testing.T) {
	s, _ := softwareServer(t)
	admin := s.SignedIn(t, "A:admin_agent")
	var number string
	s.Gorm.Raw("SELECT number FROM software_orders ORDER BY id LIMIT 1").Scan(&number)
	today := s.Clock.Now().UTC().Format("2006-01-02")
	long := s.Clock.Now().UTC().AddDate(0, -1, 0).Format("2006-01-02")
	customer := "/console/customers/" + strconvI(s.CustomerA.ID) + "/software/orders"
	for _, tc := range []struct {
		name, path string
		rows       int
	}{
		{"the console's list", "/console/software-orders", 1},
		{"by order number", "/console/software-orders?q=" + number, 1},
		{"by customer name", "/console/software-orders?q=" + strings.ToLower(s.CustomerA.Name[:4]), 1},
		{"another number", "/console/software-orders?q=SW-1999", 0},
		{"by state", "/console/software-orders?state=placed", 1},
		{"another state", "/console/software-orders?state=cancelled", 0},
		{"placed today", "/console/software-orders?from=" + today + "&to=" + today, 1},
		{"placed a month ago", "/console/software-orders?to=" + long, 0},
		{"the customer's list", customer, 1},
		{"the customer's list, filtered", customer + "?state=cancelled", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := admin.Get(tc.path)
			if r.Status != http.StatusOK || strings.Count(r.Body, `data-testid="software-order-row"`) != tc.rows {
				t.Fatalf("%s: %d, %d rows; want %d", tc.path, r.Status, strings.Count(r.Body, `data-testid="software-order-row"`), tc.rows)
			}
		})
	}
	if r := admin.Get("/console/software-orders?from=31/12/2026"); r.Status != http.StatusUnprocessableEntity || !r.Has("YYYY-MM-DD") {
		t.Fatalf("a bad day: %d", r.Status)
	}
	csv := admin.Get(customer + ".csv?q=" + number)
	if csv.Status != http.StatusOK || !strings.Contains(csv.Body, number) || !strings.HasPrefix(csv.Body, "number,customer") {
		t.Fatalf("csv: %d %q", csv.Status, csv.Body)
	}
	if r := admin.Get("/console/customers/" + strconvI(s.CustomerB.ID) + "/software/orders.csv"); r.Status != http.StatusNotFound {
		t.Fatalf("another console's customer: %d", r.Status)
	}
}
