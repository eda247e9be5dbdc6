package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// A customer admin adds 25 licences to 25 (seed 004): the form asks for the
// additional number, shows 50 and the price before the terms are ticked,
// and the page then shows 50; then sets "cancel at the end date" (issue 9).
func TestCustomerAdminAddsLicencesJourney(t *testing.T) {
	e := start(t)
	b, err := e.Store.SaveBillingAccount(context.Background(), e.Actor("A:super_admin"), 0,
		models.BillingAccountInput{Name: "Journey EUR", Currency: "EUR", LegalEntity: "Entity A"})
	if err != nil {
		t.Fatal(err)
	}
	now := e.Clock.Now()
	var id int64
	if err := e.Gorm.Raw(`INSERT INTO subscriptions (customer_id, console_id, product_id, quantity, plan, channel, status,
			suspension_reasons, start_date, end_date, renewal_option, billing_account_id, created_at, updated_at)
		SELECT ?, ?, p.id, 25, 'annual_prepaid', 'online', 'active', '{}', ?::date, ?::date, 'auto_renew', ?, ?, ?
		FROM products p WHERE p.sku = 'CEU' RETURNING id`,
		e.CustomerA.ID, e.ConsoleA.ID, now, models.FirstTermEnd(now, models.PlanAnnualPrepaid), b.ID, now, now).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}

	s := e.session("customer")
	s.signIn(e.Email("custA:customer_admin"), storetest.Password)
	s.atPath("/admin")
	s.submit("subscription-link")
	s.atPath(fmt.Sprintf("/admin/subscriptions/%d", id))
	s.contains("sub-quantity", "25")

	s.fill("#f-additional", "25")
	s.submit("add-licences-continue")
	s.contains("preview-total", "50")
	if price := s.text("preview-price"); !strings.Contains(price, "€") {
		t.Fatalf("the price of the change is not shown: %q", price)
	}
	s.contains("sub-quantity", "25") // nothing changed before the tick
	s.shot("add-licences-preview")
	s.accessible()

	// Without the tick nothing changes.
	s.submit("add-licences-confirm")
	s.waitVisible("error-terms")
	s.contains("sub-quantity", "25")

	s.check("#f-terms", true)
	s.submit("add-licences-confirm")
	s.contains("sub-quantity", "50")

	s.choose("#f-renewal_option", string(models.CancelAtEnd))
	s.confirm("renewal-save")
	s.contains("sub-renewal", "Cancel at the end date")
	s.shot("subscription-after")
	if s.count("history-row") < 2 {
		t.Errorf("the history does not show both changes")
	}

	// The reseller finds it in its subscriptions list, soonest renewal first.
	p := e.session("partner")
	p.signIn(e.Email("A:admin_agent"), storetest.Password)
	p.open("/console/subscriptions")
	p.waitVisible("nav-subscriptions")
	p.accessible()
	if rows := p.texts("subscription-row"); len(rows) != 1 || !strings.Contains(rows[0], "Chrome Enterprise Upgrade") || !strings.Contains(rows[0], "50") {
		t.Fatalf("the list shows %q", rows)
	}
	p.open(fmt.Sprintf("/console/subscriptions/%d", id))
	p.waitVisible("suspend")
	p.accessible()
}
