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

// Span is the days [From, To).
type Span struct{ From, To time.Time }

// OwnerOn is the billing account a subscription is billed to on the day d,
// given its moves (oldest first) and its current account: the account it
// moved to last on or before d, or, before its first move, the account it
// moved from (nil: none).
func OwnerOn(current *int64, moves []models.SubscriptionMove, d time.Time) *int64 {
	if len(moves) == 0 {
		return current
	}
	d = models.Day(d)
	owner := moves[0].FromAccountID
	for _, m := range moves {
		if models.Day(m.MovedOn).After(d) {
			break
		}
		owner = m.ToAccountID
	}
	return owner
}

// OwnedSpans are the days of [from, to) during which account is the
// subscription's billing account (R-CON-9): with a migration on the day D
// the source holds the days before D and the main D onwards.
func OwnedSpans(current *int64, moves []models.SubscriptionMove, account int64, from, to time.Time) []Span {
	from, to = models.Day(from), models.Day(to)
	cuts := []time.Time{from}
	for _, m := range moves {
		if d := models.Day(m.MovedOn); d.After(from) && d.Before(to) {
			cuts = append(cuts, d)
		}
	}
	cuts = append(cuts, to)
	var out []Span
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		if !b.After(a) {
			continue
		}
		if o := OwnerOn(current, moves, a); o == nil || *o != account {
			continue
		}
		if n := len(out); n > 0 && out[n-1].To.Equal(a) {
			out[n-1].To = b
			continue
		}
		out = append(out, Span{From: a, To: b})
	}
	return out
}
