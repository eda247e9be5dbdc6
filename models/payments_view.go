package models

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// PayAccount is a billing account as payments see it: who owns it (a
// console or a direct customer), its currency and its non-payment delay.
type PayAccount struct {
	ID               int64
	ConsoleID        *int64
	CustomerID       *int64
	Name             string
	Currency         string
	SuspendAfterDays int
}

// Owner is the organisation that pays the account.
func (a PayAccount) Owner() int64 {
	if a.CustomerID != nil {
		return *a.CustomerID
	}
	if a.ConsoleID != nil {
		return *a.ConsoleID
	}
	return 0
}

// BillingOverview is the payment page of one billing account: its cards,
// what is due, the minimum payment and the recent payments.
type BillingOverview struct {
	Account         PayAccount
	Accounts        []PayAccount // the accounts the actor may switch between
	Methods         []PaymentMethod
	BalanceDueMinor int64
	MinimumMinor    int64
	CreditMinor     int64 // credits not yet used
	Payments        []Payment
	Suspended       int // subscriptions suspended for non-payment
}

// Primary is the primary card, if any.
func (o BillingOverview) Primary() *PaymentMethod {
	for i := range o.Methods {
		if o.Methods[i].IsPrimary {
			return &o.Methods[i]
		}
	}
	return nil
}

// PaymentInput is one "pay the balance" submission: the amount typed, the
// card chosen or a new one, and the form's idempotency key.
type PaymentInput struct {
	Amount   string
	MethodID int64
	NewCard  *CardInput
	Key      string
}

// NewIdempotencyKey is the hidden key of a new payment or credit form: 128
// random bits in hex.
func NewIdempotencyKey() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// CheckIdempotencyKey checks the form's hidden key: one submission is one
// payment, so a form without a well-formed key is refused.
func CheckIdempotencyKey(k string) error {
	if len(k) < 16 || len(k) > 100 {
		return &Error{Code: CodeInvalid, Field: "_form", Message: "This form has expired: reload the page and try again."}
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return &Error{Code: CodeInvalid, Field: "_form", Message: "This form has expired: reload the page and try again."}
		}
	}
	return nil
}

// PaymentReceipt is what a payment did: the payment, what went to invoices,
// what became an over-payment credit, whether it was an earlier submission
// of the same form, and how many suspended subscriptions came back.
type PaymentReceipt struct {
	Payment        Payment
	AllocatedMinor int64
	OverPaidMinor  int64
	Replayed       bool
	Reactivated    int
}

// CreditInput is the desk's credit form.
type CreditInput struct {
	Amount string
	Reason string
	Key    string
}

// CheckCreditReason: a credit the desk issues says why.
func CheckCreditReason(reason string) error {
	if len([]rune(reason)) < 5 {
		return &Error{Code: CodeInvalid, Field: "reason", Message: "Say why the credit is issued (at least 5 characters)."}
	}
	if len([]rune(reason)) > 500 {
		return &Error{Code: CodeInvalid, Field: "reason", Message: "Keep the reason under 500 characters."}
	}
	return nil
}

// CheckCreditAmount: a desk credit is positive and not absurd (a million
// major units at most).
func CheckCreditAmount(amountMinor int64, currency string) error {
	if amountMinor <= 0 {
		return &Error{Code: CodeInvalid, Field: "amount", Message: "Enter an amount greater than zero."}
	}
	max := int64(1_000_000)
	for i := 0; i < CurrencyScale(currency); i++ {
		max *= 10
	}
	if amountMinor > max {
		return &Error{Code: CodeInvalid, Field: "amount", Message: "This amount is too large for a credit."}
	}
	return nil
}

// CreditRow is a credit on the desk's credits page.
type CreditRow struct {
	ID             int64
	AmountMinor    int64
	RemainingMinor int64
	Currency       string
	Reason         string
	Source         string
	CreatedAt      time.Time
	CreatedByName  string
}
