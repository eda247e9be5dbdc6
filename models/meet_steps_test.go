package models

import (
	"errors"
	"testing"
	"time"
)

var stepNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func doneUpTo(n int) map[int]bool {
	out := map[int]bool{}
	for i := 1; i <= n; i++ {
		out[i] = true
	}
	return out
}

func TestStartMigration(t *testing.T) {
	eligible := CheckMeetEligibility(eligibleFacts(), stepNow)
	if !eligible.Passed() {
		t.Fatalf("fixture not eligible: %v", eligible.Failed())
	}
	late := eligibleFacts()
	late.Subs[1].EndDate = day(2026, 4, 30) // criterion 2 fails
	lateE := CheckMeetEligibility(late, stepNow)
	direct := eligibleFacts()
	direct.Customer.ConsoleID, direct.Customer.Channel, direct.Customer.Country = nil, ChannelDirect, "US"
	direct.Subs[0].ConsoleID, direct.Subs[1].ConsoleID = nil, nil
	direct.Subs[1].EndDate = day(2026, 4, 30)
	directE := CheckMeetEligibility(direct, stepNow)
	for _, tc := range []struct {
		name      string
		cust      Customer
		consoleID int64
		e         Eligibility
		path      MigrationPath
		code      Code
	}{
		{"reseller, all five pass", eligibleFacts().Customer, 1, eligible, PathReseller, ""},
		{"reseller, renewal too far", late.Customer, 1, lateE, "", CodeConflict},
		{"reseller, nothing checked", eligibleFacts().Customer, 1, Eligibility{}, "", CodeConflict},
		{"desk, direct customer, criterion 2 waived", direct.Customer, 0, directE, PathDirect, ""},
		{"desk, a reseller's customer", eligibleFacts().Customer, 0, eligible, "", CodeConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := StartMigration(tc.cust, tc.consoleID, tc.e, stepNow)
			if tc.code != "" {
				if ErrorCode(err) != tc.code {
					t.Fatalf("got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.Path != tc.path || m.State != MigrationOpen || m.SubscriptionID != tc.e.Meet.ID || !m.RenewalDate.Equal(tc.e.RenewalDate) {
				t.Fatalf("%+v", m)
			}
			if (tc.consoleID == 0) != (m.ConsoleID == nil) {
				t.Fatalf("console %v", m.ConsoleID)
			}
		})
	}
}

func TestRecordStepClosesAfterTheLast(t *testing.T) {
	for _, tc := range []struct {
		name   string
		path   MigrationPath
		step   int
		closes bool
	}{
		{"reseller step 8", PathReseller, StepAccepted, false},
		{"reseller step 9", PathReseller, StepConfirmed, true},
		{"direct step 3", PathDirect, DirectStepAccepted, false},
		{"direct step 4", PathDirect, DirectStepConfirmed, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := MeetMigration{Path: tc.path, State: MigrationOpen}
			if got := m.RecordStep(tc.step, stepNow); got != tc.closes || (m.State == MigrationDone) != tc.closes || !m.UpdatedAt.Equal(stepNow) {
				t.Fatalf("closed %v state %s", got, m.State)
			}
		})
	}
}

func TestCheckCustomerRequest(t *testing.T) {
	m := MeetMigration{Path: PathReseller, State: MigrationOpen}
	for _, tc := range []struct {
		name   string
		done   map[int]bool
		r      CustomerRequest
		fields []string
		code   Code
		note   string
	}{
		{"one-tier, sole reseller", doneUpTo(1), CustomerRequest{Tier: TierDirect}, nil, "", ""},
		{"others not confirmed", doneUpTo(1), CustomerRequest{OtherResellers: true, Tier: TierDirect}, []string{"others_informed"}, "", ""},
		{"others confirmed", doneUpTo(1), CustomerRequest{OtherResellers: true, OthersInformed: true}, nil, "", "Other resellers informed."},
		{"two-tier, distributor not confirmed", doneUpTo(1), CustomerRequest{Tier: TierTwoTier}, []string{"distributor_informed"}, "", ""},
		{"two-tier, nothing confirmed", doneUpTo(1), CustomerRequest{OtherResellers: true, Tier: TierTwoTier}, []string{"others_informed", "distributor_informed"}, "", ""},
		{"two-tier, both confirmed", doneUpTo(1), CustomerRequest{OtherResellers: true, Tier: TierTwoTier, OthersInformed: true, DistributorInformed: true}, nil, "", "Other resellers and the distributor informed."},
		{"two-tier, distributor confirmed", doneUpTo(1), CustomerRequest{Tier: TierTwoTier, DistributorInformed: true}, nil, "", "Distributor informed."},
		{"already done", doneUpTo(2), CustomerRequest{}, nil, CodeConflict, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			note, err := m.CheckCustomerRequest(tc.done, tc.r)
			switch {
			case tc.code != "":
				if ErrorCode(err) != tc.code {
					t.Fatalf("got %v", err)
				}
			case len(tc.fields) > 0:
				fe, ok := AsValidation(err)
				if !ok || len(fe) != len(tc.fields) {
					t.Fatalf("got %v", err)
				}
				for _, f := range tc.fields {
					if fe[f] == "" {
						t.Errorf("no message on %s", f)
					}
				}
			default:
				if err != nil || note.Text != tc.note {
					t.Fatalf("note %q err %v", note.Text, err)
				}
			}
		})
	}
}

func TestCheckMeetCase(t *testing.T) {
	renewal := day(2026, 3, 4)
	m := MeetMigration{Path: PathReseller, State: MigrationOpen, RenewalDate: renewal}
	for _, tc := range []struct {
		name   string
		done   map[int]bool
		now    time.Time
		window bool
		code   Code
	}{
		{"inside the window", doneUpTo(2), renewal.Add(-30 * time.Hour), false, ""},
		{"before the window", doneUpTo(2), renewal.Add(-49 * time.Hour), true, CodeConflict},
		{"after the window", doneUpTo(2), renewal.Add(-23 * time.Hour), true, CodeConflict},
		{"step 2 not done", doneUpTo(1), renewal.Add(-30 * time.Hour), false, CodeConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := m.CheckMeetCase(tc.done, tc.now)
			var we *WindowError
			if errors.As(err, &we) != tc.window || ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
				t.Fatalf("got %v", err)
			}
		})
	}
	in := m.MeetCaseInput(Customer{ID: 5, Name: "Delta", Domain: "delta.test"}, "Ann", "ann@a.test")
	if in.Type != CaseMeetOfflineToOnline || in.CustomerID != 5 || in.Fields["renewal_date"] != "2026-03-04" || in.Fields["domain"] != "delta.test" {
		t.Fatalf("case input %+v", in)
	}
	if err := in.Validate("EUR"); err != nil {
		t.Fatalf("the built case does not validate: %v", err)
	}
}

func TestConvertToGrace(t *testing.T) {
	m := MeetMigration{Path: PathReseller, State: MigrationOpen}
	graceEnd := Day(stepNow).AddDate(0, 0, GraceDays)
	soon := Subscription{ID: 1, ConsoleID: ptr(1), BillingAccountID: ptr(4), Channel: SubOffline, Plan: PlanAnnualPrepaid, EndDate: day(2026, 3, 4)}
	far := Subscription{ID: 2, ConsoleID: ptr(1), Channel: SubOffline, Plan: PlanAnnualPrepaid, EndDate: day(2026, 9, 1)}
	for _, tc := range []struct {
		name    string
		done    map[int]bool
		subs    []Subscription
		code    Code
		wantEnd []time.Time
	}{
		{"two subscriptions", doneUpTo(3), []Subscription{soon, far}, "", []time.Time{graceEnd, far.EndDate}},
		{"nothing left to convert", doneUpTo(3), nil, CodeConflict, nil},
		{"case not filed yet", doneUpTo(2), []Subscription{soon}, CodeConflict, nil},
		{"already converted", doneUpTo(4), []Subscription{soon}, CodeConflict, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			subs := append([]Subscription(nil), tc.subs...)
			note, err := m.ConvertToGrace(tc.done, subs, stepNow)
			if tc.code != "" {
				if ErrorCode(err) != tc.code {
					t.Fatalf("got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range subs {
				if s.Plan != PlanGrace || s.Channel != SubOnline || s.RenewalOption != RenewManually || s.ConsoleID != nil ||
					s.BillingAccountID != nil || !s.EndDate.Equal(tc.wantEnd[i]) {
					t.Errorf("subscription %d: %+v", s.ID, s)
				}
			}
			if note.English() != "Converted 2 Meet hardware subscription(s) to the temporary online grace plan until "+graceEnd.Format("2006-01-02")+"." {
				t.Errorf("note %q", note.English())
			}
		})
	}
}

func TestCheckConfirm(t *testing.T) {
	reseller := MeetMigration{Path: PathReseller, State: MigrationOpen, ConsoleID: ptr(1)}
	direct := MeetMigration{Path: PathDirect, State: MigrationOpen}
	online := Subscription{ID: 9, Channel: SubOnline, ConsoleID: ptr(1), Status: SubActive}
	pending := online
	pending.Status, pending.SuspensionReasons = SubSuspended, TextArray{string(SuspendPendingTOS)}
	directSub := Subscription{ID: 9, Channel: SubOnline, Status: SubActive}
	for _, tc := range []struct {
		name string
		m    MeetMigration
		done map[int]bool
		sub  Subscription
		ok   bool
	}{
		{"reseller sees it", reseller, doneUpTo(8), online, true},
		{"not accepted yet", reseller, doneUpTo(8), Subscription{}, false},
		{"still offline", reseller, doneUpTo(8), Subscription{ID: 9, Channel: SubOffline, ConsoleID: ptr(1)}, false},
		{"with another reseller", reseller, doneUpTo(8), Subscription{ID: 9, Channel: SubOnline, ConsoleID: ptr(2)}, false},
		{"waiting for the customer's terms", reseller, doneUpTo(8), pending, false},
		{"step 8 not done", reseller, doneUpTo(7), online, false},
		{"direct, no reseller", direct, doneUpTo(3), directSub, true},
		{"direct, attached to a reseller", direct, doneUpTo(3), online, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			note, err := tc.m.CheckConfirm(tc.done, tc.sub)
			if tc.ok {
				if err != nil || note.English() != "Subscription #9" {
					t.Fatalf("note %q err %v", note.English(), err)
				}
				return
			}
			if ErrorCode(err) != CodeConflict {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestWindowErrorsHaveACode(t *testing.T) {
	renewal := day(2026, 3, 20)
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"case window", CheckCaseWindow(renewal, renewal.AddDate(0, 0, -10))},
		{"direct offer lead", CheckDirectOffer(renewal, renewal.AddDate(0, 0, -1))},
		{"zero code defaults to conflict", &WindowError{Message: "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var we *WindowError
			var e *Error
			if !errors.As(tc.err, &we) || !errors.As(tc.err, &e) || e.Code != CodeConflict || ErrorCode(tc.err) != CodeConflict || e.Message == "" {
				t.Fatalf("%v: code %s", tc.err, ErrorCode(tc.err))
			}
		})
	}
}
