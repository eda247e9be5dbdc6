package store_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// TestUserManagement: a super admin creates users with a role and flags,
// changes them and cannot change their own role; every change is audited.
func TestUserManagement(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	st := f.Store
	super := f.Actor("A:super_admin")
	u, err := st.CreateUser(bg, super, models.UserInput{Name: " Nora ", Email: " Nora@A.test ", Password: "a long enough password",
		Role: models.RoleSalesAgent, CanAddCustomers: true})
	if err != nil {
		t.Fatal(err)
	}
	if u.OrganisationID != f.ConsoleA.ID || u.Email != "nora@a.test" || u.Name != "Nora" || !u.CanAddCustomers || u.CanMigrateCustomers {
		t.Errorf("created %+v", u)
	}
	if !models.CheckPassword(u.PasswordHash, "a long enough password") {
		t.Error("the password is not stored as its hash")
	}
	if n := countRows(t, f.Gorm, "audit_events", "action = 'user.created' AND record_id = ? AND organisation_id = ?", u.ID, f.ConsoleA.ID); n != 1 {
		t.Errorf("user.created rows: %d", n)
	}
	// Emails are unique platform-wide, whatever their case.
	audits := countRows(t, f.Gorm, "audit_events", "")
	_, err = st.CreateUser(bg, f.Actor("B:super_admin"), models.UserInput{Name: "Other Nora", Email: "NORA@a.test", Password: "a long enough password", Role: models.RoleSalesAgent})
	wantField(t, "duplicate email", err, "email")
	if countRows(t, f.Gorm, "audit_events", "") != audits {
		t.Error("a refused user wrote an audit row")
	}
	// A customer role cannot be given in a console.
	_, err = st.CreateUser(bg, super, models.UserInput{Name: "X", Email: "x@a.test", Password: "a long enough password", Role: models.RoleCustomerAdmin})
	wantField(t, "customer role in a console", err, "role")

	// Change role and flags: audited before → after.
	u2, err := st.UpdateUser(bg, super, u.ID, models.UserInput{Name: "Nora B", Role: models.RoleAdminAgent, CanMigrateCustomers: true})
	if err != nil {
		t.Fatal(err)
	}
	if u2.Role != models.RoleAdminAgent || u2.CanAddCustomers || !u2.CanMigrateCustomers || u2.Email != "nora@a.test" {
		t.Errorf("updated %+v", u2)
	}
	var ev models.AuditEvent
	if err := f.Gorm.Where("action = 'user.updated' AND record_id = ?", u.ID).Take(&ev).Error; err != nil {
		t.Fatal(err)
	}
	var was, now map[string]any
	if json.Unmarshal(ev.Before, &was) != nil || json.Unmarshal(ev.After, &now) != nil ||
		was["role"] != "sales_agent" || now["role"] != "admin_agent" || was["customers.add"] != true || now["customers.migrate"] != true {
		t.Errorf("user.updated %s -> %s", ev.Before, ev.After)
	}
	// A super admin may not change their own role.
	_, err = st.UpdateUser(bg, super, super.UserID, models.UserInput{Name: "Me", Role: models.RoleSalesAgent})
	wantField(t, "own role", err, "role")
	// Renaming oneself is fine.
	if _, err := st.UpdateUser(bg, super, super.UserID, models.UserInput{Name: "Me Renamed", Role: models.RoleSuperAdmin}); err != nil {
		t.Errorf("renaming oneself: %v", err)
	}
	// Non-super-admins manage no users.
	for _, key := range []string{"A:admin_agent", "A:sales_agent", "A:helpdesk_agent", "custA:customer_admin"} {
		wantCode(t, key+" creates a user", firstErr(st.CreateUser(bg, f.Actor(key), models.UserInput{Name: "Y", Email: "y@a.test",
			Password: "a long enough password", Role: models.RoleSalesAgent})), models.CodeForbidden)
		wantCode(t, key+" lists users", firstErr(st.ListUsers(bg, f.Actor(key), "", "")), models.CodeForbidden)
	}
}

// TestListUsersPaging: the users list pages by keyset across equal names and
// counts every user, not just the page.
func TestListUsersPaging(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	super := f.Actor("B:super_admin")
	for i := 0; i < 70; i++ {
		if _, err := f.Store.CreateUser(bg, super, models.UserInput{Name: "Same Person", Email: fmt.Sprintf("same%02d@b.test", i),
			Password: "a long enough password", Role: models.RoleSalesAgent}); err != nil {
			t.Fatal(err)
		}
	}
	want := countRows(t, f.Gorm, "users", "organisation_id = ?", f.ConsoleB.ID)
	seen := map[int64]bool{}
	cursor := ""
	for i := 0; i < 10; i++ {
		page, err := f.Store.ListUsers(bg, super, "", cursor)
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != want {
			t.Errorf("page %d says %d users, want %d", i, page.Total, want)
		}
		for _, u := range page.Items {
			if seen[u.ID] {
				t.Errorf("user %d twice", u.ID)
			}
			seen[u.ID] = true
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	if int64(len(seen)) != want {
		t.Errorf("walked %d users, want %d", len(seen), want)
	}
	page, err := f.Store.ListUsers(bg, super, "SAME", "")
	if err != nil || page.Total != 70 {
		t.Errorf("search: total %d, %v", page.Total, err)
	}
	_ = storetest.Password
}

// TestPreferences: language and time zone are validated and audited.
func TestPreferences(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	a := f.Actor("custB:customer_billing")
	wantField(t, "unknown locale", f.Store.SetLocale(bg, a, "de"), "locale")
	if err := f.Store.SetLocale(bg, a, "ja"); err != nil {
		t.Fatal(err)
	}
	for _, z := range []string{"", "Local", "Mars/Olympus", "../../etc/passwd"} {
		wantField(t, "zone "+z, f.Store.SetTimeZone(bg, a, z), "time_zone")
	}
	if err := f.Store.SetTimeZone(bg, a, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	var u models.User
	if err := f.Gorm.Take(&u, a.UserID).Error; err != nil || u.Locale != "ja" || u.TimeZone != "Asia/Tokyo" {
		t.Errorf("preferences stored: %q %q %v", u.Locale, u.TimeZone, err)
	}
	if n := countRows(t, f.Gorm, "audit_events", "record_id = ? AND action IN ('user.locale_changed', 'user.time_zone_changed')", a.UserID); n != 2 {
		t.Errorf("%d preference audit rows, want 2", n)
	}
}
