// Package webtest runs the real server over a real database for handler and
// browser tests: a fixture platform, an httptest server, and a client with a
// cookie jar that signs in and carries the CSRF token like a browser form.
package webtest

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"partnerconsole/i18n"
	"partnerconsole/models/store/storetest"
	"partnerconsole/web"
)

// Server is a running console over a fixture.
type Server struct {
	*storetest.Fixture
	Echo *echo.Echo
	URL  string
	HTTP *httptest.Server
}

// Config is the test server's configuration: local mode, fixed keys.
func Config() web.Config {
	c, err := web.ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		panic(err)
	}
	return c
}

// Start serves a fresh fixture platform.
func Start(t testing.TB) *Server {
	t.Helper()
	f := storetest.Seed(t)
	return StartWith(t, f, Config())
}

// StartWith serves a given fixture with a given configuration.
func StartWith(t testing.TB, f *storetest.Fixture, cfg web.Config) *Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := web.NewServer(cfg, web.Deps{Store: f.Store, I18n: i18n.MustLoad(), Log: log})
	hs := httptest.NewServer(e)
	t.Cleanup(hs.Close)
	return &Server{Fixture: f, Echo: e, URL: hs.URL, HTTP: hs}
}

// StartReplica serves the same fixture database from a second server with
// its own store and connection pool: another replica of the console. Its
// Store is the replica's.
func StartReplica(t testing.TB, s *Server) *Server {
	t.Helper()
	st := s.Replica(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := web.NewServer(Config(), web.Deps{Store: st, I18n: i18n.MustLoad(), Log: log})
	hs := httptest.NewServer(e)
	t.Cleanup(hs.Close)
	f, db := *s.Fixture, *s.DB
	db.Store = st
	f.DB = &db
	return &Server{Fixture: &f, Echo: e, URL: hs.URL, HTTP: hs}
}

// Response is a read response.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Has tells whether the body contains s.
func (r Response) Has(s string) bool { return strings.Contains(r.Body, s) }

// TestID tells whether an element with data-testid="id" is in the body.
func (r Response) TestID(id string) bool { return strings.Contains(r.Body, `data-testid="`+id+`"`) }

// Client is a browser-like client: cookies, CSRF token, no redirects followed.
type Client struct {
	t    testing.TB
	srv  *Server
	base string
	http *http.Client
	CSRF string
	// Header is added to every request.
	Header http.Header
}

// Client returns a new signed-out client.
func (s *Server) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, srv: s, base: s.URL, Header: http.Header{}, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// On returns a client that talks to another server (a replica) with the
// same cookies and CSRF token, as a browser behind a load balancer.
func (c *Client) On(s *Server) *Client {
	return &Client{t: c.t, base: s.URL, http: c.http, CSRF: c.CSRF, Header: c.Header}
}

// SignedIn returns a client signed in as a fixture user key ("A:super_admin").
func (s *Server) SignedIn(t testing.TB, key string) *Client {
	t.Helper()
	c := s.Client(t)
	r := c.SignIn(s.Email(key), storetest.Password)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("sign in %s: status %d", key, r.Status)
	}
	return c
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]*)"`)

// Do sends a request and reads the response; it remembers the CSRF token.
func (c *Client) Do(req *http.Request) Response {
	c.t.Helper()
	for k, v := range c.Header {
		req.Header[k] = v
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if m := csrfMeta.FindSubmatch(b); m != nil && len(m[1]) > 0 {
		c.CSRF = string(m[1])
	}
	return Response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// Get fetches a path.
func (c *Client) Get(path string) Response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	return c.Do(req)
}

// Post submits a form with the client's CSRF token (fetching a page first
// when it has none).
func (c *Client) Post(path string, form url.Values) Response {
	c.t.Helper()
	if c.CSRF == "" {
		c.Get("/sign-in")
	}
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", c.CSRF)
	}
	return c.PostRaw(path, form)
}

// PostRaw submits a form exactly as given (no CSRF token added).
func (c *Client) PostRaw(path string, form url.Values) Response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// SignIn posts the sign-in form. A fixture user whose role requires a
// second factor is taken through the second step too, with the current code
// of their known seed, so the answer is the last redirect of the sign-in
// (to the portal or the page asked for). SignInPassword stops after the
// password.
func (c *Client) SignIn(email, password string) Response {
	c.t.Helper()
	return c.SignInForm(url.Values{"email": {email}, "password": {password}})
}

// SignInForm is SignIn with the whole sign-in form given (e.g. with next).
func (c *Client) SignInForm(form url.Values) Response {
	c.t.Helper()
	c.Get("/sign-in")
	r := c.Post("/sign-in", form)
	email := form.Get("email")
	if r.Status == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/sign-in/code") {
		if key := c.fixtureKey(email); key != "" {
			c.Get(r.Header.Get("Location"))
			r = c.Post("/sign-in/code", url.Values{"code": {c.srv.NextCode(c.t, key)}, "next": {nextOf(r.Header.Get("Location"))}})
		}
	}
	if r.Status == http.StatusSeeOther && !strings.HasPrefix(r.Header.Get("Location"), "/sign-in") {
		// The session (and its CSRF token) rotated: read the new token as a
		// browser would from the page it lands on.
		c.Get(r.Header.Get("Location"))
	}
	return r
}

// SignInPassword posts the sign-in form only (the first step).
func (c *Client) SignInPassword(email, password string) Response {
	c.t.Helper()
	c.Get("/sign-in")
	return c.Post("/sign-in", url.Values{"email": {email}, "password": {password}})
}

// fixtureKey finds the fixture user of an email, "" when none.
func (c *Client) fixtureKey(email string) string {
	if c.srv == nil || c.srv.Fixture == nil {
		return ""
	}
	for k, u := range c.srv.Users {
		if strings.EqualFold(u.Email, strings.TrimSpace(email)) {
			return k
		}
	}
	return ""
}

func nextOf(loc string) string {
	if u, err := url.Parse(loc); err == nil {
		return u.Query().Get("next")
	}
	return ""
}
