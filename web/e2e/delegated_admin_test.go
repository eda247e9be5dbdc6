package e2e

import (
	"context"
	"fmt"
	"net/http"
	"testing"
)

// Delegated administration (issue 11, R-PK-2, "Browser"): console A, enrolled
// in cloud essentials by the desk, sends a delegated-admin offer to Customer
// A from the customer's page; its Users tab answers 403 with the reason
// while the offer waits; Customer A's admin signs in and accepts it in the
// portal; the partner then adds a user and disables another in the Users tab.
func TestDelegatedAdminJourney(t *testing.T) {
	e := start(t)
	if _, err := e.Store.SetCloudEssentials(context.Background(), e.Actor("desk:operator_admin"), e.ConsoleA.ID, true); err != nil {
		t.Fatal(err)
	}
	customer := fmt.Sprintf("/console/customers/%d", e.CustomerA.ID)

	partner := e.signedIn("A:super_admin")
	partner.open(customer)
	partner.waitVisible("dap-panel")
	partner.submit("dap-offer-page")
	partner.atPath(customer + "/delegated-admin")
	partner.accessible()
	partner.fill("#f-message", "Northwind will manage your users: starters, leavers and roles.")
	if st := partner.submit("send-dap-offer"); st != http.StatusOK {
		t.Fatalf("send the offer: status %d", st)
	}
	partner.contains("flash", "Delegated-admin offer sent.")
	partner.contains("dap-state", "Offered, awaiting the customer's answer")

	// Before acceptance the Users tab says why it is closed.
	if st := partner.navigate(customer + "/users"); st != http.StatusForbidden {
		t.Fatalf("Users tab before acceptance: status %d, want 403", st)
	}
	partner.contains("dap-reason", "has not accepted your delegated-admin offer yet")
	partner.shot("users-tab-refused")
	partner.accessible()

	// The customer admin accepts in the portal.
	admin := e.signedIn("custA:customer_admin")
	admin.submit("nav-delegated-admin")
	admin.atPath("/admin/delegated-admin")
	admin.contains("delegated-admin", "Console A")
	admin.accessible()
	if st := admin.submit("dap-accept"); st != http.StatusOK {
		t.Fatalf("accept: status %d", st)
	}
	admin.contains("flash", "Delegated-admin offer accepted")
	admin.contains("dap-state", "Delegated admin")

	// The partner now manages the customer's users.
	partner.open(customer + "/users")
	partner.accessible()
	partner.fill("#f-name", "Noor Newcomer")
	partner.fill("#f-email", "noor@customer-a.example")
	partner.fill("#f-password", "a-long-enough-password-1")
	partner.choose("#f-role", "customer_billing")
	if st := partner.submit("add-customer-user"); st != http.StatusOK {
		t.Fatalf("add a user: status %d", st)
	}
	partner.contains("flash", "Noor Newcomer was added to the customer.")
	viewer := e.Users["custA:customer_viewer"]
	row := fmt.Sprintf(`[data-testid="customer-user-%d"]`, viewer.ID)
	if st := partner.confirm(row + ` [data-testid="disable-user"]`); st != http.StatusOK {
		t.Fatalf("disable: status %d", st)
	}
	partner.contains("flash", "is disabled and signed out everywhere")
	partner.contains(row+` [data-testid="user-status"]`, "Disabled")
}
