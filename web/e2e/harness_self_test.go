package e2e

import (
	"net/http"
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
