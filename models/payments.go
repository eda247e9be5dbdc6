package models

import (
	"sort"
	"time"
)

// Payment rules (R-PAY-1, R-PAY-2, R-LIC-4): pure decisions the store asks
// before it writes payments, payment methods and suspensions.

// MsgMinimumPayment is the field message of an amount under the currency's
// minimum; views fill {{.Minimum}} with the formatted minimum ("€10.00").
const MsgMinimumPayment = "The minimum payment is {{.Minimum}}."

// CheckPaymentAmount checks an amount a payer typed (minor units): positive
// and at least the currency's minimum (money.MinimumPayment). Paying more
// than is due is allowed: the rest becomes an over-payment credit.
func CheckPaymentAmount(amountMinor, minimumMinor int64) error {
	if amountMinor <= 0 {
		return &Error{Code: CodeInvalid, Field: "amount", Message: "Enter an amount greater than zero."}
	}
	if amountMinor < minimumMinor {
		return &Error{Code: CodeInvalid, Field: "amount", Message: MsgMinimumPayment}
	}
	return nil
}

// ParsePaymentAmount reads a typed amount ("120", "120.50", "1 500") in the
// currency's minor units.
func ParsePaymentAmount(s, currency string) (int64, error) {
	v, ok := ParseCaseAmount(s, currency)
	if !ok {
		return 0, &Error{Code: CodeInvalid, Field: "amount", Message: "Enter an amount such as 120.50."}
	}
	return v, nil
}

// CardExpiry checks a card's expiry: a real month, not past (a card is valid
// to the end of its expiry month), and not absurdly far.
func CardExpiry(month, year int, now time.Time) error {
	if month < 1 || month > 12 {
		return &Error{Code: CodeInvalid, Field: "exp_month", Message: "Choose the expiry month."}
	}
	if year > 0 && year < 100 {
		year += 2000
	}
	y, m, _ := now.UTC().Date()
	if year < y || (year == y && month < int(m)) {
		return &Error{Code: CodeInvalid, Field: "exp_year", Message: "This card has expired: the expiry date must be in the future."}
	}
	if year > y+20 {
		return &Error{Code: CodeInvalid, Field: "exp_year", Message: "Enter the expiry year printed on the card."}
	}
	return nil
}

// CardOnFile is a payment method as the rules see it.
type CardOnFile struct {
	ID        int64
	IsPrimary bool
	ExpMonth  int
	ExpYear   int
	CreatedAt time.Time
}

// Expired tells whether the card's expiry month is over at now.
func (c CardOnFile) Expired(now time.Time) bool {
	return CardExpiry(c.ExpMonth, c.ExpYear, now) != nil
}

// CheckRemovePaymentMethod: the last payment method cannot go while a
// balance is due (R-PAY-1).
func CheckRemovePaymentMethod(active int, balanceDueMinor int64) error {
	if active <= 1 && balanceDueMinor > 0 {
		return &Error{Code: CodeConflict, Field: "_form", Message: "You cannot remove your last payment method while a balance is due: add another card first, or pay the balance."}
	}
	return nil
}

// PrimaryAfterAdd tells whether a new card becomes the primary: when asked,
// or when the account has no primary yet.
func PrimaryAfterAdd(cards []CardOnFile, asked bool) bool {
	if asked {
		return true
	}
	for _, c := range cards {
		if c.IsPrimary {
			return false
		}
	}
	return true
}

// PrimaryAfterRemove names the card that becomes primary when removed goes:
// 0 when removed was not the primary or nothing is left; else the newest
// card that has not expired, or the newest one.
func PrimaryAfterRemove(cards []CardOnFile, removed int64, now time.Time) int64 {
	wasPrimary := false
	var rest []CardOnFile
	for _, c := range cards {
		if c.ID == removed {
			wasPrimary = c.IsPrimary
			continue
		}
		rest = append(rest, c)
	}
	if !wasPrimary || len(rest) == 0 {
		return 0
	}
	sort.SliceStable(rest, func(i, j int) bool {
		if !rest[i].CreatedAt.Equal(rest[j].CreatedAt) {
			return rest[i].CreatedAt.After(rest[j].CreatedAt)
		}
		return rest[i].ID > rest[j].ID
	})
	for _, c := range rest {
		if !c.Expired(now) {
			return c.ID
		}
	}
	return rest[0].ID
}

// OverPayment is what a payment leaves once the open invoices are paid:
// it becomes an over_payment credit on the next invoices. This is how a
// manual payment that races the automatic one ends (seed 004's double
// payment): the second to be allocated finds nothing, or less, to pay.
func OverPayment(amountMinor, allocatedMinor int64) int64 {
	if allocatedMinor >= amountMinor {
		return 0
	}
	return amountMinor - allocatedMinor
}

// AutoChargeAmount is what the automatic payment takes for an invoice on
// its due date: what is still open on it; 0 means nothing to charge.
func AutoChargeAmount(totalMinor, paidMinor int64) int64 {
	if totalMinor <= paidMinor {
		return 0
	}
	return totalMinor - paidMinor
}

// MaxChargeAttempts bounds the automatic payment of one invoice: the first
// attempt on the due date and the hourly retries of a charge the processor
// could not complete.
const MaxChargeAttempts = 24

// NonPaymentSince is the day from which an invoice due on dueOn and still
// unpaid suspends the account's subscriptions: suspendAfterDays after the
// due date (R-LIC-4; billing_accounts.suspend_after_days, default 30).
func NonPaymentSince(dueOn time.Time, suspendAfterDays int) time.Time {
	if suspendAfterDays < 0 {
		suspendAfterDays = 0
	}
	return Day(dueOn).AddDate(0, 0, suspendAfterDays)
}

// Overdue tells whether an open invoice due on dueOn suspends at now.
func Overdue(dueOn time.Time, suspendAfterDays int, now time.Time) bool {
	return !Day(now).Before(NonPaymentSince(dueOn, suspendAfterDays))
}

// SuspendForNonPayment decides the suspension of an account's
// subscriptions for non-payment: each that has not ended gains the
// non_payment reason (once).
func SuspendForNonPayment(subs []Subscription, now time.Time) []SubChange {
	var out []SubChange
	for _, s := range subs {
		if s.Status != SubActive && s.Status != SubSuspended {
			continue
		}
		if s.HasReason(SuspendNonPayment) {
			continue
		}
		before := s
		before.SuspensionReasons = append(TextArray{}, s.SuspensionReasons...)
		Suspend(&s, SuspendNonPayment)
		s.UpdatedAt = now
		out = append(out, SubChange{Before: before, After: s})
	}
	return out
}

// LiftNonPayment decides what paying does: when no open invoice is overdue
// any more (stillOverdue false) every subscription loses its non_payment
// reason and is active again unless another reason remains. It applies at
// once after a manual payment, and after the next successful automatic
// charge when the payer only fixed the card.
func LiftNonPayment(subs []Subscription, stillOverdue bool, now time.Time) []SubChange {
	if stillOverdue {
		return nil
	}
	var out []SubChange
	for _, s := range subs {
		before := s
		before.SuspensionReasons = append(TextArray{}, s.SuspensionReasons...)
		if !RemoveReason(&s, SuspendNonPayment) {
			continue
		}
		s.UpdatedAt = now
		out = append(out, SubChange{Before: before, After: s})
	}
	return out
}
