package models

import (
	"strconv"
	"strings"
	"time"
)

// The subscription's life (issue 9, R-LIC-1..3): adding licences, the
// renewal option, cancelling now, the reseller's suspension and the end of a
// trial. Each decision is pure: it takes the subscription as loaded (locked)
// and the prices, and returns the subscription after the change, what to
// charge, or a coded error with its field.

// Pricing is what the decisions need to price a change: the unit price of
// the subscription's product and plan in its billing account's currency, and
// the money package's proration functions (injected so that models imports
// nothing of ours).
type Pricing struct {
	UnitMinor int64
	Currency  string
	// ProrateToTermEnd is the price of qty licences from the day from to
	// termEnd, the term's last day (inclusive, like EndDate).
	ProrateToTermEnd func(unitMinor int64, qty int, from, termEnd time.Time, plan Plan) int64
	// LicencesAddedCharge is what adding qty licences on the day from is
	// charged on the next invoice (the rest of the month for monthly-billed
	// plans, whose next months the invoice bills at the new quantity; the
	// rest of the term for prepaid plans). Nil: prepaid plans are charged
	// the price to the term end, others nothing.
	LicencesAddedCharge func(unitMinor int64, qty int, from, termEnd time.Time, plan Plan) int64
	// RemainingCommitment is what cancelling sub at at leaves due to the end
	// of its current commitment.
	RemainingCommitment func(sub Subscription, unitMinor int64, at time.Time) int64
}

// LifeAction names an action on a subscription (the audit action is
// "subscription." + the action).
type LifeAction string

const (
	LifeAddLicences  LifeAction = "licences_added"
	LifeRenewal      LifeAction = "renewal_changed"
	LifeCancelNow    LifeAction = "cancelled"
	LifeSuspend      LifeAction = "suspended"
	LifeReactivate   LifeAction = "reactivated"
	LifeTrialEnded   LifeAction = "trial_ended"
	LifeBillingSetUp LifeAction = "billing_set_up"
)

// LifeChange is what one decided action does: the subscription before and
// after, and the one-off charge (0: none) with its kind for the next invoice.
type LifeChange struct {
	Action      LifeAction
	Before      Subscription
	After       Subscription
	ChargeMinor int64
	ChargeKind  string // "licences_added", "cancellation"; "" when nothing is charged
	// PriceMinor is the price of the change shown before the terms are
	// ticked: the prorated price to the term end, whether it is charged at
	// once (prepaid) or on the monthly invoices.
	PriceMinor int64
	Added      int // licences added
}

func (s Subscription) clone() Subscription {
	c := s
	c.SuspensionReasons = append(TextArray{}, s.SuspensionReasons...)
	return c
}

// IsEnded tells whether the subscription has ended (cancelled now, or over).
func (s Subscription) IsEnded() bool { return s.Status == SubEnded || s.EndedAt != nil }

// manageable refuses actions on subscriptions customers and resellers cannot
// change online: ended ones and offline ones (managed by order forms).
func (s Subscription) manageable() error {
	if s.IsEnded() {
		return &Error{Code: CodeConflict, Message: "This subscription has ended."}
	}
	if s.InTermEnd() {
		return &Error{Code: CodeConflict, Message: "This subscription's term is over: renew or reactivate it first."}
	}
	if s.Channel == SubOffline {
		return &Error{Code: CodeConflict, Message: "This subscription is managed offline, by order forms."}
	}
	return nil
}

// licencesBlockedBy is why a suspension reason blocks adding licences ("":
// it does not): the trial must be set up, the balance paid, or the
// subscription has ended. A reseller's suspension or pending terms do not
// block it.
func licencesBlockedBy(r SuspensionReason) string {
	switch r {
	case SuspendTrialEnded:
		return "Set up billing for this trial before adding licences."
	case SuspendNonPayment:
		return "Pay the outstanding balance before adding licences."
	case SuspendRenewalWithCancel, SuspendOther:
		return "This subscription has ended."
	}
	return ""
}

// ParseAdditional reads the "additional licences" field: a whole number of 1
// or more (R-LIC-1 asks for the additional number, not the total).
func ParseAdditional(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, &Error{Code: CodeInvalid, Field: "additional", Message: "Enter the number of licences to add."}
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, &Error{Code: CodeInvalid, Field: "additional", Message: "Enter a whole number of 1 or more."}
	}
	return n, nil
}

// AddLicences decides R-LIC-1 at now: additional licences on top of the
// current quantity (25 more on 25 → 50), within the product's maximum. The
// price is the added licences prorated from today to the term end; the next
// invoice charges the rest of the term (prepaid plans) or the rest of the
// month (monthly-billed plans, whose next invoices bill the new quantity). Without terms ticked it is only a preview: the
// caller shows After.Quantity and PriceMinor and asks for the tick (confirm
// false returns the preview, never an error about the terms).
func AddLicences(sub Subscription, product Product, additional int, p Pricing, termsAccepted, confirm bool, now time.Time) (LifeChange, error) {
	ch := LifeChange{Action: LifeAddLicences, Before: sub.clone(), Added: additional}
	if err := sub.manageable(); err != nil {
		return ch, err
	}
	if sub.Plan == PlanTrial {
		return ch, &Error{Code: CodeConflict, Message: "Set up billing for this trial before adding licences."}
	}
	for _, r := range sub.SuspensionReasons {
		if msg := licencesBlockedBy(SuspensionReason(r)); msg != "" {
			return ch, &Error{Code: CodeConflict, Message: msg}
		}
	}
	if additional < 1 {
		return ch, &Error{Code: CodeInvalid, Field: "additional", Message: "Enter a whole number of 1 or more."}
	}
	if product.MaxQuantity > 0 && sub.Quantity+additional > product.MaxQuantity {
		return ch, &Error{Code: CodeInvalid, Field: "additional", Message: "The total would exceed the product's maximum number of licences."}
	}
	after := sub.clone()
	after.Quantity = sub.Quantity + additional
	after.UpdatedAt = now
	ch.After = after
	if p.ProrateToTermEnd != nil {
		ch.PriceMinor = p.ProrateToTermEnd(p.UnitMinor, additional, Day(now), Day(sub.EndDate), sub.Plan)
	}
	switch {
	case p.LicencesAddedCharge != nil:
		ch.ChargeMinor = p.LicencesAddedCharge(p.UnitMinor, additional, Day(now), Day(sub.EndDate), sub.Plan)
	case sub.Plan == PlanAnnualPrepaid:
		ch.ChargeMinor = ch.PriceMinor
	}
	if ch.ChargeMinor > 0 {
		ch.ChargeKind = "licences_added"
	}
	if confirm && !termsAccepted {
		return ch, &Error{Code: CodeInvalid, Field: "terms", Message: "Tick the terms to add the licences."}
	}
	return ch, nil
}

// RenewalOptionsFor lists the renewal options a plan allows (R-LIC-2):
// annual plans renew automatically, manually or end at expiry; flexible
// plans run month to month until cancelled at the end of the month; trials
// and the grace plan have none (a trial is set up instead).
func RenewalOptionsFor(p Plan) []RenewalOption {
	switch p {
	case PlanAnnualMonthly, PlanAnnualPrepaid:
		return []RenewalOption{RenewAuto, RenewManually, CancelAtEnd}
	case PlanFlexible:
		return []RenewalOption{RenewAuto, CancelAtEnd}
	}
	return nil
}

// SetRenewalOption decides R-LIC-2's renewal option at now.
func SetRenewalOption(sub Subscription, opt string, now time.Time) (LifeChange, error) {
	ch := LifeChange{Action: LifeRenewal, Before: sub.clone()}
	if err := sub.manageable(); err != nil {
		return ch, err
	}
	allowed := RenewalOptionsFor(sub.Plan)
	if len(allowed) == 0 {
		return ch, &Error{Code: CodeConflict, Message: "This plan has no renewal option."}
	}
	ok := false
	for _, o := range allowed {
		if string(o) == opt {
			ok = true
		}
	}
	if !ok {
		return ch, &Error{Code: CodeInvalid, Field: "renewal_option", Message: "Choose one of the renewal options offered."}
	}
	after := sub.clone()
	after.RenewalOption = RenewalOption(opt)
	after.UpdatedAt = now
	ch.After = after
	return ch, nil
}

// CancelNow decides R-LIC-2's "cancel now" at now: the subscription ends
// today. What is still due to the end of the current commitment is charged
// on the next invoice (annual plans billed monthly); a prepaid year is
// already billed; a flexible plan ends at once and its month is prorated by
// the monthly invoice up to the end date; a trial ends without charge.
// Without confirm it is a preview of the amount.
func CancelNow(sub Subscription, p Pricing, confirm bool, now time.Time) (LifeChange, error) {
	ch := LifeChange{Action: LifeCancelNow, Before: sub.clone()}
	if err := sub.manageable(); err != nil {
		return ch, err
	}
	if sub.Plan == PlanAnnualMonthly && p.RemainingCommitment != nil {
		ch.PriceMinor = p.RemainingCommitment(sub, p.UnitMinor, now)
		if ch.PriceMinor > 0 {
			ch.ChargeMinor, ch.ChargeKind = ch.PriceMinor, "cancellation"
		}
	}
	after := sub.clone()
	at := now
	after.Status = SubEnded
	after.EndedAt, after.CancelledAt = &at, &at
	after.RenewalOption = CancelAtEnd
	after.SuspensionReasons = TextArray{}
	if d := Day(now); d.Before(Day(after.EndDate)) && !d.Before(Day(after.StartDate)) {
		after.EndDate = d
	}
	after.UpdatedAt = now
	ch.After = after
	if !confirm {
		return ch, &Error{Code: CodeInvalid, Field: "confirm", Message: "Confirm to cancel the subscription now."}
	}
	return ch, nil
}

// ResellerSuspend decides the reseller's suspension (reseller_initiated).
func ResellerSuspend(sub Subscription, now time.Time) (LifeChange, error) {
	ch := LifeChange{Action: LifeSuspend, Before: sub.clone()}
	if sub.IsEnded() {
		return ch, &Error{Code: CodeConflict, Message: "This subscription has ended."}
	}
	if sub.HasReason(SuspendResellerInitiated) {
		return ch, &Error{Code: CodeConflict, Message: "This subscription is already suspended by the reseller."}
	}
	after := sub.clone()
	Suspend(&after, SuspendResellerInitiated)
	after.UpdatedAt = now
	ch.After = after
	return ch, nil
}

// ResellerReactivate lifts the reseller's suspension only: the subscription
// stays suspended while other reasons (non-payment, trial ended…) remain.
func ResellerReactivate(sub Subscription, now time.Time) (LifeChange, error) {
	ch := LifeChange{Action: LifeReactivate, Before: sub.clone()}
	if sub.IsEnded() {
		return ch, &Error{Code: CodeConflict, Message: "This subscription has ended."}
	}
	if !sub.HasReason(SuspendResellerInitiated) {
		return ch, &Error{Code: CodeConflict, Message: "This subscription is not suspended by the reseller."}
	}
	after := sub.clone()
	RemoveReason(&after, SuspendResellerInitiated)
	after.UpdatedAt = now
	ch.After = after
	return ch, nil
}

// TrialDue tells whether a trial is over at now without billing set up
// (R-LIC-3): its end date has passed.
func (s Subscription) TrialDue(now time.Time) bool {
	return s.Plan == PlanTrial && !s.TrialBillingSetUp && !s.IsEnded() &&
		!s.HasReason(SuspendTrialEnded) && Day(now).After(Day(s.EndDate))
}

// EndTrial suspends a trial whose end passed without billing (trial_ended);
// ok is false when there is nothing to do.
func EndTrial(sub Subscription, now time.Time) (LifeChange, bool) {
	ch := LifeChange{Action: LifeTrialEnded, Before: sub.clone()}
	if !sub.TrialDue(now) {
		return ch, false
	}
	after := sub.clone()
	Suspend(&after, SuspendTrialEnded)
	after.UpdatedAt = now
	ch.After = after
	return ch, true
}

// BillingSetUp is seed 004's "Configurer la facturation": the plan, the
// number of licences, the terms ticked.
type BillingSetUp struct {
	Plan          string
	Quantity      string
	TermsAccepted bool
}

// SetUpBilling decides R-LIC-3's setting up of billing for a trial at now:
// it takes the chosen paid plan and licences, starts the first term today
// and lifts trial_ended (the status stays suspended while other reasons
// remain). The subscription must bill to an account.
func SetUpBilling(sub Subscription, product Product, in BillingSetUp, now time.Time) (LifeChange, error) {
	ch := LifeChange{Action: LifeBillingSetUp, Before: sub.clone()}
	if err := sub.manageable(); err != nil {
		return ch, err
	}
	if sub.Plan != PlanTrial || sub.TrialBillingSetUp {
		return ch, &Error{Code: CodeConflict, Message: "Billing is already set up for this subscription."}
	}
	if sub.BillingAccountID == nil {
		return ch, &Error{Code: CodeConflict, Message: "This subscription has no billing account: ask the platform to add one."}
	}
	f := FieldErrors{}
	plan := Plan(strings.TrimSpace(in.Plan))
	if plan != PlanFlexible && plan != PlanAnnualMonthly && plan != PlanAnnualPrepaid {
		f.Add("plan", "Choose a plan.")
	}
	qty, err := strconv.Atoi(strings.TrimSpace(in.Quantity))
	switch {
	case strings.TrimSpace(in.Quantity) == "":
		f.Add("quantity", "Enter the number of licences.")
	case err != nil || qty < 1:
		f.Add("quantity", "Enter a whole number of 1 or more.")
	case product.MaxQuantity > 0 && qty > product.MaxQuantity:
		f.Add("quantity", "The product does not allow that many licences.")
	}
	if !in.TermsAccepted {
		f.Add("terms", "Tick the terms to set up billing.")
	}
	if err := f.Err(); err != nil {
		return ch, err
	}
	after := sub.clone()
	after.Plan, after.Quantity = plan, qty
	after.TrialBillingSetUp = true
	after.StartDate = Day(now)
	after.EndDate = FirstTermEnd(now, plan)
	after.RenewalOption = RenewAuto
	RemoveReason(&after, SuspendTrialEnded)
	after.UpdatedAt = now
	ch.After = after
	return ch, nil
}

// LifeActions says which actions a role may take on a subscription as it is
// (the page shows only those).
type LifeActions struct {
	AddLicences, Renewal, CancelNow, Suspend, Reactivate, SetUpBilling bool
}

// ActionsFor lists the actions the actor may take on sub. Managing licences
// and renewal options needs PermManageLicences; suspension is the
// reseller's (PermSuspendSubscriptions, on its own customers' subscriptions).
func ActionsFor(a Actor, sub Subscription) LifeActions {
	var out LifeActions
	if sub.IsEnded() || sub.InTermEnd() || sub.Channel == SubOffline {
		return out
	}
	if a.Can(PermManageLicences) {
		trial := sub.Plan == PlanTrial && !sub.TrialBillingSetUp
		blocked := false
		for _, r := range sub.SuspensionReasons {
			if licencesBlockedBy(SuspensionReason(r)) != "" {
				blocked = true
			}
		}
		out.AddLicences = !trial && !blocked
		out.Renewal = len(RenewalOptionsFor(sub.Plan)) > 0
		out.CancelNow = true
		out.SetUpBilling = trial
	}
	if a.Can(PermSuspendSubscriptions) && a.OrgKind == OrgConsole {
		out.Suspend = !sub.HasReason(SuspendResellerInitiated)
		out.Reactivate = sub.HasReason(SuspendResellerInitiated)
	}
	return out
}
