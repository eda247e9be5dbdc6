package store_test

import (
	"errors"
	"testing"
	"time"

	"partnerconsole/models"
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
	// The notes the code wrote are messages with typed arguments, rendered
	// in each reader's language (issue 7 §6); the English text stays beside.
	cv, err := f.Store.GetCase(bg, sales, c.ID)
	if err != nil || len(cv.Comments) != 1 {
		t.Fatalf("case thread: %+v %v", cv.Comments, err)
	}
	note := cv.Comments[0].BodyMsg
	graceEnd := models.Day(f.Clock.Now()).AddDate(0, 0, models.GraceDays)
	if note == nil || note.Text != models.GraceConversionNote(1, graceEnd).Text || len(note.Args) != 4 ||
		note.Args[1] != int64(1) || !note.Args[3].(time.Time).Equal(graceEnd) || cv.Comments[0].Body != note.English() {
		t.Errorf("grace note: %+v (%q)", note, cv.Comments[0].Body)
	}
	if countRows(t, f.Gorm, "notifications", "kind = ? AND body = ? AND args->>'Date' = ?", models.NoticeCaseCommented, note.Text, graceEnd.Format("2006-01-02")) == 0 {
		t.Error("the partner's notice of the conversion is not the note's message")
	}
	mv, _ := f.Store.MeetStatus(bg, sales, f.CustomerA.ID)
	if st := mv.Steps[models.StepCaseFiled]; st.NoteMsg == nil || st.NoteMsg.Text != "Case #{{.ID}}" || st.NoteMsg.Args[1] != c.ID {
		t.Errorf("step 3 note: %+v", st.NoteMsg)
	}
	if st := mv.Steps[models.StepGrace]; st.NoteMsg == nil || st.NoteMsg.Text != note.Text {
		t.Errorf("step 4 note: %+v", st.NoteMsg)
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
	// Step 9 waits for the customer's terms: a suspended subscription is
	// not a finished migration (issue 8 §9).
	if v, _ := f.Store.MeetStatus(bg, sales, f.CustomerA.ID); !v.PendingTerms || !models.WaitsForTerms(sub) {
		t.Errorf("pending terms %v for %v", v.PendingTerms, sub.SuspensionReasons)
	}
	if err := f.Store.ConfirmMeetMigration(bg, sales, f.CustomerA.ID); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("confirm while the terms are pending: %v", err)
	}
	if _, err := f.Store.AcceptTerms(bg, f.Actor("custA:customer_admin"), 0); err != nil {
		t.Fatal(err)
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
	// Issue 8 §9: a subscription still suspended for the customer's terms is
	// not a finished migration; the page says what is missing.
	if v, _ := f.Store.MeetStatus(bg, op, cust.ID); !v.PendingTerms || !v.Visible {
		t.Errorf("pending terms not shown: visible %v pending %v", v.Visible, v.PendingTerms)
	}
	if err := f.Store.ConfirmMeetMigration(bg, op, cust.ID); models.ErrorCode(err) != models.CodeConflict {
		t.Fatalf("confirm while the terms are pending: %v", err)
	}
	if _, err := f.Store.AcceptTerms(bg, f.Actor("custB:customer_admin"), 0); err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Store.MeetStatus(bg, op, cust.ID); v.PendingTerms {
		t.Error("terms accepted, still pending")
	}
	if err := f.Store.ConfirmMeetMigration(bg, op, cust.ID); err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Store.MeetStatus(bg, op, cust.ID); !v.Complete() {
		t.Errorf("not complete after confirming: %+v", v.Migration)
	}
}

// TestMeetCaseWindowOnEveryEntryPoint: a case of type "Offline Google Meet
// hardware subscription to online" filed through Report a problem keeps
// the 48–24 h window of R-MEET-2 step 3, like the Meet page (issue 8 §9).
func TestMeetCaseWindowOnEveryEntryPoint(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ca := f.ConsoleA.ID
	renewal := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC) // window: 3 Mar 00:00 – 4 Mar 00:00
	agent := f.Actor("A:super_admin")
	in := func(customerID int64) models.CaseInput {
		return models.CaseInput{Type: models.CaseMeetOfflineToOnline, Impact: models.ImpactHigh, Title: "Meet online", Description: "Please.",
			CustomerID: customerID, ContactName: "Ann", ContactEmail: "ann@a.test",
			Fields: map[string]string{"domain": "customer-a.example", "subscription_id": "1", "renewal_date": "2026-03-05"}}
	}
	cases := func() int64 { return countRows(t, f.Gorm, "support_cases", "type = ?", models.CaseMeetOfflineToOnline) }

	// No offline Meet hardware at all: the customer field says so.
	_, err := f.Store.FileCase(bg, agent, in(f.CustomerA.ID))
	if fe, ok := models.AsValidation(err); !ok || fe["customer_id"] == "" {
		t.Fatalf("no Meet hardware: %v", err)
	}
	meetSub(t, f, f.CustomerA.ID, &ca, 3, renewal)
	// 2 Mar 09:00 is 63 h before the renewal: refused with the window's times.
	_, err = f.Store.FileCase(bg, agent, in(f.CustomerA.ID))
	var we *models.WindowError
	if !errors.As(err, &we) || !we.Opens.Equal(renewal.Add(-48*time.Hour)) || models.ErrorCode(err) != models.CodeConflict {
		t.Fatalf("too early: %v", err)
	}
	f.Clock.Set(renewal.Add(-23 * time.Hour))
	if _, err := f.Store.FileCase(bg, agent, in(f.CustomerA.ID)); !errors.As(err, &we) {
		t.Fatalf("too late: %v", err)
	}
	if n := cases(); n != 0 {
		t.Fatalf("refused filings wrote %d cases", n)
	}
	if n := countRows(t, f.Gorm, "audit_events", "action = 'case.filed'"); n != 0 {
		t.Fatalf("refused filings audited: %d", n)
	}
	f.Clock.Set(renewal.Add(-30 * time.Hour))
	if _, err := f.Store.FileCase(bg, agent, in(f.CustomerA.ID)); err != nil {
		t.Fatalf("inside the window: %v", err)
	}
	// Another console's customer is still a 404, window or not.
	if _, err := f.Store.FileCase(bg, f.Actor("B:super_admin"), in(f.CustomerA.ID)); !isNotFound(err) {
		t.Fatalf("foreign customer: %v", err)
	}
	// Other case types are not bound to the window.
	other := models.CaseInput{Type: models.CaseBillingQuestion, Impact: models.ImpactLow, Title: "Invoice", Description: "?",
		ContactName: "Ann", ContactEmail: "ann@a.test", Fields: map[string]string{}}
	f.Clock.Set(renewal.Add(-100 * time.Hour))
	if _, err := f.Store.FileCase(bg, agent, other); err != nil {
		t.Fatalf("billing question: %v", err)
	}
}
