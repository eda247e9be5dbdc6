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

// A destructive action asks in a dialog first: cancelling posts nothing,
// confirming goes through. Disabling a user is the example.
func TestConfirmDialogGuardsDisablingAUser(t *testing.T) {
	e := start(t)
	s := e.signedIn("A:super_admin")
	s.open("/console/users")
	u := e.Users["A:helpdesk_agent"]
	form := fmt.Sprintf(`form[action="/console/users/%d/disable"]`, u.ID)
	dialogID := s.attr(form, "data-confirm-dialog")
	if dialogID == "" {
		t.Fatalf("the disable form asks no confirmation; this test needs one")
	}
	state := func() string {
		for _, r := range s.texts("user-row") {
			if strings.Contains(r, u.Email) {
				return r
			}
		}
		t.Fatalf("user %s is not in the list", u.Email)
		return ""
	}
	// Cancel: the dialog closes, the user stays active.
	s.click(form + ` button[type="submit"]`)
	s.waitVisible(`dialog[open] [data-testid="confirm-cancel"]`)
	s.click(`dialog[open] [data-testid="confirm-cancel"]`)
	s.waitGone(`dialog[open]`)
	if r := state(); strings.Contains(r, "Disabled") {
		t.Fatalf("cancelling disabled the user: %q", r)
	}
	// Confirm: the form posts.
	if st := s.confirm(form + ` button[type="submit"]`); st != http.StatusOK {
		t.Fatalf("disable: status %d", st)
	}
	if r := state(); !strings.Contains(r, "Disabled") {
		t.Fatalf("after confirming, the user is not disabled: %q", r)
	}
	s.waitVisible("flash")
}
