package models

import (
	"errors"
	"testing"
	"time"
)

func ptr(v int64) *int64 { return &v }

// eligibleFacts: a French customer of one-tier console 1, with Workspace and
// offline Meet hardware through console 1, renewing in 5 days.
func eligibleFacts() MeetFacts {
	return MeetFacts{
		Customer: Customer{ID: 10, ConsoleID: ptr(1), Country: "FR", Channel: ChannelReseller},
		Consoles: map[int64]MeetConsole{1: {ID: 1, Name: "Console A", Country: "FR", Tier: TierDirect}},
		Subs: []MeetSub{
			{ID: 1, Family: FamilyWorkspace, ConsoleID: ptr(1), Channel: SubOnline, Plan: PlanAnnualMonthly, Quantity: 25, EndDate: day(2026, 9, 1)},
			{ID: 2, Family: FamilyMeetHardware, ConsoleID: ptr(1), Channel: SubOffline, Plan: PlanAnnualPrepaid, Quantity: 3, EndDate: day(2026, 3, 7)},
		},
	}
}

func TestEligibilityEachCriterionAlone(t *testing.T) {
	e := CheckMeetEligibility(eligibleFacts(), t0)
	if !e.Passed() {
		t.Fatalf("base case fails: %v", e.Failed())
	}
	if e.MeetQuantity != 3 || !e.RenewalDate.Equal(day(2026, 3, 7)) {
		t.Errorf("meet facts: %d %s", e.MeetQuantity, e.RenewalDate)
	}
	cases := []struct {
		n    int
		name string
		edit func(*MeetFacts)
	}{
		{1, "no Workspace", func(f *MeetFacts) { f.Subs = f.Subs[1:] }},
		{2, "renewal in 8 days", func(f *MeetFacts) { f.Subs[1].EndDate = day(2026, 3, 10) }},
		{3, "reseller's country not listed", func(f *MeetFacts) {
			f.Consoles[1] = MeetConsole{ID: 1, Country: "IT", Tier: TierDirect}
		}},
		{4, "Meet through another reseller", func(f *MeetFacts) {
			f.Subs[1].ConsoleID = ptr(2)
			f.Consoles[2] = MeetConsole{ID: 2, Country: "FR", Tier: TierDirect}
		}},
		{5, "two-tier, other distributor", func(f *MeetFacts) {
			f.Consoles[1] = MeetConsole{ID: 1, Country: "FR", Tier: TierTwoTier, DistributorName: "Dist One"}
			f.Subs[0].DistributorName = "Dist One"
			f.Subs[1].DistributorName = "Dist Two"
		}},
	}
	for _, c := range cases {
		f := eligibleFacts()
		c.edit(&f)
		e := CheckMeetEligibility(f, t0)
		failed := e.Failed()
		if len(failed) != 1 || failed[0] != c.n {
			t.Errorf("%s: failed %v, want only %d", c.name, failed, c.n)
			continue
		}
		if e.Criteria[c.n-1].Remedy.Text == "" {
			t.Errorf("%s: no remedy", c.name)
		}
	}
}

func TestEligibilityChannels(t *testing.T) {
	// Direct customer: its own country counts; both direct passes.
	f := eligibleFacts()
	f.Customer = Customer{ID: 10, Country: "JP", Channel: ChannelDirect}
	f.Subs[0].ConsoleID, f.Subs[1].ConsoleID = nil, nil
	if e := CheckMeetEligibility(f, t0); !e.Passed() {
		t.Errorf("direct: failed %v", e.Failed())
	}
	f.Customer.Country = "BR"
	if e := CheckMeetEligibility(f, t0); len(e.Failed()) != 1 || e.Failed()[0] != 3 {
		t.Errorf("direct BR: failed %v", e.Failed())
	}
	// Several Meet resellers fail 4, and the total counts all of them.
	f = eligibleFacts()
	f.Subs = append(f.Subs, MeetSub{ID: 3, Family: FamilyMeetHardware, ConsoleID: ptr(2), Channel: SubOffline, Quantity: 2, EndDate: day(2026, 3, 20)})
	e := CheckMeetEligibility(f, t0)
	if e.Criteria[3].Pass || e.MeetQuantity != 5 {
		t.Errorf("two resellers: pass=%v total=%d", e.Criteria[3].Pass, e.MeetQuantity)
	}
	// Country list is exact.
	for _, c := range []string{"US", "FR", "GB", "JP", "SE", "CA", "CH", "AU", "DE", "NL"} {
		if !MeetCountry(c) {
			t.Errorf("%s not listed", c)
		}
	}
	for _, c := range []string{"IT", "ES", "BE", "UK", "IE", ""} {
		if MeetCountry(c) {
			t.Errorf("%s listed", c)
		}
	}
}

func TestEligibilityRenewalBoundaries(t *testing.T) {
	for _, c := range []struct {
		end  time.Time
		pass bool
	}{
		{day(2026, 3, 2), true},   // today
		{day(2026, 3, 9), true},   // exactly 7 days
		{day(2026, 3, 10), false}, // 8 days
		{day(2026, 3, 1), false},  // passed
	} {
		f := eligibleFacts()
		f.Subs[1].EndDate = c.end
		if got := CheckMeetEligibility(f, t0).Criteria[1].Pass; got != c.pass {
			t.Errorf("renewal %s: got %v", c.end.Format("2006-01-02"), got)
		}
	}
}

func TestCaseWindowBoundaries(t *testing.T) {
	renewal := day(2026, 3, 10) // window: 8 Mar 00:00 → 9 Mar 00:00 UTC
	for _, c := range []struct {
		now time.Time
		ok  bool
	}{
		{day(2026, 3, 8).Add(-time.Second), false},
		{day(2026, 3, 8), true},
		{day(2026, 3, 8).Add(12 * time.Hour), true},
		{day(2026, 3, 9), true},
		{day(2026, 3, 9).Add(time.Second), false},
	} {
		err := CheckCaseWindow(renewal, c.now)
		if (err == nil) != c.ok {
			t.Errorf("%s: err %v", c.now, err)
		}
		var we *WindowError
		if err != nil && (!errors.As(err, &we) || !we.Opens.Equal(day(2026, 3, 8)) || !we.Closes.Equal(day(2026, 3, 9))) {
			t.Errorf("%s: window not named: %v", c.now, err)
		}
	}
}

func TestDirectOfferSevenDays(t *testing.T) {
	renewal := day(2026, 3, 20) // last moment: 13 Mar 00:00 UTC
	if err := CheckDirectOffer(renewal, day(2026, 3, 13)); err != nil {
		t.Errorf("exactly 7 days: %v", err)
	}
	err := CheckDirectOffer(renewal, day(2026, 3, 13).Add(time.Second))
	var we *WindowError
	if !errors.As(err, &we) || !we.Closes.Equal(day(2026, 3, 13)) {
		t.Errorf("7 days minus 1 s: %v", err)
	}
}

func TestRenewals(t *testing.T) {
	sub := func(ch SubChannel, plan Plan, opt RenewalOption, end time.Time) Subscription {
		return Subscription{Channel: ch, Plan: plan, RenewalOption: opt, Status: SubActive, EndDate: end, SuspensionReasons: TextArray{}}
	}
	cases := []struct {
		name    string
		s       Subscription
		today   time.Time
		want    RenewalResult
		wantEnd time.Time
		status  SubStatus
	}{
		{"online annual renews a year", sub(SubOnline, PlanAnnualMonthly, RenewAuto, day(2026, 3, 1)), day(2026, 3, 2), RenewalRenewed, day(2027, 3, 1), SubActive},
		{"online flexible renews a month", sub(SubOnline, PlanFlexible, RenewAuto, day(2026, 3, 1)), day(2026, 3, 2), RenewalRenewed, day(2026, 4, 1), SubActive},
		{"online renews term after term", sub(SubOnline, PlanFlexible, RenewAuto, day(2026, 1, 1)), day(2026, 3, 2), RenewalRenewed, day(2026, 4, 1), SubActive},
		{"not due on its end date", sub(SubOnline, PlanFlexible, RenewAuto, day(2026, 3, 2)), day(2026, 3, 2), RenewalNone, day(2026, 3, 2), SubActive},
		{"cancelled stays active until its end date", sub(SubOnline, PlanAnnualMonthly, CancelAtEnd, day(2026, 3, 2)), day(2026, 3, 2), RenewalNone, day(2026, 3, 2), SubActive},
		{"cancelled ends after", sub(SubOnline, PlanAnnualMonthly, CancelAtEnd, day(2026, 3, 1)), day(2026, 3, 2), RenewalEnded, day(2026, 3, 1), SubSuspended},
		{"offline renews yearly", sub(SubOffline, PlanFlexible, RenewAuto, day(2026, 3, 1)), day(2026, 3, 2), RenewalRenewed, day(2027, 3, 1), SubActive},
		{"manual is left alone", sub(SubOnline, PlanAnnualMonthly, RenewManually, day(2026, 3, 1)), day(2026, 3, 2), RenewalNone, day(2026, 3, 1), SubActive},
		{"grace plan ends", sub(SubOnline, PlanGrace, RenewManually, day(2026, 3, 1)), day(2026, 3, 2), RenewalGraceOver, day(2026, 3, 1), SubSuspended},
	}
	for _, c := range cases {
		s := c.s
		got := ApplyRenewal(&s, c.today)
		if got != c.want || !s.EndDate.Equal(c.wantEnd) || s.Status != c.status {
			t.Errorf("%s: got %q end %s status %s", c.name, got, s.EndDate.Format("2006-01-02"), s.Status)
		}
	}
	s := sub(SubOnline, PlanAnnualMonthly, CancelAtEnd, day(2026, 3, 1))
	ApplyRenewal(&s, day(2026, 3, 2))
	if len(s.SuspensionReasons) != 1 || s.SuspensionReasons[0] != string(SuspendRenewalWithCancel) {
		t.Errorf("reasons: %v", s.SuspensionReasons)
	}
	Suspend(&s, SuspendPendingTOS)
	if !RemoveReason(&s, SuspendPendingTOS) || s.Status != SubSuspended {
		t.Error("lifting one of two reasons reactivated")
	}
	if !RemoveReason(&s, SuspendRenewalWithCancel) || s.Status != SubActive {
		t.Error("lifting the last reason did not reactivate")
	}
}

func TestMigrationSteps(t *testing.T) {
	m := MeetMigration{Path: PathReseller, State: MigrationOpen}
	done := map[int]bool{1: true}
	if m.NextStep(done) != 2 {
		t.Errorf("next: %d", m.NextStep(done))
	}
	if ErrorCode(m.CheckStep(done, 3)) != CodeConflict || ErrorCode(m.CheckStep(done, 1)) != CodeConflict || m.CheckStep(done, 2) != nil {
		t.Error("step order not enforced")
	}
	if len(m.Steps()) != 9 || len((MeetMigration{Path: PathDirect}).Steps()) != 4 {
		t.Error("step counts")
	}
}
