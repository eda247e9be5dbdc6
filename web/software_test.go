package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/web/webtest"
)

// softwareServer serves the fixture with an order of Office LTSC placed by
// console A's admin agent for customer A; it returns the order line.
func softwareServer(t *testing.T) (*webtest.Server, int64) {
	t.Helper()
	s := webtest.Start(t)
	b, err := s.Store.SaveBillingAccount(t.Context(), s.Actor("A:super_admin"), 0,
		models.BillingAccountInput{Name: "Software A", Currency: "EUR", LegalEntity: "Entity A"})
	if err != nil {
		t.Fatal(err)
	}
	var ids struct{ P, V int64 }
	s.Gorm.Raw(`SELECT p.id AS p, v.id AS v FROM software_products p JOIN software_versions v ON v.product_id = p.id AND v.rank = 0
WHERE p.sku = 'SW-OFFICE-LTSC'`).Scan(&ids)
	o, err := s.Store.PlaceSoftwareOrder(t.Context(), s.Actor("A:admin_agent"), s.CustomerA.ID, store.PlaceOrderInput{BillingAccountID: b.ID,
		Lines: []models.OrderLineInput{{ProductID: ids.P, VersionID: ids.V, Quantity: "1"}}, Confirm: true, Key: "web-sw-1"})
	if err != nil {
		t.Fatal(err)
	}
	var line int64
	s.Gorm.Raw("SELECT id FROM software_order_lines WHERE order_id = ?", o.Order.ID).Scan(&line)
	return s, line
}

func TestSoftwareDownloadLink(t *testing.T) {
	s, line := softwareServer(t)
	admin := s.SignedIn(t, "A:admin_agent")
	base := "/console/customers/" + strconvI(s.CustomerA.ID) + "/software"

	r := admin.Post(base+"/lines/"+strconvI(line)+"/link", url.Values{"language": {"en"}, "bitness": {"64"}})
	if r.Status != http.StatusOK || !r.TestID("download-link") {
		t.Fatalf("copy link: %d", r.Status)
	}
	i := strings.Index(r.Body, "/software/download/")
	tok := r.Body[i+len("/software/download/"):]
	tok = tok[:strings.IndexByte(tok, '"')]
	path := "/software/download/" + tok

	fresh := s.Client(t) // the customer, in a fresh browser session
	t.Run("the link downloads as an attachment, signed out", func(t *testing.T) {
		res := fresh.Get(path)
		if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") || len(res.Body) != 64<<10 {
			t.Fatalf("download: %d %q %d bytes", res.Status, res.Header.Get("Content-Disposition"), len(res.Body))
		}
	})
	t.Run("range requests", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
		req.Header.Set("Range", "bytes=100-199")
		res := fresh.Do(req)
		if res.Status != http.StatusPartialContent || len(res.Body) != 100 {
			t.Fatalf("range: %d, %d bytes", res.Status, len(res.Body))
		}
	})
	t.Run("a tampered link is a plain 404", func(t *testing.T) {
		body, mac, _ := strings.Cut(tok, ".")
		flip := func(s string) string {
			if s[0] == 'A' {
				return "B" + s[1:]
			}
			return "A" + s[1:]
		}
		for name, p := range map[string]string{
			"signature": "/software/download/" + body + "." + flip(mac),
			"body":      "/software/download/" + flip(body) + "." + mac,
			"garbage":   "/software/download/nothing-here",
		} {
			res := fresh.Get(p)
			if res.Status != http.StatusNotFound || strings.Contains(res.Body, "expired") || strings.Contains(res.Body, "revoked") {
				t.Fatalf("%s: %d", name, res.Status)
			}
		}
	})
	t.Run("a link expires after 24 hours", func(t *testing.T) {
		s.Clock.Advance(store.DownloadLinkTTL)
		defer s.Clock.Advance(-store.DownloadLinkTTL)
		if res := fresh.Get(path); res.Status != http.StatusNotFound {
			t.Fatalf("expired: %d", res.Status)
		}
	})
	t.Run("a helpdesk agent sees no Get key", func(t *testing.T) {
		res := s.SignedIn(t, "A:helpdesk_agent").Get(base)
		if res.Status != http.StatusOK || res.TestID("get-key") || !res.TestID("software-line-"+strconvI(line)) {
			t.Fatalf("helpdesk page: %d", res.Status)
		}
	})
	t.Run("cancelling revokes the key and kills the link", func(t *testing.T) {
		res := admin.Get(base)
		if !res.TestID("cancel-line") {
			t.Fatal("no Cancel button within 7 days")
		}
		if res := admin.Post(base+"/lines/"+strconvI(line)+"/cancel", nil); res.Status != http.StatusSeeOther {
			t.Fatalf("cancel: %d", res.Status)
		}
		if res := fresh.Get(path); res.Status != http.StatusNotFound {
			t.Fatalf("revoked: %d", res.Status)
		}
	})
}

func strconvI(n int64) string { return strconv.FormatInt(n, 10) }

func TestSoftwareAddProducts(t *testing.T) {
	s, _ := softwareServer(t)
	sales := s.SignedIn(t, "A:sales_agent")
	base := "/console/customers/" + strconvI(s.CustomerA.ID) + "/software"
	r := sales.Get(base + "/new")
	if r.Status != http.StatusOK || !r.TestID("order-form") {
		t.Fatalf("form: %d", r.Status)
	}
	key := regexpValue(r.Body, `name="key" value="`)
	var account, item string
	s.Gorm.Raw("SELECT id::text FROM billing_accounts WHERE console_id = ? ORDER BY lower(name), id LIMIT 1", s.ConsoleA.ID).Scan(&account)
	s.Gorm.Raw(`SELECT p.id::text || ':' || v.id::text FROM software_products p JOIN software_versions v ON v.product_id = p.id
WHERE p.sku = 'SW-WINSRV-STD' AND v.rank = 2`).Scan(&item)
	form := url.Values{"key": {key}, "billing_account": {account}, "po_number": {"PO-42"}, "item": {item, ""}, "quantity": {"3", ""}}
	t.Run("bad quantity: 422 on the field", func(t *testing.T) {
		bad := url.Values{"key": {key}, "billing_account": {account}, "item": {item}, "quantity": {"0"}}
		if r := sales.Post(base+"/orders", bad); r.Status != http.StatusUnprocessableEntity || !r.Has("Enter a quantity from 1 to 10000.") {
			t.Fatalf("bad quantity: %d", r.Status)
		}
	})
	t.Run("review shows the price, place order places it once", func(t *testing.T) {
		r := sales.Post(base+"/orders", form)
		if r.Status != http.StatusOK || !r.TestID("order-review") || !r.TestID("place-order") {
			t.Fatalf("review: %d", r.Status)
		}
		form.Set("step", "place")
		for i := 0; i < 2; i++ {
			if r := sales.Post(base+"/orders", form); r.Status != http.StatusSeeOther {
				t.Fatalf("place %d: %d %s", i, r.Status, r.Body)
			}
		}
		var n int64
		s.Gorm.Table("software_orders").Where("po_number = 'PO-42'").Count(&n)
		if n != 1 {
			t.Fatalf("orders = %d, want 1", n)
		}
		if r := sales.Get("/console/software-orders?q=PO"); r.Status != http.StatusOK {
			t.Fatalf("orders list: %d", r.Status)
		}
	})
}

func regexpValue(body, prefix string) string {
	i := strings.Index(body, prefix)
	if i < 0 {
		return ""
	}
	v := body[i+len(prefix):]
	return v[:strings.IndexByte(v, '"')]
}
