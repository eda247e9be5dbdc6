package web_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"

	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
	"partnerconsole/web"
	"partnerconsole/web/webtest"
)

func TestSignInLandsInPortal(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	for key, portal := range map[string]string{"A:super_admin": "/console", "custA:customer_admin": "/admin", "desk:support_engineer": "/desk"} {
		t.Run(key, func(t *testing.T) {
			c := s.Client(t)
			r := c.SignIn(s.Email(key), storetest.Password)
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != portal {
				t.Fatalf("%s: status %d location %q", key, r.Status, r.Header.Get("Location"))
			}
			if got := c.Get(portal); got.Status != http.StatusOK {
				t.Fatalf("%s: portal status %d", key, got.Status)
			}
		})
	}
}

func TestSignInNextStaysInPortalAndOnSite(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	for next, want := range map[string]string{
		"/console/customers":   "/console/customers",
		"/desk/consoles":       "/console", // another portal's page: the user's own portal instead
		"//evil.example/x":     "/console",
		"https://evil.example": "/console",
	} {
		t.Run(next, func(t *testing.T) {
			c := s.Client(t)
			r := c.SignInForm(url.Values{"email": {s.Email("A:super_admin")}, "password": {storetest.Password}, "next": {next}})
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != want {
				t.Errorf("next %q: status %d location %q, want %q", next, r.Status, r.Header.Get("Location"), want)
			}
		})
	}
}

func TestSignInWrongPasswordIsGeneric(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.Client(t)
	c.Get("/sign-in")
	r := c.Post("/sign-in", url.Values{"email": {s.Email("A:super_admin")}, "password": {"wrong password!"}})
	if r.Status != http.StatusUnprocessableEntity || !r.TestID("sign-in-error") {
		t.Fatalf("status %d", r.Status)
	}
	unknown := c.Post("/sign-in", url.Values{"email": {"nobody@nowhere.test"}, "password": {"wrong password!"}})
	if unknown.Status != r.Status || !unknown.Has("Email or password is not right.") || !r.Has("Email or password is not right.") {
		t.Fatalf("unknown email answered %d, wrong password %d", unknown.Status, r.Status)
	}
	if cookieOf(r, "pc_session") != nil && tokenOf(t, cookieOf(r, "pc_session").Value) != "" {
		t.Fatal("a failed sign-in stored a session token")
	}
}

// tokenOf decodes the session cookie the way the server does and returns the
// opaque session token it holds.
func tokenOf(t testing.TB, cookie string) string {
	t.Helper()
	key := webtest.Config().SessionKey
	hash := sha256.Sum256(append([]byte("hash:"), key...))
	block := sha256.Sum256(append([]byte("block:"), key...))
	vals := map[any]any{}
	if err := securecookie.New(hash[:], block[:]).SetSerializer(web.CookieSerializer{}).Decode("pc_session", cookie, &vals); err != nil {
		t.Fatalf("decode session cookie: %v", err)
	}
	tok, _ := vals["t"].(string)
	return tok
}

func sessionRevoked(t testing.TB, s *webtest.Server, token string) (exists, revoked bool) {
	t.Helper()
	h := sha256.Sum256([]byte(token))
	var rows []struct{ Revoked bool }
	if err := s.Gorm.Raw("SELECT revoked_at IS NOT NULL AS revoked FROM user_sessions WHERE id_hash = ?", h[:]).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		return false, false
	}
	return true, rows[0].Revoked
}

// withCookie is a fresh client presenting a given session cookie.
func withCookie(t testing.TB, s *webtest.Server, cookie string) *webtest.Client {
	c := s.Client(t)
	c.Header.Set("Cookie", "pc_session="+cookie)
	return c
}

func TestSessionRotatesAtEverySignInAndSignOutEndsIt(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.Client(t)

	first := c.SignIn(s.Email("A:sales_agent"), storetest.Password)
	ck1 := cookieOf(first, "pc_session")
	if first.Status != http.StatusSeeOther || ck1 == nil {
		t.Fatalf("sign in: status %d, cookie %v", first.Status, ck1)
	}
	tok1 := tokenOf(t, ck1.Value)
	if tok1 == "" {
		t.Fatal("no token in the session cookie")
	}
	if exists, revoked := sessionRevoked(t, s, tok1); !exists || revoked {
		t.Fatalf("session row: exists %v revoked %v", exists, revoked)
	}
	if !ck1.HttpOnly || ck1.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie: HttpOnly %v SameSite %v", ck1.HttpOnly, ck1.SameSite)
	}

	// Signing in again in the same browser (as someone else) rotates the token.
	second := c.SignIn(s.Email("A:super_admin"), storetest.Password)
	ck2 := cookieOf(second, "pc_session")
	if ck2 == nil {
		t.Fatal("second sign-in set no cookie")
	}
	tok2 := tokenOf(t, ck2.Value)
	if tok2 == "" || tok2 == tok1 {
		t.Fatalf("token did not rotate: %q then %q", tok1, tok2)
	}
	if r := c.Get("/console/users"); r.Status != http.StatusOK {
		t.Fatalf("the new session is not the super admin's: %d", r.Status)
	}
	// The session signed in over is ended, not just forgotten by the cookie.
	if _, revoked := sessionRevoked(t, s, tok1); !revoked {
		t.Fatal("the previous session is still live after signing in over it")
	}
	if r := withCookie(t, s, ck1.Value).Get("/console"); !toSignIn(r) {
		t.Fatalf("replayed pre-rotation cookie: status %d", r.Status)
	}

	// Sign out: the token is revoked, and replaying the old cookie is refused.
	out := c.Post("/sign-out", nil)
	if out.Status != http.StatusSeeOther || out.Header.Get("Location") != "/sign-in" {
		t.Fatalf("sign out: status %d location %q", out.Status, out.Header.Get("Location"))
	}
	if ck := cookieOf(out, "pc_session"); ck == nil || tokenOf(t, ck.Value) != "" {
		t.Fatal("sign-out left the token in the cookie")
	}
	if _, revoked := sessionRevoked(t, s, tok2); !revoked {
		t.Fatal("sign-out did not revoke the session row")
	}
	if r := c.Get("/console"); !toSignIn(r) {
		t.Fatalf("after sign-out: status %d", r.Status)
	}
	replay := withCookie(t, s, ck2.Value)
	if r := replay.Get("/console"); !toSignIn(r) {
		t.Fatalf("replayed cookie after sign-out: status %d location %q", r.Status, r.Header.Get("Location"))
	}
	// A forged cookie is just a signed-out visitor.
	if r := withCookie(t, s, "garbage").Get("/console"); !toSignIn(r) {
		t.Fatalf("forged cookie: status %d", r.Status)
	}
}

func TestEndOtherSessions(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	laptop := s.SignedIn(t, "A:super_admin")
	phone := s.SignedIn(t, "A:super_admin")
	r := laptop.Post("/account/sessions/end-others", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("end others: %d", r.Status)
	}
	if r := phone.Get("/console"); !toSignIn(r) {
		t.Fatalf("other session still works: %d", r.Status)
	}
	if r := laptop.Get("/console"); r.Status != http.StatusOK {
		t.Fatalf("current session ended: %d", r.Status)
	}
}

func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.SignedIn(t, "A:sales_agent")
	// Activity keeps the session alive well past 30 minutes in total.
	for i := 0; i < 3; i++ {
		s.Clock.Advance(29 * time.Minute)
		if r := c.Get("/console"); r.Status != http.StatusOK {
			t.Fatalf("after %d idle periods of 29 min: status %d", i+1, r.Status)
		}
	}
	s.Clock.Advance(store.SessionIdle + time.Minute)
	if r := c.Get("/console"); !toSignIn(r) {
		t.Fatalf("after 31 idle minutes: status %d", r.Status)
	}
	if r := c.Post("/account/locale", url.Values{"locale": {"fr"}}); r.Status != http.StatusUnauthorized {
		t.Fatalf("POST after idle timeout: status %d", r.Status)
	}
}

func TestAbsoluteTimeout(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.SignedIn(t, "custA:customer_admin")
	// Busy all day: a request every 20 minutes for 11 h 40 min.
	for i := 0; i < 35; i++ {
		s.Clock.Advance(20 * time.Minute)
		if r := c.Get("/admin"); r.Status != http.StatusOK {
			t.Fatalf("after %v: status %d", time.Duration(i+1)*20*time.Minute, r.Status)
		}
	}
	// 12 h 05 min after sign-in, only 25 min idle: the session has ended.
	s.Clock.Advance(25 * time.Minute)
	if r := c.Get("/admin"); !toSignIn(r) {
		t.Fatalf("after 12 h 05: status %d", r.Status)
	}
	// Signing in again works.
	if r := c.SignIn(s.Email("custA:customer_admin"), storetest.Password); r.Status != http.StatusSeeOther {
		t.Fatalf("sign in again: %d", r.Status)
	}
	if r := c.Get("/admin"); r.Status != http.StatusOK {
		t.Fatalf("after new sign-in: %d", r.Status)
	}
}

func TestDisabledUsersLiveSessionEnds(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	agent := s.SignedIn(t, "A:sales_agent")
	admin := s.SignedIn(t, "A:super_admin")
	if r := agent.Get("/console/customers"); r.Status != http.StatusOK {
		t.Fatalf("before: %d", r.Status)
	}
	id := s.Users["A:sales_agent"].ID
	if r := admin.Post(fmt.Sprintf("/console/users/%d/disable", id), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.Status)
	}
	if r := agent.Get("/console/customers"); !toSignIn(r) {
		t.Fatalf("disabled user's GET: status %d", r.Status)
	}
	if r := agent.Post("/console/customers", url.Values{"name": {"X"}}); r.Status != http.StatusUnauthorized {
		t.Fatalf("disabled user's POST: status %d", r.Status)
	}
	// Signing in is refused with the generic message.
	c := s.Client(t)
	r := c.SignIn(s.Email("A:sales_agent"), storetest.Password)
	if r.Status != http.StatusUnprocessableEntity || !r.Has("Email or password is not right.") {
		t.Fatalf("disabled sign-in: status %d", r.Status)
	}
	// Enabled again: they sign in (the old session stays ended).
	if r := admin.Post(fmt.Sprintf("/console/users/%d/enable", id), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("enable: %d", r.Status)
	}
	if r := c.SignIn(s.Email("A:sales_agent"), storetest.Password); r.Status != http.StatusSeeOther {
		t.Fatalf("sign in after enable: %d", r.Status)
	}
}

func TestThrottlePerAccount(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.Client(t)
	email := s.Email("A:super_admin")
	for i := 0; i < store.ThrottlePerAccount; i++ {
		if r := c.SignIn(email, "wrong password!"); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d: status %d", i+1, r.Status)
		}
	}
	// The right password no longer opens a session: 429, the generic message.
	r := c.SignIn(email, storetest.Password)
	if r.Status != http.StatusTooManyRequests || !r.TestID("sign-in-error") || !r.Has("Too many failed attempts") {
		t.Fatalf("after %d failures: status %d", store.ThrottlePerAccount, r.Status)
	}
	if r := c.Get("/console"); !toSignIn(r) {
		t.Fatalf("a throttled sign-in opened a session: %d", r.Status)
	}
	// Case and spaces do not make another account.
	if r := c.SignIn("  "+strings.ToUpper(email)+" ", storetest.Password); r.Status != http.StatusTooManyRequests {
		t.Fatalf("same account, other spelling: %d", r.Status)
	}
	// Another account from the same address is not blocked.
	if r := c.SignIn(s.Email("A:sales_agent"), storetest.Password); r.Status != http.StatusSeeOther {
		t.Fatalf("other account: %d", r.Status)
	}
	// After the window the account can sign in.
	s.Clock.Advance(store.ThrottleWindow + time.Minute)
	if r := s.Client(t).SignIn(email, storetest.Password); r.Status != http.StatusSeeOther {
		t.Fatalf("after the window: %d", r.Status)
	}
}

// failFromAddress records the address budget of failures with unknown emails.
func failFromAddress(t *testing.T, c *webtest.Client, prefix string) {
	t.Helper()
	for i := 0; i < store.ThrottlePerAddress; i++ {
		if r := c.SignIn(fmt.Sprintf("%s%d@nowhere.test", prefix, i), "wrong password!"); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d: status %d", i+1, r.Status)
		}
	}
}

func TestThrottlePerAddressIgnoresForgedForwardedFor(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.Client(t)
	c.Header.Set("X-Forwarded-For", "198.51.100.1")
	failFromAddress(t, c, "a")
	// Every failure is recorded against the TCP peer, not the forged header.
	var ips []string
	if err := s.Gorm.Raw("SELECT DISTINCT ip FROM sign_in_failures").Scan(&ips).Error; err != nil {
		t.Fatal(err)
	}
	if len(ips) != 1 || ips[0] != "127.0.0.1" {
		t.Fatalf("failures recorded for %v, want [127.0.0.1]", ips)
	}
	// A right password for an account with no failures: the address is blocked.
	if r := c.SignIn(s.Email("B:super_admin"), storetest.Password); r.Status != http.StatusTooManyRequests || !r.TestID("sign-in-error") {
		t.Fatalf("after %d failures from one address: %d", store.ThrottlePerAddress, r.Status)
	}
	// A fresh forged X-Forwarded-For (or X-Real-IP) buys no fresh budget.
	for _, h := range []string{"X-Forwarded-For", "X-Real-IP"} {
		t.Run(h, func(t *testing.T) {
			f := s.Client(t)
			f.Header.Set(h, "203.0.113.77")
			if r := f.SignIn(s.Email("B:super_admin"), storetest.Password); r.Status != http.StatusTooManyRequests {
				t.Fatalf("forged %s: status %d, want 429", h, r.Status)
			}
		})
	}
}

func TestThrottlePerAddressBehindTrustedProxy(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	cfg := webtest.Config()
	cfg.TrustProxy = true
	s := webtest.StartWith(t, f, cfg)
	c := s.Client(t)
	c.Header.Set("X-Forwarded-For", "198.51.100.1")
	failFromAddress(t, c, "a")
	if r := c.SignIn(s.Email("B:super_admin"), storetest.Password); r.Status != http.StatusTooManyRequests {
		t.Fatalf("blocked address: %d", r.Status)
	}
	// The proxy says another client: its own budget.
	other := s.Client(t)
	other.Header.Set("X-Forwarded-For", "198.51.100.2")
	if r := other.SignIn(s.Email("B:super_admin"), storetest.Password); r.Status != http.StatusSeeOther {
		t.Fatalf("other client behind the proxy: %d", r.Status)
	}
	var n int64
	s.Gorm.WithContext(context.Background()).Raw("SELECT count(*) FROM sign_in_failures WHERE ip = '198.51.100.1'").Scan(&n)
	if n != store.ThrottlePerAddress {
		t.Fatalf("failures recorded for the forwarded address: %d", n)
	}
}
