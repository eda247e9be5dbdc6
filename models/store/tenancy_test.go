package store_test

import (
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

var consoleRoles = []models.Role{models.RoleSuperAdmin, models.RoleAdminAgent, models.RoleSalesAgent, models.RoleHelpdeskAgent}

// customerFilters are every way a list can be narrowed; each one is tried
// with queries that would match console B's customer.
func foreignFilters(b models.Customer) []models.CustomerFilter {
	var out []models.CustomerFilter
	for _, sort := range []models.CustomerSort{models.SortByName, models.SortByCreated, ""} {
		for _, q := range []string{"", "Customer", "Customer B", "customer b", b.Domain, "customer-", b.TenantID.String(), "%", "_"} {
			for _, country := range []string{"", b.Country} {
				for _, ch := range []models.Channel{"", models.ChannelReseller} {
					out = append(out, models.CustomerFilter{Query: q, Country: country, Channel: ch, Sort: sort})
				}
			}
		}
	}
	return out
}

// TestTenantIsolationConsole: console A never reads or changes console B's
// customers, users or billing accounts, by any method (R-ROLE-6).
func TestTenantIsolationConsole(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	st := f.Store
	b := f.CustomerB
	consoleB := f.ConsoleB.ID
	addSubscription(t, f, b.ID, &consoleB)
	// Console B also sells to console A's customer: A must not see that
	// subscription either.
	subOfB := addSubscription(t, f, f.CustomerA.ID, &consoleB)
	consoleA := f.ConsoleA.ID
	subOfA := addSubscription(t, f, f.CustomerA.ID, &consoleA)
	// B writes to its own audit log and has a billing account.
	superB := f.Actor("B:super_admin")
	baB, err := st.SaveBillingAccount(bg, superB, 0, models.BillingAccountInput{Name: "B JPY", Currency: "JPY", LegalEntity: "B KK"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateCustomer(bg, superB, b.ID, models.CustomerInput{Name: "Customer B", Domain: b.Domain, Country: b.Country, ContactName: "Bee"}); err != nil {
		t.Fatal(err)
	}
	userB := f.Users["B:sales_agent"]

	for _, role := range consoleRoles {
		a := f.Actor("A:" + string(role))
		t.Run(string(role), func(t *testing.T) {
			// Lists: every filter and sort, walking every page.
			sawOwn := false
			for _, flt := range foreignFilters(b) {
				cursor := ""
				for pages := 0; pages < 10; pages++ {
					page, err := st.ListCustomers(bg, a, flt, cursor)
					if err != nil {
						t.Fatalf("ListCustomers(%+v): %v", flt, err)
					}
					for _, r := range page.Items {
						if r.ID == b.ID || (r.ConsoleID != nil && *r.ConsoleID != consoleA) {
							t.Fatalf("ListCustomers(%+v) leaked customer %d of console %v", flt, r.ID, r.ConsoleID)
						}
						sawOwn = sawOwn || r.ID == f.CustomerA.ID
					}
					if page.Total > 1 || page.Many {
						t.Errorf("ListCustomers(%+v) counts %d (many %v): it counted another console's rows", flt, page.Total, page.Many)
					}
					if cursor = page.Next; cursor == "" {
						break
					}
				}
				var exported []int64
				if err := st.ExportCustomers(bg, a, flt, func(r store.CustomerRow) error {
					exported = append(exported, r.ID)
					return nil
				}); err != nil {
					t.Fatalf("ExportCustomers: %v", err)
				}
				for _, id := range exported {
					if id != f.CustomerA.ID {
						t.Fatalf("ExportCustomers(%+v) leaked customer %d", flt, id)
					}
				}
			}
			if !sawOwn {
				t.Error("the lists never showed console A's own customer: the test proves nothing")
			}

			// One record by id.
			if _, err := st.GetCustomer(bg, a, b.ID); !isNotFound(err) {
				t.Errorf("GetCustomer(B) = %v, want not_found", err)
			}
			if own, err := st.GetCustomer(bg, a, f.CustomerA.ID); err != nil || own.ID != f.CustomerA.ID {
				t.Errorf("GetCustomer(A) = %v", err)
			}
			if _, err := st.CustomerSubscriptions(bg, a, b.ID); !isNotFound(err) {
				t.Errorf("CustomerSubscriptions(B) = %v, want not_found", err)
			}
			subs, err := st.CustomerSubscriptions(bg, a, f.CustomerA.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(subs) != 1 || subs[0].ID != subOfA.ID {
				t.Errorf("CustomerSubscriptions(A) = %d rows, want only console A's subscription %d (not B's %d)", len(subs), subOfA.ID, subOfB.ID)
			}
			_, err = st.UpdateCustomer(bg, a, b.ID, models.CustomerInput{Name: "Taken over", Domain: "taken-over.example", Country: "FR"})
			if !isNotFound(err) {
				t.Errorf("UpdateCustomer(B) = %v, want not_found", err)
			}

			// The audit log: only console A's organisation, whatever the filter.
			for _, af := range []models.AuditFilter{{}, {RecordType: "customer", RecordID: b.ID}, {RecordID: b.ID},
				{Action: "customer.updated"}, {ActorUserID: superB.UserID}, {RecordType: "billing_account", RecordID: baB.ID}} {
				page, err := st.ListAudit(bg, a, af, "")
				if err != nil {
					t.Fatal(err)
				}
				for _, ev := range page.Items {
					if ev.OrganisationID != consoleA {
						t.Fatalf("ListAudit(%+v) leaked an event of organisation %d", af, ev.OrganisationID)
					}
				}
				if err := st.ExportAudit(bg, a, af, func(ev models.AuditEvent) error {
					if ev.OrganisationID != consoleA {
						t.Fatalf("ExportAudit(%+v) leaked an event of organisation %d", af, ev.OrganisationID)
					}
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			if page, _ := st.ListAudit(bg, a, models.AuditFilter{}, ""); len(page.Items) == 0 {
				t.Error("console A's audit log is empty: the test proves nothing")
			}

			// Users and billing accounts of console B.
			in := models.UserInput{Name: "Renamed", Role: models.RoleSuperAdmin, CanAddCustomers: true}
			if role == models.RoleSuperAdmin {
				if _, err := st.GetUser(bg, a, userB.ID); !isNotFound(err) {
					t.Errorf("GetUser(B) = %v, want not_found", err)
				}
				if _, err := st.UpdateUser(bg, a, userB.ID, in); !isNotFound(err) {
					t.Errorf("UpdateUser(B) = %v, want not_found", err)
				}
				if _, err := st.SetUserDisabled(bg, a, userB.ID, true); !isNotFound(err) {
					t.Errorf("SetUserDisabled(B) = %v, want not_found", err)
				}
				if _, err := st.GetBillingAccount(bg, a, baB.ID); !isNotFound(err) {
					t.Errorf("GetBillingAccount(B) = %v, want not_found", err)
				}
				if _, err := st.SaveBillingAccount(bg, a, baB.ID, models.BillingAccountInput{Name: "Mine", Currency: "EUR", LegalEntity: "A SAS"}); !isNotFound(err) {
					t.Errorf("SaveBillingAccount(B) = %v, want not_found", err)
				}
				users, err := st.ListUsers(bg, a, "", "")
				if err != nil {
					t.Fatal(err)
				}
				for _, u := range users.Items {
					if u.OrganisationID != consoleA {
						t.Errorf("ListUsers leaked user %d of organisation %d", u.ID, u.OrganisationID)
					}
				}
				bas, err := st.ListBillingAccounts(bg, a)
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range bas {
					if x.ConsoleID != consoleA {
						t.Errorf("ListBillingAccounts leaked account %d", x.ID)
					}
				}
				if c, err := st.MyConsole(bg, a); err != nil || c.ID != consoleA {
					t.Errorf("MyConsole = %d, %v", c.ID, err)
				}
				if _, err := st.GetConsole(bg, a, consoleB); !isNotFound(err) {
					t.Errorf("GetConsole(B) = %v, want not_found", err)
				}
			} else {
				// Other roles may not manage users or billing at all.
				wantCode(t, "GetUser", firstErr(st.GetUser(bg, a, userB.ID)), models.CodeForbidden)
				wantCode(t, "UpdateUser", firstErr(st.UpdateUser(bg, a, userB.ID, in)), models.CodeForbidden)
				wantCode(t, "SetUserDisabled", firstErr(st.SetUserDisabled(bg, a, userB.ID, true)), models.CodeForbidden)
				wantCode(t, "GetBillingAccount", firstErr(st.GetBillingAccount(bg, a, baB.ID)), models.CodeForbidden)
			}
		})
	}

	// Nothing of console B changed.
	var got models.Customer
	if err := f.Gorm.Take(&got, b.ID).Error; err != nil || got.Name != "Customer B" || got.Domain != b.Domain {
		t.Errorf("customer B changed: %+v %v", got, err)
	}
	var u models.User
	if err := f.Gorm.Take(&u, userB.ID).Error; err != nil || u.Name != userB.Name || u.Role != userB.Role || u.DisabledAt != nil {
		t.Errorf("user of B changed: %+v %v", u, err)
	}
	var ba models.BillingAccount
	if err := f.Gorm.Take(&ba, baB.ID).Error; err != nil || ba.Name != "B JPY" {
		t.Errorf("billing account of B changed: %+v %v", ba, err)
	}
}

func firstErr[T any](_ T, err error) error { return err }

// TestTenantIsolationCustomerUsers: a customer's users see only their own
// customer; any other id is not found.
func TestTenantIsolationCustomerUsers(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	st := f.Store
	consoleA := f.ConsoleA.ID
	own := addSubscription(t, f, f.CustomerA.ID, &consoleA)
	consoleB := f.ConsoleB.ID
	addSubscription(t, f, f.CustomerB.ID, &consoleB)
	for _, r := range models.RolesOf(models.OrgCustomer) {
		a := f.Actor("custA:" + string(r))
		t.Run(string(r), func(t *testing.T) {
			c, err := st.GetCustomer(bg, a, f.CustomerA.ID)
			if err != nil || c.ID != f.CustomerA.ID {
				t.Fatalf("GetCustomer(own) = %v", err)
			}
			subs, err := st.CustomerSubscriptions(bg, a, f.CustomerA.ID)
			if err != nil || len(subs) != 1 || subs[0].ID != own.ID {
				t.Errorf("CustomerSubscriptions(own) = %d rows, %v", len(subs), err)
			}
			if _, err := st.GetCustomer(bg, a, f.CustomerB.ID); !isNotFound(err) {
				t.Errorf("GetCustomer(other) = %v, want not_found", err)
			}
			if _, err := st.CustomerSubscriptions(bg, a, f.CustomerB.ID); !isNotFound(err) {
				t.Errorf("CustomerSubscriptions(other) = %v, want not_found", err)
			}
			// A customer's own console is not a customer it can open either.
			if _, err := st.GetCustomer(bg, a, consoleA); !isNotFound(err) {
				t.Errorf("GetCustomer(console id) = %v, want not_found", err)
			}
			// Customer users do not list customers, nor edit them.
			if _, err := st.ListCustomers(bg, a, models.CustomerFilter{}, ""); err == nil {
				t.Error("a customer user listed customers")
			}
			if err := st.ExportCustomers(bg, a, models.CustomerFilter{}, func(store.CustomerRow) error { return nil }); err == nil {
				t.Error("a customer user exported customers")
			}
			if _, err := st.UpdateCustomer(bg, a, f.CustomerB.ID, models.CustomerInput{Name: "x", Domain: "x.example", Country: "FR"}); !isNotFound(err) {
				t.Errorf("UpdateCustomer(other) = %v, want not_found", err)
			}
			wantCode(t, "UpdateCustomer(own)", firstErr(st.UpdateCustomer(bg, a, f.CustomerA.ID,
				models.CustomerInput{Name: "x", Domain: "x.example", Country: "FR"})), models.CodeForbidden)
			// The audit log shows only the customer's own organisation.
			page, err := st.ListAudit(bg, a, models.AuditFilter{}, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Items) == 0 {
				t.Error("the customer's audit log is empty: its creation should be there")
			}
			for _, ev := range page.Items {
				if ev.OrganisationID != f.CustomerA.ID {
					t.Errorf("customer saw audit event of organisation %d", ev.OrganisationID)
				}
			}
		})
	}
}

// TestDeskSeesAll: the support desk reads every console's customers.
func TestDeskSeesAll(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	st := f.Store
	for _, r := range models.RolesOf(models.OrgOperator) {
		a := f.Actor("desk:" + string(r))
		page, err := st.ListCustomers(bg, a, models.CustomerFilter{}, "")
		if err != nil {
			t.Fatalf("%s ListCustomers: %v", r, err)
		}
		ids := customerIDs(page.Items)
		if !ids[f.CustomerA.ID] || !ids[f.CustomerB.ID] || page.Total != 2 {
			t.Errorf("%s sees %v (total %d), want both customers", r, ids, page.Total)
		}
		for _, row := range page.Items {
			want := map[int64]string{f.CustomerA.ID: "Console A", f.CustomerB.ID: "Console B"}[row.ID]
			if row.ConsoleName != want {
				t.Errorf("row %d console name %q, want %q", row.ID, row.ConsoleName, want)
			}
		}
		for _, id := range []int64{f.CustomerA.ID, f.CustomerB.ID} {
			if _, err := st.GetCustomer(bg, a, id); err != nil {
				t.Errorf("%s GetCustomer(%d): %v", r, id, err)
			}
		}
		audit, err := st.ListAudit(bg, a, models.AuditFilter{}, "")
		if err != nil {
			t.Fatal(err)
		}
		orgs := map[int64]bool{}
		for _, ev := range audit.Items {
			orgs[ev.OrganisationID] = true
		}
		if !orgs[f.ConsoleA.ID] || !orgs[f.ConsoleB.ID] {
			t.Errorf("%s audit log shows organisations %v, want both consoles", r, orgs)
		}
		// The desk reads customers; it does not edit a console's customers.
		wantCode(t, "desk UpdateCustomer", firstErr(st.UpdateCustomer(bg, a, f.CustomerA.ID,
			models.CustomerInput{Name: "x", Domain: "x.example", Country: "FR"})), models.CodeForbidden)
		consoles, err := st.ListConsoles(bg, a, store.ConsoleFilter{}, "")
		if err != nil || consoles.Total != 2 {
			t.Errorf("%s ListConsoles = %d, %v", r, consoles.Total, err)
		}
		byID, err := st.ConsoleCustomers(bg, a, f.ConsoleB.ID)
		if err != nil || len(byID) != 1 || byID[0].ID != f.CustomerB.ID {
			t.Errorf("%s ConsoleCustomers(B) = %v, %v", r, byID, err)
		}
	}
	// Partners may not use the desk's platform-wide lists.
	for _, role := range consoleRoles {
		a := f.Actor("A:" + string(role))
		wantCode(t, "ListConsoles", firstErr(st.ListConsoles(bg, a, store.ConsoleFilter{}, "")), models.CodeForbidden)
		wantCode(t, "ConsoleCustomers", firstErr(st.ConsoleCustomers(bg, a, f.ConsoleB.ID)), models.CodeForbidden)
	}
}
