package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers"
	"partnerconsole/models"
)

// Route is one line of the route table: method, path, handler and who may
// use it. Every route of the app is here.
type Route struct {
	Method  string
	Path    string
	Handler echo.HandlerFunc
	Access  Access
}

var (
	public   = Access{Public: true}
	anyUser  = Access{Any: true}
	console  = func(p models.Permission) Access { return Access{Kinds: []models.OrgKind{models.OrgConsole}, Perm: p} }
	customer = func(p models.Permission) Access { return Access{Kinds: []models.OrgKind{models.OrgCustomer}, Perm: p} }
	desk     = func(p models.Permission) Access { return Access{Kinds: []models.OrgKind{models.OrgOperator}, Perm: p} }
)

// Routes is the route table.
func Routes(h *handlers.H) []Route {
	const GET, POST = http.MethodGet, http.MethodPost
	r := []Route{
		{GET, "/", h.Home, public},
		{GET, "/sign-in", h.SignInPage, public},
		{POST, "/sign-in", h.SignIn, public},
		{POST, "/sign-out", h.SignOut, anyUser},
		{GET, "/account", h.Account, anyUser},
		{POST, "/account/sessions/end-others", h.EndOtherSessions, anyUser},
		{POST, "/account/locale", h.SetLocale, anyUser},
		{POST, "/account/time-zone", h.SetTimeZone, anyUser},

		// Partner console
		{GET, "/console", h.ConsoleHome, console("")},
		{GET, "/console/customers", h.Customers, console(models.PermReadCustomers)},
		{GET, "/console/customers.csv", h.CustomersCSV, console(models.PermReadCustomers)},
		{GET, "/console/customers/new", h.NewCustomer, console(models.PermAddCustomers)},
		{POST, "/console/customers", h.CreateCustomer, console(models.PermAddCustomers)},
		{GET, "/console/customers/:id", h.Customer, console(models.PermReadCustomers)},
		{GET, "/console/customers/:id/edit", h.EditCustomer, console(models.PermAddCustomers)},
		{POST, "/console/customers/:id", h.UpdateCustomer, console(models.PermAddCustomers)},
		{GET, "/console/users", h.Users, console(models.PermManageUsers)},
		{GET, "/console/users/new", h.NewUser, console(models.PermManageUsers)},
		{POST, "/console/users", h.CreateUser, console(models.PermManageUsers)},
		{GET, "/console/users/:id/edit", h.EditUser, console(models.PermManageUsers)},
		{POST, "/console/users/:id", h.UpdateUser, stepUp(console(models.PermManageUsers))},
		{POST, "/console/users/:id/disable", h.DisableUser, console(models.PermManageUsers)},
		{POST, "/console/users/:id/enable", h.EnableUser, console(models.PermManageUsers)},
		{GET, "/console/billing-accounts", h.BillingAccounts, console(models.PermManageBilling)},
		{GET, "/console/billing-accounts/new", h.NewBillingAccount, console(models.PermManageBilling)},
		{POST, "/console/billing-accounts", h.CreateBillingAccount, console(models.PermManageBilling)},
		{GET, "/console/billing-accounts/:id/edit", h.EditBillingAccount, console(models.PermManageBilling)},
		{POST, "/console/billing-accounts/:id", h.UpdateBillingAccount, console(models.PermManageBilling)},
		{GET, "/console/settings", h.ConsoleSettings, console(models.PermViewSettings)},
		{GET, "/console/audit", h.Audit, console(models.PermReadAudit)},
		{GET, "/console/audit.csv", h.AuditCSV, console(models.PermReadAudit)},

		// Customer admin
		{GET, "/admin", h.CustomerDashboard, customer(models.PermViewOwnOrg)},
		{GET, "/admin/audit", h.Audit, customer(models.PermReadAudit)},
		{GET, "/admin/audit.csv", h.AuditCSV, customer(models.PermReadAudit)},

		// Support desk
		{GET, "/desk", h.DeskHome, desk("")},
		{GET, "/desk/consoles", h.DeskConsoles, desk(models.PermDeskConsoles)},
		{GET, "/desk/consoles/new", h.NewConsole, desk(models.PermOnboardConsole)},
		{POST, "/desk/consoles", h.CreateConsole, stepUp(desk(models.PermOnboardConsole))},
		{GET, "/desk/consoles/:id", h.DeskConsole, desk(models.PermDeskConsoles)},
		{GET, "/desk/customers", h.Customers, desk(models.PermDeskCustomers)},
		{GET, "/desk/customers.csv", h.CustomersCSV, desk(models.PermDeskCustomers)},
		{GET, "/desk/customers/:id", h.Customer, desk(models.PermDeskCustomers)},
		{GET, "/desk/audit", h.Audit, desk(models.PermReadAudit)},
		{GET, "/desk/audit.csv", h.AuditCSV, desk(models.PermReadAudit)},

		// Two-factor sign-in and step-up (issue 8 §1). The sign-in steps are
		// public routes: a half-signed-in session has no actor, and each
		// step's handler checks the session waits at that step.
		{GET, "/sign-in/code", h.SignInCodePage, public},
		{POST, "/sign-in/code", h.SignInCode, public},
		{GET, "/sign-in/enrol", h.SignInEnrolPage, public},
		{POST, "/sign-in/enrol", h.SignInEnrol, public},
		{GET, "/two-factor/qr.png", h.EnrolmentQR, public},
		{GET, "/account/two-factor", h.TwoFactor, anyUser},
		{POST, "/account/two-factor/setup", h.StartTwoFactor, anyUser},
		{POST, "/account/two-factor", h.ConfirmTwoFactor, anyUser},
		{POST, "/account/two-factor/recovery-codes", h.RegenerateRecoveryCodes, stepUp(anyUser)},
		{POST, "/account/two-factor/off", h.TurnOffTwoFactor, stepUp(anyUser)},
		{GET, "/step-up", h.StepUpPage, anyUser},
		{POST, "/step-up", h.StepUp, anyUser},
		{POST, "/console/users/:id/two-factor/reset", h.ResetUserTwoFactor, stepUp(console(models.PermResetSecondFactor))},
		{GET, "/desk/two-factor", h.DeskTwoFactorPage, desk(models.PermResetSecondFactor)},
		{POST, "/desk/two-factor/reset", h.DeskResetTwoFactor, stepUp(desk(models.PermResetSecondFactor))},
	}
	for _, area := range areaRoutes {
		r = append(r, area(h)...)
	}
	return r
}
