package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// A partner opens Renewals (issue 11): the commitment comes before the
// monthly roll-over and says until when it locks; from its subscription page
// the partner sees the next date of the term's end and renews by direct
// billing, and the new term starts today.
func TestPartnerRenewsByDirectBillingJourney(t *testing.T) {
	e := start(t)
	b, err := e.Store.SaveBillingAccount(context.Background(), e.Actor("A:super_admin"), 0,
		models.BillingAccountInput{Name: "Renewals EUR", Currency: "EUR", LegalEntity: "Entity A"})
	if err != nil {
		t.Fatal(err)
	}
	now := e.Clock.Now()
	today := models.Day(now)
	insert := func(plan models.Plan, endIn int) int64 {
		end := today.AddDate(0, 0, endIn)
		var id int64
		if err := e.Gorm.Raw(`INSERT INTO subscriptions (customer_id, console_id, product_id, quantity, plan, channel, status,
				suspension_reasons, start_date, end_date, renewal_option, billing_account_id, created_at, updated_at)
			SELECT ?, ?, p.id, 25, ?, 'online', 'active', '{}', ?::date, ?::date, 'renew_manually', ?, ?, ?
			FROM products p WHERE p.sku = 'O365-E3' RETURNING id`,
			e.CustomerA.ID, e.ConsoleA.ID, plan, end.AddDate(0, -1, 1), end, b.ID, now, now).Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		return id
	}
	insert(models.PlanFlexible, 3)
	commitment := insert(models.PlanAnnualMonthly, 20)

	p := e.session("partner")
	p.signIn(e.Email("A:admin_agent"), storetest.Password)
	p.submit("nav-renewals")
	p.atPath("/console/renewals")
	rows := p.texts("renewal-row")
	if len(rows) != 2 || !strings.Contains(rows[0], "Commitment") || !strings.Contains(rows[0], "Locked until") ||
		!strings.Contains(rows[1], "Monthly roll-over") {
		t.Fatalf("the renewals are %q", rows)
	}
	p.contains("renewals-direct", "starts the new term at once")
	p.shot("renewals")
	p.accessible()

	p.open(fmt.Sprintf("/console/subscriptions/%d", commitment))
	p.contains("term-next", "Expires on")
	p.contains("renew-direct-note", "20 days left")
	p.accessible()
	p.check("#f-start_today", true)
	p.confirm("renew-direct")
	p.atPath(fmt.Sprintf("/console/subscriptions/%d", commitment))
	var s models.Subscription
	e.Gorm.Take(&s, commitment)
	if !s.StartDate.Equal(today) || !s.EndDate.Equal(models.FirstTermEnd(today, models.PlanAnnualMonthly)) {
		t.Fatalf("the new term does not start today: %v to %v", s.StartDate, s.EndDate)
	}
	p.shot("renewed")
}
