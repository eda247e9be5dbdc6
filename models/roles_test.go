package models_test

import (
	"testing"

	"partnerconsole/models"
)

// foundationPerms are the permissions of the foundation (issue 2); other
// areas test their own.
var foundationPerms = []models.Permission{
	models.PermManageUsers, models.PermManageBilling, models.PermViewSettings, models.PermReadCustomers,
	models.PermAddCustomers, models.PermMigrateCustomers, models.PermViewOwnOrg, models.PermReadAudit,
	models.PermDeskConsoles, models.PermOnboardConsole, models.PermDeskCustomers,
}

func TestRolePermissions(t *testing.T) {
	type grant map[models.Permission]bool
	const (
		users    = models.PermManageUsers
		billing  = models.PermManageBilling
		settings = models.PermViewSettings
		read     = models.PermReadCustomers
		add      = models.PermAddCustomers
		migrate  = models.PermMigrateCustomers
		org      = models.PermViewOwnOrg
		audit    = models.PermReadAudit
		consoles = models.PermDeskConsoles
		onboard  = models.PermOnboardConsole
		deskCust = models.PermDeskCustomers
	)
	cases := []struct {
		role  models.Role
		flags bool // customers.add and customers.migrate granted to the user
		want  grant
	}{
		// R-ROLE-1: only a super admin manages users and billing; it holds both flags implicitly.
		{models.RoleSuperAdmin, false, grant{users: true, billing: true, settings: true, read: true, add: true, migrate: true, audit: true}},
		{models.RoleSuperAdmin, true, grant{users: true, billing: true, settings: true, read: true, add: true, migrate: true, audit: true}},
		{models.RoleAdminAgent, false, grant{settings: true, read: true, audit: true}},
		{models.RoleAdminAgent, true, grant{settings: true, read: true, add: true, migrate: true, audit: true}},
		// R-ROLE-4: sales agents work customers; the flags decide adding and migrating.
		{models.RoleSalesAgent, false, grant{read: true, audit: true}},
		{models.RoleSalesAgent, true, grant{read: true, add: true, migrate: true, audit: true}},
		// Helpdesk reads customers and never adds or migrates, whatever its flags.
		{models.RoleHelpdeskAgent, false, grant{read: true, audit: true}},
		{models.RoleHelpdeskAgent, true, grant{read: true, audit: true}},
		// Customer users see their own organisation; flags mean nothing to them.
		{models.RoleCustomerAdmin, false, grant{org: true, audit: true}},
		{models.RoleCustomerAdmin, true, grant{org: true, audit: true}},
		{models.RoleCustomerBilling, true, grant{org: true, audit: true}},
		{models.RoleCustomerViewer, true, grant{org: true, audit: true}},
		// Desk staff list consoles and customers; only the operator admin onboards.
		{models.RoleSupportEngineer, true, grant{consoles: true, deskCust: true, audit: true}},
		{models.RoleSalesRep, true, grant{consoles: true, deskCust: true, audit: true}},
		{models.RoleOperatorAdmin, false, grant{consoles: true, deskCust: true, onboard: true, audit: true}},
		{models.RoleOperatorAdmin, true, grant{consoles: true, deskCust: true, onboard: true, audit: true}},
		// An unknown role holds nothing.
		{models.Role("root"), true, grant{}},
		{models.Role(""), true, grant{}},
	}
	for _, c := range cases {
		a := models.Actor{Role: c.role, OrgKind: c.role.Kind(), CanAddCustomers: c.flags, CanMigrateCustomers: c.flags}
		for _, p := range foundationPerms {
			if got := a.Can(p); got != c.want[p] {
				t.Errorf("%s (flags %v) Can(%s) = %v, want %v", c.role, c.flags, p, got, c.want[p])
			}
			err := a.Require(p)
			if c.want[p] != (err == nil) {
				t.Errorf("%s Require(%s) = %v", c.role, p, err)
			}
			if err != nil && models.ErrorCode(err) != models.CodeForbidden {
				t.Errorf("%s Require(%s) code %s, want forbidden", c.role, p, models.ErrorCode(err))
			}
		}
	}

	// The two flags are independent of each other.
	a := models.Actor{Role: models.RoleSalesAgent, OrgKind: models.OrgConsole, CanAddCustomers: true}
	if !a.Can(add) || a.Can(migrate) {
		t.Error("customers.add alone must not grant customers.migrate")
	}
	a = models.Actor{Role: models.RoleAdminAgent, OrgKind: models.OrgConsole, CanMigrateCustomers: true}
	if a.Can(add) || !a.Can(migrate) {
		t.Error("customers.migrate alone must not grant customers.add")
	}
}

func TestRoleKindsAndPortals(t *testing.T) {
	cases := []struct {
		role   models.Role
		kind   models.OrgKind
		portal string
	}{
		{models.RoleSuperAdmin, models.OrgConsole, "/console"},
		{models.RoleAdminAgent, models.OrgConsole, "/console"},
		{models.RoleSalesAgent, models.OrgConsole, "/console"},
		{models.RoleHelpdeskAgent, models.OrgConsole, "/console"},
		{models.RoleCustomerAdmin, models.OrgCustomer, "/admin"},
		{models.RoleCustomerBilling, models.OrgCustomer, "/admin"},
		{models.RoleCustomerViewer, models.OrgCustomer, "/admin"},
		{models.RoleSupportEngineer, models.OrgOperator, "/desk"},
		{models.RoleSalesRep, models.OrgOperator, "/desk"},
		{models.RoleOperatorAdmin, models.OrgOperator, "/desk"},
		{models.Role("root"), "", "/"},
	}
	total := 0
	for _, c := range cases {
		if got := c.role.Kind(); got != c.kind {
			t.Errorf("%s.Kind() = %q, want %q", c.role, got, c.kind)
		}
		if got := c.role.Portal(); got != c.portal {
			t.Errorf("%s.Portal() = %q, want %q", c.role, got, c.portal)
		}
		if c.role.Valid() != (c.kind != "") {
			t.Errorf("%s.Valid() = %v", c.role, c.role.Valid())
		}
	}
	for _, k := range []models.OrgKind{models.OrgConsole, models.OrgCustomer, models.OrgOperator} {
		total += len(models.RolesOf(k))
	}
	if total != 10 {
		t.Errorf("RolesOf lists %d roles, want the 10 of SPEC §1", total)
	}
	if models.RolesOf("nobody") != nil {
		t.Error("RolesOf an unknown kind must be empty")
	}
	if !(models.Actor{OrgKind: models.OrgOperator}).IsDesk() || (models.Actor{OrgKind: models.OrgConsole}).IsDesk() {
		t.Error("IsDesk")
	}
}
