package models

import (
	"testing"
	"time"
)

var lifeNow = time.Date(2026, 3, 11, 10, 0, 0, 0, time.UTC)

func lifeSub() Subscription {
	ba := int64(7)
	return Subscription{ID: 1, CustomerID: 2, Quantity: 25, Plan: PlanAnnualPrepaid, Channel: SubOnline, Status: SubActive,
		SuspensionReasons: TextArray{}, StartDate: day(2026, 1, 1), EndDate: day(2026, 12, 31), RenewalOption: RenewAuto,
		BillingAccountID: &ba}
}

// lifePricing prorates by whole days of a 365-day year: enough to see which
// dates and quantities the decisions pass.
func lifePricing() Pricing {
	return Pricing{UnitMinor: 3650, Currency: "EUR",
		ProrateToTermEnd: func(unit int64, qty int, from, end time.Time, _ Plan) int64 {
			return unit * int64(qty) * int64(end.AddDate(0, 0, 1).Sub(from).Hours()/24) / 365
		},
		LicencesAddedCharge: func(unit int64, qty int, from, end time.Time, plan Plan) int64 {
			if plan != PlanAnnualPrepaid {
				end = time.Date(from.Year(), from.Month()+1, 0, 0, 0, 0, 0, time.UTC) // the month's last day
			}
			return unit * int64(qty) * int64(end.AddDate(0, 0, 1).Sub(from).Hours()/24) / 365
		},
		RemainingCommitment: func(s Subscription, unit int64, at time.Time) int64 {
			months := (s.EndDate.Year()-at.Year())*12 + int(s.EndDate.Month()-at.Month())
			return unit * int64(s.Quantity) * int64(months)
		}}
}

func with(f func(*Subscription)) Subscription {
	s := lifeSub()
	f(&s)
	return s
}

func TestAddLicences(t *testing.T) {
	product := Product{ID: 3, MaxQuantity: 100}
	for _, tc := range []struct {
		name       string
		sub        Subscription
		add        int
		terms      bool
		confirm    bool
		code       Code
		field      string
		wantQty    int
		wantPrice  int64
		wantCharge int64
	}{
		// seed 004: "25 more on 25 → 50"; 296 days to the term end at 10/day each.
		{"seed 25 more on 25 is 50, prepaid charged", lifeSub(), 25, true, true, "", "", 50, 25 * 10 * 296, 25 * 10 * 296},
		{"preview without terms shows total and price", lifeSub(), 25, false, false, "", "", 50, 25 * 10 * 296, 25 * 10 * 296},
		{"confirm without terms refused on terms", lifeSub(), 25, false, true, CodeInvalid, "terms", 50, 0, 0},
		{"annual monthly: the rest of the month charged", with(func(s *Subscription) { s.Plan = PlanAnnualMonthly }), 5, true, true, "", "", 30, 5 * 10 * 296, 5 * 10 * 21},
		{"flexible: the rest of the month charged", with(func(s *Subscription) { s.Plan = PlanFlexible; s.EndDate = day(2026, 3, 31) }), 1, true, true, "", "", 26, 10 * 21, 10 * 21},
		{"zero refused", lifeSub(), 0, true, true, CodeInvalid, "additional", 0, 0, 0},
		{"negative refused", lifeSub(), -3, true, true, CodeInvalid, "additional", 0, 0, 0},
		{"up to the maximum", lifeSub(), 75, true, true, "", "", 100, 75 * 10 * 296, 75 * 10 * 296},
		{"over the maximum", lifeSub(), 76, true, true, CodeInvalid, "additional", 0, 0, 0},
		{"ended", with(func(s *Subscription) { s.Status = SubEnded; s.EndedAt = &lifeNow }), 1, true, true, CodeConflict, "", 0, 0, 0},
		{"offline", with(func(s *Subscription) { s.Channel = SubOffline }), 1, true, true, CodeConflict, "", 0, 0, 0},
		{"trial must be set up", with(func(s *Subscription) { s.Plan = PlanTrial }), 1, true, true, CodeConflict, "", 0, 0, 0},
		{"non-payment blocks", with(func(s *Subscription) { Suspend(s, SuspendNonPayment) }), 1, true, true, CodeConflict, "", 0, 0, 0},
		{"trial ended blocks", with(func(s *Subscription) { Suspend(s, SuspendTrialEnded) }), 1, true, true, CodeConflict, "", 0, 0, 0},
		{"cancelled at end blocks", with(func(s *Subscription) { Suspend(s, SuspendRenewalWithCancel) }), 1, true, true, CodeConflict, "", 0, 0, 0},
		{"pending terms allow", with(func(s *Subscription) { Suspend(s, SuspendPendingTOS) }), 1, true, true, "", "", 26, 10 * 296, 10 * 296},
		{"reseller suspension allows", with(func(s *Subscription) { Suspend(s, SuspendResellerInitiated) }), 1, true, true, "", "", 26, 10 * 296, 10 * 296},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := AddLicences(tc.sub, product, tc.add, lifePricing(), tc.terms, tc.confirm, lifeNow)
			if tc.code != "" {
				if ErrorCode(err) != tc.code {
					t.Fatalf("got %v, want %s", err, tc.code)
				}
				if e, ok := err.(*Error); tc.field != "" && (!ok || e.Field != tc.field) {
					t.Fatalf("field: %v", err)
				}
				if tc.wantQty != 0 && ch.After.Quantity != tc.wantQty {
					t.Fatalf("preview quantity %d", ch.After.Quantity)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ch.After.Quantity != tc.wantQty || ch.PriceMinor != tc.wantPrice || ch.ChargeMinor != tc.wantCharge {
				t.Fatalf("qty %d price %d charge %d", ch.After.Quantity, ch.PriceMinor, ch.ChargeMinor)
			}
			if ch.Before.Quantity != tc.sub.Quantity {
				t.Fatalf("before changed: %d", ch.Before.Quantity)
			}
			if (ch.ChargeMinor > 0) != (ch.ChargeKind == "licences_added") {
				t.Fatalf("kind %q", ch.ChargeKind)
			}
		})
	}
}

func TestParseAdditional(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		bad  bool
	}{{"25", 25, false}, {" 3 ", 3, false}, {"", 0, true}, {"0", 0, true}, {"-1", 0, true}, {"2.5", 0, true}, {"abc", 0, true}} {
		t.Run(tc.in, func(t *testing.T) {
			n, err := ParseAdditional(tc.in)
			if tc.bad != (err != nil) || n != tc.want {
				t.Fatalf("%d %v", n, err)
			}
		})
	}
}

func TestSetRenewalOption(t *testing.T) {
	for _, tc := range []struct {
		name string
		sub  Subscription
		opt  string
		code Code
	}{
		{"annual cancel at expiry", lifeSub(), "cancel_at_end", ""},
		{"annual renew manually", lifeSub(), "renew_manually", ""},
		{"annual auto", with(func(s *Subscription) { s.RenewalOption = CancelAtEnd }), "auto_renew", ""},
		{"flexible cancel at end", with(func(s *Subscription) { s.Plan = PlanFlexible }), "cancel_at_end", ""},
		{"flexible cannot renew manually", with(func(s *Subscription) { s.Plan = PlanFlexible }), "renew_manually", CodeInvalid},
		{"unknown option", lifeSub(), "forever", CodeInvalid},
		{"empty option", lifeSub(), "", CodeInvalid},
		{"trial has none", with(func(s *Subscription) { s.Plan = PlanTrial }), "auto_renew", CodeConflict},
		{"ended", with(func(s *Subscription) { s.Status = SubEnded; s.EndedAt = &lifeNow }), "auto_renew", CodeConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := SetRenewalOption(tc.sub, tc.opt, lifeNow)
			if ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
				t.Fatalf("got %v want %q", err, tc.code)
			}
			if tc.code == "" && string(ch.After.RenewalOption) != tc.opt {
				t.Fatalf("option %s", ch.After.RenewalOption)
			}
		})
	}
}

func TestCancelNow(t *testing.T) {
	for _, tc := range []struct {
		name       string
		sub        Subscription
		confirm    bool
		code       Code
		wantCharge int64
	}{
		// annual_monthly: March..December left = 9 months × 25 × 3650.
		{"annual monthly charges the rest of the commitment", with(func(s *Subscription) { s.Plan = PlanAnnualMonthly }), true, "", 9 * 25 * 3650},
		{"prepaid year already billed", lifeSub(), true, "", 0},
		{"flexible ends at once, month on the invoice", with(func(s *Subscription) { s.Plan = PlanFlexible; s.EndDate = day(2026, 3, 31) }), true, "", 0},
		{"trial ends free", with(func(s *Subscription) { s.Plan = PlanTrial }), true, "", 0},
		{"suspended may be cancelled", with(func(s *Subscription) { Suspend(s, SuspendNonPayment) }), true, "", 0},
		{"preview asks to confirm", with(func(s *Subscription) { s.Plan = PlanAnnualMonthly }), false, CodeInvalid, 9 * 25 * 3650},
		{"already ended", with(func(s *Subscription) { s.Status = SubEnded; s.EndedAt = &lifeNow }), true, CodeConflict, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := CancelNow(tc.sub, lifePricing(), tc.confirm, lifeNow)
			if tc.code != "" {
				if ErrorCode(err) != tc.code {
					t.Fatalf("got %v", err)
				}
				if ch.PriceMinor != tc.wantCharge {
					t.Fatalf("preview %d", ch.PriceMinor)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			a := ch.After
			if a.Status != SubEnded || a.EndedAt == nil || a.CancelledAt == nil || len(a.SuspensionReasons) != 0 || !a.EndDate.Equal(Day(lifeNow)) {
				t.Fatalf("%+v", a)
			}
			if ch.ChargeMinor != tc.wantCharge || (tc.wantCharge > 0) != (ch.ChargeKind == "cancellation") {
				t.Fatalf("charge %d %q", ch.ChargeMinor, ch.ChargeKind)
			}
		})
	}
}

func TestResellerSuspendReactivate(t *testing.T) {
	t.Run("suspend an active one", func(t *testing.T) {
		ch, err := ResellerSuspend(lifeSub(), lifeNow)
		if err != nil || ch.After.Status != SubSuspended || !ch.After.HasReason(SuspendResellerInitiated) || ch.Before.Status != SubActive {
			t.Fatalf("%v %+v", err, ch.After)
		}
	})
	t.Run("suspend twice is a conflict", func(t *testing.T) {
		_, err := ResellerSuspend(with(func(s *Subscription) { Suspend(s, SuspendResellerInitiated) }), lifeNow)
		if ErrorCode(err) != CodeConflict {
			t.Fatal(err)
		}
	})
	t.Run("suspend adds to non-payment", func(t *testing.T) {
		ch, _ := ResellerSuspend(with(func(s *Subscription) { Suspend(s, SuspendNonPayment) }), lifeNow)
		if len(ch.After.SuspensionReasons) != 2 {
			t.Fatal(ch.After.SuspensionReasons)
		}
	})
	t.Run("reactivate lifts the only reason", func(t *testing.T) {
		ch, err := ResellerReactivate(with(func(s *Subscription) { Suspend(s, SuspendResellerInitiated) }), lifeNow)
		if err != nil || ch.After.Status != SubActive || len(ch.After.SuspensionReasons) != 0 {
			t.Fatalf("%v %+v", err, ch.After)
		}
	})
	t.Run("reactivate keeps other reasons", func(t *testing.T) {
		ch, err := ResellerReactivate(with(func(s *Subscription) {
			Suspend(s, SuspendNonPayment)
			Suspend(s, SuspendResellerInitiated)
		}), lifeNow)
		if err != nil || ch.After.Status != SubSuspended || !ch.After.HasReason(SuspendNonPayment) || ch.After.HasReason(SuspendResellerInitiated) {
			t.Fatalf("%v %+v", err, ch.After)
		}
	})
	t.Run("reactivate without the reseller's reason", func(t *testing.T) {
		_, err := ResellerReactivate(with(func(s *Subscription) { Suspend(s, SuspendNonPayment) }), lifeNow)
		if ErrorCode(err) != CodeConflict {
			t.Fatal(err)
		}
	})
	t.Run("ended", func(t *testing.T) {
		_, err := ResellerSuspend(with(func(s *Subscription) { s.Status = SubEnded; s.EndedAt = &lifeNow }), lifeNow)
		if ErrorCode(err) != CodeConflict {
			t.Fatal(err)
		}
	})
}

func trialSub() Subscription {
	return with(func(s *Subscription) {
		s.Plan, s.Quantity, s.StartDate, s.EndDate = PlanTrial, 10, day(2026, 2, 10), day(2026, 3, 10)
	})
}

func TestEndTrial(t *testing.T) {
	for _, tc := range []struct {
		name string
		sub  Subscription
		now  time.Time
		want bool
	}{
		{"last day of the trial: not yet", trialSub(), day(2026, 3, 10).Add(23 * time.Hour), false},
		{"day after the end: suspended", trialSub(), day(2026, 3, 11), true},
		{"billing set up: never", with(func(s *Subscription) { *s = trialSub(); s.TrialBillingSetUp = true }), day(2026, 4, 1), false},
		{"already suspended trial_ended", with(func(s *Subscription) { *s = trialSub(); Suspend(s, SuspendTrialEnded) }), day(2026, 4, 1), false},
		{"paid plan: never", lifeSub(), day(2027, 4, 1), false},
		{"ended trial: never", with(func(s *Subscription) { *s = trialSub(); s.Status = SubEnded; s.EndedAt = &lifeNow }), day(2026, 4, 1), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, ok := EndTrial(tc.sub, tc.now)
			if ok != tc.want {
				t.Fatalf("ok %v", ok)
			}
			if ok && (ch.After.Status != SubSuspended || !ch.After.HasReason(SuspendTrialEnded)) {
				t.Fatalf("%+v", ch.After)
			}
		})
	}
}

func TestSetUpBilling(t *testing.T) {
	product := Product{MaxQuantity: 100}
	ended, _ := EndTrial(trialSub(), lifeNow)
	good := BillingSetUp{Plan: "annual_monthly", Quantity: "30", TermsAccepted: true}
	for _, tc := range []struct {
		name   string
		sub    Subscription
		in     BillingSetUp
		code   Code
		fields []string
		status SubStatus
	}{
		{"suspended trial reactivated", ended.After, good, "", nil, SubActive},
		{"running trial set up", trialSub(), good, "", nil, SubActive},
		{"other reasons remain", with(func(s *Subscription) { *s = ended.After; Suspend(s, SuspendResellerInitiated) }), good, "", nil, SubSuspended},
		{"nothing chosen", ended.After, BillingSetUp{}, CodeInvalid, []string{"plan", "quantity", "terms"}, ""},
		{"trial is no plan to choose", ended.After, BillingSetUp{Plan: "trial", Quantity: "3", TermsAccepted: true}, CodeInvalid, []string{"plan"}, ""},
		{"over the maximum", ended.After, BillingSetUp{Plan: "flexible", Quantity: "101", TermsAccepted: true}, CodeInvalid, []string{"quantity"}, ""},
		{"not a number", ended.After, BillingSetUp{Plan: "flexible", Quantity: "ten", TermsAccepted: true}, CodeInvalid, []string{"quantity"}, ""},
		{"terms not ticked", ended.After, BillingSetUp{Plan: "flexible", Quantity: "3"}, CodeInvalid, []string{"terms"}, ""},
		{"already set up", with(func(s *Subscription) { *s = trialSub(); s.TrialBillingSetUp = true }), good, CodeConflict, nil, ""},
		{"paid plan", lifeSub(), good, CodeConflict, nil, ""},
		{"no billing account", with(func(s *Subscription) { *s = trialSub(); s.BillingAccountID = nil }), good, CodeConflict, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := SetUpBilling(tc.sub, product, tc.in, lifeNow)
			if tc.code != "" {
				if ErrorCode(err) != tc.code {
					t.Fatalf("got %v", err)
				}
				fe, _ := AsValidation(err)
				for _, f := range tc.fields {
					if fe[f] == "" {
						t.Fatalf("no message on %s: %v", f, fe)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			a := ch.After
			if a.Status != tc.status || a.HasReason(SuspendTrialEnded) || !a.TrialBillingSetUp || a.Plan != PlanAnnualMonthly || a.Quantity != 30 ||
				!a.StartDate.Equal(Day(lifeNow)) || !a.EndDate.Equal(day(2027, 3, 10)) {
				t.Fatalf("%+v", a)
			}
		})
	}
}

func TestLifeActionsFor(t *testing.T) {
	admin := Actor{Role: RoleCustomerAdmin, OrgKind: OrgCustomer}
	billing := Actor{Role: RoleCustomerBilling, OrgKind: OrgCustomer}
	agent := Actor{Role: RoleAdminAgent, OrgKind: OrgConsole}
	sales := Actor{Role: RoleSalesAgent, OrgKind: OrgConsole}
	susp := with(func(s *Subscription) { Suspend(s, SuspendResellerInitiated) })
	for _, tc := range []struct {
		name string
		a    Actor
		sub  Subscription
		want LifeActions
	}{
		{"customer admin manages, never suspends", admin, lifeSub(), LifeActions{AddLicences: true, Renewal: true, CancelNow: true}},
		{"customer billing cannot", billing, lifeSub(), LifeActions{}},
		{"sales agent cannot", sales, lifeSub(), LifeActions{}},
		{"admin agent manages and suspends", agent, lifeSub(), LifeActions{AddLicences: true, Renewal: true, CancelNow: true, Suspend: true}},
		{"admin agent reactivates", agent, susp, LifeActions{AddLicences: true, Renewal: true, CancelNow: true, Reactivate: true}},
		{"trial: set up billing", admin, trialSub(), LifeActions{CancelNow: true, SetUpBilling: true}},
		{"ended: nothing", agent, with(func(s *Subscription) { s.Status = SubEnded; s.EndedAt = &lifeNow }), LifeActions{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ActionsFor(tc.a, tc.sub); got != tc.want {
				t.Fatalf("%+v", got)
			}
		})
	}
}

func TestParseSubscriptionFilter(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    map[string]string
		want SubscriptionFilter
	}{
		{"empty", nil, SubscriptionFilter{}},
		{"all set", map[string]string{"q": " fjord ", "product": "3", "plan": "trial", "status": "suspended", "renewal": "30", "account": "9"},
			SubscriptionFilter{Query: "fjord", ProductID: 3, Plan: PlanTrial, Status: SubSuspended, RenewalWithin: 30, BillingAccountID: 9}},
		{"renewal not a window", map[string]string{"renewal": "45"}, SubscriptionFilter{}},
		{"junk", map[string]string{"product": "x", "plan": "gold", "status": "gone", "account": "-4"}, SubscriptionFilter{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseSubscriptionFilter(func(k string) string { return tc.q[k] })
			if got != tc.want {
				t.Fatalf("%+v", got)
			}
		})
	}
}
