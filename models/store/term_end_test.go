package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"partnerconsole/models"
	"partnerconsole/models/store/localpg"
	"partnerconsole/models/store/storetest"
)

// termSub is an annual subscription of customer A renewed manually (by a
// key or by paying), ending on end.
func termSub(t *testing.T, f *storetest.Fixture, plan models.Plan, end time.Time) models.Subscription {
	t.Helper()
	s := lifeSub(t, f, "GWS-BS", plan, 10, end.AddDate(-1, 0, 1), end)
	f.Gorm.Table("subscriptions").Where("id = ?", s.ID).Update("renewal_option", models.RenewManually)
	s.RenewalOption = models.RenewManually
	return s
}

// at moves the clock to days after end, late in the day.
func at(f *storetest.Fixture, end time.Time, days int) {
	f.Clock.Set(end.AddDate(0, 0, days).Add(22 * time.Hour))
}

// Each boundary of R-PK-4 on a moved clock: day 0 (the end date) active,
// day 1 expired, day 30 expired, day 31 disabled, day 120 disabled, day 121
// deleted with the tenant deprovisioned; each move audited and told to the
// customer's admins and the partner of record's admins.
func TestTermMovesAtEachBoundary(t *testing.T) {
	f := storetest.Seed(t)
	end := day(2026, 3, 31)
	sub := termSub(t, f, models.PlanAnnualMonthly, end)
	// Product keys (0016) add licence assignments; the same shape stands in for it here.
	owner, err := pgx.Connect(bg, f.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = owner.Exec(bg, `CREATE TABLE IF NOT EXISTS licence_assignments (id bigserial PRIMARY KEY,
		subscription_id bigint NOT NULL REFERENCES subscriptions(id), user_id bigint NOT NULL REFERENCES users(id),
		assigned_at timestamptz NOT NULL, UNIQUE (subscription_id, user_id))`)
	if err == nil {
		_, err = owner.Exec(bg, "GRANT SELECT, INSERT, UPDATE, DELETE ON licence_assignments TO "+pgx.Identifier{localpg.AppRole}.Sanitize()+
			"; GRANT USAGE ON SEQUENCE licence_assignments_id_seq TO "+pgx.Identifier{localpg.AppRole}.Sanitize())
	}
	owner.Close(bg)
	if err != nil {
		t.Fatal(err)
	}
	f.Gorm.Exec("INSERT INTO licence_assignments (subscription_id, user_id, assigned_at) VALUES (?, ?, now())", sub.ID, f.Users["custA:customer_admin"].ID)
	steps := []struct {
		day  int
		want models.SubStatus
	}{{-1, models.SubActive}, {0, models.SubActive}, {1, models.SubExpired}, {29, models.SubExpired}, {30, models.SubExpired},
		{31, models.SubDisabled}, {119, models.SubDisabled}, {120, models.SubDisabled}, {121, models.SubDeleted}}
	for _, st := range steps {
		at(f, end, st.day)
		if _, err := f.Store.MoveTerms(bg); err != nil {
			t.Fatal(err)
		}
		if got := reload(t, f, sub.ID); got.Status != st.want {
			t.Fatalf("day %d: %s, want %s", st.day, got.Status, st.want)
		}
	}
	got := reload(t, f, sub.ID)
	if got.ExpiredAt == nil || got.DisabledAt == nil || got.DeletedAt == nil {
		t.Errorf("move dates %+v", got)
	}
	for _, a := range []string{"subscription.expired", "subscription.disabled", "subscription.deleted", "customer.deprovisioned"} {
		if n := count(t, f, "audit_events", "action = ? AND organisation_id = ?", a, f.CustomerA.ID); n != 1 {
			t.Errorf("%s audited %d times on the customer", a, n)
		}
	}
	if n := count(t, f, "audit_events", "action = 'subscription.disabled' AND organisation_id = ?", f.ConsoleA.ID); n != 1 {
		t.Errorf("partner's audit: %d", n)
	}
	for _, key := range []string{"custA:customer_admin", "A:super_admin", "A:admin_agent"} {
		if n := count(t, f, "notifications", "user_id = ? AND title IN ('A subscription expired', 'A subscription was disabled', 'A subscription was deleted')", f.Users[key].ID); n != 3 {
			t.Errorf("%s told of %d moves", key, n)
		}
	}
	if n := count(t, f, "users", "organisation_id = ? AND disabled_at IS NULL", f.CustomerA.ID); n != 0 {
		t.Errorf("%d users of the deleted tenant still enabled", n)
	}
	if n := count(t, f, "licence_assignments", "subscription_id = ?", sub.ID); n != 0 {
		t.Errorf("%d licence assignments kept", n)
	}
	if n := count(t, f, "customers", "id = ? AND contact_email = '' AND contact_name = ''", f.CustomerA.ID); n != 1 {
		t.Error("contact fields kept")
	}
	if n := count(t, f, "users", "organisation_id = ? AND disabled_at IS NULL", f.CustomerB.ID); n == 0 {
		t.Error("another tenant was touched")
	}
	// Not reversible: running again does nothing.
	at(f, end, 400)
	if rep, err := f.Store.MoveTerms(bg); err != nil || rep != (struct{ Expired, Disabled, Deleted, Restored, Deprovisioned int }{}) {
		t.Errorf("second run: %+v %v", rep, err)
	}
}

// A job that did not run for weeks catches up; cancelling skips the grace;
// a tenant with another subscription in use is not deprovisioned.
func TestTermMovesCatchUpAndCancel(t *testing.T) {
	f := storetest.Seed(t)
	end := day(2026, 3, 31)
	late := termSub(t, f, models.PlanAnnualMonthly, end)
	cancelled := termSub(t, f, models.PlanAnnualMonthly, end)
	f.Gorm.Table("subscriptions").Where("id = ?", cancelled.ID).Updates(map[string]any{"renewal_option": models.CancelAtEnd,
		"status": models.SubSuspended, "suspension_reasons": models.TextArray{string(models.SuspendRenewalWithCancel)}})
	inUse := lifeSub(t, f, "GWS-BS", models.PlanFlexible, 3, end.AddDate(0, 0, 1), end.AddDate(1, 0, 0))
	at(f, end, 1)
	if _, err := f.Store.MoveTerms(bg); err != nil {
		t.Fatal(err)
	}
	if s := reload(t, f, cancelled.ID); s.Status != models.SubDisabled || len(s.SuspensionReasons) != 0 {
		t.Errorf("cancelled on day 1: %+v", s)
	}
	at(f, end, 130)
	rep, err := f.Store.MoveTerms(bg)
	if err != nil || rep.Deleted != 2 || rep.Deprovisioned != 0 {
		t.Fatalf("day 130: %+v %v", rep, err)
	}
	if s := reload(t, f, late.ID); s.Status != models.SubDeleted {
		t.Errorf("late: %s", s.Status)
	}
	if s := reload(t, f, inUse.ID); s.Status != models.SubActive {
		t.Errorf("in use: %s", s.Status)
	}
	if n := count(t, f, "users", "organisation_id = ? AND disabled_at IS NOT NULL", f.CustomerA.ID); n != 0 {
		t.Errorf("users disabled although a subscription is in use: %d", n)
	}
}

// Disabled: only the customer's administrators sign in; other users are
// refused at sign-in and their sessions end. Renewing by direct billing
// (paying) reactivates it, charges the grace days used once per key, and
// lets everyone in again.
func TestDisabledAdminsOnlyAndReactivate(t *testing.T) {
	f := storetest.Seed(t)
	end := day(2026, 3, 31)
	sub := termSub(t, f, models.PlanAnnualMonthly, end)
	viewer := f.Email("custA:customer_viewer")
	tok, _, err := f.Store.SignIn(bg, viewer, storetest.Password, "192.0.2.9", "test")
	if err != nil {
		t.Fatal(err)
	}
	at(f, end, 31)
	if _, err := f.Store.MoveTerms(bg); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.Session(bg, tok); models.ErrorCode(err) != models.CodeUnauthorized {
		t.Errorf("viewer's session while disabled: %v", err)
	}
	if _, _, err := f.Store.SignIn(bg, viewer, storetest.Password, "192.0.2.9", "test"); models.ErrorCode(err) != models.CodeUnauthorized {
		t.Errorf("viewer signs in while disabled: %v", err)
	}
	if _, _, err := f.Store.SignIn(bg, f.Email("custA:customer_admin"), storetest.Password, "192.0.2.9", "test"); err != nil {
		t.Errorf("admin refused: %v", err)
	}
	if _, _, err := f.Store.SignIn(bg, f.Email("custB:customer_viewer"), storetest.Password, "192.0.2.9", "test"); err != nil {
		t.Errorf("another customer's viewer refused: %v", err)
	}
	admin := f.Actor("custA:customer_admin")
	if _, err := f.Store.RenewDirect(bg, admin, sub.ID, false, "k-react-1"); models.ErrorCode(err) != models.CodeInvalid {
		t.Errorf("without confirm: %v", err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.Store.RenewDirect(bg, admin, sub.ID, true, "k-react-1"); err != nil && models.ErrorCode(err) != models.CodeConflict {
				t.Errorf("reactivate: %v", err)
			}
		}()
	}
	wg.Wait()
	s := reload(t, f, sub.ID)
	if s.Status != models.SubActive || !s.StartDate.Equal(day(2026, 5, 1)) || !s.EndDate.Equal(day(2027, 4, 30)) {
		t.Errorf("reactivated: %+v", s)
	}
	if n := count(t, f, "billing_charges", "subscription_id = ? AND kind = 'proration'", sub.ID); n != 1 {
		t.Errorf("%d charges for the grace used", n)
	}
	if n := count(t, f, "audit_events", "action = 'subscription.term_reactivated' AND organisation_id = ?", f.CustomerA.ID); n != 1 {
		t.Errorf("reactivation audited %d times", n)
	}
	if _, _, err := f.Store.SignIn(bg, viewer, storetest.Password, "192.0.2.9", "test"); err != nil {
		t.Errorf("viewer after reactivation: %v", err)
	}
	// A console reads its own customers' subscriptions only.
	if _, err := f.Store.RenewDirect(bg, f.Actor("B:super_admin"), sub.ID, true, "k-react-2"); models.ErrorCode(err) != models.CodeNotFound {
		t.Errorf("foreign console: %v", err)
	}
	// Past day 120 it cannot come back.
	at(f, s.EndDate, 121)
	f.Gorm.Table("subscriptions").Where("id = ?", sub.ID).Update("status", models.SubDisabled)
	if _, err := f.Store.RenewDirect(bg, admin, sub.ID, true, "k-react-3"); models.ErrorCode(err) != models.CodeConflict {
		t.Errorf("day 121: %v", err)
	}
}

// Renewing an active subscription by direct billing starts the new term at
// once (seed 003).
func TestRenewDirectStartsAtOnce(t *testing.T) {
	f := storetest.Seed(t)
	end := day(2026, 3, 31)
	sub := termSub(t, f, models.PlanAnnualPrepaid, end)
	at(f, end, -2)
	if _, err := f.Store.RenewDirect(bg, f.Actor("A:admin_agent"), sub.ID, true, "k-renew"); err != nil {
		t.Fatal(err)
	}
	s := reload(t, f, sub.ID)
	if !s.StartDate.Equal(day(2026, 3, 29)) || !s.EndDate.Equal(day(2027, 3, 28)) || s.Status != models.SubActive {
		t.Errorf("renewed: %+v", s)
	}
	if n := count(t, f, "notifications", "user_id = ? AND title = 'A subscription was renewed'", f.Users["custA:customer_admin"].ID); n != 1 {
		t.Errorf("customer told %d times", n)
	}
	if _, err := f.Store.RenewDirect(bg, f.Actor("A:sales_agent"), sub.ID, true, "k-renew-2"); models.ErrorCode(err) != models.CodeForbidden {
		t.Errorf("sales agent: %v", err)
	}
}

// The invoice job does not bill a subscription after its end date: a
// disabled one gets no line for the month after.
func TestTermEndNotBilled(t *testing.T) {
	f := storetest.Seed(t)
	end := day(2026, 3, 31)
	sub := termSub(t, f, models.PlanAnnualMonthly, end)
	at(f, end, 35)
	if _, err := f.Store.MoveTerms(bg); err != nil {
		t.Fatal(err)
	}
	if s := reload(t, f, sub.ID); s.Status != models.SubDisabled {
		t.Fatalf("status %s", s.Status)
	}
	if _, err := f.Store.CloseMonth(bg, day(2026, 4, 1)); err != nil {
		t.Fatal(err)
	}
	if n := count(t, f, "invoice_lines", "subscription_id = ? AND period_start >= ?", sub.ID, day(2026, 4, 1)); n != 0 {
		t.Errorf("%d lines after the end date", n)
	}
}

// Renewal notices (R-PK-3, R-NOTE-2): on each of 60, 30, 7 and 1 days before
// the end, once per recipient across re-runs and concurrent runs; the
// customer's admins and the partner of record's admins; commitments get a
// marked notice each, roll-overs one digest per recipient.
func TestRenewalNotices(t *testing.T) {
	f := storetest.Seed(t)
	end := day(2026, 6, 30)
	commit := termSub(t, f, models.PlanAnnualMonthly, end)
	roll1 := lifeSub(t, f, "GWS-BS", models.PlanFlexible, 3, day(2026, 6, 1), end)
	roll2 := lifeSub(t, f, "GWS-BS", models.PlanFlexible, 4, day(2026, 6, 1), end)
	// The partner of record is console B for roll2 (read from the shared column).
	f.Gorm.Exec("UPDATE subscriptions SET partner_of_record_console_id = ? WHERE id = ?", f.ConsoleB.ID, roll2.ID)
	admin := f.Users["custA:customer_admin"].ID
	partner := f.Users["A:super_admin"].ID
	partnerB := f.Users["B:admin_agent"].ID
	sales := f.Users["A:sales_agent"].ID
	sent := func() int64 { return count(t, f, "renewal_notices", "1 = 1") }
	f.Clock.Set(end.AddDate(0, 0, -61).Add(12 * time.Hour))
	if n, err := f.Store.SendRenewalNotices(bg); err != nil || n != 0 {
		t.Fatalf("61 days before: %d %v", n, err)
	}
	f.Clock.Set(end.AddDate(0, 0, -60).Add(23 * time.Hour))
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.Store.SendRenewalNotices(bg); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// 3 subscriptions × (1 customer admin + 2 partner admins of the partner of record).
	if n := sent(); n != 9 {
		t.Fatalf("60 days: %d rows", n)
	}
	if n := count(t, f, "notifications", "user_id = ?", admin); n != 2 {
		t.Errorf("customer admin: %d notices, want a commitment and one digest", n)
	}
	if n := count(t, f, "notifications", "user_id = ? AND title LIKE 'Commitment:%' AND link LIKE '/admin/subscriptions/%#renewal'", admin); n != 1 {
		t.Errorf("commitment notice marked and linked: %d", n)
	}
	var last models.Notification
	f.Gorm.Where("user_id = ?", partner).Order("id DESC").Take(&last)
	if last.Title[:11] != "Commitment:" {
		t.Errorf("the newest (listed first) is not the commitment: %q", last.Title)
	}
	if n := count(t, f, "notifications", "user_id = ? AND link = '/console/renewals'", partnerB); n != 1 {
		t.Errorf("partner of record B's digest: %d", n)
	}
	if n := count(t, f, "notifications", "user_id = ?", sales); n != 0 {
		t.Errorf("sales agent told: %d", n)
	}
	if n := count(t, f, "outbox", "user_id = ? AND kind = 'renewal'", admin); n != 2 {
		t.Errorf("emails: %d", n)
	}
	// The next day sends nothing new; 30 days before, each is sent again once.
	f.Clock.Set(end.AddDate(0, 0, -59).Add(time.Hour))
	if n, _ := f.Store.SendRenewalNotices(bg); n != 0 {
		t.Errorf("59 days: %d", n)
	}
	for _, left := range []int{30, 7, 1} {
		f.Clock.Set(end.AddDate(0, 0, -left).Add(time.Minute))
		if n, err := f.Store.SendRenewalNotices(bg); err != nil || n != 9 {
			t.Errorf("%d days: %d %v", left, n, err)
		}
		if n, _ := f.Store.SendRenewalNotices(bg); n != 0 {
			t.Errorf("%d days re-run: %d", left, n)
		}
	}
	f.Clock.Set(end.Add(time.Hour))
	if n, _ := f.Store.SendRenewalNotices(bg); n != 0 {
		t.Errorf("on the end date: %d", n)
	}
	if n := sent(); n != 36 {
		t.Errorf("total rows %d", n)
	}
	_ = commit
	_ = roll1
}

// The Renewals page: the next 60 days, commitments first, keyset pages that
// neither skip nor repeat, filters, another console's rows never shown.
func TestListRenewals(t *testing.T) {
	f := storetest.Seed(t)
	today := models.Day(f.Clock.Now())
	for i := range 60 {
		plan := models.PlanFlexible
		if i%3 == 0 {
			plan = models.PlanAnnualPrepaid
		}
		lifeSub(t, f, "GWS-BS", plan, 2, today.AddDate(0, 0, -300), today.AddDate(0, 0, 1+i))
	}
	far := lifeSub(t, f, "GWS-BS", models.PlanAnnualMonthly, 2, today.AddDate(0, 0, -300), today.AddDate(0, 0, 61))
	a := f.Actor("A:admin_agent")
	var got []models.RenewalRow
	cursor := ""
	for {
		page, err := f.Store.ListRenewals(bg, a, models.RenewalFilter{Within: 60}, cursor)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page.Items...)
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	if len(got) != 60 {
		t.Fatalf("%d rows, want 60", len(got))
	}
	seen := map[int64]bool{}
	for i, r := range got {
		if seen[r.ID] || r.ID == far.ID {
			t.Fatalf("row %d repeated or out of the window", r.ID)
		}
		seen[r.ID] = true
		if i > 0 && (got[i-1].RenewalRank() > r.RenewalRank() || got[i-1].RenewalRank() == r.RenewalRank() && got[i-1].EndDate.After(r.EndDate)) {
			t.Fatalf("order broken at %d", i)
		}
	}
	if !got[0].Commitment() || got[59].Commitment() {
		t.Error("commitments are not first")
	}
	page, _ := f.Store.ListRenewals(bg, a, models.RenewalFilter{Within: 7, Plan: models.PlanAnnualPrepaid}, "")
	if len(page.Items) != 3 {
		t.Errorf("within 7 days, prepaid: %d", len(page.Items))
	}
	if page, _ := f.Store.ListRenewals(bg, f.Actor("B:super_admin"), models.RenewalFilter{Within: 60}, ""); len(page.Items) != 0 {
		t.Errorf("console B sees %d", len(page.Items))
	}
	if _, err := f.Store.ListRenewals(bg, f.Actor("custA:customer_admin"), models.RenewalFilter{Within: 60}, ""); models.ErrorCode(err) != models.CodeForbidden {
		t.Errorf("customer: %v", err)
	}
	n := 0
	if err := f.Store.ExportRenewals(bg, a, models.RenewalFilter{Within: 60}, func(models.RenewalRow) error { n++; return nil }); err != nil || n != 60 {
		t.Errorf("export %d %v", n, err)
	}
}

// The demo has a subscription 5 days from its end, one expired and one
// disabled; running the jobs on it keeps the disabled one, and its
// customer's users still sign in (other subscriptions are in use).
func TestDemoRenewals(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	if _, err := db.Store.SeedDemo(bg); err != nil {
		t.Fatal(err)
	}
	today := models.Day(db.Clock.Now())
	for _, c := range []struct {
		status models.SubStatus
		end    time.Time
	}{{models.SubActive, today.AddDate(0, 0, 5)}, {models.SubExpired, today.AddDate(0, 0, -10)}, {models.SubDisabled, today.AddDate(0, 0, -45)}} {
		if n := countRows(t, db.Gorm, "subscriptions", "status = ? AND end_date = ? AND renewal_option = 'renew_manually'", c.status, c.end); n != 1 {
			t.Errorf("demo %s subscription ending %s: %d", c.status, c.end.Format(time.DateOnly), n)
		}
	}
	if _, err := db.Store.MoveTerms(bg); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Store.SendRenewalNotices(bg); err != nil || n == 0 {
		t.Errorf("demo notices: %d %v", n, err)
	}
	if n := countRows(t, db.Gorm, "subscriptions", "status = 'disabled'"); n != 1 {
		t.Errorf("disabled after the job: %d", n)
	}
}

// Notice dates are stored as dates (YYYY-MM-DD), so each reader sees the
// same day whatever their time zone.
func TestTermNoticeDatesAreDates(t *testing.T) {
	f := storetest.Seed(t)
	end := day(2026, 3, 31)
	termSub(t, f, models.PlanAnnualMonthly, end)
	at(f, end, 1)
	if _, err := f.Store.MoveTerms(bg); err != nil {
		t.Fatal(err)
	}
	var n models.Notification
	if err := f.Gorm.Where("user_id = ? AND title = 'A subscription expired'", f.Users["custA:customer_admin"].ID).Take(&n).Error; err != nil {
		t.Fatal(err)
	}
	args := models.ParseNoticeArgs(n.Args)
	if args["End"] != "2026-03-31" || args["Next"] != "2026-05-01" {
		t.Errorf("args %v", args)
	}
}
