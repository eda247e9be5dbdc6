package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"partnerconsole/models"
	"partnerconsole/web/webtest"
)

// Delegated administration through the pages (R-PK-2): not enrolled, the
// offer button is disabled with the reason and the POST answers 403 with
// it; the desk enrols the console; the Users tab answers 403 with the
// reason until the customer admin accepts; then the partner manages the
// users, and the customer is marked in the console's list.
func TestDelegatedAdminPages(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	partner := s.SignedIn(t, "A:super_admin")
	base := fmt.Sprintf("/console/customers/%d", s.CustomerA.ID)

	page := partner.Get(base)
	if page.Status != http.StatusOK || !page.TestID("dap-panel") || !page.TestID("customer-users") {
		t.Fatalf("customer page: %d, no delegated-admin panel", page.Status)
	}
	if !page.TestID("dap-offer-disabled") || !page.TestID("dap-panel-reason") || !page.Has("cloud-essentials programme") {
		t.Fatal("customer page not enrolled: the offer action is not disabled with the reason")
	}
	page = partner.Get(base + "/delegated-admin")
	if page.Status != http.StatusOK || !page.TestID("dap-offer-reason") || !page.Has("disabled") || !page.Has("cloud-essentials programme") {
		t.Fatalf("offer page not enrolled: %d, the reason or the disabled button is missing", page.Status)
	}
	r := partner.Post(base+"/delegated-admin", url.Values{"message": {"Hello"}})
	if r.Status != http.StatusForbidden || !r.Has("cloud-essentials programme") {
		t.Fatalf("offer not enrolled: %d, want 403 with the reason", r.Status)
	}

	desk := s.SignedIn(t, "desk:operator_admin")
	dpage := desk.Get(fmt.Sprintf("/desk/consoles/%d", s.ConsoleA.ID))
	if !dpage.TestID("cloud-essentials") || !dpage.TestID("cloud-essentials-toggle") {
		t.Fatal("the desk's console page has no cloud-essentials switch")
	}
	if r = desk.Post(fmt.Sprintf("/desk/consoles/%d/cloud-essentials", s.ConsoleA.ID), url.Values{"enrolled": {"on"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("enrol: %d", r.Status)
	}
	if !desk.Get(fmt.Sprintf("/desk/consoles/%d", s.ConsoleA.ID)).Has("Take out of cloud essentials") {
		t.Error("the console does not show as enrolled")
	}

	if r = partner.Post(base+"/delegated-admin", url.Values{"message": {"  "}}); r.Status != http.StatusUnprocessableEntity || !r.Has("Write a message") {
		t.Fatalf("empty message: %d", r.Status)
	}
	if r = partner.Post(base+"/delegated-admin", url.Values{"message": {"We will run your users."}}); r.Status != http.StatusSeeOther {
		t.Fatalf("offer: %d", r.Status)
	}
	tab := partner.Get(base + "/users")
	if tab.Status != http.StatusForbidden || !tab.TestID("dap-reason") || !tab.Has("not accepted your delegated-admin offer yet") {
		t.Fatalf("Users tab before acceptance: %d, want 403 with the reason", tab.Status)
	}
	viewer := s.Users["custA:customer_viewer"]
	if r = partner.Post(fmt.Sprintf("%s/users/%d/disable", base, viewer.ID), nil); r.Status != http.StatusForbidden || !r.TestID("dap-reason") {
		t.Fatalf("disable before acceptance: %d, want 403 with the reason", r.Status)
	}

	admin := s.SignedIn(t, "custA:customer_admin")
	portal := admin.Get("/admin/delegated-admin")
	if portal.Status != http.StatusOK || !portal.Has("Console A") || !portal.TestID("dap-accept") {
		t.Fatalf("portal: %d", portal.Status)
	}
	rows, err := s.Store.ListDelegatedAdmin(context.Background(), s.Actor("custA:customer_admin"))
	if err != nil || len(rows) != 1 {
		t.Fatalf("relationships %v %v", rows, err)
	}
	accept := fmt.Sprintf("/admin/delegated-admin/%d/accept", rows[0].ID)
	for i := 0; i < 2; i++ { // a double click changes it once
		if r = admin.Post(accept, nil); r.Status != http.StatusSeeOther {
			t.Fatalf("accept #%d: %d", i+1, r.Status)
		}
	}

	tab = partner.Get(base + "/users?q=viewer")
	if tab.Status != http.StatusOK || !tab.TestID(fmt.Sprintf("customer-user-%d", viewer.ID)) {
		t.Fatalf("Users tab after acceptance: %d", tab.Status)
	}
	if r = partner.Post(base+"/users", url.Values{"name": {"Nadia"}}); r.Status != http.StatusUnprocessableEntity || !r.TestID("customer-users-title") {
		t.Fatalf("add with bad input: %d", r.Status)
	}
	if r = partner.Post(base+"/users", url.Values{"name": {"Nadia New"}, "email": {"nadia@customer-a.example"},
		"password": {"a-long-enough-password-1"}, "role": {string(models.RoleCustomerBilling)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("add: %d", r.Status)
	}
	adminUser := s.Users["custA:customer_admin"]
	if r = partner.Post(fmt.Sprintf("%s/users/%d/role", base, adminUser.ID), url.Values{"role": {"customer_viewer"}}); r.Status != http.StatusUnprocessableEntity || !r.Has("at least one active customer admin") {
		t.Fatalf("demote the last admin: %d", r.Status)
	}
	if r = partner.Post(fmt.Sprintf("%s/users/%d/disable", base, viewer.ID), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.Status)
	}
	list := partner.Get("/console/customers")
	if !list.Has("Delegated admin") {
		t.Error("the customers list does not mark the delegated customer")
	}
	audit := admin.Get("/admin/audit")
	if !audit.Has("Console A, delegated admin") {
		t.Error("the customer's audit log does not name the console")
	}
}

// Every partner route of a customer's Users tab (list, add, role, disable,
// enable) answers 403 with the reason, and changes nothing, while the
// customer's relationship with the console is not accepted: never offered,
// offered and waiting, declined (R-PK-2).
func TestDelegatedAdminUsersTabRefusedUntilAccepted(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	ctx := context.Background()
	partner := s.SignedIn(t, "A:super_admin")
	base := fmt.Sprintf("/console/customers/%d", s.CustomerA.ID)
	viewer := s.Users["custA:customer_viewer"]
	userCount := func() (n int64) {
		s.Gorm.Raw("SELECT count(*) FROM users WHERE organisation_id = ?", s.CustomerA.ID).Scan(&n)
		return n
	}
	viewerState := func() (st string) {
		s.Gorm.Raw("SELECT role || '/' || coalesce(disabled_at::text, 'active') FROM users WHERE id = ?", viewer.ID).Scan(&st)
		return st
	}
	users, state := userCount(), viewerState()
	if users == 0 || state == "" {
		t.Fatalf("the fixture's customer has no users to read (%d, %q)", users, state)
	}

	routes := []struct {
		name, method, path string
		form               url.Values
	}{
		{"list", http.MethodGet, base + "/users", nil},
		{"add", http.MethodPost, base + "/users", url.Values{"name": {"Nadia New"}, "email": {"nadia@customer-a.example"},
			"password": {"a-long-enough-password-1"}, "role": {string(models.RoleCustomerBilling)}}},
		{"role", http.MethodPost, fmt.Sprintf("%s/users/%d/role", base, viewer.ID), url.Values{"role": {string(models.RoleCustomerAdmin)}}},
		{"disable", http.MethodPost, fmt.Sprintf("%s/users/%d/disable", base, viewer.ID), nil},
		{"enable", http.MethodPost, fmt.Sprintf("%s/users/%d/enable", base, viewer.ID), nil},
	}
	refused := func(t *testing.T, reason string) {
		t.Helper()
		for _, rt := range routes {
			var r webtest.Response
			if rt.method == http.MethodGet {
				r = partner.Get(rt.path)
			} else {
				r = partner.Post(rt.path, rt.form)
			}
			if r.Status != http.StatusForbidden || !r.TestID("dap-reason") || !r.Has(reason) {
				t.Errorf("%s %s: %d, want 403 with the reason %q", rt.method, rt.name, r.Status, reason)
			}
		}
		if n, st := userCount(), viewerState(); n != users || st != state {
			t.Errorf("a refused request changed the customer's users: %d users (was %d), viewer %s (was %s)", n, users, st, state)
		}
	}

	t.Run("never offered", func(t *testing.T) {
		refused(t, "Your console is not this customer")
	})
	if _, err := s.Store.SetCloudEssentials(ctx, s.Actor("desk:operator_admin"), s.ConsoleA.ID, true); err != nil {
		t.Fatal(err)
	}
	rel, err := s.Store.OfferDelegatedAdmin(ctx, s.Actor("A:super_admin"), s.CustomerA.ID, "We will run your users.")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("offered, awaiting the answer", func(t *testing.T) {
		refused(t, "has not accepted your delegated-admin offer yet")
	})
	if _, err := s.Store.AnswerDelegatedAdmin(ctx, s.Actor("custA:customer_admin"), rel.ID, models.DADecline); err != nil {
		t.Fatal(err)
	}
	t.Run("declined", func(t *testing.T) {
		refused(t, "Your console is not this customer")
	})
}
