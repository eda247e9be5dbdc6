package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

// TestSignInThrottleUnderConcurrency: fifty wrong passwords at once for one
// account from one address: exactly the budget is checked, the rest refused.
func TestSignInThrottleUnderConcurrency(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	email := f.Email("A:sales_agent")
	const n = 50
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = f.Store.SignIn(bg, email, "wrong password!", "198.51.100.7", "ua")
		}()
	}
	wg.Wait()
	checked, refused := 0, 0
	for _, err := range errs {
		switch models.ErrorCode(err) {
		case models.CodeUnauthorized:
			checked++
		case models.CodeTooMany:
			refused++
		default:
			t.Errorf("unexpected answer: %v", err)
		}
	}
	if checked != store.ThrottlePerAccountAddress || refused != n-store.ThrottlePerAccountAddress {
		t.Fatalf("%d passwords checked, %d refused; want %d checked", checked, refused, store.ThrottlePerAccountAddress)
	}
	if got := countRows(t, f.Gorm, "sign_in_failures", "email = ?", email); got != store.ThrottlePerAccountAddress {
		t.Fatalf("%d failures recorded", got)
	}
}

// TestSignInPerAddressThrottleUnderConcurrency: fifty guesses at once from
// one address over many accounts stop at the address budget.
func TestSignInPerAddressThrottleUnderConcurrency(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, _ = f.Store.SignIn(bg, fmt.Sprintf("guess%d@nowhere.test", i), "wrong password!", "198.51.100.8", "ua")
		}()
	}
	wg.Wait()
	if got := countRows(t, f.Gorm, "sign_in_failures", "ip = ?", "198.51.100.8"); got != store.ThrottlePerAddress {
		t.Fatalf("%d guesses checked from one address, want %d", got, store.ThrottlePerAddress)
	}
}

// TestSignInNotLockedOutByOthers: someone who knows an email fails from
// many addresses; the owner's right password from a clean address still
// works, only slowed down by a delay that grows with the failures and is
// capped; an address that failed is refused for that account.
func TestSignInNotLockedOutByOthers(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	var mu sync.Mutex
	var pauses []time.Duration
	f.Store.Pause = func(_ context.Context, d time.Duration) error {
		mu.Lock()
		pauses = append(pauses, d)
		mu.Unlock()
		return nil
	}
	email := f.Email("A:super_admin")
	for a := 0; a < 6; a++ {
		for i := 0; i < store.ThrottlePerAccountAddress; i++ {
			_, _, err := f.Store.SignIn(bg, email, "wrong password!", fmt.Sprintf("203.0.113.%d", a), "ua")
			wantCode(t, "attacker", err, models.CodeUnauthorized)
		}
		_, _, err := f.Store.SignIn(bg, email, "wrong password!", fmt.Sprintf("203.0.113.%d", a), "ua")
		if models.ErrorCode(err) != models.CodeTooMany { // store.ErrThrottled()
			t.Fatalf("address %d past its budget: %v", a, err)
		}
	}
	mu.Lock()
	if len(pauses) == 0 || pauses[0] <= 0 {
		t.Fatalf("no delay once the account had failures: %v", pauses)
	}
	for i := 1; i < len(pauses); i++ {
		if pauses[i] < pauses[i-1] {
			t.Fatalf("delay shrank: %v", pauses)
		}
	}
	last := pauses[len(pauses)-1]
	mu.Unlock()
	if last > 10*time.Second {
		t.Fatalf("delay %s grows without bound", last)
	}
	// The owner, from their own address: slowed down, never refused.
	signIn(t, f, "A:super_admin", "192.0.2.10")
	mu.Lock()
	if pauses[len(pauses)-1] <= 0 {
		t.Error("the owner's attempt was not slowed down while the account is attacked")
	}
	mu.Unlock()
	// And even with one failure of their own first.
	_, _, err := f.Store.SignIn(bg, email, "typo password", "192.0.2.11", "ua")
	wantCode(t, "owner typo", err, models.CodeUnauthorized)
	signIn(t, f, "A:super_admin", "192.0.2.11")
}

// TestTokenThrottleUnderConcurrency: fifty wrong transfer tokens at once
// from one console: exactly the budget of ten is checked.
func TestTokenThrottleUnderConcurrency(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	const n = 50
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.Store.CheckTransferToken(bg, f.Actor("A:sales_agent"), "customer-b.example", "WRONG-TOKEN-0000")
		}()
	}
	wg.Wait()
	refused := 0
	for _, err := range errs {
		if models.ErrorCode(err) == models.CodeTooMany {
			refused++
		}
	}
	if got := countRows(t, f.Gorm, "token_redemption_attempts", "console_id = ?", f.ConsoleA.ID); got != models.TokenThrottleFailures {
		t.Fatalf("%d token attempts checked, want %d", got, models.TokenThrottleFailures)
	}
	if refused != n-models.TokenThrottleFailures {
		t.Fatalf("%d refused, want %d", refused, n-models.TokenThrottleFailures)
	}
	// Another console's budget is its own.
	if _, err := f.Store.CheckTransferToken(bg, f.Actor("B:sales_agent"), "customer-a.example", "WRONG-TOKEN-0000"); models.ErrorCode(err) == models.CodeTooMany {
		t.Fatal("console B throttled by console A's failures")
	}
}

// TestConcurrentRightPasswords: many right passwords at once from one
// address (a script, a busy office) are not refused by each other: only
// failures count.
func TestConcurrentRightPasswords(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	const n = 30
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = f.Store.SignIn(bg, f.Email("A:sales_agent"), storetest.Password, "198.51.100.9", "ua")
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("sign-in %d: %v", i, err)
		}
	}
}
