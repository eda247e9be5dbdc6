package e2e

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// The reseller path of SPEC §4 (R-MEET-2), issue 4 "Browser": Customer A
// buys Workspace and offline Meet hardware through console A. The reseller
// (console A's super admin) checks eligibility and runs the tracker; the
// support engineer converts the subscription to the temporary online grace
// plan from the case; the customer admin makes the transfer token and
// accepts the offer. Each clicks their part in their own browser, and every
// step shows on the migration page with its date and actor.
func TestMeetResellerPathJourney(t *testing.T) {
	e := start(t)
	ba := offerBillingAccount(t, e, "A")
	meetID := offerProductID(t, e, "MEET-HW")
	ca := e.ConsoleA.ID
	today := models.Day(e.Clock.Now()) // Mon 2 Mar 2026, 09:00 UTC
	renewal := today.AddDate(0, 0, 3)  // Thu 5 Mar: the window is 3 Mar 00:00 – 4 Mar 00:00 UTC
	meetSubscription(t, e, models.Subscription{CustomerID: e.CustomerA.ID, ConsoleID: &ca, ProductID: offerProductID(t, e, "GWS-BSD"),
		Quantity: 25, Plan: models.PlanAnnualMonthly, Channel: models.SubOnline, EndDate: today.AddDate(0, 6, 0), BillingAccountID: &ba.ID})
	meetSubscription(t, e, models.Subscription{CustomerID: e.CustomerA.ID, ConsoleID: &ca, ProductID: meetID,
		Quantity: 4, Plan: models.PlanAnnualPrepaid, Channel: models.SubOffline, EndDate: renewal})
	// Customer A accepted the platform terms long ago; the reseller works in Paris time.
	e.Gorm.Exec("UPDATE customers SET tos_accepted_at = ? WHERE id = ?", today.AddDate(-1, 0, 0), e.CustomerA.ID)
	e.Gorm.Exec("UPDATE users SET time_zone = 'Europe/Paris' WHERE id = ?", e.Users["A:super_admin"].ID)
	custID := strconv.FormatInt(e.CustomerA.ID, 10)
	meetPath := "/console/customers/" + custID + "/meet"

	// Step 1: the reseller opens the customer's eligibility check.
	reseller := e.signedIn("A:super_admin")
	reseller.submit("nav-customers")
	reseller.submit(`[data-testid="customer-row"] a`)
	reseller.atPath("/console/customers/" + custID)
	reseller.submit("meet-migration")
	reseller.atPath(meetPath)
	reseller.contains("eligibility-verdict", "Eligible")
	for n := 1; n <= 5; n++ {
		if got := reseller.attr(fmt.Sprintf("criterion-%d", n), "data-pass"); got != "true" {
			t.Errorf("criterion %d: data-pass %q, want true (%s)", n, got, reseller.text(fmt.Sprintf("criterion-%d", n)))
		}
	}
	reseller.contains("criterion-1", "25 Google Workspace licences")
	reseller.contains("criterion-2", "4 Meet hardware licences")
	reseller.contains("criterion-2", "5 Mar 2026")
	reseller.contains("criterion-3", "France (FR)")
	reseller.shot("eligibility")
	reseller.submit("start-migration")
	reseller.contains("flash", "Migration started.")
	reseller.stepStates(t, "done", "next")
	reseller.contains("step-1", "Super A")

	// Step 2: the customer asked console A to migrate (no other reseller, one tier).
	reseller.submit("record-request")
	reseller.contains("flash", "Step 2 recorded.")
	// Once started, the page says when the customer passed the check, since
	// the live check changes when the subscription moves to the grace plan.
	if !reseller.exists("eligibility-recorded") {
		t.Fatal("the Meet page does not say when the eligibility check was passed")
	}
	reseller.stepStates(t, "done", "done", "next")

	// Step 3 on Monday morning, 63 h before the renewal: refused, with the
	// window in the reseller's time zone.
	reseller.contains("step-3", "3 Mar 2026 01:00 CET")
	if st := reseller.submit("file-case"); st != http.StatusUnprocessableEntity {
		t.Fatalf("file the case outside the window: status %d, want 422", st)
	}
	reseller.contains("refusal", "only between 48 and 24 hours before the renewal")
	reseller.contains("refusal", "3 Mar 2026 01:00 CET")
	reseller.contains("refusal", "4 Mar 2026 01:00 CET")
	// The refused button is not offered again beside the refusal: it is
	// disabled and points at the reason (issue 7 §6).
	if !reseller.exists(`[data-testid="file-case"]:disabled`) || reseller.attr("file-case", "aria-describedby") != "refusal" {
		t.Errorf("beside the refusal the button is still offered (aria-describedby=%q)", reseller.attr("file-case", "aria-describedby"))
	}
	reseller.shot("refused-window")
	reseller.stepStates(t, "done", "done", "next")

	// Tuesday 15:00 UTC, 33 h before the renewal: inside the window. (The
	// idle sessions of Monday have lapsed: sign in again.)
	e.Clock.Set(renewal.Add(-33 * time.Hour))
	reseller.signIn(e.Email("A:super_admin"), storetest.Password)
	reseller.open(meetPath)
	reseller.submit("file-case")
	reseller.contains("flash", "Support case filed.")
	reseller.stepStates(t, "done", "done", "done", "next")
	casePath := reseller.attr(`[data-testid="step-4"] [data-testid="case-link"]`, "href")
	if !strings.HasPrefix(casePath, "/console/cases/") {
		t.Fatalf("step 4 links to the case: href %q", casePath)
	}
	caseID := strings.TrimPrefix(casePath, "/console/cases/")
	reseller.submit(`[data-testid="step-4"] [data-testid="case-link"]`)
	reseller.contains("case-title", "Offline Google Meet hardware subscription to online")

	// Step 4: the support engineer converts the subscription from the case.
	desk := e.signedIn("desk:support_engineer")
	desk.submit("nav-cases")
	desk.contains("cases", "Offline Google Meet hardware subscription to online: customer-a.example")
	desk.open("/desk/cases/" + caseID)
	desk.submit("assign-me")
	desk.contains("flash", "assigned to you")
	desk.confirm("action-" + models.ActionConvertToGracePlan)
	desk.contains("flash", "Action done.")
	desk.contains("thread", "temporary online grace plan")
	desk.shot("case-converted")
	sub := offerSubscription(t, e, e.CustomerA.ID, meetID)
	if sub.Plan != models.PlanGrace || sub.Channel != models.SubOnline || sub.ConsoleID != nil {
		t.Fatalf("after the grace conversion: plan %s, channel %s, console %v", sub.Plan, sub.Channel, sub.ConsoleID)
	}
	desk.open("/desk/customers/" + custID + "/meet")
	desk.stepStates(t, "done", "done", "done", "done", "next")
	desk.contains("step-4", "User desk:support_engineer")

	// The reseller is told, and moves on to step 5: its public reseller id.
	reseller.open("/notifications")
	reseller.contains("notices", "Meet hardware is on the online grace plan")
	reseller.open(meetPath)
	reseller.stepStates(t, "done", "done", "done", "done", "next")
	reseller.contains("share-id", e.ConsoleA.PublicResellerID)
	reseller.submit("share-id")
	reseller.contains("flash", "Public reseller id sent to the customer.")
	reseller.stepStates(t, "done", "done", "done", "done", "done", "next")
	reseller.contains("step-6", "Waiting for the customer to create a transfer token")

	// Step 6: the customer admin reads the notice and makes the token.
	cust := e.signedIn("custA:customer_admin")
	cust.submit("nav-meet")
	cust.atPath("/admin/meet")
	cust.stepStates(t, "done", "done", "done", "done", "done", "next")
	cust.shot("customer-meet")
	cust.waitVisible("go-tokens")
	cust.contains("criterion-4", "Workspace is bought through Console A.") // its own reseller, by name
	cust.submit("bell")
	cust.contains("notices", "Console A shared its public reseller id: "+e.ConsoleA.PublicResellerID)
	cust.submit("open-notice")
	cust.atPath("/admin/tokens")
	if got := cust.value("#f-reseller_id"); got != e.ConsoleA.PublicResellerID {
		t.Fatalf("the notice's link prefills the reseller id %q, want %q", got, e.ConsoleA.PublicResellerID)
	}
	cust.submit("create-token")
	cust.contains("new-token", "Console A ("+e.ConsoleA.PublicResellerID+")")
	secret := strings.TrimSpace(cust.text("token-secret"))
	if len(secret) < 20 {
		t.Fatalf("token secret %q", secret)
	}
	cust.contains("tokens", "Active")
	cust.shot("token")
	cust.submit("nav-meet")
	cust.stepStates(t, "done", "done", "done", "done", "done", "done", "next")

	// Step 7: the reseller offers the total quantity, with the customer's token.
	reseller.open(meetPath)
	reseller.stepStates(t, "done", "done", "done", "done", "done", "done", "next")
	reseller.contains("make-offer", "4 licences")
	reseller.submit("make-offer")
	reseller.atPath("/console/offers/new")
	reseller.waitVisible("migration-offer")
	reseller.shot("offer-form")
	for field, want := range map[string]string{"#f-customer_id": custID, "#f-product_id": strconv.FormatInt(meetID, 10),
		"#f-quantity": "4", "#f-plan": string(models.PlanAnnualMonthly), "#f-billing_account_id": strconv.FormatInt(ba.ID, 10)} {
		if got := reseller.value(field); got != want {
			t.Errorf("offer form %s prefilled %q, want %q", field, got, want)
		}
	}
	if reseller.value("#f-unit_price") == "" {
		t.Error("offer form: no unit price prefilled from the catalogue")
	}
	// Without the token the offer is refused on the token field.
	if st := reseller.submit("send-offer"); st != http.StatusUnprocessableEntity {
		t.Fatalf("offer without the token: status %d, want 422", st)
	}
	reseller.contains("offer-form", "Enter the transfer token")
	reseller.fill("#f-token", secret)
	reseller.fill("#f-message", "Your Meet hardware licences, online with us.")
	if st := reseller.submit("send-offer"); st != http.StatusOK {
		t.Fatalf("send the migration offer: status %d", st)
	}
	reseller.contains("flash", "Offer sent to the customer.")
	reseller.contains("offer-state", "Sent")
	reseller.contains("offer-quantity", "4")
	offerID := strings.TrimPrefix(reseller.path(), "/console/offers/")
	reseller.open(meetPath)
	reseller.stepStates(t, "done", "done", "done", "done", "done", "done", "done", "next")

	// Step 8: the customer accepts the offer, ticking the terms.
	cust.open("/admin/meet")
	cust.submit("go-offer")
	cust.atPath("/admin/offers/" + offerID)
	cust.contains("offer-product", "Google Meet hardware licence")
	cust.contains("offer-quantity", "4")
	cust.shot("offer")
	cust.check("#f-terms", true)
	if st := cust.submit("accept-offer"); st != http.StatusOK {
		t.Fatalf("accept the migration offer: status %d", st)
	}
	cust.contains("flash", "Offer accepted.")
	cust.contains("offer-state", "Accepted")
	if cust.exists("terms-pending") {
		t.Error("terms already accepted, yet the offer says the subscription waits for them")
	}
	cust.open("/admin/tokens")
	cust.contains("tokens", "Used")

	// Step 9: the reseller sees the subscription and confirms.
	reseller.open(meetPath)
	reseller.stepStates(t, "done", "done", "done", "done", "done", "done", "done", "done", "next")
	reseller.submit("confirm-migration")
	reseller.contains("flash", "Migration complete.")
	reseller.waitVisible("migration-done")
	if strings.Contains(reseller.text("tracker"), "can start once") {
		t.Error("a complete migration still says it can start once every criterion passes")
	}
	reseller.shot("done")
	reseller.stepStates(t, "done", "done", "done", "done", "done", "done", "done", "done", "done")
	for n, who := range map[int]string{1: "Super A", 4: "User desk:support_engineer", 6: "User custA:customer_admin", 8: "User custA:customer_admin", 9: "Super A"} {
		reseller.contains(fmt.Sprintf("step-%d", n), who)
	}
	reseller.open("/console/customers/" + custID)
	reseller.contains("subscriptions", "Google Meet hardware licence")

	// The subscription is online, attached to console A, renewing automatically.
	sub = offerSubscription(t, e, e.CustomerA.ID, meetID)
	if sub.ConsoleID == nil || *sub.ConsoleID != ca || sub.Channel != models.SubOnline || sub.RenewalOption != models.RenewAuto ||
		sub.Status != models.SubActive || sub.Quantity != 4 || sub.Plan != models.PlanAnnualMonthly {
		t.Fatalf("migrated subscription: console %v, %s, %s, %s, %d × %s", sub.ConsoleID, sub.Channel, sub.RenewalOption, sub.Status, sub.Quantity, sub.Plan)
	}
	if sub.FirstInvoiceDate == nil || !sub.FirstInvoiceDate.Equal(models.FirstInvoiceDate(sub.StartDate)) {
		t.Errorf("first invoice date %v for a start on %s", sub.FirstInvoiceDate, sub.StartDate.Format("2006-01-02"))
	}
}

// meetSubscription inserts a subscription for the journey's starting point.
func meetSubscription(t *testing.T, e *env, sub models.Subscription) models.Subscription {
	t.Helper()
	now := e.Clock.Now()
	sub.Status, sub.SuspensionReasons, sub.RenewalOption = models.SubActive, models.TextArray{}, models.RenewAuto
	sub.StartDate, sub.CreatedAt, sub.UpdatedAt = sub.EndDate.AddDate(-1, 0, 0), now, now
	if err := e.Gorm.Omit("Product").Create(&sub).Error; err != nil {
		t.Fatalf("subscription: %v", err)
	}
	return sub
}

// stepStates checks the tracker's steps, in order, by their data-state
// (done, next, waiting: next is the migration's next step, whoever takes
// it); steps past the list are not checked.
func (s *session) stepStates(t *testing.T, want ...string) {
	t.Helper()
	s.waitVisible("steps")
	for i, w := range want {
		id := fmt.Sprintf("step-%d", i+1)
		if got := s.attr(id, "data-state"); got != w {
			t.Fatalf("[%s] %s: state %q, want %q (%s; at %s)", s.name, id, got, w, s.text(id), s.path())
		}
	}
}
