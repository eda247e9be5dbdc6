package store_test

import (
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

func signIn(t *testing.T, f *storetest.Fixture, key, ip string) string {
	t.Helper()
	tok, u, err := f.Store.SignIn(bg, f.Email(key), storetest.Password, ip, "test-agent")
	if err != nil {
		t.Fatalf("sign in %s: %v", key, err)
	}
	if u.ID != f.Users[key].ID || tok == "" {
		t.Fatalf("sign in %s: user %d token %q", key, u.ID, tok)
	}
	return f.PassSecondFactor(t, tok, key)
}

func sessionOK(f *storetest.Fixture, tok string) bool {
	_, err := f.Store.Session(bg, tok)
	return err == nil
}

// TestSessionIdleTimeout: 30 minutes without a request end a session; a
// request within them keeps it alive.
func TestSessionIdleTimeout(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	tok := signIn(t, f, "A:sales_agent", "198.51.100.7")
	u, err := f.Store.Session(bg, tok)
	if err != nil || u.ID != f.Users["A:sales_agent"].ID {
		t.Fatalf("fresh session: %v", err)
	}
	// Requests every 29 minutes keep it alive past the idle limit.
	for i := 0; i < 4; i++ {
		f.Clock.Advance(29 * time.Minute)
		if !sessionOK(f, tok) {
			t.Fatalf("session ended after %d requests 29 minutes apart", i+1)
		}
	}
	f.Clock.Advance(store.SessionIdle)
	if !sessionOK(f, tok) {
		t.Fatal("session ended at exactly the idle limit")
	}
	// That request refreshed it; now leave it idle one second too long.
	f.Clock.Advance(store.SessionIdle + time.Second)
	_, err = f.Store.Session(bg, tok)
	wantCode(t, "idle session", err, models.CodeUnauthorized)
	// And it stays ended: a later request does not revive it.
	f.Clock.Advance(time.Minute)
	if sessionOK(f, tok) {
		t.Error("an idle-expired session came back")
	}
	if _, err := f.Store.Session(bg, ""); models.ErrorCode(err) != models.CodeUnauthorized {
		t.Errorf("empty token: %v", err)
	}
	if _, err := f.Store.Session(bg, "forged-token"); models.ErrorCode(err) != models.CodeUnauthorized {
		t.Errorf("unknown token: %v", err)
	}
}

// TestSessionAbsoluteTimeout: 12 hours after sign-in a session ends even if
// it was used all along.
func TestSessionAbsoluteTimeout(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	tok := signIn(t, f, "custA:customer_admin", "198.51.100.8")
	used := time.Duration(0)
	for used+20*time.Minute <= store.SessionAbsolute {
		f.Clock.Advance(20 * time.Minute)
		used += 20 * time.Minute
		if !sessionOK(f, tok) {
			t.Fatalf("active session ended after %s", used)
		}
	}
	f.Clock.Advance(store.SessionAbsolute - used + time.Second)
	_, err := f.Store.Session(bg, tok)
	wantCode(t, "session past 12 hours", err, models.CodeUnauthorized)
	// Signing in again opens a new session.
	tok2 := signIn(t, f, "custA:customer_admin", "198.51.100.8")
	if tok2 == tok || !sessionOK(f, tok2) {
		t.Error("a new sign-in must open a new session with a new token")
	}
}

// TestSessionRevokedOnDisable: disabling a user ends every session of theirs
// at once and refuses their sign-in; enabling lets them sign in again.
func TestSessionRevokedOnDisable(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	t1 := signIn(t, f, "A:admin_agent", "198.51.100.9")
	t2 := signIn(t, f, "A:admin_agent", "198.51.100.10")
	other := signIn(t, f, "A:sales_agent", "198.51.100.9")
	super := f.Actor("A:super_admin")
	u, err := f.Store.SetUserDisabled(bg, super, f.Users["A:admin_agent"].ID, true)
	if err != nil || u.DisabledAt == nil {
		t.Fatalf("disable: %v", err)
	}
	for _, tok := range []string{t1, t2} {
		if sessionOK(f, tok) {
			t.Error("a disabled user's session still works")
		}
	}
	if n := countRows(t, f.Gorm, "user_sessions", "user_id = ? AND revoked_at IS NULL", u.ID); n != 0 {
		t.Errorf("%d sessions of the disabled user are not revoked", n)
	}
	if !sessionOK(f, other) {
		t.Error("disabling one user ended another user's session")
	}
	_, _, err = f.Store.SignIn(bg, f.Email("A:admin_agent"), storetest.Password, "198.51.100.9", "ua")
	wantCode(t, "disabled sign-in", err, models.CodeUnauthorized)
	if _, err := f.Store.SetUserDisabled(bg, super, u.ID, false); err != nil {
		t.Fatal(err)
	}
	signIn(t, f, "A:admin_agent", "198.51.100.11")
	// The old sessions stay ended after enabling.
	if sessionOK(f, t1) || sessionOK(f, t2) {
		t.Error("enabling revived old sessions")
	}
	// A super admin cannot disable themself.
	_, err = f.Store.SetUserDisabled(bg, super, super.UserID, true)
	wantCode(t, "disable oneself", err, models.CodeInvalid)
}

// TestEndOtherSessionsAndSignOut: a user ends their other sessions and
// keeps the current one; sign-out ends the current one.
func TestEndOtherSessionsAndSignOut(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	key := "B:helpdesk_agent"
	cur := signIn(t, f, key, "203.0.113.1")
	f.Clock.Advance(time.Minute)
	o1 := signIn(t, f, key, "203.0.113.2")
	o2 := signIn(t, f, key, "203.0.113.3")
	someoneElse := signIn(t, f, "B:sales_agent", "203.0.113.1")
	a := f.Actor(key)
	list, err := f.Store.Sessions(bg, a, cur)
	if err != nil || len(list) != 3 {
		t.Fatalf("Sessions = %d, %v; want 3", len(list), err)
	}
	currents := 0
	for _, s := range list {
		if s.Current {
			currents++
			if s.IP != "203.0.113.1" {
				t.Errorf("current session shows IP %s", s.IP)
			}
		}
		if s.Ref == "" {
			t.Error("a session without a reference")
		}
	}
	if currents != 1 {
		t.Errorf("%d sessions marked current, want 1", currents)
	}
	auditBefore := countRows(t, f.Gorm, "audit_events", "action = 'user.sessions_ended'")
	n, err := f.Store.EndOtherSessions(bg, a, cur)
	if err != nil || n != 2 {
		t.Fatalf("EndOtherSessions = %d, %v; want 2", n, err)
	}
	if countRows(t, f.Gorm, "audit_events", "action = 'user.sessions_ended'") != auditBefore+1 {
		t.Error("ending sessions is not audited once")
	}
	if !sessionOK(f, cur) {
		t.Error("the current session ended")
	}
	if sessionOK(f, o1) || sessionOK(f, o2) {
		t.Error("another session survived")
	}
	if !sessionOK(f, someoneElse) {
		t.Error("another user's session ended")
	}
	if list, _ := f.Store.Sessions(bg, a, cur); len(list) != 1 || !list[0].Current {
		t.Errorf("after ending others, Sessions = %+v", list)
	}
	if err := f.Store.SignOut(bg, a, cur); err != nil {
		t.Fatal(err)
	}
	if sessionOK(f, cur) {
		t.Error("signed-out session still works")
	}
}

// TestSignInThrottle: five failures per account from one address, twenty
// per address within the window; the answer does not say whether the
// account exists.
func TestSignInThrottle(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	email := f.Email("A:sales_agent")
	// Wrong password, unknown email and a disabled user give one message.
	_, _, errWrong := f.Store.SignIn(bg, email, "wrong password!", "192.0.2.50", "ua")
	_, _, errUnknown := f.Store.SignIn(bg, "nobody@nowhere.test", "wrong password!", "192.0.2.50", "ua")
	if errWrong == nil || errUnknown == nil || errWrong.Error() != errUnknown.Error() {
		t.Errorf("failures differ: %v / %v", errWrong, errUnknown)
	}
	wantCode(t, "wrong password", errWrong, models.CodeUnauthorized)
	// Four more failures from one address use up that address's budget for
	// the account.
	for i := 0; i < store.ThrottlePerAccountAddress-1; i++ {
		_, _, err := f.Store.SignIn(bg, " "+email+" ", "wrong password!", "192.0.2.50", "ua")
		wantCode(t, "failure", err, models.CodeUnauthorized)
	}
	if n := countRows(t, f.Gorm, "sign_in_failures", "email = ?", email); n != store.ThrottlePerAccountAddress {
		t.Errorf("%d failures recorded for the account, want %d", n, store.ThrottlePerAccountAddress)
	}
	// Now even the right password is refused from that address...
	_, _, err := f.Store.SignIn(bg, email, storetest.Password, "192.0.2.50", "ua")
	if models.ErrorCode(err) != models.CodeTooMany { // store.ErrThrottled()
		t.Errorf("sixth attempt = %v, want throttled", err)
	}
	// ... but not from an address that has not failed: the owner is not locked out.
	signIn(t, f, "A:sales_agent", "192.0.2.99")
	// Other accounts are not affected.
	signIn(t, f, "A:admin_agent", "192.0.2.50")
	// After the window the right password works again, and clears the count.
	f.Clock.Advance(store.ThrottleWindow + time.Second)
	signIn(t, f, "A:sales_agent", "192.0.2.50")
	if n := countRows(t, f.Gorm, "sign_in_failures", "email = ?", email); n != 0 {
		t.Errorf("%d failures left after a successful sign-in", n)
	}

	// Per address: twenty failures from one address against many accounts.
	ip := "203.0.113.200"
	for i := 0; i < store.ThrottlePerAddress; i++ {
		_, _, err := f.Store.SignIn(bg, "guess"+string(rune('a'+i))+"@nowhere.test", "wrong password!", ip, "ua")
		wantCode(t, "guess", err, models.CodeUnauthorized)
	}
	_, _, err = f.Store.SignIn(bg, f.Email("B:super_admin"), storetest.Password, ip, "ua")
	if models.ErrorCode(err) != models.CodeTooMany { // store.ErrThrottled()
		t.Errorf("21st attempt from one address = %v, want throttled", err)
	}
	// The same account from another address is fine.
	signIn(t, f, "B:super_admin", "203.0.113.201")
	// Throttled attempts are not counted as more failures.
	if n := countRows(t, f.Gorm, "sign_in_failures", "ip = ?", ip); n != store.ThrottlePerAddress {
		t.Errorf("%d failures recorded for the address, want %d", n, store.ThrottlePerAddress)
	}
}

// TestSignInAudited: a sign-in opens a session and writes one audit row.
func TestSignInAudited(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	before := countRows(t, f.Gorm, "audit_events", "action = 'user.sign_in' AND organisation_id = ?", f.CustomerB.ID)
	signIn(t, f, "custB:customer_viewer", "192.0.2.77")
	if got := countRows(t, f.Gorm, "audit_events", "action = 'user.sign_in' AND organisation_id = ? AND ip = '192.0.2.77'", f.CustomerB.ID); got != before+1 {
		t.Errorf("sign-in audit rows %d -> %d", before, got)
	}
	if n := countRows(t, f.Gorm, "user_sessions", "user_id = ?", f.Users["custB:customer_viewer"].ID); n != 1 {
		t.Errorf("%d sessions stored", n)
	}
	// The session row stores the token's hash, never the token.
	var row store.UserSession
	if err := f.Gorm.Where("user_id = ?", f.Users["custB:customer_viewer"].ID).Take(&row).Error; err != nil {
		t.Fatal(err)
	}
	if len(row.IDHash) != 32 || row.IP != "192.0.2.77" {
		t.Errorf("session key is %d bytes (want a SHA-256), ip %q", len(row.IDHash), row.IP)
	}
}
