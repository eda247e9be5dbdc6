package e2e

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// A plain offer (issue 4, "Browser"): console A's sales agent makes and
// sends an offer to Customer A; the customer admin finds it in the customer
// portal and accepts it, ticking the terms; a second tab that still shows
// the form is told the offer is already accepted (no error page); the
// reseller sees the offer accepted and the subscription on the customer page.
func TestPlainOfferJourney(t *testing.T) {
	e := start(t)
	ba := offerBillingAccount(t, e, "A")
	starter := offerProductID(t, e, "GWS-BS")
	custID := strconv.FormatInt(e.CustomerA.ID, 10)

	// The sales agent makes the offer from the Offers page.
	sales := e.signedIn("A:sales_agent")
	sales.submit("nav-offers")
	sales.atPath("/console/offers")
	sales.submit("new-offer")
	sales.atPath("/console/offers/new")
	sales.choose("customer-pick", custID)
	sales.choose("#f-product_id", strconv.FormatInt(starter, 10))
	sales.choose("#f-plan", string(models.PlanFlexible))
	sales.choose("#f-billing_account_id", strconv.FormatInt(ba.ID, 10))
	sales.eventually("list-price", "List price: €") // htmx fills the catalogue price
	sales.shot("offer-form")
	sales.fill("#f-quantity", "10")
	sales.fill("#f-unit_price", "7.50")
	sales.fill("#f-message", "Business Starter for the new Lyon office.")
	sales.fill("#f-po_number", "PO-E2E-42")
	if st := sales.submit("send-offer"); st != http.StatusOK {
		t.Fatalf("send the offer: status %d", st)
	}
	sales.contains("flash", "Offer sent to the customer.")
	offerPath := sales.path()
	if !strings.HasPrefix(offerPath, "/console/offers/") {
		t.Fatalf("after sending: at %s", offerPath)
	}
	id := strings.TrimPrefix(offerPath, "/console/offers/")
	sales.contains("offer-state", "Sent")
	sales.contains("offer-quantity", "10")
	sales.contains("offer-total", "€75.00")

	// The customer admin, in another browser, finds it in the portal.
	tab1 := e.signedIn("custA:customer_admin")
	tab1.submit("nav-offers")
	tab1.atPath("/admin/offers")
	tab1.contains("offer-row-"+id, "Console A")
	tab1.contains("offer-row-"+id, "Google Workspace Business Starter")
	tab1.submit(`[data-testid="offer-row-` + id + `"] a`)
	tab1.atPath("/admin/offers/" + id)
	tab1.contains("offer-state", "Sent")
	tab1.contains("offer-total", "€75.00")
	tab1.waitVisible("accept-form")
	tab1.shot("offer")

	// A second tab (the same admin) opens the same offer and keeps the form.
	tab2 := e.session("custA:customer_admin-tab2")
	tab2.signIn(e.Email("custA:customer_admin"), storetest.Password)
	tab2.open("/admin/offers/" + id)
	tab2.waitVisible("accept-form")

	// Accepting without ticking the terms is refused on the field.
	if st := tab1.submit("accept-offer"); st != http.StatusUnprocessableEntity {
		t.Fatalf("accept without the terms: status %d, want 422", st)
	}
	tab1.contains("accept-form", "Tick the box to accept the terms of the offer.")
	tab1.contains("offer-state", "Sent")

	tab1.check("#f-terms", true)
	if st := tab1.submit("accept-offer"); st != http.StatusOK {
		t.Fatalf("accept: status %d", st)
	}
	tab1.contains("flash", "Offer accepted.")
	tab1.atPath("/admin/offers/" + id)
	tab1.contains("offer-state", "Accepted")
	// Customer A never accepted the platform terms: the subscription waits (R-OFF-5).
	tab1.waitVisible("terms-pending")

	// The stale tab accepts too: told it is already accepted, not an error page.
	tab2.check("#f-terms", true)
	if st := tab2.submit("accept-offer"); st != http.StatusConflict {
		t.Fatalf("second accept: status %d, want 409", st)
	}
	if tab2.exists("error-page") {
		t.Fatal("the second accept shows an error page")
	}
	tab2.contains("offer-conflict", "This offer is already accepted.")
	tab2.contains("offer-state", "Accepted")
	tab2.shot("already-accepted")

	sub := offerSubscription(t, e, e.CustomerA.ID, starter)
	if sub.Status != models.SubSuspended || !strings.Contains(strings.Join(sub.SuspensionReasons, ","), string(models.SuspendPendingTOS)) {
		t.Fatalf("before the terms: subscription %s %v, want suspended pending_tos_acceptance", sub.Status, sub.SuspensionReasons)
	}

	// The admin accepts the platform terms: the subscription becomes active.
	tab1.submit(`[data-testid="terms-pending"] a`)
	tab1.atPath("/admin/terms")
	tab1.submit("accept-terms")
	tab1.contains("flash", "Terms of service accepted.")
	tab1.waitVisible("terms-accepted")

	// The reseller sees the offer accepted and the subscription.
	sales.open(offerPath)
	sales.contains("offer-state", "Accepted")
	sales.submit("nav-offers")
	sales.contains("offer-row-"+id, "Accepted")
	sales.open("/console/customers/" + custID)
	sales.contains("subscriptions", "Google Workspace Business Starter")
	sales.contains("subscriptions", "PO-E2E-42")
	sales.shot("customer-page")
	row := sales.text("subscription-row")
	for _, want := range []string{"10", "Active"} {
		if !strings.Contains(row, want) {
			t.Errorf("subscription row %q lacks %q", row, want)
		}
	}

	sub = offerSubscription(t, e, e.CustomerA.ID, starter)
	if sub.ConsoleID == nil || *sub.ConsoleID != e.ConsoleA.ID || sub.Channel != models.SubOnline ||
		sub.RenewalOption != models.RenewAuto || sub.Status != models.SubActive || sub.Quantity != 10 || sub.PONumber != "PO-E2E-42" {
		t.Fatalf("accepted subscription: %+v", sub)
	}
	var accepted int64
	e.Gorm.Table("offers").Where("id = ? AND state = 'accepted' AND subscription_id = ?", id, sub.ID).Count(&accepted)
	if accepted != 1 {
		t.Fatal("the offer is not accepted with the subscription")
	}
}

// offerBillingAccount gives a console a billing account in its currency.
func offerBillingAccount(t *testing.T, e *env, label string) models.BillingAccount {
	t.Helper()
	cur := map[string]string{"A": "EUR", "B": "JPY"}[label]
	b, err := e.Store.SaveBillingAccount(context.Background(), e.Actor(label+":super_admin"), 0,
		models.BillingAccountInput{Name: "Main " + cur, Currency: cur, LegalEntity: "Console " + label + " Ltd"})
	if err != nil {
		t.Fatalf("billing account: %v", err)
	}
	return b
}

// offerProductID is a catalogue product's id by SKU.
func offerProductID(t *testing.T, e *env, sku string) int64 {
	t.Helper()
	var id int64
	if err := e.Gorm.Table("products").Select("id").Where("sku = ?", sku).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("product %s: %v", sku, err)
	}
	return id
}

// offerSubscription is the customer's one subscription of a product.
func offerSubscription(t *testing.T, e *env, customerID, productID int64) models.Subscription {
	t.Helper()
	var subs []models.Subscription
	if err := e.Gorm.Where("customer_id = ? AND product_id = ?", customerID, productID).Order("id").Find(&subs).Error; err != nil {
		t.Fatalf("load subscriptions: %v", err)
	}
	if len(subs) != 1 {
		t.Fatalf("customer %d has %d subscriptions of product %d, want 1", customerID, len(subs), productID)
	}
	return subs[0]
}

// eventually waits until an element's text contains want (a fragment an
// htmx request fills in, for instance).
func (s *session) eventually(target, want string) {
	s.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for {
		for _, got := range s.texts(target) {
			if strings.Contains(got, want) {
				return
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("[%s] %s: no text containing %q after %s (texts %q, at %s)", s.name, target, want, stepTimeout, s.texts(target), s.location())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
