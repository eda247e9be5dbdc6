package models

import "slices"

// OrgKind says which portal an organisation's users sign in to.
type OrgKind string

const (
	OrgConsole  OrgKind = "console"
	OrgCustomer OrgKind = "customer"
	OrgOperator OrgKind = "operator"
)

// Role is a user's role within their organisation (SPEC §1).
type Role string

const (
	RoleSuperAdmin      Role = "super_admin"
	RoleAdminAgent      Role = "admin_agent"
	RoleSalesAgent      Role = "sales_agent"
	RoleHelpdeskAgent   Role = "helpdesk_agent"
	RoleCustomerAdmin   Role = "customer_admin"
	RoleCustomerBilling Role = "customer_billing"
	RoleCustomerViewer  Role = "customer_viewer"
	RoleSupportEngineer Role = "support_engineer"
	RoleSalesRep        Role = "sales_rep"
	RoleOperatorAdmin   Role = "operator_admin"
)

// RolesOf lists the roles a user of an organisation kind may hold.
func RolesOf(k OrgKind) []Role {
	switch k {
	case OrgConsole:
		return []Role{RoleSuperAdmin, RoleAdminAgent, RoleSalesAgent, RoleHelpdeskAgent}
	case OrgCustomer:
		return []Role{RoleCustomerAdmin, RoleCustomerBilling, RoleCustomerViewer}
	case OrgOperator:
		return []Role{RoleSupportEngineer, RoleSalesRep, RoleOperatorAdmin}
	}
	return nil
}

// Kind is the organisation kind a role belongs to.
func (r Role) Kind() OrgKind {
	for _, k := range []OrgKind{OrgConsole, OrgCustomer, OrgOperator} {
		for _, x := range RolesOf(k) {
			if x == r {
				return k
			}
		}
	}
	return ""
}

// Valid tells whether r is a known role.
func (r Role) Valid() bool { return r.Kind() != "" }

// Portal is the path prefix of the role's portal.
func (r Role) Portal() string {
	switch r.Kind() {
	case OrgConsole:
		return "/console"
	case OrgCustomer:
		return "/admin"
	case OrgOperator:
		return "/desk"
	}
	return "/"
}

// Permission names an action a user may take. Routes and store methods ask
// Actor.Can; the table below is the single place that says who may.
type Permission string

const (
	PermManageUsers       Permission = "users.manage"      // R-ROLE-1
	PermManageBilling     Permission = "billing.manage"    // R-ROLE-1
	PermViewSettings      Permission = "settings.view"     // console settings
	PermReadCustomers     Permission = "customers.read"    // R-ROLE-4
	PermAddCustomers      Permission = "customers.add"     // R-ROLE-3 flag
	PermMigrateCustomers  Permission = "customers.migrate" // R-ROLE-3 flag
	PermViewOwnOrg        Permission = "org.view"          // customer dashboard
	PermReadAudit         Permission = "audit.read"        // every portal
	PermDeskConsoles      Permission = "desk.consoles"     // list consoles platform-wide
	PermOnboardConsole    Permission = "desk.onboard"      // create a console
	PermDeskCustomers     Permission = "desk.customers"    // list customers platform-wide
	PermOffers            Permission = "offers.manage"     // R-OFF-1: make, send, withdraw offers; Meet migrations
	PermOfferAccept       Permission = "offers.accept"     // R-OFF-2, R-ROLE-5: see, accept, decline offers
	PermTokens            Permission = "tokens.manage"     // R-TOK-1: create, revoke transfer tokens
	PermAcceptTerms       Permission = "terms.accept"      // R-OFF-5: accept the platform's terms of service
	PermDirectOffers      Permission = "offers.direct"     // R-MEET-3: the desk's direct offers
	PermFileCases         Permission = "cases.file"        // R-CASE-1: file and follow the console's support cases
	PermWorkCases         Permission = "cases.work"        // R-CASE-3: the support desk's case queue
	PermDeskMail          Permission = "desk.mail"         // the desk's Sent mail page (outbox)
	PermResetSecondFactor Permission = "mfa.reset"         // R-ROLE-7: reset a user's second factor
)

// ---- Billing core (issue 9) ----
const (
	PermBillingRead Permission = "billing.read"   // see invoices and the balance due
	PermBillingPay  Permission = "billing.pay"    // pay the balance
	PermIssueCredit Permission = "billing.credit" // the desk issues a credit (step-up)
)

// ---- Subscription life (issue 9, R-LIC-1..3) ----
const (
	PermManageLicences       Permission = "licences.manage"       // add licences, renewal option, cancel now, set up a trial's billing
	PermSuspendSubscriptions Permission = "subscriptions.suspend" // the reseller's suspension and reactivation
)

// ---- Billing pay (issue 9) ----
const (
	PermPaymentMethods Permission = "billing.payment_methods" // R-PAY-1: add, change, choose the primary, remove cards
)

// Console consolidation (issue 12, R-CON-1, R-CON-2): the super admin
// invites, accepts and closes console connections.
const PermConsolidate Permission = "consoles.consolidate"

// Delegated administration (issue 11, R-PK-2, R-ROLE-5): the desk enrols
// consoles in cloud essentials; a console offers delegated admin and, once
// accepted, administers the customer's users; the customer admin answers.
const (
	PermCloudEssentials      Permission = "desk.cloud_essentials"  // set or clear a console's cloud-essentials flag
	PermDelegatedAdminOffer  Permission = "delegated_admin.offer"  // send and withdraw delegated-admin offers
	PermDelegatedAdminAct    Permission = "delegated_admin.act"    // admin tasks for a customer that accepted
	PermDelegatedAdminAnswer Permission = "delegated_admin.answer" // accept, decline, end (customer admin)
)

// delegatedAdminHolds grants the delegated-admin permissions. It is a switch
// of its own rather than more cases in permRoles: permRoles sat at the
// inliner's budget (cost 80), and past it every slice it returns escapes, so
// Can would allocate (TestCanAllocatesNothing). Here the lists stay on the
// stack whatever this function's size.
func delegatedAdminHolds(r Role, p Permission) bool {
	switch p {
	// ---- Delegated administration (issue 11, R-PK-2) ----
	case PermCloudEssentials:
		return r == RoleOperatorAdmin
	case PermDelegatedAdminOffer:
		return slices.Contains([]Role{RoleSuperAdmin, RoleAdminAgent}, r)
	case PermDelegatedAdminAct:
		return slices.Contains([]Role{RoleSuperAdmin, RoleAdminAgent}, r)
	case PermDelegatedAdminAnswer:
		return r == RoleCustomerAdmin
	}
	return false
}

// permRoles grants permissions by permission rather than by role, so each
// area adds its own block without touching roleHolds' lines. A switch, not
// a package map: Can runs on every request, and no importer can change it.
func permRoles(p Permission) []Role {
	switch p {
	// ---- Billing core (issue 9) ----
	case PermBillingRead:
		return []Role{RoleSuperAdmin, RoleCustomerAdmin, RoleCustomerBilling, RoleSupportEngineer, RoleSalesRep, RoleOperatorAdmin}
	case PermBillingPay:
		return []Role{RoleSuperAdmin, RoleCustomerBilling}
	case PermIssueCredit:
		return []Role{RoleOperatorAdmin, RoleSupportEngineer}
	// ---- Subscription life (issue 9) ----
	case PermManageLicences:
		return []Role{RoleSuperAdmin, RoleAdminAgent, RoleCustomerAdmin}
	case PermSuspendSubscriptions:
		return []Role{RoleSuperAdmin, RoleAdminAgent}
	// ---- Billing pay (issue 9) ----
	case PermPaymentMethods:
		return []Role{RoleSuperAdmin, RoleCustomerAdmin}
	// ---- On-premises software (issue 10) ----
	case PermBuySoftware:
		return []Role{RoleSuperAdmin, RoleAdminAgent, RoleSalesAgent}
	case PermSoftwareKeys:
		return []Role{RoleSuperAdmin, RoleAdminAgent, RoleCustomerAdmin}
	case PermCancelSoftware:
		return []Role{RoleSuperAdmin, RoleAdminAgent}
	// ---- Console consolidation (issue 12) ----
	case PermConsolidate:
		return []Role{RoleSuperAdmin}
	}
	return nil
}

// roleHolds tells whether the role holds p; each case lists the role's
// permissions (the lists stay on the stack: Can allocates nothing).
func roleHolds(r Role, p Permission) bool {
	switch r {
	case RoleSuperAdmin:
		return slices.Contains([]Permission{PermManageUsers, PermManageBilling, PermViewSettings, PermReadCustomers, PermReadAudit, PermFileCases, PermOffers, PermResetSecondFactor}, p)
	case RoleAdminAgent:
		return slices.Contains([]Permission{PermViewSettings, PermReadCustomers, PermReadAudit, PermFileCases, PermOffers}, p)
	case RoleSalesAgent:
		return slices.Contains([]Permission{PermReadCustomers, PermReadAudit, PermFileCases, PermOffers}, p)
	case RoleHelpdeskAgent:
		return slices.Contains([]Permission{PermReadCustomers, PermReadAudit, PermFileCases}, p)
	case RoleCustomerAdmin:
		return slices.Contains([]Permission{PermViewOwnOrg, PermReadAudit, PermOfferAccept, PermTokens, PermAcceptTerms}, p)
	case RoleCustomerBilling:
		return slices.Contains([]Permission{PermViewOwnOrg, PermReadAudit}, p)
	case RoleCustomerViewer:
		return slices.Contains([]Permission{PermViewOwnOrg, PermReadAudit}, p)
	case RoleSupportEngineer:
		return slices.Contains([]Permission{PermDeskConsoles, PermDeskCustomers, PermReadAudit, PermWorkCases, PermDeskMail}, p)
	case RoleSalesRep:
		return slices.Contains([]Permission{PermDeskConsoles, PermDeskCustomers, PermReadAudit, PermDirectOffers}, p)
	case RoleOperatorAdmin:
		return slices.Contains([]Permission{PermDeskConsoles, PermDeskCustomers, PermOnboardConsole, PermReadAudit, PermWorkCases, PermDeskMail, PermResetSecondFactor}, p)
	}
	return false
}

// Actor is who does something: the signed-in user, their organisation and
// role, and where the request came from (for the audit log).
type Actor struct {
	UserID              int64
	Name                string
	OrgID               int64
	OrgKind             OrgKind
	Role                Role
	CanAddCustomers     bool
	CanMigrateCustomers bool
	IP                  string
	Locale              string
	TimeZone            string
}

// Can tells whether the actor holds a permission. The customers.add and
// customers.migrate flags are granted per user by a super admin (R-ROLE-3);
// a super admin holds them implicitly.
func (a Actor) Can(p Permission) bool {
	switch p {
	case PermAddCustomers:
		return a.Role == RoleSuperAdmin || (a.Role.Kind() == OrgConsole && a.Role != RoleHelpdeskAgent && a.CanAddCustomers)
	case PermMigrateCustomers:
		return a.Role == RoleSuperAdmin || (a.Role.Kind() == OrgConsole && a.Role != RoleHelpdeskAgent && a.CanMigrateCustomers)
	}
	if roleHolds(a.Role, p) || productKeyRoles(a.Role, p) || delegatedAdminHolds(a.Role, p) {
		return true
	}
	for _, r := range permRoles(p) {
		if r == a.Role {
			return true
		}
	}
	return false
}

// Require returns Forbidden unless the actor holds p.
func (a Actor) Require(p Permission) error {
	if !a.Can(p) {
		return Forbidden()
	}
	return nil
}

// IsDesk tells whether the actor is platform support staff.
func (a Actor) IsDesk() bool { return a.OrgKind == OrgOperator }

// System is the actor for background jobs and demo data.
func System() Actor { return Actor{Name: "system", OrgKind: OrgOperator, Role: RoleOperatorAdmin} }

// ---- On-premises software (issue 10, R-SW-1..6, R-ROLE-2, R-ROLE-4) ----
const (
	PermBuySoftware    Permission = "software.buy"    // R-SW-1: place orders on behalf of customers
	PermSoftwareKeys   Permission = "software.keys"   // R-SW-3: reveal keys, download, copy links (step-up)
	PermCancelSoftware Permission = "software.cancel" // R-SW-2: cancel an order line within 168 hours
)

// ---- Office 365 product keys (issue 11, SPEC §6, R-PK-1) ----
// Redeeming keys handles product keys (R-ROLE-2: admin agents and super
// admins; R-ROLE-4: never a sales agent) and adds a customer, so the store
// also asks for the customers.add flag (R-ROLE-3) when it creates one.
const (
	PermRedeemKeys      Permission = "product_keys.redeem" // the Redeem wizard, key cards list, renew with a key
	PermDeskProductKeys Permission = "desk.product_keys"   // the desk loads key cards for a console
)

// productKeyRoles grants the product-key permissions. Its own switch, not
// lines of permRoles: one more case there makes permRoles too big to
// inline, and its returned lists then escape (Can must not allocate).
func productKeyRoles(r Role, p Permission) bool {
	switch p {
	case PermRedeemKeys:
		return r == RoleSuperAdmin || r == RoleAdminAgent
	case PermDeskProductKeys:
		return r == RoleOperatorAdmin || r == RoleSalesRep
	}
	return false
}
