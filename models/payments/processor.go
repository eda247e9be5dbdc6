// Package payments is the payment processor seen from the console: one
// interface for the outside system (tokenise a card, charge a token) and the
// built-in test processor that behaves like a card processor's test mode.
// The full card number goes in (Tokenize) and never comes out: callers keep
// the token, brand, last 4 and expiry only.
package payments

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"partnerconsole/models"
)

// Processor is a card processor. A real adapter implements the same
// interface; Name is stored beside each token.
type Processor interface {
	Name() string
	// Tokenize turns a card into a token. A card the processor refuses
	// returns a *Refusal whose Reason is a message for the card number field.
	Tokenize(ctx context.Context, c Card) (CardInfo, error)
	// Charge takes amount (minor units of currency) from the card behind
	// token. The same idempotency key always gives the same result and
	// charges at most once.
	Charge(ctx context.Context, r ChargeRequest) (ChargeResult, error)
}

// Card is what a person typed. It never prints its number: String and
// LogValue show the last 4 digits only.
type Card struct {
	Number   string
	ExpMonth int
	ExpYear  int
	Name     string
}

// String hides the number.
func (c Card) String() string { return "card ending " + Last4(c.Number) }

// GoString hides the number from %#v too.
func (c Card) GoString() string { return c.String() }

// LogValue hides the number from slog.
func (c Card) LogValue() slog.Value {
	return slog.GroupValue(slog.String("last4", Last4(c.Number)), slog.Int("exp_month", c.ExpMonth), slog.Int("exp_year", c.ExpYear))
}

// CardInfo is what the console keeps of a card.
type CardInfo struct {
	Token    string
	Brand    string
	Last4    string
	ExpMonth int
	ExpYear  int
}

// ChargeRequest is one charge.
type ChargeRequest struct {
	Token          string
	AmountMinor    int64
	Currency       string
	IdempotencyKey string
}

// Outcome is how a charge ended.
type Outcome string

const (
	Succeeded Outcome = "succeeded"
	Declined  Outcome = "declined"
	// Retry: the processor could not complete the charge now; nothing was
	// taken and the same charge may be tried again later.
	Retry Outcome = "pending_retry"
)

// ChargeResult is the processor's answer. Reason is set when not Succeeded
// and is a message shown to the payer.
type ChargeResult struct {
	Outcome Outcome
	Ref     string
	Reason  string
}

// Refusal is a card the processor will not tokenise, or a charge it refused
// outright; Reason is the message for the payer.
type Refusal struct{ Reason string }

func (r *Refusal) Error() string { return "payment refused: " + r.Reason }

// Digits keeps the digits of a typed card number (people type spaces and
// dashes).
func Digits(number string) string { return models.CardDigits(number) }

// Last4 is the last four digits of a card number.
func Last4(number string) string { return models.CardLast4(number) }

// Luhn tells whether a card number passes the Luhn check.
func Luhn(number string) bool { return models.LuhnValid(number) }

// Brand names the card scheme from the number's prefix.
func Brand(number string) string {
	d := Digits(number)
	switch {
	case strings.HasPrefix(d, "4"):
		return "Visa"
	case strings.HasPrefix(d, "34"), strings.HasPrefix(d, "37"):
		return "American Express"
	case len(d) >= 2 && d[0] == '5' && d[1] >= '1' && d[1] <= '5':
		return "Mastercard"
	case strings.HasPrefix(d, "6011"), strings.HasPrefix(d, "65"):
		return "Discover"
	case strings.HasPrefix(d, "35"):
		return "JCB"
	}
	return "Card"
}

// New returns the processor a configuration names. Only "test" exists for
// now; an unknown name is an error (production refuses to start).
func New(name string) (Processor, error) {
	switch name {
	case "test":
		return TestProcessor{}, nil
	}
	return nil, fmt.Errorf("unknown payment processor %q (known: test)", name)
}

// Messages the test processor gives; the console translates them.
const (
	ReasonNotTestCard        = "This is not a test card number: use one of the test cards listed in the README."
	ReasonDeclined           = "Your card was declined."
	ReasonInsufficientFunds  = "Your card has insufficient funds."
	ReasonExpiredCard        = "Your card has expired."
	ReasonProcessingError    = "The card processor could not complete the charge; it will be tried again."
	ReasonUnknownPaymentCard = "This card is no longer known to the processor."
)

// behaviour of each documented test card (see README, Test cards).
type behaviour string

const (
	bSucceed      behaviour = "ok"
	bDecline      behaviour = "dcl"
	bInsufficient behaviour = "nsf"
	bExpired      behaviour = "exp"
	bRetry        behaviour = "rty"
)

// testCard says how a documented test card number behaves (all expiry
// dates in the future and any name work); ok is false for other numbers.
func testCard(digits string) (behaviour, bool) {
	switch digits {
	case "4242424242424242", // Visa, succeeds
		"5555555555554444", // Mastercard, succeeds
		"378282246310005":  // American Express, succeeds
		return bSucceed, true
	case "4000000000000002": // declined: "Your card was declined."
		return bDecline, true
	case "4000000000009995": // declined: insufficient funds
		return bInsufficient, true
	case "4000000000000069": // declined: expired card
		return bExpired, true
	case "4000000000000119": // processing error: retried later
		return bRetry, true
	}
	return "", false
}

// TestCardOutcome tells what a charge on a documented test card does, for
// tests and the README; ok is false for any other number.
func TestCardOutcome(number string) (Outcome, string, bool) {
	b, ok := testCard(Digits(number))
	if !ok {
		return "", "", false
	}
	return b.outcome()
}

func (b behaviour) outcome() (Outcome, string, bool) {
	switch b {
	case bSucceed:
		return Succeeded, "", true
	case bDecline:
		return Declined, ReasonDeclined, true
	case bInsufficient:
		return Declined, ReasonInsufficientFunds, true
	case bExpired:
		return Declined, ReasonExpiredCard, true
	case bRetry:
		return Retry, ReasonProcessingError, true
	}
	return "", "", false
}

// TestProcessor behaves like a card processor's test mode: only the
// documented test numbers tokenise, and each charges the way its number
// says. It keeps no state: the token carries the behaviour and a random
// part, never the number, and the charge reference derives from the
// idempotency key, so a repeated key gives the same answer.
type TestProcessor struct{}

// Name is stored with each token.
func (TestProcessor) Name() string { return "test" }

// Tokenize refuses numbers that are not test cards, like a test mode does.
func (TestProcessor) Tokenize(_ context.Context, c Card) (CardInfo, error) {
	d := Digits(c.Number)
	b, ok := testCard(d)
	if !ok {
		return CardInfo{}, &Refusal{Reason: ReasonNotTestCard}
	}
	var rnd [12]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return CardInfo{}, fmt.Errorf("tokenise card: %w", err)
	}
	return CardInfo{
		Token:    "tok_test_" + string(b) + "_" + hex.EncodeToString(rnd[:]),
		Brand:    Brand(d),
		Last4:    Last4(d),
		ExpMonth: c.ExpMonth,
		ExpYear:  c.ExpYear,
	}, nil
}

// Charge answers from the token's behaviour; the reference is derived from
// the idempotency key (same key, same reference).
func (TestProcessor) Charge(_ context.Context, r ChargeRequest) (ChargeResult, error) {
	if r.AmountMinor <= 0 {
		return ChargeResult{}, errors.New("charge: amount must be positive")
	}
	if r.IdempotencyKey == "" {
		return ChargeResult{}, errors.New("charge: idempotency key required")
	}
	parts := strings.Split(r.Token, "_")
	if len(parts) != 4 || parts[0] != "tok" || parts[1] != "test" {
		return ChargeResult{Outcome: Declined, Reason: ReasonUnknownPaymentCard}, nil
	}
	out, reason, ok := behaviour(parts[2]).outcome()
	if !ok {
		return ChargeResult{Outcome: Declined, Reason: ReasonUnknownPaymentCard}, nil
	}
	sum := sha256.Sum256([]byte(r.IdempotencyKey))
	return ChargeResult{Outcome: out, Ref: "ch_test_" + hex.EncodeToString(sum[:12]), Reason: reason}, nil
}
