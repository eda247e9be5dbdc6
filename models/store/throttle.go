package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// Sign-in throttling (models.SignInThrottle): failures counted over a window
// per account from one address, per address, and per account. The address
// budget is larger because offices share one address. Past ThrottlePerAccount
// failures from anywhere, the account's attempts slow down but are never
// refused from an address that has not failed.
const (
	ThrottleWindow            = 15 * time.Minute
	ThrottlePerAccountAddress = 5
	ThrottlePerAddress        = 20
	ThrottlePerAccount        = 5
	throttleBaseDelay         = 500 * time.Millisecond
	throttleMaxDelay          = 8 * time.Second
)

func signInPolicy() models.SignInThrottle {
	return models.SignInThrottle{PerAccountAddress: ThrottlePerAccountAddress, PerAddress: ThrottlePerAddress,
		SlowAfter: ThrottlePerAccount, BaseDelay: throttleBaseDelay, MaxDelay: throttleMaxDelay}
}

// throttled runs one throttle decision atomically: fn counts the recent
// failures, decides, and records this attempt while transaction-level
// advisory locks on keys are held, so parallel attempts on one key (from any
// replica) are counted one after another and never all pass a limit
// together.
func (s *Store) throttled(ctx context.Context, keys []string, fn func(tx *gorm.DB, now time.Time) error) error {
	keys = slices.Clone(keys)
	slices.Sort(keys) // one order everywhere: no lock cycles
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		for _, k := range slices.Compact(keys) {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", k).Error; err != nil {
				return fmt.Errorf("throttle lock: %w", err)
			}
		}
		return fn(tx, now)
	})
}

// pause waits out a throttle's delay (Store.Pause in tests).
func (s *Store) pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	if s.Pause != nil {
		return s.Pause(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// signInCounts reads the failures that decide a sign-in for email from ip.
func signInCounts(tx *gorm.DB, email, ip string, now time.Time) (models.SignInCounts, error) {
	var c models.SignInCounts
	err := tx.Raw(`SELECT count(*) FILTER (WHERE email = @e AND ip = @ip) AS account_address,
		count(*) FILTER (WHERE ip = @ip) AS address, count(*) FILTER (WHERE email = @e) AS account
		FROM sign_in_failures WHERE (email = @e OR ip = @ip) AND at > @since`,
		map[string]any{"e": email, "ip": ip, "since": now.Add(-ThrottleWindow)}).Scan(&c).Error
	if err != nil {
		return c, fmt.Errorf("count failures: %w", err)
	}
	return c, nil
}

// signInPrecheck refuses at once an attempt the recorded failures already
// refuse (sparing the password hash), and otherwise says how long to wait
// before checking the password. It only reads: the decision that counts is
// settleSignIn's.
func (s *Store) signInPrecheck(ctx context.Context, email, ip string) (time.Duration, error) {
	c, err := signInCounts(s.db.WithContext(ctx), email, ip, s.Now())
	if err != nil {
		return 0, err
	}
	refuse, delay := signInPolicy().Decide(c)
	if refuse {
		return 0, ErrThrottled()
	}
	return delay, nil
}

// settleSignIn decides a checked sign-in atomically (throttled): under the
// locks of the account-and-address and of the address, the failures are
// counted again, so of many attempts at once only the budget gets an answer;
// the others are refused whatever their password. A wrong password is
// recorded as a failure in the same step. Concurrent right passwords are not
// held up by each other: only failures count.
func (s *Store) settleSignIn(ctx context.Context, email, ip string, passwordOK bool) error {
	err := s.throttled(ctx, []string{"sign-in:" + email + " " + ip, "sign-in-ip:" + ip}, func(tx *gorm.DB, now time.Time) error {
		c, err := signInCounts(tx, email, ip, now)
		if err != nil {
			return err
		}
		if refuse, _ := signInPolicy().Decide(c); refuse {
			return ErrThrottled()
		}
		if passwordOK {
			return nil
		}
		if err := tx.Exec("INSERT INTO sign_in_failures (email, ip, at) VALUES (?, ?, ?)", email, ip, now).Error; err != nil {
			return fmt.Errorf("record failure: %w", err)
		}
		return nil
	})
	if err == nil && !passwordOK {
		return errBadSignIn()
	}
	return err
}
