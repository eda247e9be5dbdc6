package models

import (
	"testing"
	"time"
)

func TestSignInThrottleDecide(t *testing.T) {
	p := SignInThrottle{PerAccountAddress: 5, PerAddress: 20, SlowAfter: 5, BaseDelay: 500 * time.Millisecond, MaxDelay: 8 * time.Second}
	for _, tc := range []struct {
		name   string
		c      SignInCounts
		refuse bool
		delay  time.Duration
	}{
		{"no failures", SignInCounts{}, false, 0},
		{"four from this address", SignInCounts{AccountAddress: 4, Address: 4, Account: 4}, false, 0},
		{"five from this address: refused here", SignInCounts{AccountAddress: 5, Address: 5, Account: 5}, true, 0},
		{"address used up on other accounts", SignInCounts{Address: 20}, true, 0},
		{"account at the slow-down threshold from elsewhere", SignInCounts{Account: 5}, false, 500 * time.Millisecond},
		{"delay doubles", SignInCounts{Account: 7}, false, 2 * time.Second},
		{"delay is capped, never a refusal", SignInCounts{Account: 1000}, false, 8 * time.Second},
		{"one failure here, account hammered elsewhere", SignInCounts{AccountAddress: 1, Address: 1, Account: 50}, false, 8 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refuse, delay := p.Decide(tc.c)
			if refuse != tc.refuse || delay != tc.delay {
				t.Fatalf("Decide(%+v) = %v, %s; want %v, %s", tc.c, refuse, delay, tc.refuse, tc.delay)
			}
		})
	}
}
