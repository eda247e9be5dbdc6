// Package money computes every amount of the console once: prices ×
// quantity × period, proration by days, tax, rounding. Amounts are int64
// minor units of an ISO 4217 currency (models.CurrencyScale: 2 for EUR, 0
// for JPY); every division rounds half to even to the minor unit, once.
package money

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"partnerconsole/models"
)

// Money is an amount in minor units of a currency (models.Money, so store
// and views can name it without importing this package).
type Money = models.Money

// String formats m in major units with its currency's decimals, e.g.
// "12.50 EUR", "1500 JPY".
func String(m Money) string { return Format(m.Minor, m.Currency) }

// Format writes minor units as a plain decimal in major units followed by
// the currency code (not localised: CSV, PDF and logs).
func Format(minor int64, currency string) string {
	scale := models.CurrencyScale(currency)
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	s := fmt.Sprintf("%d", minor)
	if scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	return sign + s + " " + strings.ToUpper(currency)
}

// Mul is the price of qty units at unitMinor each.
func Mul(unitMinor int64, qty int) int64 { return unitMinor * int64(qty) }

// divHalfEven is num/den rounded half to even (den > 0).
func divHalfEven(num, den *big.Int) int64 {
	q, r := new(big.Int), new(big.Int)
	q.QuoRem(num, den, r) // truncated toward zero
	r2 := new(big.Int).Abs(r)
	r2.Lsh(r2, 1)
	switch c := r2.Cmp(den); {
	case c > 0 || (c == 0 && q.Bit(0) == 1):
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q.Int64()
}

// Prorate is amountMinor × days / periodDays, rounded half to even to the
// minor unit. days outside [0, periodDays] are clamped; a period of no days
// costs nothing.
func Prorate(amountMinor int64, days, periodDays int) int64 {
	if periodDays <= 0 || days <= 0 {
		return 0
	}
	if days >= periodDays {
		return amountMinor
	}
	num := new(big.Int).Mul(big.NewInt(amountMinor), big.NewInt(int64(days)))
	return divHalfEven(num, big.NewInt(int64(periodDays)))
}

// DaysIn counts the calendar days (UTC dates) in [from, to); 0 when to is
// not after from.
func DaysIn(from, to time.Time) int {
	f, t := models.Day(from), models.Day(to)
	if !t.After(f) {
		return 0
	}
	return int(t.Sub(f).Hours()/24 + 0.5)
}

// MonthStart is the first day of t's month (UTC).
func MonthStart(t time.Time) time.Time {
	d := models.Day(t)
	return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// DaysInMonth is the number of days of t's month (28 to 31).
func DaysInMonth(t time.Time) int {
	m := MonthStart(t)
	return DaysIn(m, m.AddDate(0, 1, 0))
}

// Monthly prices a monthly unit price for qty licences over the days
// [from, to): each calendar month is prorated by its own days (a 28-day
// February day costs more than a 31-day March day), and the sum is rounded
// once per month.
func Monthly(unitMinor int64, qty int, from, to time.Time) int64 {
	from, to = models.Day(from), models.Day(to)
	var total int64
	full := Mul(unitMinor, qty)
	for m := MonthStart(from); m.Before(to); m = m.AddDate(0, 1, 0) {
		next := m.AddDate(0, 1, 0)
		a, b := maxTime(m, from), minTime(next, to)
		total += Prorate(full, DaysIn(a, b), DaysIn(m, next))
	}
	return total
}

// YearDays is the number of days of the yearly term that ends the day
// before termEndExcl (365 or 366).
func YearDays(termEndExcl time.Time) int {
	e := models.Day(termEndExcl)
	return DaysIn(e.AddDate(-1, 0, 0), e)
}

// ProrateToTermEnd is the price of adding qty licences from the day from
// to the term end (termEnd is the term's last day, inclusive, like
// subscriptions.end_date). Flexible and annual_monthly prices are per
// licence per month: each month is prorated by its days. annual_prepaid
// prices are per licence per year: the year is prorated by its days.
// Trials cost nothing.
func ProrateToTermEnd(unitMinor int64, qty int, from, termEnd time.Time, plan models.Plan) int64 {
	end := models.Day(termEnd).AddDate(0, 0, 1)
	switch plan {
	case models.PlanFlexible, models.PlanAnnualMonthly:
		return Monthly(unitMinor, qty, from, end)
	case models.PlanAnnualPrepaid:
		return Prorate(Mul(unitMinor, qty), DaysIn(from, end), YearDays(end))
	}
	return 0
}

// RemainingCommitment is what "cancel now" at the day at leaves due to the
// end of the current commitment of sub, priced at unitMinor per licence:
// annual_monthly owes the months to the end date (the current month from
// at on); flexible plans end at once with the month prorated by the
// invoice (nothing more); annual_prepaid is already paid at the start;
// trials owe nothing.
func RemainingCommitment(sub models.Subscription, unitMinor int64, at time.Time) int64 {
	if sub.Plan != models.PlanAnnualMonthly {
		return 0
	}
	return ProrateToTermEnd(unitMinor, sub.Quantity, at, sub.EndDate, sub.Plan)
}

// Tax is amountMinor × rateBP / 10000 (basis points), rounded half to even.
func Tax(amountMinor int64, rateBP int) int64 {
	if rateBP <= 0 || amountMinor == 0 {
		return 0
	}
	num := new(big.Int).Mul(big.NewInt(amountMinor), big.NewInt(int64(rateBP)))
	return divHalfEven(num, big.NewInt(10000))
}

// MinimumPayment is the smallest manual payment in a currency, in minor
// units (R-PAY-2): 10 USD, 10 EUR, 10 GBP, 1 500 JPY; 10 major units for
// the others.
func MinimumPayment(currency string) int64 {
	cur := strings.ToUpper(currency)
	major := int64(10)
	if cur == "JPY" {
		major = 1500
	}
	return major * pow10(models.CurrencyScale(cur))
}

func pow10(n int) int64 {
	p := int64(1)
	for i := 0; i < n; i++ {
		p *= 10
	}
	return p
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
