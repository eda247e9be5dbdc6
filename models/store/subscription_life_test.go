package store_test

import (
	"sync"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/money"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

// lifeSub inserts a subscription of sku on customer A, sold by console A,
// billed to a EUR account of console A.
func lifeSub(t *testing.T, f *storetest.Fixture, sku string, plan models.Plan, qty int, start, end time.Time) models.Subscription {
	t.Helper()
	ba, err := f.Store.SaveBillingAccount(bg, f.Actor("A:super_admin"), 0,
		models.BillingAccountInput{Name: "Life " + sku + string(plan), Currency: "EUR", LegalEntity: "Entity A"})
	if err != nil {
		t.Fatal(err)
	}
	var pid int64
	f.Gorm.Table("products").Select("id").Where("sku = ?", sku).Scan(&pid)
	ca := f.ConsoleA.ID
	now := f.Clock.Now()
	s := models.Subscription{CustomerID: f.CustomerA.ID, ConsoleID: &ca, ProductID: pid, Quantity: qty, Plan: plan,
		Channel: models.SubOnline, Status: models.SubActive, SuspensionReasons: models.TextArray{}, StartDate: start, EndDate: end,
		RenewalOption: models.RenewAuto, BillingAccountID: &ba.ID, CreatedAt: now, UpdatedAt: now}
	if err := f.Gorm.Create(&s).Error; err != nil {
		t.Fatal(err)
	}
	return s
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func reload(t *testing.T, f *storetest.Fixture, id int64) models.Subscription {
	t.Helper()
	var s models.Subscription
	if err := f.Gorm.Take(&s, id).Error; err != nil {
		t.Fatal(err)
	}
	return s
}

func count(t *testing.T, f *storetest.Fixture, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := f.Gorm.Table(table).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// The seed's example on a Chrome Enterprise Upgrade annual prepaid plan:
// 25 more on 25 is 50; the price shown before the tick is the charge on the
// next invoice; nothing changes without the tick.
func TestAddLicencesSeedExample(t *testing.T) {
	f := storetest.Seed(t)
	sub := lifeSub(t, f, "CEU", models.PlanAnnualPrepaid, 25, day(2026, 1, 1), day(2026, 12, 31))
	admin := f.Actor("custA:customer_admin")
	pre, err := f.Store.PreviewAddLicences(bg, admin, sub.ID, "25")
	if err != nil {
		t.Fatal(err)
	}
	// CEU annual prepaid EUR: 50.00 USD × 0.93 = 4650 per licence-year; 2026-03-02..12-31 is 305 of 365 days.
	want := money.Prorate(4650*25, 305, 365)
	if pre.After.Quantity != 50 || pre.PriceMinor != want || want == 0 {
		t.Fatalf("preview: %d %d want %d", pre.After.Quantity, pre.PriceMinor, want)
	}
	if _, err := f.Store.AddLicences(bg, admin, sub.ID, store.AddLicencesInput{Additional: "25", Confirm: true, Key: "k-no-terms"}); models.ErrorCode(err) != models.CodeInvalid {
		t.Fatalf("no terms: %v", err)
	}
	if got := reload(t, f, sub.ID); got.Quantity != 25 {
		t.Fatalf("changed without the tick: %d", got.Quantity)
	}
	ch, err := f.Store.AddLicences(bg, admin, sub.ID, store.AddLicencesInput{Additional: "25", TermsAccepted: true, Confirm: true, Key: "k1"})
	if err != nil || ch.After.Quantity != 50 {
		t.Fatalf("%v %+v", err, ch)
	}
	if got := reload(t, f, sub.ID); got.Quantity != 50 {
		t.Fatalf("quantity %d", got.Quantity)
	}
	var c models.BillingCharge
	if err := f.Gorm.Where("subscription_id = ?", sub.ID).Take(&c).Error; err != nil {
		t.Fatal(err)
	}
	if c.AmountMinor != want || c.Kind != models.ChargeLicencesAdded || c.Currency != "EUR" || c.InvoiceID != nil {
		t.Fatalf("charge %+v", c)
	}
	if n := count(t, f, "audit_events", "action = 'subscription.licences_added' AND record_id = ?", sub.ID); n != 2 {
		t.Fatalf("audit rows %d (customer and console)", n)
	}
	// The other side (the reseller) is told, by notice and email.
	if n := count(t, f, "notifications", "user_id = ? AND title = 'Licences added'", f.Users["A:super_admin"].ID); n != 1 {
		t.Fatalf("reseller notices %d", n)
	}
	if n := count(t, f, "outbox", "to_email = ? AND title = 'Licences added'", f.Email("A:super_admin")); n != 1 {
		t.Fatalf("reseller emails %d", n)
	}
	// Bad input changes nothing.
	for _, in := range []string{"", "0", "-2", "abc", "99951"} {
		_, err := f.Store.AddLicences(bg, admin, sub.ID, store.AddLicencesInput{Additional: in, TermsAccepted: true, Confirm: true, Key: "bad-" + in})
		if fe, ok := models.AsValidation(err); !ok || fe["additional"] == "" {
			t.Fatalf("%q: %v", in, err)
		}
	}
	if got := reload(t, f, sub.ID); got.Quantity != 50 {
		t.Fatalf("bad input changed: %d", got.Quantity)
	}
	// A form's key replayed on another action changes nothing.
	if _, err := f.Store.CancelNow(bg, admin, sub.ID, true, "k1"); models.ErrorCode(err) != models.CodeInvalid {
		t.Fatalf("key reused for cancel: %v", err)
	}
	if got := reload(t, f, sub.ID); got.Status != models.SubActive {
		t.Fatalf("cancelled with another form's key: %+v", got)
	}
}

// 50 parallel posts of one form add the licences once.
func TestAddLicencesIdempotent(t *testing.T) {
	f := storetest.Seed(t)
	sub := lifeSub(t, f, "CEU", models.PlanAnnualPrepaid, 25, day(2026, 1, 1), day(2026, 12, 31))
	admin := f.Actor("custA:customer_admin")
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.Store.AddLicences(bg, admin, sub.ID, store.AddLicencesInput{Additional: "25", TermsAccepted: true, Confirm: true, Key: "one-form"})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("post: %v", err)
		}
	}
	if got := reload(t, f, sub.ID); got.Quantity != 50 {
		t.Fatalf("quantity %d, want 50", got.Quantity)
	}
	if n := count(t, f, "billing_charges", "subscription_id = ?", sub.ID); n != 1 {
		t.Fatalf("charges %d", n)
	}
	if n := count(t, f, "subscription_changes", "subscription_id = ?", sub.ID); n != 1 {
		t.Fatalf("changes %d", n)
	}
	// A new form (new key) adds again.
	if _, err := f.Store.AddLicences(bg, admin, sub.ID, store.AddLicencesInput{Additional: "1", TermsAccepted: true, Confirm: true, Key: "second-form"}); err != nil {
		t.Fatal(err)
	}
	if got := reload(t, f, sub.ID); got.Quantity != 51 {
		t.Fatalf("quantity %d, want 51", got.Quantity)
	}
}

func TestSubscriptionLifeScope(t *testing.T) {
	f := storetest.Seed(t)
	sub := lifeSub(t, f, "GWS-BS", models.PlanAnnualMonthly, 10, day(2026, 1, 1), day(2026, 12, 31))
	in := store.AddLicencesInput{Additional: "1", TermsAccepted: true, Confirm: true, Key: "scope"}
	for key, code := range map[string]models.Code{
		"B:super_admin":          models.CodeNotFound, // another console
		"custB:customer_admin":   models.CodeNotFound, // another customer
		"custA:customer_billing": models.CodeForbidden,
		"A:sales_agent":          models.CodeForbidden,
	} {
		if _, err := f.Store.AddLicences(bg, f.Actor(key), sub.ID, in); models.ErrorCode(err) != code {
			t.Errorf("%s: %v, want %s", key, err, code)
		}
		if _, err := f.Store.Subscription(bg, f.Actor(key), sub.ID); code == models.CodeNotFound && models.ErrorCode(err) != code {
			t.Errorf("%s page: %v", key, err)
		}
	}
	if _, err := f.Store.SuspendSubscription(bg, f.Actor("custA:customer_admin"), sub.ID); models.ErrorCode(err) != models.CodeForbidden {
		t.Errorf("customer suspends: %v", err)
	}
	if got := reload(t, f, sub.ID); got.Quantity != 10 || got.Status != models.SubActive {
		t.Fatalf("changed: %+v", got)
	}
	d, err := f.Store.Subscription(bg, f.Actor("custA:customer_billing"), sub.ID)
	if err != nil || d.Actions != (models.LifeActions{}) {
		t.Fatalf("billing sees actions: %v %+v", err, d.Actions)
	}
}

func TestRenewalAndCancelNow(t *testing.T) {
	f := storetest.Seed(t)
	sub := lifeSub(t, f, "GWS-BS", models.PlanAnnualMonthly, 10, day(2026, 1, 1), day(2026, 12, 31))
	admin := f.Actor("custA:customer_admin")
	if _, err := f.Store.SetRenewalOption(bg, admin, sub.ID, "forever"); models.ErrorCode(err) != models.CodeInvalid {
		t.Fatalf("bad option: %v", err)
	}
	if _, err := f.Store.SetRenewalOption(bg, admin, sub.ID, "cancel_at_end"); err != nil {
		t.Fatal(err)
	}
	if got := reload(t, f, sub.ID); got.RenewalOption != models.CancelAtEnd {
		t.Fatalf("option %s", got.RenewalOption)
	}
	pre, err := f.Store.PreviewCancel(bg, admin, sub.ID)
	// GWS-BS annual_monthly EUR: 700 × 0.93 = 651 per licence-month, from 2026-03-02 to the end of December.
	want := money.ProrateToTermEnd(651, 10, day(2026, 3, 2), day(2026, 12, 31), models.PlanAnnualMonthly)
	if err != nil || pre.PriceMinor != want || want == 0 {
		t.Fatalf("preview %d want %d: %v", pre.PriceMinor, want, err)
	}
	if _, err := f.Store.CancelNow(bg, admin, sub.ID, false, "c1"); models.ErrorCode(err) != models.CodeInvalid {
		t.Fatalf("unconfirmed: %v", err)
	}
	if got := reload(t, f, sub.ID); got.Status != models.SubActive {
		t.Fatalf("cancelled unconfirmed")
	}
	for range 2 { // a double submit cancels and charges once
		if _, err := f.Store.CancelNow(bg, admin, sub.ID, true, "c2"); err != nil {
			t.Fatal(err)
		}
	}
	got := reload(t, f, sub.ID)
	if got.Status != models.SubEnded || got.EndedAt == nil || !got.EndDate.Equal(day(2026, 3, 2)) {
		t.Fatalf("%+v", got)
	}
	var c models.BillingCharge
	if err := f.Gorm.Where("subscription_id = ? AND kind = 'cancellation'", sub.ID).Take(&c).Error; err != nil || c.AmountMinor != want {
		t.Fatalf("charge %+v %v", c, err)
	}
	if _, err := f.Store.CancelNow(bg, admin, sub.ID, true, "c3"); models.ErrorCode(err) != models.CodeConflict {
		t.Fatalf("cancel an ended one: %v", err)
	}
}

func TestResellerSuspension(t *testing.T) {
	f := storetest.Seed(t)
	sub := lifeSub(t, f, "GWS-BS", models.PlanFlexible, 10, day(2026, 3, 1), day(2026, 3, 31))
	f.Gorm.Table("subscriptions").Where("id = ?", sub.ID).Updates(map[string]any{"status": "suspended", "suspension_reasons": models.TextArray{"non_payment"}})
	agent := f.Actor("A:admin_agent")
	if _, err := f.Store.SuspendSubscription(bg, agent, sub.ID); err != nil {
		t.Fatal(err)
	}
	if got := reload(t, f, sub.ID); !got.HasReason(models.SuspendResellerInitiated) || !got.HasReason(models.SuspendNonPayment) {
		t.Fatalf("%+v", got.SuspensionReasons)
	}
	if n := count(t, f, "notifications", "user_id = ? AND title = 'A subscription was suspended'", f.Users["custA:customer_admin"].ID); n != 1 {
		t.Fatalf("customer notices %d", n)
	}
	if _, err := f.Store.ReactivateSubscription(bg, agent, sub.ID); err != nil {
		t.Fatal(err)
	}
	got := reload(t, f, sub.ID)
	if got.Status != models.SubSuspended || got.HasReason(models.SuspendResellerInitiated) || !got.HasReason(models.SuspendNonPayment) {
		t.Fatalf("%+v", got)
	}
	if _, err := f.Store.SuspendSubscription(bg, f.Actor("B:admin_agent"), sub.ID); models.ErrorCode(err) != models.CodeNotFound {
		t.Fatalf("foreign: %v", err)
	}
}

// R-LIC-3 with a moved clock: trial end → suspended → billing set up → active.
func TestTrialLifecycle(t *testing.T) {
	f := storetest.Seed(t)
	now := f.Clock.Now()
	sub := lifeSub(t, f, "CEU", models.PlanTrial, 10, models.Day(now).AddDate(0, 0, -28), models.Day(now).AddDate(0, 0, 2))
	if n, err := f.Store.EndTrials(bg); err != nil || n != 0 {
		t.Fatalf("early: %d %v", n, err)
	}
	f.Clock.Advance(3 * 24 * time.Hour)
	if n, err := f.Store.EndTrials(bg); err != nil || n != 1 {
		t.Fatalf("end: %d %v", n, err)
	}
	if n, _ := f.Store.EndTrials(bg); n != 0 {
		t.Fatalf("second run: %d", n)
	}
	got := reload(t, f, sub.ID)
	if got.Status != models.SubSuspended || !got.HasReason(models.SuspendTrialEnded) {
		t.Fatalf("%+v", got)
	}
	if n := count(t, f, "notifications", "user_id = ? AND title = 'A trial ended'", f.Users["custA:customer_admin"].ID); n != 1 {
		t.Fatalf("notices %d", n)
	}
	admin := f.Actor("custA:customer_admin")
	if _, err := f.Store.SetUpTrialBilling(bg, admin, sub.ID, models.BillingSetUp{Plan: "annual_prepaid", Quantity: "0"}, "s1"); models.ErrorCode(err) != models.CodeInvalid {
		t.Fatalf("bad: %v", err)
	}
	if got := reload(t, f, sub.ID); got.Status != models.SubSuspended {
		t.Fatal("changed by bad input")
	}
	if _, err := f.Store.SetUpTrialBilling(bg, admin, sub.ID, models.BillingSetUp{Plan: "annual_prepaid", Quantity: "40", TermsAccepted: true}, "s2"); err != nil {
		t.Fatal(err)
	}
	got = reload(t, f, sub.ID)
	if got.Status != models.SubActive || got.Plan != models.PlanAnnualPrepaid || got.Quantity != 40 || !got.TrialBillingSetUp ||
		!got.StartDate.Equal(models.Day(f.Clock.Now())) {
		t.Fatalf("%+v", got)
	}
	f.Clock.Advance(30 * 24 * time.Hour)
	if n, _ := f.Store.EndTrials(bg); n != 0 {
		t.Fatalf("set-up trial suspended again")
	}
}

func TestListSubscriptions(t *testing.T) {
	f := storetest.Seed(t)
	now := models.Day(f.Clock.Now())
	soon := lifeSub(t, f, "CEU", models.PlanTrial, 5, now.AddDate(0, 0, -20), now.AddDate(0, 0, 5))
	later := lifeSub(t, f, "GWS-BS", models.PlanAnnualMonthly, 10, now, now.AddDate(1, 0, -1))
	a := f.Actor("A:sales_agent")
	all, err := f.Store.ListSubscriptions(bg, a, models.SubscriptionFilter{}, "")
	if err != nil || len(all.Items) != 2 || all.Items[0].ID != soon.ID || all.Items[1].ID != later.ID {
		t.Fatalf("%v %+v", err, all.Items)
	}
	for name, tc := range map[string]struct {
		f    models.SubscriptionFilter
		want []int64
	}{
		"renewal within 7": {models.SubscriptionFilter{RenewalWithin: 7}, []int64{soon.ID}},
		"plan":             {models.SubscriptionFilter{Plan: models.PlanAnnualMonthly}, []int64{later.ID}},
		"product":          {models.SubscriptionFilter{ProductID: later.ProductID}, []int64{later.ID}},
		"billing account":  {models.SubscriptionFilter{BillingAccountID: *soon.BillingAccountID}, []int64{soon.ID}},
		"search by domain": {models.SubscriptionFilter{Query: "customer-a"}, []int64{soon.ID, later.ID}},
		"search misses":    {models.SubscriptionFilter{Query: "nobody"}, nil},
		"status suspended": {models.SubscriptionFilter{Status: models.SubSuspended}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := f.Store.ListSubscriptions(bg, a, tc.f, "")
			if err != nil || len(p.Items) != len(tc.want) {
				t.Fatalf("%v %+v", err, p.Items)
			}
			for i, id := range tc.want {
				if p.Items[i].ID != id {
					t.Fatalf("%+v", p.Items)
				}
			}
		})
	}
	if p, _ := f.Store.ListSubscriptions(bg, f.Actor("B:super_admin"), models.SubscriptionFilter{}, ""); len(p.Items) != 0 {
		t.Fatalf("console B sees %d", len(p.Items))
	}
	var rows int
	if err := f.Store.ExportSubscriptions(bg, a, models.SubscriptionFilter{}, func(models.SubscriptionRow) error { rows++; return nil }); err != nil || rows != 2 {
		t.Fatalf("export %d %v", rows, err)
	}
}

// The demo has one customer in a trial ending in 2 days, whose admin can set
// up billing from the subscription page; the trial-end job suspends it only
// after its end.
func TestDemoTrialEndingSoon(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	if _, err := db.Store.SeedDemo(bg); err != nil {
		t.Fatal(err)
	}
	var subs []models.Subscription
	db.Gorm.Where("plan = 'trial' AND end_date = ?", models.Day(db.Clock.Now()).AddDate(0, 0, 2)).Find(&subs)
	if len(subs) != 1 || subs[0].BillingAccountID == nil || subs[0].Status != models.SubActive {
		t.Fatalf("demo trials: %+v", subs)
	}
	if n, err := db.Store.EndTrials(bg); err != nil || n != 0 {
		t.Fatalf("ended early: %d %v", n, err)
	}
	db.Clock.Advance(3 * 24 * time.Hour)
	if n, err := db.Store.EndTrials(bg); err != nil || n != 1 {
		t.Fatalf("end: %d %v", n, err)
	}
}
