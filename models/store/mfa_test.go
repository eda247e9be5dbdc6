package store_test

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

// Secrets at rest: AES-256-GCM, bound to what they belong to.
func TestSealOpen(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	st := db.Store
	sealed, err := st.Seal([]byte("JBSWY3DPEHPK3PXP"), "totp:user:1")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("JBSWY3DPEHPK3PXP")) {
		t.Fatal("sealed value holds the secret in clear")
	}
	again, _ := st.Seal([]byte("JBSWY3DPEHPK3PXP"), "totp:user:1")
	if bytes.Equal(sealed, again) {
		t.Fatal("two seals of one secret are equal (nonce reused)")
	}
	if p, err := st.Open(sealed, "totp:user:1"); err != nil || string(p) != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("open: %q %v", p, err)
	}
	if _, err := st.Open(sealed, "totp:user:2"); err == nil {
		t.Error("a seed moved to another user opened")
	}
	tampered := append([]byte(nil), sealed...)
	tampered[len(tampered)-1] ^= 1
	if _, err := st.Open(tampered, "totp:user:1"); err == nil {
		t.Error("a tampered seed opened")
	}
	other := *st
	other.SecretKey = bytes.Repeat([]byte("k"), 32)
	if _, err := other.Open(sealed, "totp:user:1"); err == nil {
		t.Error("opened under another key")
	}
	other.SecretKey = nil
	if _, err := other.Seal([]byte("x"), "y"); err == nil {
		t.Error("sealed without a key")
	}
}

// The TOTP seed is stored sealed, never in clear.
func TestSeedEncryptedAtRest(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	u := f.Users["A:super_admin"]
	var seed []byte
	f.Gorm.Raw("SELECT totp_seed FROM user_second_factors WHERE user_id = ?", u.ID).Scan(&seed)
	if len(seed) == 0 || bytes.Contains(seed, []byte(f.TOTPSecret("A:super_admin"))) {
		t.Fatalf("seed at rest: %q", seed)
	}
}

// A required role signs in in two steps: the session counts only once the
// code passes; the token rotates then; a code works once; the half-signed-in
// state lasts 5 minutes.
func TestTwoStepSignIn(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	key := "A:super_admin"
	half, _, err := f.Store.SignIn(bg, f.Email(key), storetest.Password, "192.0.2.7", "ua")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.Session(bg, half); models.ErrorCode(err) != models.CodeUnauthorized {
		t.Fatalf("half-signed-in session works: %v", err)
	}
	as, err := f.Store.AuthSession(bg, half)
	if err != nil || as.Step != models.StepCode {
		t.Fatalf("auth session: %+v %v", as, err)
	}
	_, _, err = f.Store.VerifySignInCode(bg, half, "12345x", "192.0.2.7")
	wantCode(t, "malformed code", err, models.CodeInvalid)
	code := f.NextCode(t, key)
	full, u, err := f.Store.VerifySignInCode(bg, half, code, "192.0.2.7")
	if err != nil || u.ID != f.Users[key].ID || full == half {
		t.Fatalf("verify: %v (token rotated: %v)", err, full != half)
	}
	if _, err := f.Store.Session(bg, full); err != nil {
		t.Fatalf("signed-in session: %v", err)
	}
	if _, err := f.Store.AuthSession(bg, half); err == nil {
		t.Error("the half-signed-in token still works after the code")
	}
	// The same code again, on a new sign-in: a replay.
	half2, _, _ := f.Store.SignIn(bg, f.Email(key), storetest.Password, "192.0.2.7", "ua")
	_, _, err = f.Store.VerifySignInCode(bg, half2, code, "192.0.2.7")
	wantCode(t, "replayed code", err, models.CodeInvalid)
	// Five minutes later the half-signed-in session has expired.
	f.Clock.Advance(5*time.Minute + time.Second)
	if _, err := f.Store.AuthSession(bg, half2); models.ErrorCode(err) != models.CodeUnauthorized {
		t.Fatalf("expired half session: %v", err)
	}
	_, _, err = f.Store.VerifySignInCode(bg, half2, f.NextCode(t, key), "192.0.2.7")
	wantCode(t, "code after 5 minutes", err, models.CodeUnauthorized)
	// An optional role without a second factor signs in in one step.
	tok, _, err := f.Store.SignIn(bg, f.Email("A:sales_agent"), storetest.Password, "192.0.2.8", "ua")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.Session(bg, tok); err != nil {
		t.Fatalf("one-step sign-in: %v", err)
	}
}

// Wrong codes are throttled per account, and the count holds when 30 guesses
// arrive at once (each is counted under the authenticator row's lock).
func TestCodeThrottle(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	key := "desk:support_engineer"
	uid := f.Users[key].ID
	var wg sync.WaitGroup
	for i := 0; i < 30; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			half, _, err := f.Store.SignIn(bg, f.Email(key), storetest.Password, "192.0.2.9", "ua")
			if err != nil {
				t.Error(err)
				return
			}
			_, _, _ = f.Store.VerifySignInCode(bg, half, "000000", "192.0.2.9")
		}()
	}
	wg.Wait()
	if n := countRows(t, f.Gorm, "second_factor_failures", "user_id = ?", uid); n > models.CodeFailureLimit {
		t.Fatalf("%d wrong codes checked, limit %d", n, models.CodeFailureLimit)
	}
	half, _, _ := f.Store.SignIn(bg, f.Email(key), storetest.Password, "192.0.2.9", "ua")
	for models.ErrorCode(func() error { _, _, err := f.Store.VerifySignInCode(bg, half, "000000", "192.0.2.9"); return err }()) != models.CodeTooMany {
		if countRows(t, f.Gorm, "second_factor_failures", "user_id = ?", uid) > models.CodeFailureLimit {
			t.Fatal("no throttle")
		}
	}
	_, _, err := f.Store.VerifySignInCode(bg, half, f.NextCode(t, key), "192.0.2.9")
	wantCode(t, "right code while throttled", err, models.CodeTooMany)
	f.Clock.Advance(models.CodeFailureWindow + time.Second)
	half, _, _ = f.Store.SignIn(bg, f.Email(key), storetest.Password, "192.0.2.9", "ua")
	if _, _, err := f.Store.VerifySignInCode(bg, half, f.NextCode(t, key), "192.0.2.9"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// An optional user enrols from their account: the code confirms the seed;
// ten recovery codes come back, each works once; regenerating voids them.
func TestEnrolmentAndRecoveryCodes(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	key := "A:sales_agent"
	u := f.Users[key]
	tok := signIn(t, f, key, "192.0.2.10")
	secret, err := f.Store.EnrolmentSecret(bg, u.ID, u.Email)
	if err != nil || secret == "" {
		t.Fatal(err)
	}
	if again, _ := f.Store.EnrolmentSecret(bg, u.ID, u.Email); again != secret {
		t.Fatal("a second look at the set-up drew a new seed")
	}
	if _, _, err := f.Store.ConfirmEnrolment(bg, u, tok, "000000", "ip"); models.ErrorCode(err) != models.CodeInvalid {
		t.Fatalf("wrong confirm code: %v", err)
	}
	codes, same, err := f.Store.ConfirmEnrolment(bg, u, tok, f.NextCodeFor(t, u.ID, secret), "ip")
	if err != nil || len(codes) != models.RecoveryCodeCount || same != tok {
		t.Fatalf("confirm: %d codes, %v", len(codes), err)
	}
	if n := countRows(t, f.Gorm, "audit_events", "action = 'user.second_factor_enabled'"); n == 0 {
		t.Error("enrolment not audited")
	}
	// Next sign-in needs a code; a recovery code does, once.
	half, _, _ := f.Store.SignIn(bg, u.Email, storetest.Password, "192.0.2.10", "ua")
	if as, _ := f.Store.AuthSession(bg, half); as.Step != models.StepCode {
		t.Fatalf("step %q after enrolment", as.Step)
	}
	if _, _, err := f.Store.VerifySignInCode(bg, half, codes[0], "ip"); err != nil {
		t.Fatalf("recovery code: %v", err)
	}
	half, _, _ = f.Store.SignIn(bg, u.Email, storetest.Password, "192.0.2.10", "ua")
	_, _, err = f.Store.VerifySignInCode(bg, half, codes[0], "ip")
	wantCode(t, "used recovery code", err, models.CodeInvalid)
	a := f.Actor(key)
	fresh, err := f.Store.RegenerateRecoveryCodes(bg, a)
	if err != nil || len(fresh) != models.RecoveryCodeCount {
		t.Fatal(err)
	}
	_, _, err = f.Store.VerifySignInCode(bg, half, codes[1], "ip")
	wantCode(t, "old recovery code after regenerating", err, models.CodeInvalid)
	if _, _, err := f.Store.VerifySignInCode(bg, half, fresh[0], "ip"); err != nil {
		t.Fatalf("new recovery code: %v", err)
	}
	var stored int64
	f.Gorm.Raw("SELECT count(*) FROM recovery_codes WHERE user_id = ? AND code_hash = ?", u.ID, []byte(fresh[1])).Scan(&stored)
	if stored != 0 {
		t.Error("recovery code stored in clear")
	}
	// An optional role may turn it off; a required one may not.
	if err := f.Store.TurnOffSecondFactor(bg, a); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "super admin turns off", f.Store.TurnOffSecondFactor(bg, f.Actor("A:super_admin")), models.CodeConflict)
}

// A required role without a second factor must enrol after the password.
func TestRequiredRoleEnrolsFirst(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	u, err := f.Store.CreateUser(bg, f.Actor("A:super_admin"), models.UserInput{Name: "New Admin", Email: "new-admin@a.test",
		Password: storetest.Password, Role: models.RoleAdminAgent})
	if err != nil {
		t.Fatal(err)
	}
	half, _, err := f.Store.SignIn(bg, u.Email, storetest.Password, "192.0.2.11", "ua")
	if err != nil {
		t.Fatal(err)
	}
	if as, _ := f.Store.AuthSession(bg, half); as.Step != models.StepEnrol {
		t.Fatalf("step %q, want enrol", as.Step)
	}
	if _, err := f.Store.Session(bg, half); err == nil {
		t.Fatal("a user who must enrol is signed in")
	}
	secret, _ := f.Store.EnrolmentSecret(bg, u.ID, u.Email)
	_, full, err := f.Store.ConfirmEnrolment(bg, u, half, f.NextCodeFor(t, u.ID, secret), "ip")
	if err != nil || full == half {
		t.Fatalf("confirm: %v", err)
	}
	if _, err := f.Store.Session(bg, full); err != nil {
		t.Fatalf("after enrolment: %v", err)
	}
}

// A super admin resets a user of their console (sessions end, audited in
// both logs); not another console's; an admin agent may not.
func TestResetSecondFactor(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	target := f.Users["A:admin_agent"]
	tok := signIn(t, f, "A:admin_agent", "192.0.2.12")
	if _, err := f.Store.ResetSecondFactor(bg, f.Actor("B:super_admin"), target.ID); models.ErrorCode(err) != models.CodeNotFound {
		t.Fatalf("other console: %v", err)
	}
	if _, err := f.Store.ResetSecondFactor(bg, f.Actor("A:admin_agent"), f.Users["A:sales_agent"].ID); models.ErrorCode(err) != models.CodeForbidden {
		t.Fatalf("admin agent: %v", err)
	}
	if _, err := f.Store.ResetSecondFactor(bg, f.Actor("A:super_admin"), target.ID); err != nil {
		t.Fatal(err)
	}
	if on, _, _ := f.Store.SecondFactorStatus(bg, target.ID); on {
		t.Error("second factor still on")
	}
	if sessionOK(f, tok) {
		t.Error("the user's session survived the reset")
	}
	if n := countRows(t, f.Gorm, "audit_events", "action = 'user.second_factor_reset' AND record_id = ?", target.ID); n == 0 {
		t.Error("reset not audited")
	}
	// The desk's operator admin resets anyone, by email.
	if _, err := f.Store.ResetSecondFactorByEmail(bg, f.Actor("desk:operator_admin"), f.Email("B:super_admin")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.ResetSecondFactorByEmail(bg, f.Actor("desk:operator_admin"), "nobody@nowhere.test"); models.ErrorCode(err) != models.CodeInvalid {
		t.Fatalf("unknown email: %v", err)
	}
}

// Step-up: a fresh code moves the session's last-code time.
func TestStepUpCode(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	key := "desk:operator_admin"
	tok := signIn(t, f, key, "192.0.2.13")
	as, _ := f.Store.AuthSession(bg, tok)
	if as.SecondFactorAt == nil || models.StepUpNeeded(as.SecondFactorAt, f.Store.Now()) {
		t.Fatal("a code just passed is not fresh")
	}
	f.Clock.Advance(11 * time.Minute)
	as, _ = f.Store.AuthSession(bg, tok)
	if !models.StepUpNeeded(as.SecondFactorAt, f.Store.Now()) {
		t.Fatal("an 11-minute-old code is fresh")
	}
	wantCode(t, "wrong step-up code", f.Store.VerifyStepUp(bg, f.Actor(key), tok, "000000"), models.CodeInvalid)
	if err := f.Store.VerifyStepUp(bg, f.Actor(key), tok, f.NextCode(t, key)); err != nil {
		t.Fatal(err)
	}
	as, _ = f.Store.AuthSession(bg, tok)
	if models.StepUpNeeded(as.SecondFactorAt, f.Store.Now()) {
		t.Fatal("step-up did not refresh the session")
	}
}

// Demo users of required roles get the printed key and can sign in with it.
func TestDemoSecondFactors(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	st := db.Store
	signIns, err := st.SeedDemo(bg)
	if err != nil {
		t.Fatal(err)
	}
	f := &storetest.Fixture{DB: db}
	n := 0
	for i, s := range signIns {
		if models.SecondFactorRequired(s.Role) != (s.TOTPSecret != "") {
			t.Errorf("%s (%s): key %q", s.Email, s.Role, s.TOTPSecret)
		}
		if s.TOTPSecret == "" {
			continue
		}
		n++
		half, u, err := st.SignIn(bg, s.Email, store.DemoPassword, "192.0.2."+string(rune('1'+i%9)), "ua")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.VerifySignInCode(bg, half, f.NextCodeFor(t, u.ID, s.TOTPSecret), "ip"); err != nil {
			t.Errorf("%s with the printed key: %v", s.Email, err)
		}
	}
	if n == 0 {
		t.Fatal("no demo user with a key")
	}
	later, err := st.DemoSecondFactors(bg)
	if err != nil || len(later) != n {
		t.Fatalf("later start lists %d keys, want %d (%v)", len(later), n, err)
	}
}
