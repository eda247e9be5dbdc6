package e2e

import (
	"strings"
	"testing"

	"partnerconsole/models/store/storetest"
)

// A customer admin signs in and sees their organisation's dashboard with its
// subscriptions, and nothing of another tenant (issue 2, "Browser").
func TestCustomerAdminDashboardJourney(t *testing.T) {
	e := start(t)
	// Two subscriptions for fixture CustomerA (one active, one suspended), and
	// one for CustomerB that must never show.
	now := e.Clock.Now()
	insert := func(customerID, consoleID int64, sku string, qty int, plan, status, reasons, po string) {
		t.Helper()
		err := e.Gorm.Exec(`INSERT INTO subscriptions (customer_id, console_id, product_id, quantity, plan, channel, status,
				suspension_reasons, start_date, end_date, renewal_option, po_number, created_at, updated_at)
			SELECT ?, ?, p.id, ?, ?, 'online', ?, ?::text[], ?::date, ?::date, 'auto_renew', ?, ?, ?
			FROM products p WHERE p.sku = ?`,
			customerID, consoleID, qty, plan, status, reasons, now, now.AddDate(1, 0, 0), po, now, now, sku).Error
		if err != nil {
			t.Fatalf("insert subscription %s: %v", sku, err)
		}
	}
	insert(e.CustomerA.ID, e.ConsoleA.ID, "GWS-BSD", 25, "annual_monthly", "active", "{}", "PO-E2E-7")
	insert(e.CustomerA.ID, e.ConsoleA.ID, "MEET-HW", 3, "flexible", "suspended", "{pending_tos_acceptance}", "")
	insert(e.CustomerB.ID, e.ConsoleB.ID, "GWS-BP", 99, "flexible", "active", "{}", "PO-OTHER-TENANT")

	s := e.session("customer")
	s.signIn(e.Email("custA:customer_admin"), storetest.Password)
	s.atPath("/admin")
	s.shot("customer-dashboard")

	s.contains("dashboard-title", e.CustomerA.Name)
	s.contains("who", "User custA:customer_admin")
	s.contains("customer-domain", e.CustomerA.Domain)

	rows := s.texts("subscription-row")
	if len(rows) != 2 {
		t.Fatalf("dashboard shows %d subscriptions %q, want CustomerA's 2", len(rows), rows)
	}
	table := strings.Join(rows, "\n")
	for _, want := range []string{
		"Google Workspace Business Standard", "25", "Annual commitment, paid monthly", "PO-E2E-7", "Active", "Renews automatically",
		"Google Meet hardware licence", "Suspended", "Terms of service not yet accepted",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("subscriptions table lacks %q:\n%s", want, table)
		}
	}
	page := s.pageText()
	for _, foreign := range []string{e.CustomerB.Name, "PO-OTHER-TENANT", "Business Plus"} {
		if strings.Contains(page, foreign) {
			t.Errorf("the dashboard shows another tenant's %q", foreign)
		}
	}

	// The customer portal's navigation: dashboard and audit log, no partner pages.
	if s.exists("nav-customers") || s.exists("nav-users") {
		t.Errorf("a customer admin sees partner navigation")
	}
	s.waitVisible("nav-home")

	s.signOut()
	s.atPath("/sign-in")
}
