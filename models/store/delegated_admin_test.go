package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// enrolCloudEssentials puts a console in the programme as the desk.
func enrolCloudEssentials(t *testing.T, f *storetest.Fixture, consoleID int64) {
	t.Helper()
	if _, err := f.Store.SetCloudEssentials(bg, f.Actor("desk:operator_admin"), consoleID, true); err != nil {
		t.Fatal(err)
	}
}

// grantDelegatedAdmin has console A offer and customer A's admin accept.
func grantDelegatedAdmin(t *testing.T, f *storetest.Fixture) models.DelegatedAdminRelationship {
	t.Helper()
	enrolCloudEssentials(t, f, f.ConsoleA.ID)
	r, err := f.Store.OfferDelegatedAdmin(bg, f.Actor("A:super_admin"), f.CustomerA.ID, "We will run your users.")
	if err != nil {
		t.Fatal(err)
	}
	if r, err = f.Store.AnswerDelegatedAdmin(bg, f.Actor("custA:customer_admin"), r.ID, models.DAAccept); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCloudEssentialsFlag(t *testing.T) {
	f := storetest.Seed(t)
	st := f.Store
	for _, key := range []string{"desk:support_engineer", "desk:sales_rep", "A:super_admin"} {
		_, err := st.SetCloudEssentials(bg, f.Actor(key), f.ConsoleA.ID, true)
		wantCode(t, key, err, models.CodeForbidden)
	}
	c, err := st.SetCloudEssentials(bg, f.Actor("desk:operator_admin"), f.ConsoleA.ID, true)
	if err != nil || !c.CloudEssentials {
		t.Fatalf("enrol: %v %v", c.CloudEssentials, err)
	}
	// Setting it again changes nothing and audits nothing more.
	if _, err := st.SetCloudEssentials(bg, f.Actor("desk:operator_admin"), f.ConsoleA.ID, true); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, f.Gorm, "audit_events", "action = 'console.cloud_essentials_set' AND organisation_id = ?", f.ConsoleA.ID); n != 1 {
		t.Errorf("%d audit events in the console's log, want 1", n)
	}
	if _, err := st.SetCloudEssentials(bg, f.Actor("desk:operator_admin"), 987654, true); models.ErrorCode(err) != models.CodeNotFound {
		t.Errorf("unknown console: %v", err)
	}
	if c, err = st.SetCloudEssentials(bg, f.Actor("desk:operator_admin"), f.ConsoleA.ID, false); err != nil || c.CloudEssentials {
		t.Fatalf("clear: %v %v", c.CloudEssentials, err)
	}
}

func TestDelegatedAdminOffer(t *testing.T) {
	f := storetest.Seed(t)
	st := f.Store
	su := f.Actor("A:super_admin")

	t.Run("R-PK-2 not enrolled: forbidden with the reason, nothing written", func(t *testing.T) {
		_, err := st.OfferDelegatedAdmin(bg, su, f.CustomerA.ID, "Hello")
		wantCode(t, "not enrolled", err, models.CodeForbidden)
		if err == nil || !strings.Contains(err.Error(), "cloud-essentials") {
			t.Errorf("reason missing: %v", err)
		}
		p, err := st.DelegatedAdminPanelOf(bg, su, f.CustomerA.ID)
		if err != nil || p.Enrolled || !strings.Contains(p.Block, "cloud-essentials") {
			t.Errorf("panel %+v %v", p, err)
		}
		if n := countRows(t, f.Gorm, "delegated_admin_relationships", ""); n != 0 {
			t.Errorf("%d rows written", n)
		}
	})
	enrolCloudEssentials(t, f, f.ConsoleA.ID)

	t.Run("roles and tenants", func(t *testing.T) {
		for _, key := range []string{"A:sales_agent", "A:helpdesk_agent", "custA:customer_admin"} {
			_, err := st.OfferDelegatedAdmin(bg, f.Actor(key), f.CustomerA.ID, "Hello")
			wantCode(t, key, err, models.CodeForbidden)
		}
		_, err := st.OfferDelegatedAdmin(bg, su, f.CustomerB.ID, "Hello")
		wantCode(t, "another console's customer", err, models.CodeNotFound)
		_, err = st.OfferDelegatedAdmin(bg, su, f.CustomerA.ID, "  ")
		wantField(t, "no message", err, "message")
	})

	var offer models.DelegatedAdminRelationship
	t.Run("the offer notifies the customer admin in the app and by email", func(t *testing.T) {
		var err error
		offer, err = st.OfferDelegatedAdmin(bg, f.Actor("A:admin_agent"), f.CustomerA.ID, " We will run your users. ")
		if err != nil {
			t.Fatal(err)
		}
		if offer.State != models.DAOffered || offer.Message != "We will run your users." || offer.Version != 1 {
			t.Errorf("offer %+v", offer)
		}
		admin := f.Users["custA:customer_admin"].ID
		if n := countRows(t, f.Gorm, "notifications", "user_id = ? AND link = '/admin/delegated-admin'", admin); n != 1 {
			t.Errorf("%d notices for the customer admin", n)
		}
		if n := countRows(t, f.Gorm, "outbox", "user_id = ? AND link = '/admin/delegated-admin'", admin); n != 1 {
			t.Errorf("%d emails for the customer admin", n)
		}
		if n := countRows(t, f.Gorm, "notifications", "user_id = ?", f.Users["custA:customer_viewer"].ID); n != 0 {
			t.Errorf("the viewer was notified")
		}
		for _, org := range []int64{f.ConsoleA.ID, f.CustomerA.ID} {
			if n := countRows(t, f.Gorm, "audit_events", "action = 'delegated_admin.offered' AND organisation_id = ?", org); n != 1 {
				t.Errorf("org %d: %d audit events", org, n)
			}
		}
	})
	t.Run("one live offer per console and customer", func(t *testing.T) {
		_, err := st.OfferDelegatedAdmin(bg, su, f.CustomerA.ID, "Again")
		wantCode(t, "second offer", err, models.CodeConflict)
	})
	t.Run("another customer cannot answer; the viewer may not", func(t *testing.T) {
		_, err := st.AnswerDelegatedAdmin(bg, f.Actor("custB:customer_admin"), offer.ID, models.DAAccept)
		wantCode(t, "customer B", err, models.CodeNotFound)
		_, err = st.AnswerDelegatedAdmin(bg, f.Actor("custA:customer_viewer"), offer.ID, models.DAAccept)
		wantCode(t, "viewer", err, models.CodeForbidden)
		_, err = st.AnswerDelegatedAdmin(bg, f.Actor("custA:customer_admin"), offer.ID, models.DAEnd)
		wantCode(t, "end an offer", err, models.CodeConflict)
	})
	t.Run("withdraw, then a new offer", func(t *testing.T) {
		r, err := st.WithdrawDelegatedAdmin(bg, su, f.CustomerA.ID)
		if err != nil || r.State != models.DAWithdrawn {
			t.Fatalf("withdraw: %v %v", r.State, err)
		}
		if _, err := st.WithdrawDelegatedAdmin(bg, su, f.CustomerA.ID); err != nil {
			t.Errorf("second click: %v", err)
		}
		_, err = st.AnswerDelegatedAdmin(bg, f.Actor("custA:customer_admin"), offer.ID, models.DAAccept)
		wantCode(t, "accept a withdrawn offer", err, models.CodeConflict)
		if _, err := st.OfferDelegatedAdmin(bg, su, f.CustomerA.ID, "Second try"); err != nil {
			t.Fatal(err)
		}
	})
}

// A double click or two tabs accepting one offer change it once.
func TestDelegatedAdminAcceptRace(t *testing.T) {
	f := storetest.Seed(t)
	enrolCloudEssentials(t, f, f.ConsoleA.ID)
	offer, err := f.Store.OfferDelegatedAdmin(bg, f.Actor("A:super_admin"), f.CustomerA.ID, "Hello")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			move := models.DAAccept
			if i%4 == 3 {
				move = models.DADecline
			}
			_, errs[i] = f.Store.AnswerDelegatedAdmin(bg, f.Actor("custA:customer_admin"), offer.ID, move)
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && models.ErrorCode(err) != models.CodeConflict {
			t.Errorf("unexpected error %v", err)
		}
	}
	moved := countRows(t, f.Gorm, "audit_events", "action IN ('delegated_admin.accepted', 'delegated_admin.declined') AND organisation_id = ?", f.CustomerA.ID)
	if moved != 1 {
		t.Errorf("%d moves audited, want 1", moved)
	}
	if n := countRows(t, f.Gorm, "delegated_admin_relationships", "id = ? AND version = 2", offer.ID); n != 1 {
		t.Errorf("version is not 2")
	}
}

func TestDelegatedAdminGate(t *testing.T) {
	f := storetest.Seed(t)
	st := f.Store
	su := f.Actor("A:super_admin")
	viewer := f.Users["custA:customer_viewer"]
	newUser := models.UserInput{Name: "Nadia New", Email: "nadia@customer-a.example", Password: storetest.Password, Role: models.RoleCustomerViewer}

	tasks := func(a models.Actor, customerID, userID int64) map[string]error {
		_, e1 := st.ListCustomerUsers(bg, a, customerID, "", "")
		_, e2 := st.CreateCustomerUser(bg, a, customerID, newUser)
		_, e3 := st.ChangeCustomerUserRole(bg, a, customerID, userID, models.RoleCustomerBilling)
		_, e4 := st.SetCustomerUserDisabled(bg, a, customerID, userID, true)
		return map[string]error{"list": e1, "add": e2, "role": e3, "disable": e4}
	}
	t.Run("R-PK-2 no relationship: every task forbidden with the reason", func(t *testing.T) {
		for name, err := range tasks(su, f.CustomerA.ID, viewer.ID) {
			wantCode(t, name, err, models.CodeForbidden)
			if err == nil || !strings.Contains(err.Error(), "delegated-admin offer") {
				t.Errorf("%s: reason missing: %v", name, err)
			}
		}
	})
	enrolCloudEssentials(t, f, f.ConsoleA.ID)
	offer, err := st.OfferDelegatedAdmin(bg, su, f.CustomerA.ID, "Hello")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("R-PK-2 offered, not accepted: every task forbidden with the reason", func(t *testing.T) {
		for name, err := range tasks(su, f.CustomerA.ID, viewer.ID) {
			wantCode(t, name, err, models.CodeForbidden)
			if err == nil || !strings.Contains(err.Error(), "not accepted") {
				t.Errorf("%s: reason missing: %v", name, err)
			}
		}
		if n := countRows(t, f.Gorm, "users", "email = ?", newUser.Email); n != 0 {
			t.Errorf("a user was added")
		}
	})
	if _, err := st.AnswerDelegatedAdmin(bg, f.Actor("custA:customer_admin"), offer.ID, models.DAAccept); err != nil {
		t.Fatal(err)
	}
	t.Run("roles and tenants once accepted", func(t *testing.T) {
		for name, err := range tasks(f.Actor("A:sales_agent"), f.CustomerA.ID, viewer.ID) {
			wantCode(t, "sales agent "+name, err, models.CodeForbidden)
		}
		for name, err := range tasks(f.Actor("B:super_admin"), f.CustomerA.ID, viewer.ID) {
			wantCode(t, "console B "+name, err, models.CodeNotFound)
		}
		// Customer B's user through customer A's relationship: not found.
		_, err := st.SetCustomerUserDisabled(bg, su, f.CustomerA.ID, f.Users["custB:customer_viewer"].ID, true)
		wantCode(t, "customer B's user", err, models.CodeNotFound)
	})
	t.Run("accepted: the partner manages the users, audited on both sides", func(t *testing.T) {
		page, err := st.ListCustomerUsers(bg, su, f.CustomerA.ID, "viewer", "")
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != viewer.ID {
			t.Fatalf("search: %+v %v", page.Items, err)
		}
		u, err := st.CreateCustomerUser(bg, su, f.CustomerA.ID, newUser)
		if err != nil || u.OrganisationID != f.CustomerA.ID || u.Role != models.RoleCustomerViewer {
			t.Fatalf("add: %+v %v", u, err)
		}
		_, err = st.CreateCustomerUser(bg, su, f.CustomerA.ID, models.UserInput{Name: "X", Email: "x@customer-a.example", Password: storetest.Password, Role: models.RoleSuperAdmin})
		wantField(t, "a console role", err, "role")
		if _, err := st.ChangeCustomerUserRole(bg, su, f.CustomerA.ID, u.ID, models.RoleCustomerBilling); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetCustomerUserDisabled(bg, su, f.CustomerA.ID, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetCustomerUserDisabled(bg, su, f.CustomerA.ID, u.ID, false); err != nil {
			t.Fatal(err)
		}
		for _, org := range []int64{f.CustomerA.ID, f.ConsoleA.ID} {
			var names []string
			if err := f.Gorm.Table("audit_events").Where("organisation_id = ? AND record_type = 'user' AND record_id = ?", org, u.ID).
				Order("id").Pluck("actor_name", &names).Error; err != nil {
				t.Fatal(err)
			}
			if len(names) != 4 {
				t.Errorf("org %d: %d audit events, want 4 (added, role, disabled, enabled)", org, len(names))
			}
			for _, n := range names {
				if !strings.Contains(n, su.Name) || !strings.Contains(n, f.ConsoleA.Name) {
					t.Errorf("org %d: actor %q lacks the partner's or the console's name", org, n)
				}
			}
		}
		_, err = st.SetCustomerUserDisabled(bg, su, f.CustomerA.ID, f.Users["custA:customer_admin"].ID, true)
		wantField(t, "the last customer admin", err, "role")
	})
	t.Run("the customer ends it: forbidden again", func(t *testing.T) {
		if _, err := st.AnswerDelegatedAdmin(bg, f.Actor("custA:customer_admin"), offer.ID, models.DAEnd); err != nil {
			t.Fatal(err)
		}
		for name, err := range tasks(su, f.CustomerA.ID, viewer.ID) {
			wantCode(t, name, err, models.CodeForbidden)
		}
	})
}

// R-ROLE-6's exception: a customer of console B that granted console A
// delegated admin is in console A's customers list, marked; console B's
// list and the desk's are unchanged.
func TestDelegatedCustomersList(t *testing.T) {
	f := storetest.Seed(t)
	st := f.Store
	// Customer B buys through console B; console A is its delegated admin.
	enrolCloudEssentials(t, f, f.ConsoleA.ID)
	if err := f.Gorm.Exec(`INSERT INTO delegated_admin_relationships (console_id, customer_id, message, state, offered_at, answered_at, created_at, updated_at)
		VALUES (?, ?, 'Hello', 'accepted', now(), now(), now(), now())`, f.ConsoleA.ID, f.CustomerB.ID).Error; err != nil {
		t.Fatal(err)
	}
	list := func(key string, filter models.CustomerFilter) map[string]bool {
		t.Helper()
		page, err := st.ListCustomers(bg, f.Actor(key), filter, "")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, r := range page.Items {
			out[r.Name] = r.DelegatedAdmin
		}
		return out
	}
	if got := list("A:helpdesk_agent", models.CustomerFilter{}); len(got) != 2 || !got["Customer B"] || got["Customer A"] {
		t.Errorf("console A lists %v, want Customer A and Customer B (delegated admin)", got)
	}
	if got := list("A:helpdesk_agent", models.CustomerFilter{Query: "customer b"}); len(got) != 1 || !got["Customer B"] {
		t.Errorf("search: %v", got)
	}
	if got := list("B:helpdesk_agent", models.CustomerFilter{}); len(got) != 1 || got["Customer B"] {
		t.Errorf("console B lists %v", got)
	}
	if got := list("desk:support_engineer", models.CustomerFilter{}); len(got) != 2 || got["Customer B"] {
		t.Errorf("desk lists %v", got)
	}
	// Customer A granting its own console is marked, not listed twice.
	grantDelegatedAdmin(t, f)
	if got := list("A:helpdesk_agent", models.CustomerFilter{Sort: models.SortByCreated}); len(got) != 2 || !got["Customer A"] {
		t.Errorf("console A lists %v", got)
	}
	// The Users tab opens for the delegated customer of another console.
	if _, err := st.ListCustomerUsers(bg, f.Actor("A:super_admin"), f.CustomerB.ID, "", ""); err != nil {
		t.Errorf("users of the delegated customer: %v", err)
	}
}

// The delegated-admin arm leaves the console's own page an index scan with
// its LIMIT, and costs what the console's delegated customers cost, however
// many customers the console has.
func TestDelegatedCustomersListPlan(t *testing.T) {
	f := storetest.Seed(t)
	if err := f.Gorm.Exec(`WITH o AS (INSERT INTO organisations (kind, created_at) SELECT 'customer', now() FROM generate_series(1, 30000) RETURNING id)
		INSERT INTO customers (id, console_id, name, domain, tenant_id, country, channel, created_at, updated_at)
		SELECT id, CASE WHEN id % 3 = 0 THEN ?::bigint ELSE ?::bigint END, 'Bulk ' || id, 'bulk-' || id || '.example', gen_random_uuid(), 'FR', 'reseller', now(), now() FROM o`,
		f.ConsoleA.ID, f.ConsoleB.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := f.Gorm.Exec(`INSERT INTO delegated_admin_relationships (console_id, customer_id, message, state, offered_at, answered_at, created_at, updated_at)
		VALUES (?, ?, 'Hello', 'accepted', now(), now(), now(), now())`, f.ConsoleA.ID, f.CustomerB.ID).Error; err != nil {
		t.Fatal(err)
	}
	// Only the owner may ANALYZE (the app role's is skipped).
	owner, err := pgx.Connect(bg, f.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(bg)
	if _, err := owner.Exec(bg, "ANALYZE customers; ANALYZE delegated_admin_relationships; ANALYZE consoles"); err != nil {
		t.Fatal(err)
	}
	own, delegated, err := f.Store.ExplainCustomersPage(bg, f.Actor("A:helpdesk_agent"), models.CustomerFilter{Sort: models.SortByName})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(own, "customers_console_name_idx") || strings.Contains(own, "Seq Scan on customers") {
		t.Errorf("the console's own page is not an index scan:\n%s", own)
	}
	if !strings.Contains(delegated, "customers_pkey") || strings.Contains(delegated, "Seq Scan on customers") {
		t.Errorf("the delegated arm reads more than the delegated customers:\n%s", delegated)
	}
	t.Log(own + "\n" + delegated)
}

// The demo (issue 11): Northwind enrolled, Acme Robotics accepted, Blue
// Harbour's offer waiting.
func TestDelegatedAdminDemo(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	if _, err := db.Store.SeedDemo(bg); err != nil {
		t.Fatalf("SeedDemo: %v", err)
	}
	console, err := db.Store.FirstConsole(bg)
	if err != nil || !console.CloudEssentials {
		t.Fatalf("the demo console is not enrolled: %v", err)
	}
	for domain, state := range map[string]models.DelegatedAdminState{"acme-robotics.example": models.DAAccepted, "blueharbour.example": models.DAOffered} {
		n := countRows(t, db.Gorm, "delegated_admin_relationships r JOIN customers c ON c.id = r.customer_id",
			"c.domain = ? AND r.state = ? AND r.console_id = ?", domain, state, console.ID)
		if n != 1 {
			t.Errorf("%s: %d relationships %s", domain, n, state)
		}
	}
}

// Two people of the console offering at once: one offer is written.
func TestDelegatedAdminOfferRace(t *testing.T) {
	f := storetest.Seed(t)
	enrolCloudEssentials(t, f, f.ConsoleA.ID)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			key := []string{"A:super_admin", "A:admin_agent"}[i%2]
			_, errs[i] = f.Store.OfferDelegatedAdmin(bg, f.Actor(key), f.CustomerA.ID, fmt.Sprintf("Offer %d", i))
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case models.ErrorCode(err) != models.CodeConflict:
			t.Errorf("unexpected error %v", err)
		}
	}
	if n := countRows(t, f.Gorm, "delegated_admin_relationships", "customer_id = ?", f.CustomerA.ID); ok != 1 || n != 1 {
		t.Errorf("%d offers succeeded, %d written; want 1", ok, n)
	}
}
