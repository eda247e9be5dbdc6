package storetest

import (
	"context"
	"fmt"
	"testing"

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
	return f
}

func orgLabel(key string) string {
	for i := 0; i < len(key); i++ {
		if key[i] == ':' {
			return key[:i]
		}
	}
	return key
}
