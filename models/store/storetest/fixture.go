package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store"
)

// Password is every fixture user's password.
const Password = "fixture-password-1"

// Fixture is a small platform: the operator with one user per desk role, two
// consoles A and B (each with one user per partner role and one customer),
// and a customer admin per customer.
type Fixture struct {
	*DB
	OperatorID int64
	ConsoleA   models.Console
	ConsoleB   models.Console
	CustomerA  models.Customer // belongs to console A
	CustomerB  models.Customer // belongs to console B
	// Users by key: "desk:operator_admin", "A:super_admin", "B:sales_agent",
	// "custA:customer_admin", ...
	Users map[string]models.User
}

// Actor returns the actor of a fixture user.
func (f *Fixture) Actor(key string) models.Actor {
	u, ok := f.Users[key]
	if !ok {
		panic("no fixture user " + key)
	}
	return store.ActorOf(u, "192.0.2.1")
}

// Email returns a fixture user's email.
func (f *Fixture) Email(key string) string { return f.Users[key].Email }

// Seed builds the fixture in a fresh database.
func Seed(t testing.TB) *Fixture {
	t.Helper()
	db := New(t)
	f := &Fixture{DB: db, Users: map[string]models.User{}}
	ctx := context.Background()
	st := db.Store
	var err error
	if f.OperatorID, err = st.OperatorOrgID(ctx); err != nil {
		t.Fatal(err)
	}
	add := func(key string, org int64, role models.Role, add, migrate bool) {
		u, err := st.CreateUserInOrg(ctx, org, models.UserInput{Name: "User " + key, Email: fmt.Sprintf("%s@%s.test", role, orgLabel(key)),
			Password: Password, Role: role, CanAddCustomers: add, CanMigrateCustomers: migrate})
		if err != nil {
			t.Fatalf("fixture user %s: %v", key, err)
		}
		f.Users[key] = u
	}
	for _, r := range models.RolesOf(models.OrgOperator) {
		add("desk:"+string(r), f.OperatorID, r, false, false)
	}
	deskAdmin := f.Actor("desk:operator_admin")
	for i, label := range []string{"A", "B"} {
		tier, dist := models.TierDirect, ""
		if label == "B" {
			tier, dist = models.TierTwoTier, "Distributor B"
		}
		c, su, err := st.OnboardConsole(ctx, deskAdmin, models.ConsoleInput{Name: "Console " + label, Country: []string{"FR", "JP"}[i],
			DefaultCurrency: []string{"EUR", "JPY"}[i], Tier: tier, DistributorName: dist, AdminName: "Super " + label,
			AdminEmail: "super_admin@" + label + ".test", AdminPassword: Password})
		if err != nil {
			t.Fatalf("fixture console %s: %v", label, err)
		}
		f.Users[label+":super_admin"] = su
		for _, r := range []models.Role{models.RoleAdminAgent, models.RoleSalesAgent, models.RoleHelpdeskAgent} {
			add(label+":"+string(r), c.ID, r, r != models.RoleHelpdeskAgent, false)
		}
		cust, err := st.CreateCustomer(ctx, f.Actor(label+":super_admin"), models.CustomerInput{Name: "Customer " + label,
			Domain: "customer-" + map[string]string{"A": "a", "B": "b"}[label] + ".example", Country: []string{"FR", "JP"}[i]})
		if err != nil {
			t.Fatalf("fixture customer %s: %v", label, err)
		}
		for _, r := range models.RolesOf(models.OrgCustomer) {
			add("cust"+label+":"+string(r), cust.ID, r, false, false)
		}
		if label == "A" {
			f.ConsoleA, f.CustomerA = c, cust
		} else {
			f.ConsoleB, f.CustomerB = c, cust
		}
	}
	// Roles that require a second factor get one with a known seed
	// (TOTPSecret), so helpers can type the current code.
	for key, u := range f.Users {
		if models.SecondFactorRequired(u.Role) {
			if err := st.EnrolKnownSecret(ctx, u.ID, f.TOTPSecret(key)); err != nil {
				t.Fatalf("fixture second factor %s: %v", key, err)
			}
		}
	}
	return f
}

// TOTPSecret is the known TOTP seed of a fixture user.
func (f *Fixture) TOTPSecret(key string) string { return store.DemoTOTPSecret(f.Email(key)) }

// NeedsCode tells whether a fixture user signs in with a second factor.
func (f *Fixture) NeedsCode(key string) bool { return models.SecondFactorRequired(f.Users[key].Role) }

// NextCode returns a code of the user's authenticator that the console will
// accept now: the first time-step within the accepted window after the last
// one used (a code works once). When the window is used up, it moves the
// test clock on by one step.
func (f *Fixture) NextCode(t testing.TB, key string) string {
	t.Helper()
	return f.NextCodeFor(t, f.Users[key].ID, f.TOTPSecret(key))
}

// NextCodeFor is NextCode for any user with a known seed.
func (f *Fixture) NextCodeFor(t testing.TB, userID int64, secret string) string {
	t.Helper()
	last, err := f.Store.LastCodeStep(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	for {
		now := f.Store.Now()
		cur := models.TOTPStep(now)
		for s := cur - models.TOTPSkew; s <= cur+models.TOTPSkew; s++ {
			if s > last {
				code, err := models.TOTPCode(secret, time.Unix(s*int64(models.TOTPPeriod/time.Second), 0))
				if err != nil {
					t.Fatal(err)
				}
				return code
			}
		}
		f.Clock.Advance(models.TOTPPeriod)
	}
}

// PassSecondFactor completes a half-signed-in session of a fixture user
// (store level) and returns the signed-in session's token (it rotates); a
// user without a second factor keeps the token.
func (f *Fixture) PassSecondFactor(t testing.TB, token, key string) string {
	t.Helper()
	if !f.NeedsCode(key) {
		return token
	}
	tok, _, err := f.Store.VerifySignInCode(context.Background(), token, f.NextCode(t, key), "192.0.2.1")
	if err != nil {
		t.Fatalf("second factor %s: %v", key, err)
	}
	return tok
}

func orgLabel(key string) string {
	for i := 0; i < len(key); i++ {
		if key[i] == ':' {
			return key[:i]
		}
	}
	return key
}
