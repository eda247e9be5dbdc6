package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"partnerconsole/web/webtest"
)

// Every CSV export goes through one helper: a text/csv attachment named
// after the list and the store's date (the one clock), its header first.
func TestCSVExportsShareOneShape(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	// Move the store's clock far from the wall clock: the file name follows it.
	s.Clock.Advance(400 * 24 * time.Hour)
	day := s.Clock.Now().UTC().Format("20060102")
	c := s.SignedIn(t, "A:super_admin")
	for _, tc := range []struct{ name, path, header string }{
		{"customers", "/console/customers.csv", "id,name,domain,"},
		{"offers", "/console/offers.csv", "id,state,customer,"},
		{"cases", "/console/cases.csv", "id,title,type,"},
		{"audit", "/console/audit.csv", "id,at,organisation_id,"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Get(tc.path)
			if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("status %d, type %q", r.Status, r.Header.Get("Content-Type"))
			}
			if want := `attachment; filename="` + tc.name + "-" + day + `.csv"`; r.Header.Get("Content-Disposition") != want {
				t.Errorf("disposition %q, want %q", r.Header.Get("Content-Disposition"), want)
			}
			if !strings.HasPrefix(r.Body, tc.header) {
				t.Errorf("body starts %q, want the header %q", r.Body[:min(len(r.Body), 40)], tc.header)
			}
		})
	}
}
