package models

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Two-factor sign-in (R-ROLE-7): a TOTP code (RFC 6238) from an
// authenticator app, or one of ten single-use recovery codes.
const (
	// TOTPPeriod is the length of one time-step.
	TOTPPeriod = 30 * time.Second
	// TOTPSkew is how many time-steps either side of now a code may be from
	// (clock drift between phone and server).
	TOTPSkew = 1
	// SecondFactorPendingFor bounds the half-signed-in state: the password
	// passed, the code has not.
	SecondFactorPendingFor = 5 * time.Minute
	// StepUpFreshFor is how long a code stays fresh for sensitive actions.
	StepUpFreshFor = 10 * time.Minute
	// RecoveryCodeCount is how many recovery codes a user holds.
	RecoveryCodeCount = 10
	// Wrong codes are throttled like passwords: per account, over a window.
	CodeFailureWindow = 15 * time.Minute
	CodeFailureLimit  = 5
)

// SecondFactorRequired tells whether a role must sign in with a second
// factor: a console's super admin and admin agents, and every desk role.
func SecondFactorRequired(r Role) bool {
	return r == RoleSuperAdmin || r == RoleAdminAgent || r.Kind() == OrgOperator
}

// SignInStep is what a session still needs after the password.
type SignInStep string

const (
	StepDone  SignInStep = ""      // fully signed in
	StepCode  SignInStep = "code"  // enter a code from the authenticator (or a recovery code)
	StepEnrol SignInStep = "enrol" // set up an authenticator first (the role requires one)
)

// NextSignInStep decides what follows a correct password.
func NextSignInStep(r Role, hasSecondFactor bool) SignInStep {
	switch {
	case hasSecondFactor:
		return StepCode
	case SecondFactorRequired(r):
		return StepEnrol
	}
	return StepDone
}

// SessionStep is where a session stands on each request: the step stored at
// sign-in, unless the user must now enrol (their role came to require a
// second factor, or it was reset) — then enrolment, whatever was stored.
func SessionStep(stored SignInStep, r Role, hasSecondFactor bool) SignInStep {
	if stored == StepDone && SecondFactorRequired(r) && !hasSecondFactor {
		return StepEnrol
	}
	return stored
}

// PendingExpired tells whether a half-signed-in session has run out.
func PendingExpired(signedInAt, now time.Time) bool {
	return now.Sub(signedInAt) > SecondFactorPendingFor
}

// StepUpNeeded tells whether a sensitive action must ask for a fresh code:
// none was entered in this session, or the last is older than StepUpFreshFor.
func StepUpNeeded(lastCodeAt *time.Time, now time.Time) bool {
	return lastCodeAt == nil || now.Sub(*lastCodeAt) > StepUpFreshFor
}

// TOTPStep is the RFC 6238 time-step counter of t.
func TOTPStep(t time.Time) int64 { return t.Unix() / int64(TOTPPeriod/time.Second) }

func errCodeFormat() *Error {
	return &Error{Code: CodeInvalid, Field: "code", Message: "Enter the 6-digit code from your authenticator app, or a recovery code."}
}

// ErrCodeWrong is the answer for a wrong, expired or already used code.
func ErrCodeWrong() *Error {
	return &Error{Code: CodeInvalid, Field: "code", Message: "That code is not right. Wait for the next code and try again."}
}

// ErrCodeThrottled answers too many wrong codes.
func ErrCodeThrottled() *Error {
	return &Error{Code: CodeTooMany, Field: "code", Message: "Too many wrong codes. Wait a few minutes and try again."}
}

// CodeKind says what a typed code is.
type CodeKind int

const (
	CodeKindNone CodeKind = iota
	CodeKindTOTP
	CodeKindRecovery
)

// ParseCode reads a typed code: six digits are a TOTP code; sixteen letters
// and digits (dashes and spaces ignored) are a recovery code.
func ParseCode(s string) (CodeKind, string, error) {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r == ' ' || r == '-' || r == '\t' {
			continue
		}
		b.WriteRune(r)
	}
	c := b.String()
	switch {
	case len(c) == 6 && allIn(c, "0123456789"):
		return CodeKindTOTP, c, nil
	case len(c) == recoveryLen && allIn(c, recoveryAlphabet):
		return CodeKindRecovery, c, nil
	}
	return CodeKindNone, "", errCodeFormat()
}

func allIn(s, set string) bool {
	for _, r := range s {
		if !strings.ContainsRune(set, r) {
			return false
		}
	}
	return true
}

// CheckTOTP checks a six-digit code against a seed at now. It accepts the
// time-steps within TOTPSkew of now, and only those after lastStep, the
// step of the last code accepted: a code works once. It returns the step of
// the accepted code, to be stored as the new lastStep.
func CheckTOTP(secret, code string, now time.Time, lastStep int64) (int64, error) {
	cur := TOTPStep(now)
	var found int64 = -1
	for s := cur - TOTPSkew; s <= cur+TOTPSkew; s++ {
		want, err := TOTPCode(secret, time.Unix(s*int64(TOTPPeriod/time.Second), 0))
		if err != nil {
			return 0, fmt.Errorf("check TOTP code: %w", err)
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && found < 0 {
			found = s
		}
	}
	if found < 0 || found <= lastStep {
		return 0, ErrCodeWrong()
	}
	return found, nil
}

// TOTPCode computes the code of a seed at t (what the authenticator shows).
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: uint(TOTPPeriod / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// recoveryAlphabet leaves out look-alikes (0/o, 1/l/i).
const (
	recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	recoveryLen      = 16 // ~79 bits: a plain SHA-256 is safe to store
)

// NewRecoveryCodes draws RecoveryCodeCount codes, shown as xxxx-xxxx-xxxx-xxxx.
func NewRecoveryCodes(rnd io.Reader) ([]string, error) {
	out := make([]string, 0, RecoveryCodeCount)
	buf := make([]byte, recoveryLen)
	for len(out) < RecoveryCodeCount {
		if _, err := io.ReadFull(rnd, buf); err != nil {
			return nil, err
		}
		var b strings.Builder
		for i, x := range buf {
			if i > 0 && i%4 == 0 {
				b.WriteByte('-')
			}
			// 248 = 8*31: reject bytes above it to keep the draw uniform.
			if int(x) >= 248 {
				b.Reset()
				break
			}
			b.WriteByte(recoveryAlphabet[int(x)%len(recoveryAlphabet)])
		}
		if b.Len() == recoveryLen+3 {
			out = append(out, b.String())
		}
	}
	return out, nil
}

// HashRecoveryCode is the stored form of a recovery code (as ParseCode
// normalised it, or as NewRecoveryCodes printed it).
func HashRecoveryCode(code string) []byte {
	_, norm, err := ParseCode(code)
	if err != nil {
		norm = code
	}
	h := sha256.Sum256([]byte("recovery:" + norm))
	return h[:]
}

// CanResetSecondFactor tells whether an actor may reset a user's second
// factor: a console's super admin for the users of their console, the desk's
// operator admin for anyone; never one's own (ask another administrator).
func CanResetSecondFactor(a Actor, target User) error {
	if target.ID == a.UserID {
		return &Error{Code: CodeForbidden, Message: "You cannot reset your own second factor. Ask another administrator."}
	}
	switch {
	case a.Role == RoleOperatorAdmin:
		return nil
	case a.Role == RoleSuperAdmin && target.OrganisationID == a.OrgID:
		return nil
	case a.Role == RoleSuperAdmin:
		return NotFound()
	}
	return Forbidden()
}

// CanTurnOffSecondFactor tells whether a user may switch their own second
// factor off: only where their role does not require it.
func CanTurnOffSecondFactor(r Role) error {
	if SecondFactorRequired(r) {
		return &Error{Code: CodeConflict, Message: "Your role requires two-factor sign-in."}
	}
	return nil
}
