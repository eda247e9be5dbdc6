package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"partnerconsole/models/store/storetest"
	"partnerconsole/web"
	"partnerconsole/web/webtest"
)

// checkSecureHeaders asserts the headers every response carries.
func checkSecureHeaders(t *testing.T, what string, r webtest.Response) {
	t.Helper()
	csp := r.Header.Get("Content-Security-Policy")
	wants := []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"}
	if strings.HasPrefix(csp, "default-src 'none'") {
		// A download (case attachment) allows nothing at all.
		wants = []string{"frame-ancestors 'none'", "sandbox"}
	}
	for _, want := range wants {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: CSP %q lacks %q", what, csp, want)
		}
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*"} {
		if strings.Contains(csp, bad) {
			t.Errorf("%s: CSP %q allows %s", what, csp, bad)
		}
	}
	if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q", what, got)
	}
	if got := r.Header.Get("Referrer-Policy"); got == "" || got == "unsafe-url" {
		t.Errorf("%s: Referrer-Policy %q", what, got)
	}
	if got := r.Header.Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("%s: X-Frame-Options %q", what, got)
	}
	// The CSP forbids inline code: pages must not carry any.
	if strings.Contains(r.Header.Get("Content-Type"), "text/html") {
		if strings.Contains(r.Body, " style=") || strings.Contains(r.Body, "<script>") || strings.Contains(r.Body, " onclick=") {
			t.Errorf("%s: inline style or script in the page", what)
		}
		if strings.Contains(r.Body, "<html") && !strings.Contains(r.Body, `"includeIndicatorStyles":false`) {
			t.Errorf("%s: htmx may inject inline indicator styles", what)
		}
	}
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			t.Errorf("%s: cookie %s HttpOnly %v SameSite %v", what, c.Name, c.HttpOnly, c.SameSite)
		}
	}
}

// Every response — pages, errors, redirects, static files, probes, form
// posts — has the secure headers; cookies are HttpOnly and SameSite=Lax.
func TestSecureHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	m := newMatrixEnv(t)
	anon := m.Client(t)
	checkSecureHeaders(t, "GET /sign-in", anon.Get("/sign-in"))
	checkSecureHeaders(t, "404", anon.Get("/no/such/page"))
	checkSecureHeaders(t, "static", anon.Get("/static/css/app.css"))
	checkSecureHeaders(t, "healthz", anon.Get("/healthz"))
	checkSecureHeaders(t, "readyz", anon.Get("/readyz"))
	checkSecureHeaders(t, "POST without token", anon.PostRaw("/sign-in", url.Values{}))
	checkSecureHeaders(t, "failed sign-in", anon.SignIn("nobody@nowhere.test", "wrong password!"))
	checkSecureHeaders(t, "sign-in", anon.SignIn(m.Email("A:super_admin"), storetest.Password))
	checkSecureHeaders(t, "403", anon.Get("/desk"))
	checkSecureHeaders(t, "422", anon.Post("/console/customers", url.Values{}))
	for _, r := range servedRows(m) {
		if r.Method != http.MethodGet {
			continue
		}
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			key := firstAllowed(m, r)
			tenant, _ := tenantOf(key)
			path := r.path(t, m, tenant)
			checkSecureHeaders(t, "signed out GET "+path, m.Client(t).Get(path))
			if key != "" {
				res := m.SignedIn(t, key).Get(path)
				checkSecureHeaders(t, "GET "+path+" as "+key, res)
				if ct := res.Header.Get("Content-Type"); res.Status == http.StatusOK && ct == "" {
					t.Errorf("GET %s: no Content-Type", path)
				}
			}
		})
	}
	// Local mode: no Secure flag (plain http), no HSTS.
	r := m.Client(t).SignIn(m.Email("A:super_admin"), storetest.Password)
	if c := cookieOf(r, "pc_session"); c == nil || c.Secure {
		t.Errorf("local mode session cookie: %+v", c)
	}
	if h := r.Header.Get("Strict-Transport-Security"); h != "" {
		t.Errorf("local mode sends HSTS %q", h)
	}
}

// In production, cookies are Secure and HSTS is sent over HTTPS (the proxy
// says so with X-Forwarded-Proto).
func TestProductionCookiesAndHSTS(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	env := map[string]string{"APP_ENV": "production", "SESSION_KEY": strings.Repeat("s", 32),
		"ENCRYPTION_KEY": strings.Repeat("e", 32), "DATABASE_URL": f.URL, "PAYMENT_PROCESSOR": "test"}
	cfg, err := web.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	s := webtest.StartWith(t, f, cfg)
	c := s.Client(t)
	c.Header.Set("X-Forwarded-Proto", "https")
	page := c.Get("/sign-in")
	// The sign-in form's CSRF token is bound to a pre-session kept in the
	// session cookie, named with the __Host- prefix in production.
	pre := cookieOf(page, "__Host-pc_session")
	if pre == nil || !pre.Secure || !pre.HttpOnly || pre.SameSite != http.SameSiteLaxMode || pre.Path != "/" || pre.Domain != "" {
		t.Fatalf("session cookie in production: %+v", pre)
	}
	if h := page.Header.Get("Strict-Transport-Security"); !strings.Contains(h, "max-age=") || strings.Contains(h, "max-age=0") {
		t.Fatalf("HSTS %q", h)
	}
	checkSecureHeaders(t, "production sign-in page", page)
	// The cookie jar keeps Secure cookies off plain http, so post the
	// cookie and token by hand.
	c.Header.Set("Cookie", "__Host-pc_session="+pre.Value)
	r := c.PostRaw("/sign-in", url.Values{"_csrf": {c.CSRF}, "email": {s.Email("A:super_admin")}, "password": {storetest.Password}})
	sess := cookieOf(r, "__Host-pc_session")
	if r.Status != http.StatusSeeOther || sess == nil || !sess.Secure || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode {
		t.Fatalf("production sign-in: status %d cookie %+v", r.Status, sess)
	}
}

func TestProbes(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.Client(t)
	if r := c.Get("/healthz"); r.Status != http.StatusOK {
		t.Errorf("healthz: %d", r.Status)
	}
	if r := c.Get("/readyz"); r.Status != http.StatusOK || !r.Has("ready") {
		t.Errorf("readyz: %d %q", r.Status, r.Body)
	}
	// httptest serves on loopback: metrics answer.
	if r := c.Get("/metrics"); r.Status != http.StatusOK || !r.Has("http_requests_total") {
		t.Errorf("metrics from loopback: %d", r.Status)
	}
	// Static files are served to anyone, cached, with their type.
	for path, ct := range map[string]string{"/static/css/app.css": "text/css", "/static/js/app.js": "javascript"} {
		t.Run(path, func(t *testing.T) {
			r := c.Get(path)
			if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), ct) || !strings.Contains(r.Header.Get("Cache-Control"), "max-age=") {
				t.Errorf("%s: status %d type %q cache %q", path, r.Status, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"))
			}
		})
	}
	if r := c.Get("/static/../go.mod"); r.Status == http.StatusOK && r.Has("module partnerconsole") {
		t.Error("static serves files outside its folder")
	}
	// Probes need no CSRF token and no session.
	if r := c.PostRaw("/healthz", url.Values{}); r.Status == http.StatusOK {
		t.Errorf("POST healthz: %d", r.Status)
	}
	// Metrics route labels use the route pattern, not raw paths (bounded cardinality).
	c.Get("/console/customers/123456")
	if r := c.Get("/metrics"); strings.Contains(r.Body, "123456") {
		t.Error("metrics label holds a raw path")
	}
}

func TestMetricsRefuseNonLoopbackClients(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	cfg := webtest.Config()
	cfg.TrustProxy = true // the client address is the forwarded one
	s := webtest.StartWith(t, f, cfg)
	c := s.Client(t)
	c.Header.Set("X-Forwarded-For", "203.0.113.5")
	if r := c.Get("/metrics"); r.Status != http.StatusNotFound {
		t.Fatalf("metrics from a remote client: %d", r.Status)
	}
	if r := c.Get("/healthz"); r.Status != http.StatusOK {
		t.Fatalf("healthz from a remote client: %d", r.Status)
	}
}

// Request bodies over the limit are refused before any handler runs.
func TestBodyLimit(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.SignedIn(t, "A:super_admin")
	before := dbFingerprint(t, s.Gorm)
	big := strings.Repeat("x", 13<<20) // over the default MAX_BODY of 12M
	r := c.Post("/console/customers", url.Values{"name": {big}, "domain": {"big.example"}, "country": {"FR"}})
	if r.Status != http.StatusRequestEntityTooLarge || !r.TestID("error-page") {
		t.Fatalf("oversized body: status %d", r.Status)
	}
	checkSecureHeaders(t, "413", r)
	if changed := changedTables(before, dbFingerprint(t, s.Gorm)); len(changed) > 0 {
		t.Fatalf("oversized body changed %v", changed)
	}
}

// The server's profiles are in the route table, and refused without the
// metrics token, even to a loopback client (the test server has none).
func TestPprofIsNotPublic(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.Client(t)
	for _, p := range []string{"/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/profile?seconds=1"} {
		if r := c.Get(p); r.Status != http.StatusNotFound {
			t.Errorf("%s without the token: %d", p, r.Status)
		}
	}
}
