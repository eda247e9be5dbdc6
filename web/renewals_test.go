package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// The Renewals page lists commitments first with their lock date and says
// that direct billing starts the new term at once; the CSV carries the same
// rows; the subscription page shows the term's state and next date, and
// renewing by direct billing without the tick is 422 with nothing changed.
func TestRenewalsPageAndDirectRenewal(t *testing.T) {
	t.Parallel()
	m := newMatrixEnv(t)
	subA := m.ids["subscription:A"]
	today := models.Day(m.Clock.Now())
	// The fixture's subscription ends in 20 days, renewed manually, billed to A's account.
	if err := m.Gorm.Table("subscriptions").Where("id = ?", subA).Updates(map[string]any{"end_date": today.AddDate(0, 0, 20),
		"renewal_option": models.RenewManually, "billing_account_id": m.ids["billing_account:A"]}).Error; err != nil {
		t.Fatal(err)
	}
	agent := m.SignedIn(t, "A:admin_agent")
	r := agent.Get("/console/renewals")
	if r.Status != http.StatusOK || !r.TestID("renewal-row") || !r.TestID("renewals-direct") || !r.Has("Commitment") {
		t.Fatalf("renewals page: %d", r.Status)
	}
	if other := m.SignedIn(t, "B:admin_agent").Get("/console/renewals"); strings.Contains(other.Body, fmt.Sprintf("/console/subscriptions/%d#term", subA)) {
		t.Error("console B sees A's renewal")
	}
	if r := agent.Get("/console/renewals?within=7"); r.TestID("renewal-row") {
		t.Error("the 7-day filter keeps a subscription 20 days out")
	}
	csv := agent.Get("/console/renewals.csv")
	if csv.Status != http.StatusOK || !strings.HasPrefix(csv.Body, "id,customer,domain,product") || !strings.Contains(csv.Body, ",yes,") {
		t.Errorf("csv: %d %q", csv.Status, csv.Body)
	}
	page := agent.Get(fmt.Sprintf("/console/subscriptions/%d", subA))
	if !page.TestID("term-panel") || !page.TestID("term-next") || !page.TestID("renew-direct") {
		t.Fatal("no term panel on the subscription page")
	}
	base := fmt.Sprintf("/console/subscriptions/%d/renew-direct", subA)
	before := dbFingerprint(t, m.Gorm)
	if r := agent.Post(base, url.Values{"key": {"renew-1"}}); r.Status != http.StatusUnprocessableEntity || !r.TestID("error-start_today") {
		t.Fatalf("unticked: %d", r.Status)
	}
	if changed := changedTables(before, dbFingerprint(t, m.Gorm)); len(changed) > 0 {
		t.Errorf("bad input changed %v", changed)
	}
	if r := agent.Post(base, url.Values{"key": {"renew-1"}, "start_today": {"on"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("renew: %d", r.Status)
	}
	var s models.Subscription
	m.Gorm.Take(&s, subA)
	if !s.StartDate.Equal(today) || !s.EndDate.Equal(models.FirstTermEnd(today, s.Plan)) {
		t.Errorf("the new term does not start today: %v to %v", s.StartDate, s.EndDate)
	}
}

// While a customer's subscription is disabled only its administrators sign
// in (R-PK-4): a viewer is refused at sign-in with the reason, and a viewer
// already signed in is signed out on the next request.
func TestDisabledCustomerAdminsOnly(t *testing.T) {
	t.Parallel()
	m := newMatrixEnv(t)
	viewer := m.SignedIn(t, "custA:customer_viewer")
	if r := viewer.Get("/admin"); r.Status != http.StatusOK {
		t.Fatalf("viewer before: %d", r.Status)
	}
	if err := m.Gorm.Table("subscriptions").Where("customer_id = ?", m.CustomerA.ID).Updates(map[string]any{
		"status": models.SubDisabled, "suspension_reasons": models.TextArray{}}).Error; err != nil {
		t.Fatal(err)
	}
	if r := viewer.Get("/admin"); !toSignIn(r) {
		t.Errorf("viewer's session kept: %d", r.Status)
	}
	c := m.Client(t)
	c.Get("/sign-in")
	r := c.Post("/sign-in", url.Values{"email": {m.Email("custA:customer_viewer")}, "password": {storetest.Password}})
	if r.Status != http.StatusUnprocessableEntity || !r.Has("only its administrators can sign in") {
		t.Errorf("viewer sign-in: %d", r.Status)
	}
	if r := m.SignedIn(t, "custA:customer_admin").Get("/admin"); r.Status != http.StatusOK {
		t.Errorf("admin: %d", r.Status)
	}
	if r := m.SignedIn(t, "custB:customer_viewer").Get("/admin"); r.Status != http.StatusOK {
		t.Errorf("another customer's viewer: %d", r.Status)
	}
}
