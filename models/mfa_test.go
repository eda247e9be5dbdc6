package models

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestSecondFactorRequired(t *testing.T) {
	required := map[Role]bool{RoleSuperAdmin: true, RoleAdminAgent: true, RoleSupportEngineer: true, RoleSalesRep: true, RoleOperatorAdmin: true}
	for _, k := range []OrgKind{OrgConsole, OrgCustomer, OrgOperator} {
		for _, r := range RolesOf(k) {
			t.Run(string(r), func(t *testing.T) {
				if got := SecondFactorRequired(r); got != required[r] {
					t.Fatalf("required %v, want %v", got, required[r])
				}
			})
		}
	}
}

func TestNextSignInStep(t *testing.T) {
	for _, tc := range []struct {
		name string
		role Role
		has  bool
		want SignInStep
	}{
		{"optional role without a factor signs in in one step", RoleSalesAgent, false, StepDone},
		{"optional role with a factor enters a code", RoleCustomerAdmin, true, StepCode},
		{"required role with a factor enters a code", RoleSuperAdmin, true, StepCode},
		{"required role without a factor enrols", RoleAdminAgent, false, StepEnrol},
		{"desk role without a factor enrols", RoleSupportEngineer, false, StepEnrol},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := NextSignInStep(tc.role, tc.has); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSessionStep(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stored SignInStep
		role   Role
		has    bool
		want   SignInStep
	}{
		{"done stays done for an optional role", StepDone, RoleSalesAgent, false, StepDone},
		{"done stays done with a factor", StepDone, RoleSuperAdmin, true, StepDone},
		{"a role that came to require a factor must enrol", StepDone, RoleAdminAgent, false, StepEnrol},
		{"code stays code", StepCode, RoleSuperAdmin, true, StepCode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := SessionStep(tc.stored, tc.role, tc.has); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPendingAndStepUpWindows(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		got  bool
		want bool
	}{
		{"pending 4m59s ago is alive", PendingExpired(now.Add(-4*time.Minute-59*time.Second), now), false},
		{"pending 5m01s ago has expired", PendingExpired(now.Add(-5*time.Minute-time.Second), now), true},
		{"no code yet needs step-up", StepUpNeeded(nil, now), true},
		{"code 9 minutes ago is fresh", StepUpNeeded(tptr(now.Add(-9*time.Minute)), now), false},
		{"code 11 minutes ago is stale", StepUpNeeded(tptr(now.Add(-11*time.Minute)), now), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
}

func tptr(v time.Time) *time.Time { return &v }

func TestParseCode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		kind CodeKind
		norm string
	}{
		{"123456", CodeKindTOTP, "123456"},
		{" 123 456 ", CodeKindTOTP, "123456"},
		{"abcd-efgh-jkmn-pqrs", CodeKindRecovery, "abcdefghjkmnpqrs"},
		{"ABCD EFGH JKMN PQRS", CodeKindRecovery, "abcdefghjkmnpqrs"},
		{"12345", CodeKindNone, ""},
		{"12345a", CodeKindNone, ""},
		{"", CodeKindNone, ""},
		{"abcd-efgh-jkmn-pqr0", CodeKindNone, ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			k, n, err := ParseCode(tc.in)
			if k != tc.kind || n != tc.norm || (err != nil) != (tc.kind == CodeKindNone) {
				t.Fatalf("got %v %q %v", k, n, err)
			}
		})
	}
}

func TestCheckTOTP(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	now := time.Date(2026, 3, 2, 9, 0, 10, 0, time.UTC)
	at := func(d time.Duration) string {
		c, err := TOTPCode(secret, now.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	cur := TOTPStep(now)
	// wrong is a six-digit code that none of the accepted steps produces.
	wrong := "000000"
	for n := 0; wrong == at(0) || wrong == at(-30*time.Second) || wrong == at(30*time.Second); n++ {
		wrong = fmt.Sprintf("%06d", n+1)
	}
	for _, tc := range []struct {
		name     string
		code     string
		lastStep int64
		wantStep int64
		wantErr  bool
	}{
		{"current code", at(0), 0, cur, false},
		{"previous step (clock drift)", at(-30 * time.Second), 0, cur - 1, false},
		{"next step (clock drift)", at(30 * time.Second), 0, cur + 1, false},
		{"two steps old", at(-60 * time.Second), 0, 0, true},
		{"replay of the code just used", at(0), cur, 0, true},
		{"older code after a newer was used", at(-30 * time.Second), cur, 0, true},
		{"newer code after an older was used", at(30 * time.Second), cur, cur + 1, false},
		{"wrong code", wrong, 0, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			step, err := CheckTOTP(secret, tc.code, now, tc.lastStep)
			if (err != nil) != tc.wantErr || step != tc.wantStep {
				t.Fatalf("step %d err %v, want step %d err %v", step, err, tc.wantStep, tc.wantErr)
			}
		})
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes, err := NewRecoveryCodes(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != RecoveryCodeCount {
		t.Fatalf("%d codes", len(codes))
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 19 || strings.Count(c, "-") != 3 {
			t.Fatalf("code %q not shaped xxxx-xxxx-xxxx-xxxx", c)
		}
		if k, _, err := ParseCode(c); err != nil || k != CodeKindRecovery {
			t.Fatalf("code %q does not parse back: %v", c, err)
		}
		if seen[c] {
			t.Fatalf("duplicate %q", c)
		}
		seen[c] = true
		if !bytes.Equal(HashRecoveryCode(c), HashRecoveryCode(strings.ToUpper(strings.ReplaceAll(c, "-", " ")))) {
			t.Fatalf("hash of %q depends on how it is typed", c)
		}
	}
	if bytes.Equal(HashRecoveryCode(codes[0]), HashRecoveryCode(codes[1])) {
		t.Fatal("two codes hash alike")
	}
}

func TestCanResetSecondFactor(t *testing.T) {
	super := Actor{UserID: 1, OrgID: 10, Role: RoleSuperAdmin, OrgKind: OrgConsole}
	op := Actor{UserID: 2, OrgID: 1, Role: RoleOperatorAdmin, OrgKind: OrgOperator}
	agent := Actor{UserID: 3, OrgID: 10, Role: RoleAdminAgent, OrgKind: OrgConsole}
	for _, tc := range []struct {
		name   string
		a      Actor
		target User
		want   Code
	}{
		{"super admin resets a user of their console", super, User{ID: 5, OrganisationID: 10}, ""},
		{"super admin cannot reach another console", super, User{ID: 6, OrganisationID: 11}, CodeNotFound},
		{"super admin cannot reset their own", super, User{ID: 1, OrganisationID: 10}, CodeForbidden},
		{"operator admin resets anyone", op, User{ID: 6, OrganisationID: 11}, ""},
		{"admin agent may not", agent, User{ID: 5, OrganisationID: 10}, CodeForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CanResetSecondFactor(tc.a, tc.target)
			if (err == nil && tc.want != "") || (err != nil && ErrorCode(err) != tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestCanTurnOffSecondFactor(t *testing.T) {
	if CanTurnOffSecondFactor(RoleSuperAdmin) == nil {
		t.Fatal("super admin turned it off")
	}
	if CanTurnOffSecondFactor(RoleCustomerAdmin) != nil {
		t.Fatal("customer admin could not turn it off")
	}
}
