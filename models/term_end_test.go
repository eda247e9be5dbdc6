package models

import (
	"errors"
	"testing"
	"time"
)

func termSub(status SubStatus, opt RenewalOption, end time.Time) Subscription {
	acct := int64(7)
	s := Subscription{ID: 1, Plan: PlanAnnualMonthly, Channel: SubOnline, Status: status, SuspensionReasons: TextArray{},
		RenewalOption: opt, StartDate: end.AddDate(-1, 0, 1), EndDate: end, Quantity: 5, BillingAccountID: &acct}
	return s
}

func TestTermStatusAt(t *testing.T) {
	end := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	at := func(days int) time.Time { return end.AddDate(0, 0, days).Add(23*time.Hour + 59*time.Minute) }
	cancelledAt := end
	cancelled := termSub(SubEnded, CancelAtEnd, end)
	cancelled.CancelledAt = &cancelledAt
	cancelledAtEnd := termSub(SubSuspended, CancelAtEnd, end)
	cancelledAtEnd.SuspensionReasons = TextArray{string(SuspendRenewalWithCancel)}
	consolidated := termSub(SubSuspended, CancelAtEnd, end)
	consolidated.SuspensionReasons = TextArray{string(SuspendOther)}
	trial := termSub(SubActive, RenewManually, end)
	trial.Plan = PlanTrial
	manual := termSub(SubActive, RenewManually, end)
	cases := []struct {
		name string
		sub  Subscription
		day  int
		want SubStatus
	}{
		{"day -1 still active", manual, -1, SubActive},
		{"day 0 (the end date) still active", manual, 0, SubActive},
		{"day 1 expired", manual, 1, SubExpired},
		{"auto-renewing never expires", termSub(SubActive, RenewAuto, end), 5, SubActive},
		{"trials have their own end", trial, 5, SubActive},
		{"day 29 expired", termSub(SubExpired, RenewManually, end), 29, SubExpired},
		{"day 30 last day of grace", termSub(SubExpired, RenewManually, end), 30, SubExpired},
		{"day 31 disabled", termSub(SubExpired, RenewManually, end), 31, SubDisabled},
		{"a job that missed days catches up to disabled", manual, 45, SubDisabled},
		{"day 119 disabled", termSub(SubDisabled, RenewManually, end), 119, SubDisabled},
		{"day 120 last day kept", termSub(SubDisabled, RenewManually, end), 120, SubDisabled},
		{"day 121 deleted", termSub(SubDisabled, RenewManually, end), 121, SubDeleted},
		{"deleted stays deleted", termSub(SubDeleted, RenewManually, end), 500, SubDeleted},
		{"renewed by key: end date moved, active again", termSub(SubExpired, RenewManually, end.AddDate(1, 0, 0)), 10, SubActive},
		{"cancelled now: day 0 unchanged", cancelled, 0, SubEnded},
		{"cancelled now skips the grace: day 1 disabled", cancelled, 1, SubDisabled},
		{"cancelled at end skips the grace: day 1 disabled", cancelledAtEnd, 1, SubDisabled},
		{"cancelled: day 121 deleted", cancelled, 121, SubDeleted},
		{"consolidated subscriptions are left alone", consolidated, 200, SubSuspended},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := TermStatusAt(c.sub, at(c.day)); got != c.want {
				t.Errorf("day %d: %s, want %s", c.day, got, c.want)
			}
		})
	}
}

func TestMoveTerm(t *testing.T) {
	end := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	now := end.AddDate(0, 0, 31)
	s := termSub(SubExpired, RenewManually, end)
	m, ok := MoveTerm(s, now)
	if !ok || m.After.Status != SubDisabled || m.After.DisabledAt == nil || !m.After.DisabledAt.Equal(now) || m.Before.Status != SubExpired {
		t.Fatalf("move: %+v %v", m, ok)
	}
	cancelledAtEnd := termSub(SubSuspended, CancelAtEnd, end)
	cancelledAtEnd.SuspensionReasons = TextArray{string(SuspendRenewalWithCancel)}
	m, ok = MoveTerm(cancelledAtEnd, end.AddDate(0, 0, 1))
	if !ok || m.After.Status != SubDisabled || len(m.After.SuspensionReasons) != 0 || len(m.Before.SuspensionReasons) != 1 {
		t.Errorf("cancelled at end: %+v", m)
	}
	if _, ok := MoveTerm(s, end.AddDate(0, 0, 30)); ok {
		t.Error("day 30 moved")
	}
}

func TestNextTermMove(t *testing.T) {
	end := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		sub    Subscription
		want   SubStatus
		on     time.Time
		exists bool
	}{
		{"manual renewal expires the day after", termSub(SubActive, RenewManually, end), SubExpired, end.AddDate(0, 0, 1), true},
		{"expired is disabled on day 31", termSub(SubExpired, RenewManually, end), SubDisabled, end.AddDate(0, 0, 31), true},
		{"disabled is deleted on day 121", termSub(SubDisabled, RenewManually, end), SubDeleted, end.AddDate(0, 0, 121), true},
		{"auto renewal: nothing", termSub(SubActive, RenewAuto, end), "", time.Time{}, false},
		{"deleted: nothing", termSub(SubDeleted, RenewManually, end), "", time.Time{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, ok := NextTermMove(c.sub)
			if ok != c.exists || n.Status != c.want || !n.On.Equal(c.on) {
				t.Errorf("got %+v %v", n, ok)
			}
		})
	}
}

func TestTermSignInBlocked(t *testing.T) {
	cases := []struct {
		name       string
		role       Role
		adminsOnly bool
		want       bool
	}{
		{"customer admin signs in while disabled", RoleCustomerAdmin, true, false},
		{"customer viewer refused while disabled", RoleCustomerViewer, true, true},
		{"customer billing refused while disabled", RoleCustomerBilling, true, true},
		{"viewer signs in otherwise", RoleCustomerViewer, false, false},
		{"console users are never refused for a customer's term", RoleAdminAgent, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := TermSignInBlocked(c.role, c.adminsOnly); got != c.want {
				t.Errorf("got %v", got)
			}
		})
	}
}

func TestTenantDeprovisioned(t *testing.T) {
	cases := []struct {
		name   string
		others []SubStatus
		want   bool
	}{
		{"no other subscription", nil, true},
		{"others ended or deleted", []SubStatus{SubEnded, SubDeleted}, true},
		{"another one active", []SubStatus{SubDeleted, SubActive}, false},
		{"another one still disabled", []SubStatus{SubDisabled}, false},
		{"another one suspended", []SubStatus{SubSuspended}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := TenantDeprovisioned(c.others); got != c.want {
				t.Errorf("got %v", got)
			}
		})
	}
}

func TestRenewDirect(t *testing.T) {
	end := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	noAccount := termSub(SubActive, RenewManually, end)
	noAccount.BillingAccountID = nil
	cases := []struct {
		name    string
		sub     Subscription
		day     int
		action  LifeAction
		code    Code
		newEnd  time.Time
		confirm bool
	}{
		{"active: the new term starts today", termSub(SubActive, RenewManually, end), -3, LifeRenewDirect, "", time.Date(2027, 3, 27, 0, 0, 0, 0, time.UTC), true},
		{"without the confirmation nothing happens", termSub(SubActive, RenewManually, end), -3, LifeRenewDirect, CodeInvalid, time.Time{}, false},
		{"expired reactivates", termSub(SubExpired, RenewManually, end), 10, LifeTermReactivate, "", time.Date(2027, 4, 9, 0, 0, 0, 0, time.UTC), true},
		{"disabled on day 120 reactivates", termSub(SubDisabled, RenewManually, end), 120, LifeTermReactivate, "", time.Date(2027, 7, 28, 0, 0, 0, 0, time.UTC), true},
		{"disabled on day 121 cannot", termSub(SubDisabled, RenewManually, end), 121, LifeTermReactivate, CodeConflict, time.Time{}, true},
		{"deleted cannot", termSub(SubDeleted, RenewManually, end), 121, LifeTermReactivate, CodeConflict, time.Time{}, true},
		{"no billing account", noAccount, -3, LifeRenewDirect, CodeConflict, time.Time{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			now := end.AddDate(0, 0, c.day).Add(10 * time.Hour)
			ch, err := RenewDirect(c.sub, c.confirm, now)
			if ErrorCode(err) != c.code && !(c.code == "" && err == nil) {
				t.Fatalf("err %v, want %s", err, c.code)
			}
			if c.code == "" {
				var me *Error
				if errors.As(err, &me) || ch.Action != c.action || ch.After.Status != SubActive || !ch.After.StartDate.Equal(Day(now)) || !ch.After.EndDate.Equal(c.newEnd) {
					t.Errorf("change %+v", ch.After)
				}
			}
		})
	}
}

func TestGraceUsed(t *testing.T) {
	end := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	s := termSub(SubExpired, RenewManually, end)
	if _, _, ok := GraceUsed(s, end.AddDate(0, 0, 1)); ok {
		t.Error("day 1: nothing used yet")
	}
	from, to, ok := GraceUsed(s, end.AddDate(0, 0, 11))
	if !ok || !from.Equal(end.AddDate(0, 0, 1)) || !to.Equal(end.AddDate(0, 0, 10)) {
		t.Errorf("day 11: %v %v", from, to)
	}
	_, to, _ = GraceUsed(s, end.AddDate(0, 0, 100))
	if !to.Equal(end.AddDate(0, 0, 30)) {
		t.Errorf("capped at the grace: %v", to)
	}
}

func TestRenewalNoticeDue(t *testing.T) {
	end := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		left int
		want int
		ok   bool
	}{
		{"61 days before: none", 61, 0, false},
		{"60 days before", 60, 60, true},
		{"59 days before (a missed day caught up)", 59, 60, true},
		{"31 days before", 31, 60, true},
		{"30 days before", 30, 30, true},
		{"29 days before", 29, 30, true},
		{"8 days before", 8, 30, true},
		{"7 days before", 7, 7, true},
		{"6 days before", 6, 7, true},
		{"2 days before", 2, 7, true},
		{"1 day before", 1, 1, true},
		{"on the end date: none", 0, 0, false},
		{"after it: none", -1, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, clock := range []time.Duration{0, 23*time.Hour + 59*time.Minute} {
				now := end.AddDate(0, 0, -c.left).Add(clock)
				got, ok := RenewalNoticeDue(end, now)
				if got != c.want || ok != c.ok {
					t.Errorf("at %s: %d %v, want %d %v", now, got, ok, c.want, c.ok)
				}
			}
		})
	}
}

func TestGroupRenewalNotices(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2026, 6, day, 0, 0, 0, 0, time.UTC) }
	sends := []RenewalSend{
		{UserID: 9, Item: RenewalItem{SubscriptionID: 1, Plan: PlanFlexible, EndDate: d(20)}},
		{UserID: 9, Item: RenewalItem{SubscriptionID: 2, Plan: PlanAnnualPrepaid, EndDate: d(25)}},
		{UserID: 9, Item: RenewalItem{SubscriptionID: 3, Plan: PlanAnnualMonthly, EndDate: d(10)}},
		{UserID: 9, Item: RenewalItem{SubscriptionID: 4, Plan: PlanFlexible, EndDate: d(5)}},
		{UserID: 4, Item: RenewalItem{SubscriptionID: 1, Plan: PlanFlexible, EndDate: d(20)}},
	}
	got := GroupRenewalNotices(sends)
	if len(got) != 2 || got[0].UserID != 4 || got[1].UserID != 9 {
		t.Fatalf("recipients %+v", got)
	}
	if len(got[0].Commitments) != 0 || len(got[0].RollOvers) != 1 {
		t.Errorf("user 4: %+v", got[0])
	}
	r := got[1]
	if len(r.Commitments) != 2 || r.Commitments[0].SubscriptionID != 3 || r.Commitments[1].SubscriptionID != 2 {
		t.Errorf("commitments, soonest first: %+v", r.Commitments)
	}
	if len(r.RollOvers) != 2 || r.RollOvers[0].SubscriptionID != 4 {
		t.Errorf("one digest of roll-overs: %+v", r.RollOvers)
	}
	if !(RenewalItem{Plan: PlanAnnualPrepaid}).Commitment() || (RenewalItem{Plan: PlanFlexible}).Commitment() {
		t.Error("commitment marking")
	}
	if l := (RenewalItem{EndDate: d(30)}).LocksUntil(); !l.Equal(time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("locks until %v", l)
	}
}

func TestParseRenewalFilter(t *testing.T) {
	cases := []struct {
		name string
		q    map[string]string
		want RenewalFilter
	}{
		{"default: the next 60 days", nil, RenewalFilter{Within: 60}},
		{"within 7 days, annual prepaid", map[string]string{"within": "7", "plan": "annual_prepaid"}, RenewalFilter{Within: 7, Plan: PlanAnnualPrepaid}},
		{"unknown window and plan", map[string]string{"within": "90", "plan": "trial"}, RenewalFilter{Within: 60}},
		{"search trimmed", map[string]string{"q": "  contoso "}, RenewalFilter{Within: 60, Query: "contoso"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ParseRenewalFilter(func(k string) string { return c.q[k] })
			if got != c.want {
				t.Errorf("got %+v", got)
			}
		})
	}
	r := RenewalRow{Plan: PlanAnnualMonthly, EndDate: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)}
	if r.RenewalRank() != 0 || (RenewalRow{Plan: PlanFlexible}).RenewalRank() != 1 {
		t.Error("commitments rank first")
	}
	if d := r.DaysLeft(time.Date(2026, 6, 23, 18, 0, 0, 0, time.UTC)); d != 7 {
		t.Errorf("days left %d", d)
	}
}

func TestRenewDirectFor(t *testing.T) {
	end := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	admin := Actor{OrgKind: OrgCustomer, Role: RoleCustomerAdmin}
	viewer := Actor{OrgKind: OrgCustomer, Role: RoleCustomerViewer}
	if o := RenewDirectFor(admin, termSub(SubActive, RenewManually, end), end.AddDate(0, 0, -5)); !o.Show || o.Reactivate || o.DaysGivenUp != 5 {
		t.Errorf("active: %+v", o)
	}
	if o := RenewDirectFor(admin, termSub(SubDisabled, RenewManually, end), end.AddDate(0, 0, 40)); !o.Show || !o.Reactivate || o.DaysGivenUp != 0 {
		t.Errorf("disabled: %+v", o)
	}
	if o := RenewDirectFor(viewer, termSub(SubActive, RenewManually, end), end); o.Show {
		t.Error("a viewer may not renew")
	}
	if o := RenewDirectFor(admin, termSub(SubDeleted, RenewManually, end), end.AddDate(0, 0, 200)); o.Show {
		t.Error("deleted")
	}
}

func TestSubscriptionFilterTermStatuses(t *testing.T) {
	for _, st := range []SubStatus{SubExpired, SubDisabled, SubDeleted} {
		t.Run(string(st), func(t *testing.T) {
			f := ParseSubscriptionFilter(func(k string) string {
				if k == "status" {
					return string(st)
				}
				return ""
			})
			if f.Status != st {
				t.Errorf("status filter %q", f.Status)
			}
		})
	}
}
