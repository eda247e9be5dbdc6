package models

import "time"

// SignInThrottle is the sign-in throttle's policy (SPEC §11). Failures are
// counted over a window three ways: for one account from one address, for
// one address over all accounts, and for one account over all addresses.
// The first two refuse (an attacker's address is shut out); the third only
// slows every attempt on the account down, so that someone who knows an
// email cannot lock its owner out: the right password from an address that
// has not failed is always checked.
type SignInThrottle struct {
	PerAccountAddress int           // failures of one account from one address before it is refused there
	PerAddress        int           // failures from one address (any accounts) before it is refused
	SlowAfter         int           // failures of one account (any addresses) before attempts slow down
	BaseDelay         time.Duration // the first slowed attempt's delay, doubled per further failure
	MaxDelay          time.Duration // the delay never grows past this
}

// SignInCounts are the failures within the window, before this attempt.
type SignInCounts struct {
	AccountAddress int64
	Address        int64
	Account        int64
}

// Decide says whether this attempt is refused, and otherwise how long to
// wait before checking the password.
func (t SignInThrottle) Decide(c SignInCounts) (refuse bool, delay time.Duration) {
	if c.AccountAddress >= int64(t.PerAccountAddress) || c.Address >= int64(t.PerAddress) {
		return true, 0
	}
	over := c.Account - int64(t.SlowAfter)
	if over < 0 {
		return false, 0
	}
	delay = t.BaseDelay
	for i := int64(0); i < over && delay < t.MaxDelay; i++ {
		delay *= 2
	}
	return false, min(delay, t.MaxDelay)
}
