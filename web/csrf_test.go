package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"partnerconsole/web/webtest"
)

// Every POST route refuses a form without the CSRF token (and changes
// nothing in the database), and takes it with the token.
func TestCSRFOnEveryPost(t *testing.T) {
	t.Parallel()
	m := newMatrixEnv(t)
	clients := map[string]*webtest.Client{}
	clientFor := func(key string) *webtest.Client {
		if key == "" {
			c := m.Client(t)
			c.Get("/sign-in")
			return c
		}
		if clients[key] == nil {
			clients[key] = m.SignedIn(t, key)
		}
		return clients[key]
	}
	posts := 0
	for _, r := range servedRows(m) {
		if r.Method != http.MethodPost {
			continue
		}
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			posts++
			key := ""
			if !r.public() {
				key = firstAllowed(m, r)
			}
			if !r.public() && key == "" {
				t.Errorf("POST %s: no fixture user may use it", r.Path)
				return
			}
			c := clientFor(key)
			tenant, _ := tenantOf(key)
			path := r.path(t, m, tenant)
			form := url.Values{}
			for k, v := range r.Form {
				form[k] = v
			}

			before := dbFingerprint(t, m.Gorm)
			for name, send := range map[string]func() webtest.Response{
				"no token": func() webtest.Response { return c.PostRaw(path, form) },
				"wrong token": func() webtest.Response {
					f := cloneForm(form)
					f.Set("_csrf", "not-the-token")
					return c.PostRaw(path, f)
				},
				"cross-site with the token": func() webtest.Response {
					f := cloneForm(form)
					f.Set("_csrf", c.CSRF)
					x := m.Client(t)
					*x = *c
					x.Header = http.Header{"Sec-Fetch-Site": {"cross-site"}}
					return x.PostRaw(path, f)
				},
			} {
				res := send()
				if res.Status != http.StatusForbidden && res.Status != http.StatusBadRequest {
					t.Errorf("POST %s as %q, %s: status %d, want 403 or 400", r.Path, key, name, res.Status)
				}
				if !res.TestID("error-page") {
					t.Errorf("POST %s as %q, %s: not the error page", r.Path, key, name)
				}
			}
			if changed := changedTables(before, dbFingerprint(t, m.Gorm)); len(changed) > 0 {
				t.Errorf("POST %s without a valid token changed %v", r.Path, changed)
			}

			// With the token (the form field, as forms send it) it goes through.
			res := c.Post(path, cloneForm(form))
			if res.Status == http.StatusForbidden || res.Status == http.StatusBadRequest || res.Status >= 500 {
				t.Errorf("POST %s as %q with the token: status %d", r.Path, key, res.Status)
			}
		})
	}
	if posts == 0 {
		t.Fatal("no POST route found")
	}
}

func cloneForm(f url.Values) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// htmx sends the token in the X-CSRF-Token header; a browser that sends
// Sec-Fetch-Site: same-origin needs no token at all.
func TestCSRFHeaderAndFetchMetadata(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.SignedIn(t, "A:super_admin")
	tz := url.Values{"time_zone": {"Europe/Paris"}}

	h := s.Client(t)
	*h = *c
	h.Header = http.Header{"X-CSRF-Token": {c.CSRF}, "HX-Request": {"true"}}
	if r := h.PostRaw("/account/time-zone", tz); r.Status != http.StatusNoContent || r.Header.Get("HX-Redirect") != "/account" {
		t.Fatalf("token in header (htmx): status %d HX-Redirect %q", r.Status, r.Header.Get("HX-Redirect"))
	}
	var zone string
	s.Gorm.Raw("SELECT time_zone FROM users WHERE id = ?", s.Users["A:super_admin"].ID).Scan(&zone)
	if zone != "Europe/Paris" {
		t.Fatalf("time zone %q", zone)
	}

	same := s.Client(t)
	*same = *c
	same.Header = http.Header{"Sec-Fetch-Site": {"same-origin"}}
	if r := same.PostRaw("/account/time-zone", url.Values{"time_zone": {"Asia/Tokyo"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("same-origin without token: status %d", r.Status)
	}
	same.Header = http.Header{"Sec-Fetch-Site": {"same-site"}}
	if r := same.PostRaw("/account/time-zone", url.Values{"time_zone": {"UTC"}}); r.Status != http.StatusBadRequest && r.Status != http.StatusForbidden {
		t.Fatalf("same-site without token: status %d", r.Status)
	}
	s.Gorm.Raw("SELECT time_zone FROM users WHERE id = ?", s.Users["A:super_admin"].ID).Scan(&zone)
	if zone != "Asia/Tokyo" {
		t.Fatalf("time zone %q, want Asia/Tokyo (the same-site post must not apply)", zone)
	}
}

// A GET never changes anything: every GET route, as a user allowed to use it.
func TestNoStateChangeOnGet(t *testing.T) {
	t.Parallel()
	m := newMatrixEnv(t)
	clients := map[string]*webtest.Client{}
	// Sign everyone in first: signing in is a change.
	for _, r := range servedRows(m) {
		if k := firstAllowed(m, r); k != "" && !r.public() && clients[k] == nil {
			clients[k] = m.SignedIn(t, k)
		}
	}
	anon := m.Client(t)
	gets := 0
	for _, r := range servedRows(m) {
		if r.Method != http.MethodGet {
			continue
		}
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			gets++
			c, key := anon, ""
			if !r.public() {
				key = firstAllowed(m, r)
				c = clients[key]
			}
			tenant, _ := tenantOf(key)
			before := dbFingerprint(t, m.Gorm)
			audits := countRows(t, m.Gorm, "audit_events")
			res := c.Get(r.path(t, m, tenant))
			if res.Status >= 400 {
				t.Errorf("GET %s as %q: status %d", r.Path, key, res.Status)
			}
			changed := changedTables(before, dbFingerprint(t, m.Gorm))
			if strings.HasSuffix(r.Path, ".csv") && len(changed) == 1 && changed[0] == "audit_events" {
				// A data export is itself audited: one audit row, nothing else.
				var actions []string
				m.Gorm.Raw("SELECT action FROM audit_events WHERE id > (SELECT max(id) FROM audit_events) - ? ORDER BY id",
					countRows(t, m.Gorm, "audit_events")-audits).Scan(&actions)
				for _, a := range actions {
					if !strings.HasSuffix(a, ".exported") {
						t.Errorf("GET %s as %q wrote audit action %q", r.Path, key, a)
					}
				}
				return
			}
			if len(changed) > 0 {
				t.Errorf("GET %s as %q changed %v", r.Path, key, changed)
			}
		})
	}
	if gets == 0 {
		t.Fatal("no GET route found")
	}
}
