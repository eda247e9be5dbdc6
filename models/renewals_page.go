package models

import (
	"strconv"
	"strings"
	"time"
)

// The partner's Renewals page (issue 11, R-PK-3, R-NOTE-2): subscriptions
// ending in the next 60 days, commitments first.

// RenewalFilter is the Renewals page's search and filters.
type RenewalFilter struct {
	Query  string // customer name or domain
	Plan   Plan
	Within int // days: 7, 30 or 60 (the default)
}

// RenewalsWindow is the Renewals page's default (and widest) window, days.
const RenewalsWindow = 60

// ParseRenewalFilter reads the page's query parameters; a value that is not
// one of the choices means the default.
func ParseRenewalFilter(get func(string) string) RenewalFilter {
	f := RenewalFilter{Query: strings.TrimSpace(get("q")), Within: RenewalsWindow}
	if len(f.Query) > 200 {
		f.Query = f.Query[:200]
	}
	for _, p := range []Plan{PlanFlexible, PlanAnnualMonthly, PlanAnnualPrepaid} {
		if string(p) == get("plan") {
			f.Plan = p
		}
	}
	if n, err := strconv.Atoi(get("within")); err == nil {
		for _, w := range RenewalWindows() {
			if n == w {
				f.Within = n
			}
		}
	}
	return f
}

// Filtered tells whether any search or filter narrows the default list.
func (f RenewalFilter) Filtered() bool {
	return f.Query != "" || f.Plan != "" || f.Within != RenewalsWindow
}

// Last is the last end date the page lists at now.
func (f RenewalFilter) Last(now time.Time) time.Time { return Day(now).AddDate(0, 0, f.Within) }

// RenewalRow is a Renewals page row.
type RenewalRow struct {
	ID             int64
	CustomerID     int64
	CustomerName   string
	CustomerDomain string
	ProductName    string
	Quantity       int
	Plan           Plan
	EndDate        time.Time
	RenewalOption  RenewalOption
}

// Commitment tells whether renewing locks the seats for a year.
func (r RenewalRow) Commitment() bool { return IsCommitment(r.Plan) }

// DaysLeft is the number of days from today to the end date.
func (r RenewalRow) DaysLeft(now time.Time) int { return -DaysPastEnd(r.EndDate, now) }

// LocksUntil is the day a renewed commitment's seats stay locked to.
func (r RenewalRow) LocksUntil() time.Time { return Day(r.EndDate).AddDate(1, 0, 0) }

// RenewalRank sorts commitments (0) before roll-overs (1).
func (r RenewalRow) RenewalRank() int {
	if r.Commitment() {
		return 0
	}
	return 1
}
