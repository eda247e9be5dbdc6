package money

import (
	"time"

	"partnerconsole/models"
)

// SplitSide says which console a migration's billing split entry goes to.
type SplitSide string

const (
	SplitSource SplitSide = "source"
	SplitMain   SplitSide = "main"
)

// SplitEntry is one charge or credit of a customer migration's billing split
// (R-CON-9), for the days [From, To).
type SplitEntry struct {
	Side        SplitSide
	Credit      bool // a credit to the side, else a charge
	AmountMinor int64
	From, To    time.Time
}

// MigrationSplit decides the billing split of one subscription migrated on
// the day d (R-CON-9): flexible and annual_monthly — the source is charged
// the month's share up to d−1 and the main from d to the month's end (later
// months are the main's own invoices); annual_prepaid — the source is
// credited the prorated remainder from d to the term's end and the main
// charged the same amount. Trials and days outside the term split nothing.
func MigrationSplit(sub models.Subscription, unitMinor int64, d time.Time) []SplitEntry {
	d = models.Day(d)
	termEnd := models.Day(sub.EndDate).AddDate(0, 0, 1)
	if d.Before(models.Day(sub.StartDate)) || !d.Before(termEnd) {
		return nil
	}
	var out []SplitEntry
	add := func(e SplitEntry) {
		if e.AmountMinor > 0 {
			out = append(out, e)
		}
	}
	switch sub.Plan {
	case models.PlanFlexible, models.PlanAnnualMonthly:
		ms := maxTime(MonthStart(d), models.Day(sub.StartDate))
		me := minTime(MonthStart(d).AddDate(0, 1, 0), termEnd)
		add(SplitEntry{Side: SplitSource, AmountMinor: Monthly(unitMinor, sub.Quantity, ms, d), From: ms, To: d})
		add(SplitEntry{Side: SplitMain, AmountMinor: Monthly(unitMinor, sub.Quantity, d, me), From: d, To: me})
	case models.PlanAnnualPrepaid:
		rest := Prorate(Mul(unitMinor, sub.Quantity), DaysIn(d, termEnd), YearDays(termEnd))
		add(SplitEntry{Side: SplitSource, Credit: true, AmountMinor: rest, From: d, To: termEnd})
		add(SplitEntry{Side: SplitMain, AmountMinor: rest, From: d, To: termEnd})
	}
	return out
}
