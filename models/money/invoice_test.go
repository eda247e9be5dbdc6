package money

import (
	"testing"
	"time"

	"partnerconsole/models"
)

func ptr[T any](v T) *T { return &v }

func sub(id int64, plan models.Plan, qty int, start, end time.Time) models.Subscription {
	return models.Subscription{ID: id, Quantity: qty, Plan: plan, Channel: models.SubOnline, Status: models.SubActive,
		StartDate: start, EndDate: end, BillingAccountID: ptr(int64(9)), PONumber: "PO-1"}
}

func TestCloseMonthInvoicePlans(t *testing.T) {
	terms := models.BillingTerms{BillingAccountID: 9, Currency: "EUR", PaymentTermsDays: 30}
	march := day(2026, 3, 5)
	ws := func(s models.Subscription, unit int64) SubscriptionFacts {
		return SubscriptionFacts{Sub: s, ProductName: "Workspace", Family: models.FamilyWorkspace, UnitMinor: unit}
	}
	meet := func(s models.Subscription, unit int64) SubscriptionFacts {
		return SubscriptionFacts{Sub: s, ProductName: "Meet", Family: models.FamilyMeetHardware, UnitMinor: unit}
	}
	type line struct {
		qty      int
		from, to time.Time
		amount   int64
	}
	for _, tc := range []struct {
		name  string
		month time.Time
		subs  []SubscriptionFacts
		want  []line // nil: no invoice
	}{
		{"flexible: a whole 31-day month", march, []SubscriptionFacts{ws(sub(1, models.PlanFlexible, 10, day(2026, 1, 1), day(2026, 12, 31)), 1680)},
			[]line{{10, day(2026, 3, 1), day(2026, 4, 1), 16800}}},
		{"flexible: a whole 28-day February", day(2026, 2, 1), []SubscriptionFacts{ws(sub(1, models.PlanFlexible, 10, day(2026, 1, 1), day(2026, 12, 31)), 1680)},
			[]line{{10, day(2026, 2, 1), day(2026, 3, 1), 16800}}},
		{"flexible: started on the 17th", march, []SubscriptionFacts{ws(sub(1, models.PlanFlexible, 10, day(2026, 3, 17), day(2026, 4, 16)), 1680)},
			[]line{{10, day(2026, 3, 17), day(2026, 4, 1), 8129}}}, // 16800×15/31 = 8129.03
		{"flexible: started on the 15th of a leap February", day(2028, 2, 1), []SubscriptionFacts{ws(sub(1, models.PlanFlexible, 10, day(2028, 2, 15), day(2028, 3, 14)), 1680)},
			[]line{{10, day(2028, 2, 15), day(2028, 3, 1), 8690}}}, // 16800×15/29 = 8689.66
		{"flexible: ended (cancel now) on the 10th", march, []SubscriptionFacts{func() SubscriptionFacts {
			s := sub(1, models.PlanFlexible, 10, day(2026, 1, 1), day(2026, 12, 31))
			s.EndedAt = ptr(time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC))
			return ws(s, 1680)
		}()}, []line{{10, day(2026, 3, 1), day(2026, 3, 10), 4877}}}, // 16800×9/31 = 4877.42
		{"annual monthly: the monthly share", march, []SubscriptionFacts{ws(sub(1, models.PlanAnnualMonthly, 25, day(2025, 6, 1), day(2026, 5, 31)), 1400)},
			[]line{{25, day(2026, 3, 1), day(2026, 4, 1), 35000}}},
		{"annual monthly: ends on the 14th", march, []SubscriptionFacts{ws(sub(1, models.PlanAnnualMonthly, 25, day(2025, 3, 15), day(2026, 3, 14)), 1400)},
			[]line{{25, day(2026, 3, 1), day(2026, 3, 15), 15806}}}, // 35000×14/31 = 15806.45
		{"annual prepaid: the year on the month it starts", march, []SubscriptionFacts{ws(sub(1, models.PlanAnnualPrepaid, 25, day(2026, 3, 10), day(2027, 3, 9)), 5000)},
			[]line{{25, day(2026, 3, 10), day(2027, 3, 10), 125000}}},
		{"annual prepaid: nothing in the other months", day(2026, 4, 1), []SubscriptionFacts{ws(sub(1, models.PlanAnnualPrepaid, 25, day(2026, 3, 10), day(2027, 3, 9)), 5000)}, nil},
		{"annual prepaid: the renewed year", day(2027, 3, 1), []SubscriptionFacts{ws(sub(1, models.PlanAnnualPrepaid, 25, day(2026, 3, 10), day(2028, 3, 9)), 5000)},
			[]line{{25, day(2027, 3, 10), day(2028, 3, 10), 125000}}},
		{"trial: nothing", march, []SubscriptionFacts{ws(sub(1, models.PlanTrial, 25, day(2026, 3, 1), day(2026, 3, 30)), 0)}, nil},
		{"Meet deferred-prepay: nothing before the first invoice date", day(2026, 2, 1), []SubscriptionFacts{func() SubscriptionFacts {
			s := sub(1, models.PlanFlexible, 3, day(2026, 2, 20), day(2027, 2, 19))
			s.FirstInvoiceDate = ptr(day(2026, 4, 1))
			return meet(s, 2500)
		}()}, nil},
		{"Meet deferred-prepay: the first invoice covers everything since the start", march, []SubscriptionFacts{func() SubscriptionFacts {
			s := sub(1, models.PlanFlexible, 3, day(2026, 2, 20), day(2027, 2, 19))
			s.FirstInvoiceDate = ptr(day(2026, 4, 1))
			return meet(s, 2500)
		}()}, []line{{3, day(2026, 2, 20), day(2026, 4, 1), 2411 + 7500}}}, // 7500×9/28 + March
		{"Meet annual prepaid: the year on its first invoice date", march, []SubscriptionFacts{func() SubscriptionFacts {
			s := sub(1, models.PlanAnnualPrepaid, 3, day(2026, 3, 10), day(2027, 3, 9))
			s.FirstInvoiceDate = ptr(day(2026, 4, 1))
			return meet(s, 25000)
		}()}, []line{{3, day(2026, 3, 10), day(2027, 3, 10), 75000}}},
		{"another account's subscription is not billed", march, []SubscriptionFacts{func() SubscriptionFacts {
			s := sub(1, models.PlanFlexible, 10, day(2026, 1, 1), day(2026, 12, 31))
			s.BillingAccountID = ptr(int64(10))
			return ws(s, 1680)
		}()}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := CloseMonthInvoice(MonthFacts{Month: tc.month, Terms: terms, Subs: tc.subs})
			if ok != (tc.want != nil) {
				t.Fatalf("ok = %v, lines %+v", ok, d.Lines)
			}
			if !ok {
				return
			}
			if len(d.Lines) != len(tc.want) {
				t.Fatalf("lines = %+v", d.Lines)
			}
			var sum int64
			for i, w := range tc.want {
				l := d.Lines[i]
				if l.Quantity != w.qty || !l.PeriodStart.Equal(w.from) || !l.PeriodEnd.Equal(w.to) || l.AmountMinor != w.amount || l.PONumber != "PO-1" {
					t.Errorf("line %d = %d × [%s, %s) = %d, want %d × [%s, %s) = %d", i, l.Quantity, l.PeriodStart.Format(time.DateOnly),
						l.PeriodEnd.Format(time.DateOnly), l.AmountMinor, w.qty, w.from.Format(time.DateOnly), w.to.Format(time.DateOnly), w.amount)
				}
				sum += w.amount
			}
			inv := d.Invoice
			ms := MonthStart(tc.month)
			if inv.SubtotalMinor != sum || inv.TotalMinor != sum || !inv.PeriodStart.Equal(ms) || !inv.IssuedOn.Equal(ms.AddDate(0, 1, 0)) ||
				!inv.DueOn.Equal(ms.AddDate(0, 1, 30)) || inv.State != models.InvoiceOpen {
				t.Errorf("invoice = %+v", inv)
			}
		})
	}
}

func TestCloseMonthInvoiceChargesCreditsTax(t *testing.T) {
	march := day(2026, 3, 1)
	s := sub(1, models.PlanFlexible, 35, day(2026, 1, 1), day(2026, 12, 31)) // 25, then 10 more on the 16th
	facts := func() MonthFacts {
		return MonthFacts{Month: march, Terms: models.BillingTerms{BillingAccountID: 9, Currency: "EUR", TaxRateBP: 2000, PaymentTermsDays: 15},
			Subs: []SubscriptionFacts{{Sub: s, ProductName: "Workspace", Family: models.FamilyWorkspace, UnitMinor: 1680}},
			Charges: []models.BillingCharge{{ID: 4, BillingAccountID: 9, SubscriptionID: ptr(int64(1)), Kind: models.ChargeLicencesAdded, Quantity: 10,
				AmountMinor: LicencesAddedCharge(1680, 10, day(2026, 3, 16), day(2026, 12, 31), models.PlanFlexible), Currency: "EUR",
				PeriodStart: ptr(day(2026, 3, 16)), PeriodEnd: ptr(LicencesAddedPeriodEnd(day(2026, 3, 16), day(2026, 12, 31), models.PlanFlexible)),
				CreatedAt: day(2026, 3, 16)}},
			Credits: []models.Credit{{ID: 7, RemainingMinor: 1000, Currency: "EUR"}, {ID: 8, RemainingMinor: 100000, Currency: "EUR"}}}
	}
	t.Run("a mid-month add bills the 25 for the month and the 10 from the 16th", func(t *testing.T) {
		f := facts()
		f.Credits = nil
		d, ok := CloseMonthInvoice(f)
		if !ok || len(d.Lines) != 2 {
			t.Fatalf("lines = %+v", d.Lines)
		}
		if d.Lines[0].Quantity != 25 || d.Lines[0].AmountMinor != 42000 {
			t.Errorf("subscription line = %+v", d.Lines[0])
		}
		if d.Lines[1].ChargeID == nil || *d.Lines[1].ChargeID != 4 || d.Lines[1].AmountMinor != 8671 || !d.Lines[1].PeriodEnd.Equal(day(2026, 4, 1)) { // 16800×16/31
			t.Errorf("charge line = %+v", d.Lines[1])
		}
		inv := d.Invoice
		if inv.SubtotalMinor != 50671 || inv.TaxMinor != 10134 || inv.TotalMinor != 60805 || !inv.DueOn.Equal(day(2026, 4, 16)) {
			t.Errorf("invoice = %+v", inv)
		}
	})
	t.Run("credits apply oldest first up to the subtotal, tax on the rest", func(t *testing.T) {
		f := facts()
		f.Credits[1].RemainingMinor = 20000
		d, _ := CloseMonthInvoice(f)
		if len(d.Credits) != 2 || d.Credits[0] != (CreditUse{7, 1000}) || d.Credits[1] != (CreditUse{8, 20000}) {
			t.Fatalf("credits = %+v", d.Credits)
		}
		if d.Invoice.CreditsMinor != 21000 || d.Invoice.TaxMinor != Tax(29671, 2000) || d.Invoice.TotalMinor != 29671+5934 {
			t.Errorf("invoice = %+v", d.Invoice)
		}
	})
	t.Run("credits larger than the subtotal leave the rest for later; a zero invoice is paid", func(t *testing.T) {
		d, _ := CloseMonthInvoice(facts())
		if d.Credits[1].AmountMinor != 50671-1000 || d.Invoice.TotalMinor != 0 || d.Invoice.State != models.InvoicePaid {
			t.Fatalf("draft = %+v", d)
		}
	})
	t.Run("a charge made after the month is left for the next invoice", func(t *testing.T) {
		f := facts()
		f.Charges[0].CreatedAt = day(2026, 4, 1)
		f.Charges[0].PeriodStart = ptr(day(2026, 4, 1))
		d, _ := CloseMonthInvoice(f)
		if len(d.Lines) != 1 || d.Lines[0].Quantity != 35 {
			t.Fatalf("lines = %+v", d.Lines)
		}
	})
	t.Run("JPY: no decimals", func(t *testing.T) {
		f := MonthFacts{Month: day(2026, 2, 1), Terms: models.BillingTerms{BillingAccountID: 9, Currency: "JPY", TaxRateBP: 1000},
			Subs: []SubscriptionFacts{{Sub: sub(1, models.PlanFlexible, 3, day(2026, 2, 15), day(2026, 3, 14)), UnitMinor: 2520}}}
		d, _ := CloseMonthInvoice(f)
		if d.Invoice.SubtotalMinor != 3780 || d.Invoice.TaxMinor != 378 || d.Invoice.TotalMinor != 4158 {
			t.Fatalf("invoice = %+v", d.Invoice)
		}
	})
}

func TestAllocatePayment(t *testing.T) {
	open := []models.Invoice{{ID: 1, TotalMinor: 1000, State: models.InvoiceOpen}, {ID: 2, TotalMinor: 3000, PaidMinor: 1000, State: models.InvoiceOpen},
		{ID: 3, TotalMinor: 500, State: models.InvoicePaid, PaidMinor: 500}}
	for _, tc := range []struct {
		name   string
		amount int64
		allocs []Allocation
		left   int64
	}{
		{"part of the oldest", 400, []Allocation{{1, 400}}, 0},
		{"the oldest and part of the next", 1500, []Allocation{{1, 1000}, {2, 500}}, 0},
		{"everything and an over-payment", 5000, []Allocation{{1, 1000}, {2, 2000}}, 2000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, left := AllocatePayment(open, tc.amount)
			if left != tc.left || len(a) != len(tc.allocs) {
				t.Fatalf("= %+v, %d", a, left)
			}
			for i := range a {
				if a[i] != tc.allocs[i] {
					t.Fatalf("= %+v", a)
				}
			}
		})
	}
}
