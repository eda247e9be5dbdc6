package models

import (
	"sort"
	"time"
)

// The end of a subscription's term (issue 11, R-PK-3, R-PK-4, R-NOTE-2):
// renewal notices 60, 30, 7 and 1 days before the end date, then, for a
// subscription nobody renewed, expired → disabled → deleted. Every decision
// here is pure and reads the time it is given (the store's clock).

// The term's end statuses (migration 0018).
const (
	SubExpired  SubStatus = "expired"  // past its end date, not renewed: 30 days of grace with full use
	SubDisabled SubStatus = "disabled" // only the customer's administrators sign in; data kept; reactivation possible
	SubDeleted  SubStatus = "deleted"  // deprovisioned: not reversible
)

// TermGraceDays is how long an expired subscription keeps full use;
// KeepDays is how long after its end date a subscription can still be
// reactivated and its data is kept (R-PK-4).
const (
	TermGraceDays = 30
	KeepDays      = 120
)

// InTermEnd tells whether the subscription is in its term's end (expired,
// disabled or deleted).
func (s Subscription) InTermEnd() bool {
	return s.Status == SubExpired || s.Status == SubDisabled || s.Status == SubDeleted
}

// DaysPastEnd is how many whole days today is after the end date (0 on the
// end date itself, its last day of use; negative before it).
func DaysPastEnd(end, now time.Time) int {
	return int(Day(now).Sub(Day(end)).Hours() / 24)
}

// Cancelled tells whether the subscription was cancelled: cancelled now
// (ended with a cancellation date) or cancelled at its end date (suspended
// renewal_with_cancel once the end date passed). A consolidated one
// (suspended "other") is not: its licences live on in another subscription.
func (s Subscription) Cancelled() bool {
	if s.Status == SubEnded && s.CancelledAt != nil {
		return true
	}
	return s.Status == SubSuspended && s.HasReason(SuspendRenewalWithCancel) && s.RenewalOption == CancelAtEnd
}

// entersTermEnd tells whether a subscription past its end date enters the
// term's end: one renewed manually (by a product key or by paying) that
// nobody renewed, or a cancelled one. Auto-renewing ones renew, trials and
// the grace plan have their own end (R-LIC-3, R-MEET-4).
func (s Subscription) entersTermEnd() bool {
	if s.Plan == PlanTrial || s.Plan == PlanGrace {
		return false
	}
	if s.Cancelled() {
		return true
	}
	return s.Status == SubActive && s.RenewalOption == RenewManually
}

// TermStatusAt is the status the subscription should have at now in its
// term's end: day 0 is the end date (still in use); from day 1 to day 30 it
// is expired; from day 31 to day 120 disabled; from day 121 deleted. A
// cancelled subscription skips the grace period (disabled from day 1). An
// expired or disabled subscription whose end date moved into the future
// (renewed by a key) is active again. Otherwise the status is unchanged.
func TermStatusAt(s Subscription, now time.Time) SubStatus {
	d := DaysPastEnd(s.EndDate, now)
	switch s.Status {
	case SubDeleted:
		return SubDeleted
	case SubExpired, SubDisabled:
		if d <= 0 {
			return SubActive
		}
	default:
		if !s.entersTermEnd() || d <= 0 {
			return s.Status
		}
	}
	switch {
	case d > KeepDays:
		return SubDeleted
	case d > TermGraceDays || s.Status == SubDisabled || s.Cancelled():
		return SubDisabled
	}
	return SubExpired
}

// TermMove is one decided move of the term's end.
type TermMove struct {
	Before, After Subscription
}

// MoveTerm decides the term-state move of s at now; ok is false when there
// is none. The move clears suspension reasons (kept in the audit's before),
// stamps the move's date and, for a subscription coming back, clears them.
func MoveTerm(s Subscription, now time.Time) (TermMove, bool) {
	to := TermStatusAt(s, now)
	if to == s.Status {
		return TermMove{}, false
	}
	m := TermMove{Before: s.clone()}
	after := s.clone()
	after.Status = to
	after.SuspensionReasons = TextArray{}
	at := now
	switch to {
	case SubExpired:
		after.ExpiredAt = &at
	case SubDisabled:
		after.DisabledAt = &at
	case SubDeleted:
		after.DeletedAt = &at
	case SubActive:
		after.ExpiredAt, after.DisabledAt = nil, nil
	}
	after.UpdatedAt = now
	m.After = after
	return m, true
}

// TermNext is the next move of a subscription's term's end and its date, as
// the subscription page shows it ("" when none is planned).
type TermNext struct {
	Status SubStatus
	On     time.Time
}

// NextTermMove says what happens next and on which day: an active
// subscription renewed manually expires the day after its end date (a
// cancelled one is disabled then); an expired one is disabled on day 31; a
// disabled one is deleted on day 121.
func NextTermMove(s Subscription) (TermNext, bool) {
	end := Day(s.EndDate)
	switch {
	case s.Status == SubExpired:
		return TermNext{SubDisabled, end.AddDate(0, 0, TermGraceDays+1)}, true
	case s.Status == SubDisabled:
		return TermNext{SubDeleted, end.AddDate(0, 0, KeepDays+1)}, true
	case s.Status == SubDeleted:
		return TermNext{}, false
	case s.Cancelled():
		return TermNext{SubDisabled, end.AddDate(0, 0, 1)}, true
	case s.entersTermEnd():
		return TermNext{SubExpired, end.AddDate(0, 0, 1)}, true
	}
	return TermNext{}, false
}

// Reactivatable tells whether the subscription can be brought back at now:
// expired or disabled, up to 120 days after its end date (R-PK-4).
func (s Subscription) Reactivatable(now time.Time) bool {
	return (s.Status == SubExpired || s.Status == SubDisabled) && DaysPastEnd(s.EndDate, now) <= KeepDays
}

// TermSignInBlocked tells whether a user of role may not sign in because
// their customer's subscriptions are disabled (R-PK-4: only administrators
// sign in). adminsOnly says the customer has a disabled subscription and no
// subscription in use (active or expired).
func TermSignInBlocked(role Role, adminsOnly bool) bool {
	return adminsOnly && role.Kind() == OrgCustomer && role != RoleCustomerAdmin
}

// TenantDeprovisioned tells whether deleting a subscription deprovisions its
// customer: only when none of the customer's other subscriptions is still
// in use or can come back (active, suspended, expired, disabled).
func TenantDeprovisioned(others []SubStatus) bool {
	for _, st := range others {
		switch st {
		case SubActive, SubSuspended, SubExpired, SubDisabled:
			return false
		}
	}
	return true
}

// RenewDirect decides renewing by direct billing instead of a key (seed
// 003): the new term starts at once, today, for the plan's term (a year for
// annual plans, a month for flexible ones); what was left of the current
// term is not carried over, so customers renew at the last minute. It also
// reactivates an expired or disabled subscription (paying) until 120 days
// after its end date. The subscription keeps its plan and licences and
// renews manually again.
func RenewDirect(sub Subscription, confirm bool, now time.Time) (LifeChange, error) {
	action := LifeRenewDirect
	if sub.Status == SubExpired || sub.Status == SubDisabled {
		action = LifeTermReactivate
	}
	ch := LifeChange{Action: action, Before: sub.clone()}
	switch {
	case sub.Status == SubDeleted:
		return ch, &Error{Code: CodeConflict, Message: "This subscription was deleted: it cannot be renewed."}
	case sub.InTermEnd() && !sub.Reactivatable(now):
		return ch, &Error{Code: CodeConflict, Message: "This subscription can no longer be reactivated."}
	case !sub.InTermEnd():
		if err := sub.manageable(); err != nil {
			return ch, err
		}
		if sub.Status != SubActive {
			return ch, &Error{Code: CodeConflict, Message: "Only an active subscription can be renewed."}
		}
	}
	if sub.Plan == PlanTrial || sub.Plan == PlanGrace {
		return ch, &Error{Code: CodeConflict, Message: "This plan cannot be renewed: set up billing instead."}
	}
	if sub.BillingAccountID == nil {
		return ch, &Error{Code: CodeConflict, Message: "This subscription has no billing account: ask the platform to add one."}
	}
	after := sub.clone()
	after.Status = SubActive
	after.SuspensionReasons = TextArray{}
	after.StartDate = Day(now)
	after.EndDate = FirstTermEnd(now, sub.Plan)
	after.ExpiredAt, after.DisabledAt = nil, nil
	if after.RenewalOption == CancelAtEnd {
		after.RenewalOption = RenewManually
	}
	after.UpdatedAt = now
	ch.After = after
	if !confirm {
		return ch, &Error{Code: CodeInvalid, Field: "start_today", Message: "Confirm that the new term starts today."}
	}
	return ch, nil
}

// GraceUsed is the part of the grace period an expired or disabled
// subscription used before it is reactivated at now: the days from the day
// after its end date, while it was expired (full use, at most 30), to
// yesterday. from is the first day, to the last (inclusive); ok false: none.
func GraceUsed(sub Subscription, now time.Time) (from, to time.Time, ok bool) {
	from = Day(sub.EndDate).AddDate(0, 0, 1)
	to = Day(now).AddDate(0, 0, -1)
	if last := Day(sub.EndDate).AddDate(0, 0, TermGraceDays); to.After(last) {
		to = last
	}
	return from, to, !to.Before(from)
}

// ---- Renewal notices (R-PK-3, R-NOTE-2) ----

// RenewalNoticeDays are the notices sent before an end date, farthest first.
func RenewalNoticeDays() []int { return []int{60, 30, 7, 1} }

// IsCommitment tells whether renewing the plan commits the seats for a
// year (annual terms) rather than rolling over month to month (R-NOTE-2).
func IsCommitment(p Plan) bool { return p == PlanAnnualMonthly || p == PlanAnnualPrepaid }

// RenewalNoticeDue is the notice due for an end date at now: the nearest of
// 60, 30, 7 and 1 days at or above the days left (so a day the job did not
// run is caught up the next day, once); ok is false on the end date itself,
// after it, and more than 60 days before it. Whether it was already sent is
// the store's UNIQUE row.
func RenewalNoticeDue(end, now time.Time) (daysBefore int, ok bool) {
	left := -DaysPastEnd(end, now)
	if left < 1 {
		return 0, false
	}
	days := RenewalNoticeDays()
	for i := len(days) - 1; i >= 0; i-- {
		if left <= days[i] {
			return days[i], true
		}
	}
	return 0, false
}

// RenewalItem is one subscription a recipient is told about.
type RenewalItem struct {
	SubscriptionID int64
	CustomerName   string
	ProductName    string
	Plan           Plan
	Quantity       int
	EndDate        time.Time
	DaysBefore     int // the notice: 60, 30, 7 or 1
}

// Commitment tells whether the item is a commitment (annual term).
func (i RenewalItem) Commitment() bool { return IsCommitment(i.Plan) }

// LocksUntil is the day the seats stay locked to if the commitment renews:
// a year after the end date.
func (i RenewalItem) LocksUntil() time.Time { return Day(i.EndDate).AddDate(1, 0, 0) }

// RenewalSend is one new notice row: a recipient and a subscription.
type RenewalSend struct {
	UserID int64
	Item   RenewalItem
}

// RecipientNotices are the notices one recipient gets on a day: one per
// commitment, soonest end first, then at most one digest of the monthly
// roll-overs.
type RecipientNotices struct {
	UserID      int64
	Commitments []RenewalItem
	RollOvers   []RenewalItem // one digest notice; empty: none
}

// GroupRenewalNotices groups the day's new notice rows by recipient
// (R-NOTE-2): commitments stand out one by one, soonest first; roll-overs
// go into one digest per recipient. Recipients come in user id order.
func GroupRenewalNotices(sends []RenewalSend) []RecipientNotices {
	by := map[int64]*RecipientNotices{}
	var ids []int64
	for _, s := range sends {
		r, ok := by[s.UserID]
		if !ok {
			r = &RecipientNotices{UserID: s.UserID}
			by[s.UserID] = r
			ids = append(ids, s.UserID)
		}
		if s.Item.Commitment() {
			r.Commitments = append(r.Commitments, s.Item)
		} else {
			r.RollOvers = append(r.RollOvers, s.Item)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := make([]RecipientNotices, 0, len(ids))
	for _, id := range ids {
		r := by[id]
		for _, l := range [][]RenewalItem{r.Commitments, r.RollOvers} {
			sort.SliceStable(l, func(i, j int) bool {
				if !l[i].EndDate.Equal(l[j].EndDate) {
					return l[i].EndDate.Before(l[j].EndDate)
				}
				return l[i].SubscriptionID < l[j].SubscriptionID
			})
		}
		out = append(out, *r)
	}
	return out
}

// The subscription page's term actions (subscription_changes.action).
const (
	LifeRenewDirect    LifeAction = "renewed_direct"   // renewed by direct billing: the new term starts today
	LifeTermReactivate LifeAction = "term_reactivated" // an expired or disabled subscription reactivated by paying
)

// RenewDirectOffer is what the subscription page offers about renewing by
// direct billing: whether the reader may (Show), whether it reactivates an
// expired or disabled subscription, the new term's end, and the days of the
// current term that renewing now gives up.
type RenewDirectOffer struct {
	Show, Reactivate bool
	NewEnd           time.Time
	DaysGivenUp      int
}

// RenewDirectFor says what the page offers the actor on sub at now.
func RenewDirectFor(a Actor, sub Subscription, now time.Time) RenewDirectOffer {
	if !a.Can(PermManageLicences) {
		return RenewDirectOffer{}
	}
	ch, err := RenewDirect(sub, true, now)
	if err != nil {
		return RenewDirectOffer{}
	}
	o := RenewDirectOffer{Show: true, Reactivate: ch.Action == LifeTermReactivate, NewEnd: ch.After.EndDate}
	if left := -DaysPastEnd(sub.EndDate, now); left > 0 {
		o.DaysGivenUp = left
	}
	return o
}
