package web_test

import (
	"bytes"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
	"partnerconsole/web/webtest"
)

// Sign-in is two steps for a role that requires a second factor: after the
// password the session can do nothing but the code step; the code lands the
// user in their portal (with the page they asked for).
func TestTwoStepSignInWeb(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.Client(t)
	r := c.SignInPassword(s.Email("A:super_admin"), storetest.Password)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/sign-in/code") {
		t.Fatalf("password: status %d location %q", r.Status, r.Header.Get("Location"))
	}
	// Half signed in: every page sends back to the sign-in, which continues
	// with the code; a POST is refused.
	if r := c.Get("/console"); !toSignIn(r) {
		t.Fatalf("half-signed-in GET /console: %d %q", r.Status, r.Header.Get("Location"))
	}
	if r := c.Get("/sign-in"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/sign-in/code") {
		t.Fatalf("sign-in page while half signed in: %d %q", r.Status, r.Header.Get("Location"))
	}
	page := c.Get("/sign-in/code")
	if page.Status != http.StatusOK || !page.TestID("code") {
		t.Fatalf("code page: %d", page.Status)
	}
	if r := c.Post("/account/time-zone", url.Values{"time_zone": {"Asia/Tokyo"}}); r.Status != http.StatusUnauthorized {
		t.Fatalf("half-signed-in POST: %d", r.Status)
	}
	wrong := c.Post("/sign-in/code", url.Values{"code": {"000000"}})
	if wrong.Status != http.StatusUnprocessableEntity || !wrong.TestID("code-error") {
		t.Fatalf("wrong code: %d", wrong.Status)
	}
	ok := c.Post("/sign-in/code", url.Values{"code": {s.NextCode(t, "A:super_admin")}, "next": {"/console/users"}})
	if ok.Status != http.StatusSeeOther || ok.Header.Get("Location") != "/console/users" {
		t.Fatalf("code: %d %q", ok.Status, ok.Header.Get("Location"))
	}
	if r := c.Get("/console/users"); r.Status != http.StatusOK {
		t.Fatalf("signed in: %d", r.Status)
	}
	// An optional role without a second factor: one step, as before.
	o := s.Client(t)
	if r := o.SignInPassword(s.Email("A:sales_agent"), storetest.Password); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/console" {
		t.Fatalf("one-step sign-in: %d %q", r.Status, r.Header.Get("Location"))
	}
}

// The half-signed-in state lasts five minutes.
func TestHalfSignedInExpires(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.Client(t)
	c.SignInPassword(s.Email("desk:support_engineer"), storetest.Password)
	c.Get("/sign-in/code")
	s.Clock.Advance(5*time.Minute + time.Second)
	r := c.Post("/sign-in/code", url.Values{"code": {s.NextCode(t, "desk:support_engineer")}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/sign-in" {
		t.Fatalf("code after 5 minutes: %d %q", r.Status, r.Header.Get("Location"))
	}
	if r := c.Get("/desk"); !toSignIn(r) {
		t.Fatalf("desk after expiry: %d", r.Status)
	}
}

var secretRe = regexp.MustCompile(`data-testid="totp-secret">([A-Z2-7]+)<`)

// A role that requires a second factor and has none is sent to enrolment
// right after the password and can do nothing else; the QR code is a PNG
// from our own route, never cached; the code switches it on and the
// recovery codes are shown once.
func TestRequiredRoleEnrolsAtSignIn(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	u, err := s.Store.CreateUser(t.Context(), s.Actor("A:super_admin"), models.UserInput{Name: "New Admin", Email: "new-admin@a.test",
		Password: storetest.Password, Role: models.RoleAdminAgent})
	if err != nil {
		t.Fatal(err)
	}
	c := s.Client(t)
	r := c.SignInPassword(u.Email, storetest.Password)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/sign-in/enrol") {
		t.Fatalf("password: %d %q", r.Status, r.Header.Get("Location"))
	}
	if r := c.Get("/console"); !toSignIn(r) {
		t.Fatalf("before enrolment GET /console: %d", r.Status)
	}
	page := c.Get("/sign-in/enrol")
	m := secretRe.FindStringSubmatch(page.Body)
	if page.Status != http.StatusOK || m == nil || !page.TestID("totp-qr") {
		t.Fatalf("enrol page: %d", page.Status)
	}
	qr := c.Get("/two-factor/qr.png")
	if qr.Status != http.StatusOK || qr.Header.Get("Content-Type") != "image/png" || qr.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("QR: %d %q %q", qr.Status, qr.Header.Get("Content-Type"), qr.Header.Get("Cache-Control"))
	}
	if _, err := png.Decode(bytes.NewReader([]byte(qr.Body))); err != nil {
		t.Fatalf("QR is not a PNG: %v", err)
	}
	if r := s.Client(t).Get("/two-factor/qr.png"); r.Status != http.StatusSeeOther {
		t.Fatalf("QR for a visitor: %d", r.Status)
	}
	done := c.Post("/sign-in/enrol", url.Values{"code": {s.NextCodeFor(t, u.ID, m[1])}})
	if done.Status != http.StatusOK || !done.TestID("recovery-codes") || strings.Count(done.Body, "<li>") < models.RecoveryCodeCount {
		t.Fatalf("confirm: %d", done.Status)
	}
	if r := c.Get("/console"); r.Status != http.StatusOK {
		t.Fatalf("after enrolment: %d", r.Status)
	}
}

// Step-up: changing a user's role with a code older than 10 minutes asks
// for a fresh one, keeps what was typed, and goes through with it.
func TestStepUpKeepsTheInput(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.SignedIn(t, "A:super_admin")
	target := s.Users["A:helpdesk_agent"]
	path := "/console/users/" + strconv.FormatInt(target.ID, 10)
	form := url.Values{"name": {"Renamed Agent"}, "role": {string(models.RoleSalesAgent)}, "can_add_customers": {"on"}}
	s.Clock.Advance(11 * time.Minute)
	ask := c.Post(path, form)
	if ask.Status != http.StatusOK || !ask.TestID("step-up") || !ask.Has(`value="Renamed Agent"`) || !ask.Has(`action="`+path+`"`) {
		t.Fatalf("step-up page: %d", ask.Status)
	}
	var role string
	s.Gorm.Raw("SELECT role FROM users WHERE id = ?", target.ID).Scan(&role)
	if role != string(models.RoleHelpdeskAgent) {
		t.Fatalf("role changed before the code: %s", role)
	}
	bad := cloneForm(form)
	bad.Set("_step_up_code", "000000")
	if r := c.Post(path, bad); r.Status != http.StatusUnprocessableEntity || !r.TestID("code-error") || !r.Has(`value="Renamed Agent"`) {
		t.Fatalf("wrong step-up code: %d", r.Status)
	}
	good := cloneForm(form)
	good.Set("_step_up_code", s.NextCode(t, "A:super_admin"))
	if r := c.Post(path, good); r.Status != http.StatusSeeOther {
		t.Fatalf("with the code: %d", r.Status)
	}
	var name string
	s.Gorm.Raw("SELECT role, name FROM users WHERE id = ?", target.ID).Row().Scan(&role, &name)
	if role != string(models.RoleSalesAgent) || name != "Renamed Agent" {
		t.Fatalf("after step-up: %s %q", role, name)
	}
	// Fresh for ten minutes: the next sensitive action needs no code.
	s.Clock.Advance(9 * time.Minute)
	form.Set("name", "Again")
	if r := c.Post(path, form); r.Status != http.StatusSeeOther {
		t.Fatalf("within 10 minutes: %d", r.Status)
	}
	// A page behind step-up goes to /step-up and comes back.
	s.Clock.Advance(11 * time.Minute)
	if r := c.Get("/step-up?next=/console/users"); r.Status != http.StatusOK || !r.TestID("step-up-code") {
		t.Fatalf("step-up page: %d", r.Status)
	}
	if r := c.Post("/step-up", url.Values{"_step_up_code": {s.NextCode(t, "A:super_admin")}, "next": {"/console/users"}}); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/console/users" {
		t.Fatalf("step-up: %d %q", r.Status, r.Header.Get("Location"))
	}
}

// Approving a refund asks for a fresh code; other case actions do not.
func TestStepUpOnlyForRefundApproval(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.SignedIn(t, "desk:operator_admin")
	s.Clock.Advance(11 * time.Minute)
	r := c.Post("/desk/cases/999999/action", url.Values{"action": {models.ActionApproveRefund}})
	if r.Status != http.StatusOK || !r.TestID("step-up") {
		t.Fatalf("refund approval: %d", r.Status)
	}
	if r := c.Post("/desk/cases/999999/action", url.Values{"action": {"something_else"}}); r.TestID("step-up") {
		t.Fatal("another action asked for a code")
	}
}

// A super admin resets a user's second factor (with step-up), audited; the
// user enrols anew at the next sign-in.
func TestResetSecondFactorWeb(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.SignedIn(t, "A:super_admin")
	target := s.Users["A:admin_agent"]
	if r := c.Get("/console/users/" + strconv.FormatInt(target.ID, 10) + "/edit"); !r.TestID("reset-second-factor") {
		t.Fatal("no reset button on the user's page")
	}
	r := c.Post("/console/users/"+strconv.FormatInt(target.ID, 10)+"/two-factor/reset", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("reset: %d", r.Status)
	}
	if n := countRows(t, s.Gorm, "audit_events"); n == 0 {
		t.Fatal("no audit")
	}
	var n int64
	s.Gorm.Raw("SELECT count(*) FROM audit_events WHERE action = 'user.second_factor_reset' AND record_id = ?", target.ID).Scan(&n)
	if n == 0 {
		t.Fatal("reset not audited")
	}
	u := s.Client(t)
	if r := u.SignInPassword(target.Email, storetest.Password); !strings.HasPrefix(r.Header.Get("Location"), "/sign-in/enrol") {
		t.Fatalf("after reset: %q", r.Header.Get("Location"))
	}
}

// An optional user turns two-factor sign-in on from their account, then
// signs in with a code.
func TestOptionalEnrolmentFromAccount(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.SignedIn(t, "custA:customer_admin")
	if r := c.Get("/account/two-factor"); !r.TestID("two-factor-setup") {
		t.Fatalf("account page: %d", r.Status)
	}
	if r := c.Post("/account/two-factor/setup", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("setup: %d", r.Status)
	}
	page := c.Get("/account/two-factor")
	m := secretRe.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("no secret shown")
	}
	uid := s.Users["custA:customer_admin"].ID
	if r := c.Post("/account/two-factor", url.Values{"code": {s.NextCodeFor(t, uid, m[1])}}); r.Status != http.StatusOK || !r.TestID("recovery-codes") {
		t.Fatalf("confirm: %d", r.Status)
	}
	if r := c.Get("/account/two-factor"); !r.TestID("two-factor-on") {
		t.Fatal("not on")
	}
	n := s.Client(t)
	if r := n.SignInPassword(s.Email("custA:customer_admin"), storetest.Password); !strings.HasPrefix(r.Header.Get("Location"), "/sign-in/code") {
		t.Fatalf("next sign-in: %q", r.Header.Get("Location"))
	}
}

// CSRF bound to the session: a planted cookie and a token of the attacker's
// choosing are refused on every POST route, and so is the token of another
// session (the attacker's own) and a token from before sign-in.
func TestPlantedCSRFCookieRefused(t *testing.T) {
	t.Parallel()
	m := newMatrixEnv(t)
	attacker := m.Client(t)
	attacker.Get("/sign-in")
	clients := map[string]*webtest.Client{}
	posts := 0
	for _, r := range servedRows(m) {
		if r.Method != http.MethodPost || r.Last {
			continue
		}
		posts++
		key := ""
		if !r.public() {
			key = firstAllowed(m, r)
		}
		c := clients[key]
		if c == nil {
			if key == "" {
				c = m.Client(t)
				c.Get("/sign-in")
			} else {
				c = m.SignedIn(t, key)
			}
			clients[key] = c
		}
		tenant, _ := tenantOf(key)
		path := r.path(t, m, tenant)
		before := dbFingerprint(t, m.Gorm)
		for name, send := range map[string]func() webtest.Response{
			"planted cookie and token": func() webtest.Response {
				x := m.Client(t)
				*x = *c
				// echo's old scheme: a cookie named like the CSRF cookie, the same value in the form.
				x.Header = http.Header{"Cookie": {"pc_csrf=chosen-by-attacker; _csrf=chosen-by-attacker"}}
				f := cloneForm(r.Form)
				f.Set("_csrf", "chosen-by-attacker")
				return x.PostRaw(path, f)
			},
			"planted session cookie": func() webtest.Response {
				x := m.Client(t)
				x.Header = http.Header{"Cookie": {"pc_session=chosen-by-attacker"}}
				f := cloneForm(r.Form)
				f.Set("_csrf", "chosen-by-attacker")
				return x.PostRaw(path, f)
			},
			"another session's token": func() webtest.Response {
				f := cloneForm(r.Form)
				f.Set("_csrf", attacker.CSRF)
				return c.PostRaw(path, f)
			},
		} {
			res := send()
			if res.Status != http.StatusForbidden || !res.TestID("error-page") {
				t.Errorf("POST %s as %q, %s: status %d, want 403", r.Path, key, name, res.Status)
			}
		}
		if changed := changedTables(before, dbFingerprint(t, m.Gorm)); len(changed) > 0 {
			t.Errorf("POST %s with a planted token changed %v", r.Path, changed)
		}
	}
	if posts == 0 {
		t.Fatal("no POST route")
	}
}

// The CSRF token rotates at sign-in and at sign-out.
func TestCSRFTokenRotates(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.Client(t)
	c.Get("/sign-in")
	pre := c.CSRF
	c.SignIn(s.Email("A:sales_agent"), storetest.Password)
	in := c.CSRF
	if pre == "" || in == "" || in == pre {
		t.Fatalf("token did not rotate at sign-in: %q then %q", pre, in)
	}
	// The pre-session token no longer passes.
	if r := c.PostRaw("/account/time-zone", url.Values{"_csrf": {pre}, "time_zone": {"UTC"}}); r.Status != http.StatusForbidden {
		t.Fatalf("pre-session token after sign-in: %d", r.Status)
	}
	c.Post("/sign-out", nil)
	c.Get("/sign-in")
	if c.CSRF == in || c.CSRF == "" {
		t.Fatal("token did not rotate at sign-out")
	}
	if r := c.PostRaw("/sign-in", url.Values{"_csrf": {in}, "email": {s.Email("A:sales_agent")}, "password": {storetest.Password}}); r.Status != http.StatusForbidden {
		t.Fatalf("old session's token after sign-out: %d", r.Status)
	}
}
