package store_test

import (
	"errors"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

// meetSub gives a customer an offline Meet hardware subscription renewing on end.
func meetSub(t *testing.T, f *storetest.Fixture, customerID int64, consoleID *int64, qty int, end time.Time) models.Subscription {
	t.Helper()
	now := f.Clock.Now()
	sub := models.Subscription{CustomerID: customerID, ConsoleID: consoleID, ProductID: productID(t, f, "MEET-HW"), Quantity: qty,
		Plan: models.PlanAnnualPrepaid, Channel: models.SubOffline, Status: models.SubActive, SuspensionReasons: models.TextArray{},
		StartDate: end.AddDate(-1, 0, 0), EndDate: end, RenewalOption: models.RenewAuto, CreatedAt: now, UpdatedAt: now}
	if err := f.Gorm.Create(&sub).Error; err != nil {
		t.Fatalf("meet subscription: %v", err)
	}
	return sub
}

func TestMeetResellerPathNineSteps(t *testing.T) {
	f := storetest.Seed(t)
	ba := billingAccount(t, f, "A")
	ca := f.ConsoleA.ID
	addSubscription(t, f, f.CustomerA.ID, &ca)
	renewal := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC) // window: 3 Mar 00:00 – 4 Mar 00:00
	meetSub(t, f, f.CustomerA.ID, &ca, 3, renewal)
	sales := f.Actor("A:sales_agent")
	v, err := f.Store.MeetStatus(bg, sales, f.CustomerA.ID)
	if err != nil || !v.Eligibility.Passed() {
		t.Fatalf("eligibility: %v %v", v.Eligibility.Failed(), err)
	}
	if _, err := f.Store.MeetStatus(bg, f.Actor("B:sales_agent"), f.CustomerA.ID); !isNotFound(err) {
		t.Errorf("B sees A's customer: %v", err)
	}
	if _, err := f.Store.StartMeetMigration(bg, sales, f.CustomerA.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.Store.StartMeetMigration(bg, sales, f.CustomerA.ID)
	wantCode(t, "second start", err, models.CodeConflict)
	_, err = f.Store.FileMeetCase(bg, sales, f.CustomerA.ID)
	wantCode(t, "step 3 before 2", err, models.CodeConflict)
	if err := f.Store.RecordCustomerRequest(bg, sales, f.CustomerA.ID, false, false); err != nil {
		t.Fatal(err)
	}
	// Step 3: 2 Mar 09:00 is 63 h before the renewal: refused, window named.
	_, err = f.Store.FileMeetCase(bg, sales, f.CustomerA.ID)
	var we *models.WindowError
	if !errors.As(err, &we) || !we.Opens.Equal(renewal.Add(-48*time.Hour)) {
		t.Fatalf("outside the window: %v", err)
	}
	f.Clock.Set(renewal.Add(-30 * time.Hour))
	c, err := f.Store.FileMeetCase(bg, sales, f.CustomerA.ID)
	if err != nil || c.Type != models.CaseMeetOfflineToOnline {
		t.Fatalf("file case: %+v %v", c, err)
	}
	// Step 4: the desk converts to the grace plan from the case.
	if _, err := f.Store.RunCaseAction(bg, f.Actor("desk:support_engineer"), c.ID, c.Version, models.ActionConvertToGracePlan); err != nil {
		t.Fatalf("grace conversion: %v", err)
	}
	var sub models.Subscription
	f.Gorm.Where("customer_id = ? AND product_id = ?", f.CustomerA.ID, productID(t, f, "MEET-HW")).Take(&sub)
	if sub.Plan != models.PlanGrace || sub.Channel != models.SubOnline || sub.ConsoleID != nil {
		t.Errorf("grace plan: %+v", sub)
	}
	if countRows(t, f.Gorm, "notifications", "kind = ?", models.NoticeGraceConversion) == 0 {
		t.Error("reseller not told of the grace conversion")
	}
	if err := f.Store.ShareResellerID(bg, sales, f.CustomerA.ID); err != nil {
		t.Fatal(err)
	}
	if countRows(t, f.Gorm, "outbox", "kind = ?", models.NoticeResellerIDShared) == 0 {
		t.Error("reseller id not emailed")
	}
	secret, _, err := f.Store.CreateTransferToken(bg, f.Actor("custA:customer_admin"), f.ConsoleA.PublicResellerID)
	if err != nil {
		t.Fatal(err)
	}
	v, _ = f.Store.MeetStatus(bg, sales, f.CustomerA.ID)
	if !v.Done[models.StepToken] || v.NextStep() != models.StepOffer || v.Eligibility.MeetQuantity != 3 {
		t.Fatalf("after token: done %v next %d qty %d", v.Done, v.NextStep(), v.Eligibility.MeetQuantity)
	}
	o, err := f.Store.CreateOffer(bg, sales, models.OfferInput{CustomerID: f.CustomerA.ID, Token: secret, ProductID: productID(t, f, "MEET-HW"),
		Quantity: "3", Plan: models.PlanAnnualMonthly, UnitPrice: "19.38", BillingAccountID: ba.ID, MigrationID: v.Migration.ID}, "", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Store.ConfirmMeetMigration(bg, sales, f.CustomerA.ID); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("confirm before acceptance: %v", err)
	}
	if _, err := f.Store.AcceptOffer(bg, f.Actor("custA:customer_admin"), o.ID, true); err != nil {
		t.Fatal(err)
	}
	f.Gorm.Take(&sub, sub.ID)
	if sub.ConsoleID == nil || *sub.ConsoleID != ca || sub.Channel != models.SubOnline || sub.RenewalOption != models.RenewAuto ||
		sub.FirstInvoiceDate == nil || !sub.FirstInvoiceDate.Equal(models.FirstInvoiceDate(sub.StartDate)) {
		t.Errorf("migrated subscription: %+v", sub)
	}
	if err := f.Store.ConfirmMeetMigration(bg, sales, f.CustomerA.ID); err != nil {
		t.Fatal(err)
	}
	v, _ = f.Store.MeetStatus(bg, sales, f.CustomerA.ID)
	if v.Migration.State != models.MigrationDone || len(v.Steps) != 9 {
		t.Errorf("after step 9: %s, %d steps", v.Migration.State, len(v.Steps))
	}
	for n, st := range v.Steps {
		if st.ActorName == "" || st.DoneAt.IsZero() {
			t.Errorf("step %d without actor or date", n)
		}
	}
}

func TestMeetDirectPathSevenDays(t *testing.T) {
	f := storetest.Seed(t)
	// A direct customer with Workspace and Meet bought directly, in the US.
	op := f.Actor("desk:sales_rep")
	var cust models.Customer
	f.Gorm.Take(&cust, f.CustomerB.ID)
	f.Gorm.Exec("UPDATE customers SET console_id = NULL, channel = 'direct', country = 'US' WHERE id = ?", cust.ID)
	addSubscription(t, f, cust.ID, nil)
	renewal := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC) // 7 days before: 2 Mar 00:00, already past at 09:00
	meetSub(t, f, cust.ID, nil, 4, renewal)
	if _, err := f.Store.StartMeetMigration(bg, f.Actor("A:super_admin"), cust.ID); !isNotFound(err) {
		t.Errorf("console starts a direct customer's migration: %v", err)
	}
	m, err := f.Store.StartMeetMigration(bg, op, cust.ID)
	if err != nil {
		t.Fatal(err)
	}
	in := models.OfferInput{CustomerID: cust.ID, ProductID: productID(t, f, "MEET-HW"), Quantity: "4", Plan: models.PlanAnnualMonthly,
		UnitPrice: "20.84", MigrationID: m.ID}
	_, err = f.Store.CreateOffer(bg, op, in, "USD", true)
	var we *models.WindowError
	if !errors.As(err, &we) || !we.Closes.Equal(renewal.Add(-7*24*time.Hour)) {
		t.Fatalf("late direct offer: %v", err)
	}
	// Exactly 7 days before the renewal: allowed.
	f.Gorm.Exec("UPDATE subscriptions SET end_date = ? WHERE customer_id = ? AND channel = 'offline'", "2026-03-09", cust.ID)
	f.Clock.Set(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	o, err := f.Store.CreateOffer(bg, op, in, "USD", true)
	if err != nil {
		t.Fatalf("direct offer at exactly 7 days: %v", err)
	}
	if _, err := f.Store.AcceptOffer(bg, f.Actor("custB:customer_admin"), o.ID, true); err != nil {
		t.Fatal(err)
	}
	if countRows(t, f.Gorm, "subscriptions", "customer_id = ? AND console_id IS NULL AND channel = 'online' AND status = 'suspended'", cust.ID) != 1 {
		t.Error("direct subscription not online (suspended until terms)")
	}
	if err := f.Store.ConfirmMeetMigration(bg, op, cust.ID); err != nil {
		t.Fatal(err)
	}
	_ = store.MeetView{}
}
