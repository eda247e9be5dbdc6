package store_test

import (
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

// TestSeedDemo: the demo data loads into an empty database, every printed
// sign-in works, and bulk customers add exactly the number asked for.
func TestSeedDemo(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	st := db.Store
	has, err := st.HasData(bg)
	if err != nil || has {
		t.Fatalf("a fresh database has data: %v %v", has, err)
	}
	signIns, err := st.SeedDemo(bg)
	if err != nil {
		t.Fatalf("SeedDemo: %v", err)
	}
	if has, _ := st.HasData(bg); !has {
		t.Error("HasData after seeding is false")
	}
	roles := map[models.Role]bool{}
	for i, s := range signIns {
		roles[s.Role] = true
		// Sign each in from its own address so the throttle never counts them together.
		_, u, err := st.SignIn(bg, s.Email, store.DemoPassword, "192.0.2."+string(rune('1'+i%9)), "ua")
		if err != nil {
			t.Errorf("demo sign-in %s (%s): %v", s.Email, s.Role, err)
			continue
		}
		if u.Role != s.Role {
			t.Errorf("%s has role %s, printed as %s", s.Email, u.Role, s.Role)
		}
	}
	for _, r := range []models.Role{models.RoleOperatorAdmin, models.RoleSuperAdmin, models.RoleAdminAgent, models.RoleSalesAgent,
		models.RoleHelpdeskAgent, models.RoleCustomerAdmin} {
		if !roles[r] {
			t.Errorf("no demo sign-in for %s", r)
		}
	}
	console, err := st.FirstConsole(bg)
	if err != nil {
		t.Fatal(err)
	}
	if !resellerIDRe.MatchString(console.PublicResellerID) {
		t.Errorf("demo console reseller id %q", console.PublicResellerID)
	}
	if n := countRows(t, db.Gorm, "subscriptions", ""); n == 0 {
		t.Error("demo customers have no subscriptions")
	}
	before := countRows(t, db.Gorm, "customers", "console_id = ?", console.ID)
	orgs := countRows(t, db.Gorm, "organisations", "")
	if err := st.SeedBulkCustomers(bg, console.ID, 2500); err != nil {
		t.Fatal(err)
	}
	if got := countRows(t, db.Gorm, "customers", "console_id = ?", console.ID); got != before+2500 {
		t.Errorf("bulk seeding added %d customers, want 2500", got-before)
	}
	if got := countRows(t, db.Gorm, "organisations", ""); got != orgs+2500 {
		t.Errorf("bulk seeding added %d organisations, want 2500", got-orgs)
	}
	// The bulk rows are valid customers the list pages through.
	var bad int64
	db.Gorm.Raw(`SELECT count(*) FROM customers WHERE console_id = ? AND (channel <> 'reseller' OR length(country) <> 2)`, console.ID).Scan(&bad)
	if bad != 0 {
		t.Errorf("%d bulk rows are malformed", bad)
	}
}
