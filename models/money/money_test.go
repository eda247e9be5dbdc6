package money

import (
	"testing"
	"time"

	"partnerconsole/models"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestProrateHalfEven(t *testing.T) {
	for _, tc := range []struct {
		name         string
		amount       int64
		days, period int
		want         int64
	}{
		{"whole period", 1000, 30, 30, 1000},
		{"no days", 1000, 0, 30, 0},
		{"no period", 1000, 3, 0, 0},
		{"more days than the period are clamped", 1000, 40, 30, 1000},
		{"half a cent rounds to even down", 5, 1, 2, 2}, // 2.5 → 2
		{"half a cent rounds to even up", 7, 1, 2, 4},   // 3.5 → 4
		{"above half rounds up", 2, 2, 3, 1},            // 1.33 → 1
		{"below half rounds down", 1000, 1, 3, 333},     // 333.33
		{"two thirds", 1000, 2, 3, 667},                 // 666.67
		{"negative half to even", -5, 1, 2, -2},         // -2.5 → -2
		{"negative half to even odd", -7, 1, 2, -4},     // -3.5 → -4
		{"huge amounts do not overflow", 9_000_000_000_000_000, 29, 31, 8_419_354_838_709_677},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Prorate(tc.amount, tc.days, tc.period); got != tc.want {
				t.Fatalf("Prorate(%d, %d, %d) = %d, want %d", tc.amount, tc.days, tc.period, got, tc.want)
			}
		})
	}
}

func TestDaysInMonths(t *testing.T) {
	for _, tc := range []struct {
		name  string
		month time.Time
		want  int
	}{
		{"January 31", day(2026, 1, 15), 31},
		{"February 28", day(2026, 2, 1), 28},
		{"February leap 29", day(2028, 2, 10), 29},
		{"February 2100 is not leap", day(2100, 2, 1), 28},
		{"February 2000 is leap", day(2000, 2, 1), 29},
		{"April 30", day(2026, 4, 30), 30},
		{"December 31", day(2026, 12, 31), 31},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DaysInMonth(tc.month); got != tc.want {
				t.Fatalf("DaysInMonth = %d, want %d", got, tc.want)
			}
		})
	}
	if got := DaysIn(day(2026, 3, 10), day(2026, 3, 10)); got != 0 {
		t.Fatalf("empty range = %d", got)
	}
	if got := DaysIn(day(2026, 3, 10), day(2026, 3, 1)); got != 0 {
		t.Fatalf("reversed range = %d", got)
	}
	// Across the DST change in Europe: dates, not hours.
	if got := DaysIn(time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC), day(2026, 4, 1)); got != 4 {
		t.Fatalf("March 28 → April 1 = %d", got)
	}
}

func TestMonthlyProration(t *testing.T) {
	// 10 licences at 14.00 EUR a month = 140.00 EUR a month.
	for _, tc := range []struct {
		name     string
		from, to time.Time
		want     int64
	}{
		{"a whole 31-day month", day(2026, 1, 1), day(2026, 2, 1), 14000},
		{"a whole 28-day February", day(2026, 2, 1), day(2026, 3, 1), 14000},
		{"a whole leap February", day(2028, 2, 1), day(2028, 3, 1), 14000},
		{"a whole 30-day month", day(2026, 4, 1), day(2026, 5, 1), 14000},
		{"mid-month add on the 16th of a 31-day month: 16 days", day(2026, 1, 16), day(2026, 2, 1), 7226},  // 14000×16/31 = 7225.8
		{"mid-month add on the 15th of a 28-day month: 14 days", day(2026, 2, 15), day(2026, 3, 1), 7000},  // exactly half
		{"mid-month add on the 15th of a leap February: 15 days", day(2028, 2, 15), day(2028, 3, 1), 7241}, // 7241.38
		{"mid-month add on the 16th of a 30-day month: 15 days", day(2026, 4, 16), day(2026, 5, 1), 7000},  // exactly half
		{"one day of February 2026", day(2026, 2, 28), day(2026, 3, 1), 500},                               // 14000/28
		{"one day of a leap February", day(2028, 2, 29), day(2028, 3, 1), 483},                             // 482.76
		{"across two months: Jan 20 → Feb 10", day(2026, 1, 20), day(2026, 2, 10), 5419 + 4500},            // 12/31 + 9/28
		{"nothing", day(2026, 1, 20), day(2026, 1, 20), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Monthly(1400, 10, tc.from, tc.to); got != tc.want {
				t.Fatalf("Monthly = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestProrateToTermEnd(t *testing.T) {
	for _, tc := range []struct {
		name    string
		unit    int64
		qty     int
		from    time.Time
		termEnd time.Time
		plan    models.Plan
		want    int64
	}{
		// The seed's "25 more on 25 = 50": the price is for the 25 added only.
		{"seed: 25 more on an annual prepaid year, half a year left", 5000, 25, day(2026, 7, 2), day(2027, 1, 1), models.PlanAnnualPrepaid,
			Prorate(125000, 184, 365)},
		{"annual prepaid, whole year", 5000, 25, day(2026, 1, 2), day(2027, 1, 1), models.PlanAnnualPrepaid, 125000},
		{"annual prepaid over a leap year: 366 days", 36600, 1, day(2028, 2, 28), day(2028, 12, 31), models.PlanAnnualPrepaid,
			Prorate(36600, 308, 366)},
		{"annual monthly: two full months and a half", 1400, 2, day(2026, 4, 16), day(2026, 6, 30), models.PlanAnnualMonthly, 1400 + 2800 + 2800},
		{"flexible: rest of a 31-day month", 1680, 25, day(2026, 3, 17), day(2026, 3, 31), models.PlanFlexible, 20323}, // 42000×15/31 = 20322.58
		{"trial costs nothing", 1400, 25, day(2026, 3, 17), day(2026, 4, 16), models.PlanTrial, 0},
		{"JPY has no decimals", 2520, 3, day(2026, 2, 15), day(2026, 2, 28), models.PlanFlexible, 3780}, // 7560×14/28
		{"JPY rounds half to even", 1, 1, day(2026, 2, 15), day(2026, 2, 28), models.PlanFlexible, 0},   // 0.5 → 0
		{"JPY odd half rounds up", 3, 1, day(2026, 2, 15), day(2026, 2, 28), models.PlanFlexible, 2},    // 1.5 → 2
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ProrateToTermEnd(tc.unit, tc.qty, tc.from, tc.termEnd, tc.plan); got != tc.want {
				t.Fatalf("ProrateToTermEnd = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestRemainingCommitment(t *testing.T) {
	sub := models.Subscription{Quantity: 10, StartDate: day(2026, 1, 1), EndDate: day(2026, 12, 31)}
	for _, tc := range []struct {
		name string
		plan models.Plan
		at   time.Time
		want int64
	}{
		{"annual monthly: the rest of the year", models.PlanAnnualMonthly, day(2026, 10, 1), 3 * 14000},
		{"annual monthly: half of October and two months", models.PlanAnnualMonthly, day(2026, 10, 17), Prorate(14000, 15, 31) + 2*14000},
		{"annual prepaid: already paid", models.PlanAnnualPrepaid, day(2026, 10, 1), 0},
		{"flexible: the invoice prorates the month", models.PlanFlexible, day(2026, 10, 1), 0},
		{"trial: nothing", models.PlanTrial, day(2026, 10, 1), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := sub
			s.Plan = tc.plan
			if got := RemainingCommitment(s, 1400, tc.at); got != tc.want {
				t.Fatalf("RemainingCommitment = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestTax(t *testing.T) {
	for _, tc := range []struct {
		name   string
		amount int64
		bp     int
		want   int64
	}{
		{"no rate", 10000, 0, 0},
		{"20 % VAT", 10000, 2000, 2000},
		{"10 % JPY", 37800, 1000, 3780},
		{"half-even down", 25, 1000, 2}, // 2.5 → 2
		{"half-even up", 35, 1000, 4},   // 3.5 → 4
		{"19.6 %", 1234, 1960, 242},     // 241.864
		{"100 %", 999, 10000, 999},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Tax(tc.amount, tc.bp); got != tc.want {
				t.Fatalf("Tax(%d, %d) = %d, want %d", tc.amount, tc.bp, got, tc.want)
			}
		})
	}
}

func TestMinimumPayment(t *testing.T) {
	for _, tc := range []struct {
		cur  string
		want int64
		text string
	}{
		{"USD", 1000, "10.00 USD"},
		{"EUR", 1000, "10.00 EUR"},
		{"GBP", 1000, "10.00 GBP"},
		{"JPY", 1500, "1500 JPY"},
		{"KWD", 10000, "10.000 KWD"},
		{"chf", 1000, "10.00 CHF"},
	} {
		t.Run(tc.cur, func(t *testing.T) {
			got := MinimumPayment(tc.cur)
			if got != tc.want {
				t.Fatalf("MinimumPayment(%s) = %d, want %d", tc.cur, got, tc.want)
			}
			if s := Format(got, tc.cur); s != tc.text {
				t.Fatalf("Format = %q, want %q", s, tc.text)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		minor int64
		cur   string
		want  string
	}{
		{5, "EUR", "0.05 EUR"}, {-1250, "EUR", "-12.50 EUR"}, {0, "JPY", "0 JPY"}, {123456, "JPY", "123456 JPY"}, {7, "KWD", "0.007 KWD"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := Format(tc.minor, tc.cur); got != tc.want {
				t.Fatalf("Format = %q", got)
			}
			if got := String(Money{Minor: tc.minor, Currency: tc.cur}); got != tc.want {
				t.Fatalf("String = %q", got)
			}
		})
	}
}
