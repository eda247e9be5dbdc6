package e2e

import (
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// A new admin agent (a role that requires two-factor sign-in) signs in: the
// password leads to enrolment, the QR code is drawn by the console itself
// and loads under the CSP, the code from the app switches it on, the
// recovery codes are shown once, and the console opens (issue 8 §1).
func TestTwoFactorEnrolmentJourney(t *testing.T) {
	e := start(t)
	u, err := e.Store.CreateUser(t.Context(), e.Actor("A:super_admin"), models.UserInput{Name: "Nina New", Email: "nina@a.test",
		Password: storetest.Password, Role: models.RoleAdminAgent})
	if err != nil {
		t.Fatal(err)
	}
	s := e.session("new-admin")
	s.open("/sign-in")
	s.fill("#f-email", u.Email)
	s.fill("#f-password", storetest.Password)
	s.submit("sign-in-submit")
	s.atPath("/sign-in/enrol")
	s.waitVisible("totp-qr")
	// The image really loaded (our own route; no data: URI, no outside service).
	loaded := value(s, "QR loaded", chromedp.Evaluate[bool](
		`(function(){var i=document.querySelector('[data-testid="totp-qr"]');return i.complete && i.naturalWidth > 0;})()`))
	if !loaded {
		t.Fatal("the QR code image did not load")
	}
	s.shot("enrol")
	secret := s.text("totp-secret")
	s.fill("#f-code", e.NextCodeFor(t, u.ID, secret))
	s.submit("enrol-submit")
	s.waitVisible("recovery-codes")
	if n := s.count(`[data-testid="recovery-codes"] li`); n != models.RecoveryCodeCount {
		t.Fatalf("%d recovery codes shown", n)
	}
	s.submit("continue")
	s.waitVisible("who")
	s.atPath("/console")
}

// Step-up: a super admin changes a user's role more than ten minutes after
// their last code; the console asks for a fresh code and then saves the
// change as typed.
func TestStepUpJourney(t *testing.T) {
	e := start(t)
	s := e.signedIn("A:super_admin")
	target := e.Users["A:helpdesk_agent"]
	s.open("/console/users/" + strconv.FormatInt(target.ID, 10) + "/edit")
	e.Clock.Advance(11 * time.Minute)
	s.fill("#f-name", "Hugo Promoted")
	s.choose("#f-role", string(models.RoleSalesAgent))
	s.submit("save-user")
	s.waitVisible("step-up")
	s.fill("#f-step-up-code", e.NextCode(t, "A:super_admin"))
	s.submit("step-up-submit")
	s.waitVisible("flash")
	var role, name string
	e.Gorm.Raw("SELECT role, name FROM users WHERE id = ?", target.ID).Row().Scan(&role, &name)
	if role != string(models.RoleSalesAgent) || name != "Hugo Promoted" {
		t.Fatalf("after step-up: role %s name %q", role, name)
	}
}
