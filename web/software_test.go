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
