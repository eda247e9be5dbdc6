package models

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"strings"
	"time"
)

// TokenLifetime is how long a transfer token stays valid (R-TOK-1, Google's rule).
const TokenLifetime = 14 * 24 * time.Hour

// TokenBits is the strength of a transfer token: 160 random bits.
const TokenBits = 160

// Token redemption throttling: failed attempts counted per console over a window.
const (
	TokenThrottleWindow   = 15 * time.Minute
	TokenThrottleFailures = 10
)

// TransferToken lets one reseller console take over a customer's
// subscriptions (R-TOK-1). Only the token's hash is stored.
type TransferToken struct {
	ID           int64
	CustomerID   int64
	ConsoleID    int64
	TokenHash    []byte
	CreatedByID  *int64
	CreatedAt    time.Time
	ExpiresAt    time.Time
	UsedAt       *time.Time
	UsedOfferID  *int64
	RevokedAt    *time.Time
	ReplacedByID *int64
}

// TokenState is a token's state at an instant.
type TokenState string

const (
	TokenActive  TokenState = "active"
	TokenUsed    TokenState = "used"
	TokenRevoked TokenState = "revoked"
	TokenExpired TokenState = "expired"
)

// State is the token's state at now.
func (t TransferToken) State(now time.Time) TokenState {
	switch {
	case t.UsedAt != nil:
		return TokenUsed
	case t.RevokedAt != nil:
		return TokenRevoked
	case !now.Before(t.ExpiresAt):
		return TokenExpired
	}
	return TokenActive
}

// NewTransferToken makes a token's secret from crypto/rand: 160 bits written
// as 32 base32 characters in groups of four, e.g. "K7QM-4XTD-…".
func NewTransferToken() string {
	b := make([]byte, TokenBits/8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
	var out strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			out.WriteByte('-')
		}
		out.WriteString(s[i:min(i+4, len(s))])
	}
	return out.String()
}

// NormalizeTransferToken accepts what a person pastes or types: case,
// spaces and dashes do not matter.
func NormalizeTransferToken(s string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\t", "", "\n", "", "\r", "").Replace(strings.TrimSpace(s)))
}

// HashTransferToken is the stored form of a token.
func HashTransferToken(s string) []byte {
	h := sha256.Sum256([]byte(NormalizeTransferToken(s)))
	return h[:]
}

// RedeemOutcome names why a console's token attempt failed (R-TOK-2).
type RedeemOutcome string

const (
	RedeemOK           RedeemOutcome = "ok"
	RedeemWrong        RedeemOutcome = "wrong"
	RedeemExpired      RedeemOutcome = "expired"
	RedeemRevoked      RedeemOutcome = "revoked"
	RedeemUsed         RedeemOutcome = "used"
	RedeemOtherConsole RedeemOutcome = "other_console"
	RedeemWrongDomain  RedeemOutcome = "wrong_domain"
)

// CheckRedeem decides whether console may use token t (nil: no token has
// that hash) for the customer whose id is customerID at now. Every failure
// names its reason.
func CheckRedeem(t *TransferToken, console, customerID int64, now time.Time) RedeemOutcome {
	if t == nil {
		return RedeemWrong
	}
	if t.ConsoleID != console {
		return RedeemOtherConsole
	}
	if customerID != 0 && t.CustomerID != customerID {
		return RedeemWrongDomain
	}
	switch t.State(now) {
	case TokenUsed:
		return RedeemUsed
	case TokenRevoked:
		return RedeemRevoked
	case TokenExpired:
		return RedeemExpired
	}
	return RedeemOK
}

// Message is the outcome's message for the token field.
func (o RedeemOutcome) Message() string {
	switch o {
	case RedeemWrong:
		return "This transfer token is not right. Check it with the customer and type it again."
	case RedeemExpired:
		return "This transfer token has expired. Ask the customer to make a new one."
	case RedeemRevoked:
		return "The customer revoked this transfer token. Ask them for a new one."
	case RedeemUsed:
		return "This transfer token was already used. Ask the customer for a new one."
	case RedeemOtherConsole:
		return "This transfer token was made for another reseller. Ask the customer to make one for your public reseller id."
	case RedeemWrongDomain:
		return "This transfer token belongs to another domain. Check the domain and the token."
	}
	return ""
}

// Err is the outcome as a field error, nil when the token may be used.
func (o RedeemOutcome) Err() error {
	if o == RedeemOK {
		return nil
	}
	return &Error{Code: CodeInvalid, Field: "token", Message: o.Message()}
}

// Revoke revokes an active token.
func (t *TransferToken) Revoke(now time.Time) error {
	switch t.State(now) {
	case TokenUsed:
		return &Error{Code: CodeConflict, Message: "This token was already used; it cannot be revoked."}
	case TokenRevoked:
		return &Error{Code: CodeConflict, Message: "This token is already revoked."}
	}
	t.RevokedAt = &now
	return nil
}

// Consume marks an active token used by an offer.
func (t *TransferToken) Consume(offerID int64, now time.Time) error {
	if t.State(now) != TokenActive {
		return &Error{Code: CodeConflict, Message: "The transfer token behind this offer is no longer valid. Ask the reseller for a new offer."}
	}
	t.UsedAt = &now
	t.UsedOfferID = &offerID
	return nil
}

// TokenRow is a transfer token as its customer sees it: for whom, when,
// and its state. The secret itself is never stored.
type TokenRow struct {
	TransferToken
	ConsoleName      string
	PublicResellerID string
}

// TableName makes TokenRow scan from transfer_tokens.
func (TokenRow) TableName() string { return "transfer_tokens" }

// ErrUnknownReseller refuses a public reseller id no active console has.
func ErrUnknownReseller() *Error {
	return &Error{Code: CodeInvalid, Field: "reseller_id",
		Message: "No reseller has this public reseller id. Check it with your reseller, e.g. K7QM-4XTD."}
}

// ErrUnknownDomain refuses a domain no customer on the platform has.
func ErrUnknownDomain() *Error {
	return &Error{Code: CodeInvalid, Field: "domain", Message: "No customer on the platform has this domain. Check it with the customer."}
}

// ErrTokenThrottled refuses token attempts after too many failures.
func ErrTokenThrottled() *Error {
	return &Error{Code: CodeTooMany, Field: "token",
		Message: "Too many wrong transfer tokens from this console. Wait 15 minutes and try again."}
}

// ErrTokenInOpenOffer refuses a second open offer on one transfer token.
func ErrTokenInOpenOffer() *Error {
	return &Error{Code: CodeInvalid, Field: "token", Message: "Another open offer already uses this transfer token. Withdraw it first."}
}

// CheckResellerID reads the public reseller id a customer admin typed to
// make a token for; whether a console has it is for the store to find.
func CheckResellerID(typed string) (string, error) {
	rid, ok := NormalizePublicResellerID(typed)
	if !ok {
		if typed == "" {
			return "", &Error{Code: CodeInvalid, Field: "reseller_id", Message: "Enter your reseller's public reseller id."}
		}
		return "", ErrUnknownReseller()
	}
	return rid, nil
}

// CheckTokenDomain reads the domain a console typed to check a token.
func CheckTokenDomain(typed string) (string, error) {
	d, ok := NormalizeDomain(typed)
	if !ok {
		return "", &Error{Code: CodeInvalid, Field: "domain", Message: "Enter a valid domain name, e.g. example.com."}
	}
	return d, nil
}

// CheckTokenThrottle refuses a console's token attempt once it has failed
// TokenThrottleFailures times within TokenThrottleWindow (R-TOK-2).
func CheckTokenThrottle(recentFailures int64) error {
	if recentFailures >= TokenThrottleFailures {
		return ErrTokenThrottled()
	}
	return nil
}

// IssueTransferToken is the row of a new token made by a customer admin for
// one console from secret (only its hash is kept), valid TokenLifetime.
func IssueTransferToken(by Actor, consoleID int64, secret string, now time.Time) TransferToken {
	t := TransferToken{CustomerID: by.OrgID, ConsoleID: consoleID, TokenHash: HashTransferToken(secret),
		CreatedAt: now, ExpiresAt: now.Add(TokenLifetime)}
	if by.UserID != 0 {
		uid := by.UserID
		t.CreatedByID = &uid
	}
	return t
}

// Regenerate prepares t for replacement by a new token for the same
// console: a token is replaced once; an active one is revoked first.
func (t *TransferToken) Regenerate(now time.Time) error {
	if t.ReplacedByID != nil {
		return &Error{Code: CodeConflict, Message: "This token was already replaced by a newer one."}
	}
	if t.State(now) == TokenActive {
		return t.Revoke(now)
	}
	return nil
}
