package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Two sessions of one browser share nothing: signing in one leaves the
// other signed out, and each lands in its own portal.
func TestHarnessSessionsAreIndependent(t *testing.T) {
	e := start(t)
	partner := e.signedIn("A:super_admin")
	partner.atPath("/console")

	other := e.session("signed-out")
	other.navigate("/console")
	other.atPath("/sign-in")
	other.waitVisible("sign-in-submit")

	customer := e.signedIn("custA:customer_admin")
	customer.atPath("/admin")
	customer.contains("who", "User custA:customer_admin")

	// The partner is still the partner, in its own tab and cookie jar.
	if st := partner.navigate("/console/customers"); st != http.StatusOK {
		t.Fatalf("partner customers: status %d", st)
	}
	partner.contains("who", "Super A")
	if st := customer.navigate("/console/customers"); st == http.StatusOK {
		t.Fatalf("a customer admin reached the partner customers list")
	}
}

// A confirm() dialog (data-confirm) is accepted automatically, so a journey
// never hangs on one: disabling a user goes through.
func TestHarnessAcceptsConfirmDialogs(t *testing.T) {
	e := start(t)
	s := e.signedIn("A:super_admin")
	s.open("/console/users")
	u := e.Users["A:helpdesk_agent"]
	form := fmt.Sprintf(`form[action="/console/users/%d/disable"]`, u.ID)
	if s.attr(form, "data-confirm") == "" {
		t.Fatalf("the disable form asks no confirmation; this test needs one")
	}
	if st := s.submit(form + ` button[type="submit"]`); st != http.StatusOK {
		t.Fatalf("disable: status %d", st)
	}
	found := false
	for _, r := range s.texts("user-row") {
		if strings.Contains(r, u.Email) {
			found = true
			if !strings.Contains(r, "Disabled") {
				t.Fatalf("after confirming, the user is not disabled: %q", r)
			}
		}
	}
	if !found {
		t.Fatalf("user %s is not in the list", u.Email)
	}
	s.waitVisible("flash")
}
