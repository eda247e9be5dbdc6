package e2e

import (
	"net/http"
	"strings"
	"testing"

	"partnerconsole/models/store/storetest"
)

// A partner super admin signs in, adds a customer (every field), finds it by
// search, sees its creation in the audit log, adds an admin agent and signs
// out (issue 2, "Browser").
func TestPartnerSuperAdminJourney(t *testing.T) {
	e := start(t)
	s := e.session("partner")

	// Sign in on the one sign-in page; land in the partner console.
	s.signIn(e.Email("A:super_admin"), storetest.Password)
	s.atPath("/console")
	s.contains("who", "Super A")

	// Customers → Add a customer, filling every field.
	s.submit("nav-customers")
	s.atPath("/console/customers")
	s.shot("customers-list")
	s.submit("add-customer")
	s.atPath("/console/customers/new")
	s.fill("#f-name", "Acme Analytics E2E")
	s.fill("#f-domain", "Acme-Analytics.example")
	s.choose("#f-country", "SE")
	s.fill("#f-contact_name", "Ingrid Berg")
	s.fill("#f-contact_email", "ingrid.berg@acme-analytics.example")
	s.fill("#f-contact_phone", "+46 8 123 456 78")
	if st := s.submit("save-customer"); st != http.StatusOK {
		t.Fatalf("add customer: status %d", st)
	}
	if !strings.HasPrefix(s.path(), "/console/customers/") {
		t.Fatalf("after adding a customer: at %s, want the customer's page", s.path())
	}
	s.contains("flash", "Customer added.")
	s.contains("customer-name", "Acme Analytics E2E")
	s.contains("customer-domain", "acme-analytics.example") // canonicalised to lower case
	page := s.pageText()
	for _, want := range []string{"Sweden", "Ingrid Berg", "ingrid.berg@acme-analytics.example", "+46 8 123 456 78"} {
		if !strings.Contains(page, want) {
			t.Errorf("customer page lacks %q", want)
		}
	}
	s.contains("audit-trail", "customer.created")

	// Find it by search in the customers list: only it matches.
	s.submit("nav-customers")
	if n := s.count("customer-row"); n < 2 {
		t.Fatalf("customers list: %d rows before the search, want the fixture customer and the new one", n)
	}
	s.fill("search", "acme analytics")
	s.submit("search-submit")
	rows := s.texts("customer-row")
	if len(rows) != 1 || !strings.Contains(rows[0], "Acme Analytics E2E") || !strings.Contains(rows[0], "acme-analytics.example") {
		t.Fatalf("search by name: rows %q, want only the new customer", rows)
	}
	if s.value("search") != "acme analytics" {
		t.Errorf("the search box lost the query: %q", s.value("search"))
	}
	// By domain prefix too.
	s.fill("search", "acme-ana")
	s.submit("search-submit")
	if rows := s.texts("customer-row"); len(rows) != 1 || !strings.Contains(rows[0], "Acme Analytics E2E") {
		t.Fatalf("search by domain: rows %q, want only the new customer", rows)
	}
	// The row opens the customer.
	s.submit(`[data-testid="customer-row"] a`)
	s.contains("customer-name", "Acme Analytics E2E")

	// The audit log shows the creation, newest first, and filters by action.
	s.submit("nav-audit")
	s.atPath("/console/audit")
	first := s.texts("audit-row")
	if len(first) == 0 || !strings.Contains(first[0], "customer.created") || !strings.Contains(first[0], "acme-analytics.example") {
		t.Fatalf("audit log: newest row %q, want customer.created of the new customer", first)
	}
	if !strings.Contains(first[0], "Super A") {
		t.Errorf("audit row %q does not name the actor", first[0])
	}
	s.fill("#action", "customer.created")
	s.submit(`form.filters button[type="submit"]`)
	for _, r := range s.texts("audit-row") {
		if !strings.Contains(r, "customer.created") {
			t.Errorf("filtered audit log shows %q", r)
		}
	}

	// Users → Add a user as admin agent.
	s.submit("nav-users")
	s.atPath("/console/users")
	s.submit("add-user")
	s.fill("#f-name", "Alex Agent")
	s.fill("#f-email", "alex.agent@console-a.example")
	s.fill("#f-password", "a-long-initial-password-7")
	s.choose("#f-role", "admin_agent")
	if st := s.submit("save-user"); st != http.StatusOK {
		t.Fatalf("add user: status %d", st)
	}
	s.atPath("/console/users")
	s.contains("flash", "User added.")
	var found string
	for _, r := range s.texts("user-row") {
		if strings.Contains(r, "alex.agent@console-a.example") {
			found = r
		}
	}
	if found == "" {
		t.Fatalf("the new user is not in the users list")
	}
	if !strings.Contains(found, "Alex Agent") || !strings.Contains(found, "Admin agent") || !strings.Contains(found, "Active") {
		t.Errorf("new user row %q, want name, role Admin agent and Active", found)
	}

	// Sign out: land on the sign-in page, and the session is really over.
	s.signOut()
	s.atPath("/sign-in")
	s.contains("flash", "You are signed out.")
	s.navigate("/console/customers")
	s.atPath("/sign-in")
}
