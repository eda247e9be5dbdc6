package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers"
	"partnerconsole/models"
)

// Route is one line of the route table: method, path, handler and who may
// use it.
type Route struct {
	Method  string
	Path    string
	Handler echo.HandlerFunc
	Access  Access
}

// Service holds the handlers of the routes that serve operators and
// browsers rather than users: static files, health, readiness, metrics.
type Service struct {
	Static, Health, Ready, Metrics echo.HandlerFunc
	Pprof                          echo.HandlerFunc // profiles, metrics token only
}

// Routes is the route table: every route of the app, read top to bottom,
// grouped by portal and area. A new route is a new line here; the route ×
// role matrix test (matrix_test.go) fails until it has a row there too.
func Routes(h *handlers.H, svc Service) []Route {
	const GET, POST = http.MethodGet, http.MethodPost
	public := Access{Public: true}
	anyUser := Access{Any: true}
	console := func(p models.Permission) Access { return Access{Kinds: []models.OrgKind{models.OrgConsole}, Perm: p} }
	customer := func(p models.Permission) Access { return Access{Kinds: []models.OrgKind{models.OrgCustomer}, Perm: p} }
	desk := func(p models.Permission) Access { return Access{Kinds: []models.OrgKind{models.OrgOperator}, Perm: p} }
	offers := console(models.PermOffers)
	accept := customer(models.PermOfferAccept)
	direct := desk(models.PermDirectOffers)

	return []Route{
		// ---- Service: files, health, readiness, metrics (outside the matrix) ----
		{GET, "/static/*", svc.Static, public},
		{GET, "/healthz", svc.Health, public},
		{GET, "/readyz", svc.Ready, public},
		{GET, "/metrics", svc.Metrics, public}, // bearer token or loopback only
		// Profiles: the metrics token only, never loopback alone.
		{GET, "/debug/pprof/*", svc.Pprof, public},

		// ---- Everyone: home, sign-in, own account ----
		{GET, "/", h.Home, public},
		{GET, "/sign-in", h.SignInPage, public},
		{POST, "/sign-in", h.SignIn, public},
		{POST, "/sign-out", h.SignOut, anyUser},
		{GET, "/account", h.Account, anyUser},
		{POST, "/account/sessions/end-others", h.EndOtherSessions, anyUser},
		{POST, "/account/locale", h.SetLocale, anyUser},
		{POST, "/account/time-zone", h.SetTimeZone, anyUser},

		// ---- Everyone: the bell's notices and email settings ----
		{GET, "/notifications", h.Notifications, anyUser},
		{POST, "/notifications/read-all", h.ReadAllNotifications, anyUser},
		{POST, "/notifications/read", h.ReadNotification, anyUser},
		{GET, "/notifications/settings", h.NotificationSettings, anyUser},
		{POST, "/notifications/settings", h.SaveNotificationSettings, anyUser},

		// ---- Partner console: home and customers ----
		{GET, "/console", h.ConsoleHome, console("")},
		{GET, "/console/customers", h.Customers, console(models.PermReadCustomers)},
		{GET, "/console/customers.csv", h.CustomersCSV, console(models.PermReadCustomers)},
		{GET, "/console/customers/new", h.NewCustomer, console(models.PermAddCustomers)},
		{POST, "/console/customers", h.CreateCustomer, console(models.PermAddCustomers)},
		{GET, "/console/customers/:id", h.Customer, console(models.PermReadCustomers)},
		{GET, "/console/customers/:id/edit", h.EditCustomer, console(models.PermAddCustomers)},
		{POST, "/console/customers/:id", h.UpdateCustomer, console(models.PermAddCustomers)},

		// ---- Partner console: offers (SPEC §3) ----
		{GET, "/console/offers", h.Offers, offers},
		{GET, "/console/offers.csv", h.OffersCSV, offers},
		{GET, "/console/offers/new", h.NewOffer, offers},
		{GET, "/console/offers/list-price", h.OfferListPrice, offers},
		{POST, "/console/offers", h.CreateOffer, offers},
		{GET, "/console/offers/:id", h.Offer, offers},
		{POST, "/console/offers/:id/send", h.SendOffer, offers},
		{POST, "/console/offers/:id/withdraw", h.WithdrawOffer, offers},

		// ---- Partner console: Meet hardware migration of a customer (SPEC §4) ----
		{GET, "/console/customers/:id/meet", h.Meet, offers},
		{POST, "/console/customers/:id/meet/start", h.StartMeet, offers},
		{POST, "/console/customers/:id/meet/request", h.MeetRequest, offers},
		{POST, "/console/customers/:id/meet/case", h.MeetCase, offers},
		{POST, "/console/customers/:id/meet/share-id", h.MeetShareID, offers},
		{POST, "/console/customers/:id/meet/confirm", h.MeetConfirm, offers},

		// ---- Partner console: support cases it files and follows ----
		{GET, "/console/cases", h.Cases, console(models.PermFileCases)},
		{GET, "/console/cases.csv", h.CasesCSV, console(models.PermFileCases)},
		{GET, "/console/cases/new", h.NewCase, console(models.PermFileCases)},
		{POST, "/console/cases", h.CreateCase, console(models.PermFileCases)},
		{GET, "/console/cases/:id", h.Case, console(models.PermFileCases)},
		{POST, "/console/cases/:id/comments", h.CommentCase, console(models.PermFileCases)},
		{POST, "/console/cases/:id/reopen", h.ReopenCase, console(models.PermFileCases)},
		{GET, "/console/cases/:id/attachments/:aid", h.DownloadAttachment, console(models.PermFileCases)},

		// ---- Partner console: users, billing accounts, settings, audit ----
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

		// ---- Subscription life (issue 9, R-LIC-1..3): the console's list, the subscription page and its actions ----
		{GET, "/console/subscriptions", h.Subscriptions, console(models.PermReadCustomers)},
		{GET, "/console/subscriptions.csv", h.SubscriptionsCSV, console(models.PermReadCustomers)},
		{GET, "/console/subscriptions/:id", h.Subscription, console(models.PermReadCustomers)},
		{POST, "/console/subscriptions/:id/licences", h.AddLicences, console(models.PermManageLicences)},
		{POST, "/console/subscriptions/:id/renewal", h.SetRenewal, console(models.PermManageLicences)},
		{POST, "/console/subscriptions/:id/cancel", h.CancelSubscription, console(models.PermManageLicences)},
		{POST, "/console/subscriptions/:id/billing-setup", h.SetUpBilling, console(models.PermManageLicences)},
		{POST, "/console/subscriptions/:id/suspend", h.SuspendSubscription, console(models.PermSuspendSubscriptions)},
		{POST, "/console/subscriptions/:id/reactivate", h.ReactivateSubscription, console(models.PermSuspendSubscriptions)},
		{GET, "/admin/subscriptions/:id", h.Subscription, customer(models.PermViewOwnOrg)},
		{POST, "/admin/subscriptions/:id/licences", h.AddLicences, customer(models.PermManageLicences)},
		{POST, "/admin/subscriptions/:id/renewal", h.SetRenewal, customer(models.PermManageLicences)},
		{POST, "/admin/subscriptions/:id/cancel", h.CancelSubscription, customer(models.PermManageLicences)},
		{POST, "/admin/subscriptions/:id/billing-setup", h.SetUpBilling, customer(models.PermManageLicences)},

		// ---- Customer admin: dashboard and audit ----
		{GET, "/admin", h.CustomerDashboard, customer(models.PermViewOwnOrg)},
		{GET, "/admin/audit", h.Audit, customer(models.PermReadAudit)},
		{GET, "/admin/audit.csv", h.AuditCSV, customer(models.PermReadAudit)},

		// ---- Customer admin: offers, terms, transfer tokens, Meet (SPEC §3, §4) ----
		{GET, "/admin/offers", h.Offers, accept},
		{GET, "/admin/offers.csv", h.OffersCSV, accept},
		{GET, "/admin/offers/:id", h.Offer, accept},
		{POST, "/admin/offers/:id/accept", h.AcceptOffer, accept},
		{POST, "/admin/offers/:id/decline", h.DeclineOffer, accept},
		{GET, "/admin/terms", h.Terms, customer(models.PermAcceptTerms)},
		{POST, "/admin/terms", h.AcceptTerms, customer(models.PermAcceptTerms)},
		{GET, "/admin/tokens", h.Tokens, customer(models.PermTokens)},
		{POST, "/admin/tokens", h.CreateToken, customer(models.PermTokens)},
		{POST, "/admin/tokens/:id/revoke", h.RevokeToken, customer(models.PermTokens)},
		{POST, "/admin/tokens/:id/regenerate", h.RegenerateToken, customer(models.PermTokens)},
		{GET, "/admin/meet", h.MyMeet, customer(models.PermViewOwnOrg)},

		// ---- Support desk: home, consoles, customers ----
		{GET, "/desk", h.DeskHome, desk("")},
		{GET, "/desk/consoles", h.DeskConsoles, desk(models.PermDeskConsoles)},
		{GET, "/desk/consoles/new", h.NewConsole, desk(models.PermOnboardConsole)},
		{POST, "/desk/consoles", h.CreateConsole, stepUp(desk(models.PermOnboardConsole))},
		{GET, "/desk/consoles/:id", h.DeskConsole, desk(models.PermDeskConsoles)},
		{GET, "/desk/customers", h.Customers, desk(models.PermDeskCustomers)},
		{GET, "/desk/customers.csv", h.CustomersCSV, desk(models.PermDeskCustomers)},
		{GET, "/desk/customers/:id", h.Customer, desk(models.PermDeskCustomers)},

		// ---- Support desk: direct offers and the Meet migration ----
		{GET, "/desk/offers", h.Offers, desk(models.PermDeskCustomers)},
		{GET, "/desk/offers.csv", h.OffersCSV, desk(models.PermDeskCustomers)},
		{GET, "/desk/offers/new", h.NewOffer, direct},
		{GET, "/desk/offers/list-price", h.OfferListPrice, direct},
		{POST, "/desk/offers", h.CreateOffer, direct},
		{GET, "/desk/offers/:id", h.Offer, desk(models.PermDeskCustomers)},
		{POST, "/desk/offers/:id/send", h.SendOffer, direct},
		{POST, "/desk/offers/:id/withdraw", h.WithdrawOffer, direct},
		{GET, "/desk/customers/:id/meet", h.Meet, desk(models.PermDeskCustomers)},
		{POST, "/desk/customers/:id/meet/start", h.StartMeet, direct},
		{POST, "/desk/customers/:id/meet/confirm", h.MeetConfirm, direct},

		// ---- Support desk: the case queue across all consoles ----
		{GET, "/desk/cases", h.Cases, desk(models.PermWorkCases)},
		{GET, "/desk/cases.csv", h.CasesCSV, desk(models.PermWorkCases)},
		{GET, "/desk/cases/:id", h.Case, desk(models.PermWorkCases)},
		{POST, "/desk/cases/:id/comments", h.CommentCase, desk(models.PermWorkCases)},
		{POST, "/desk/cases/:id/state", h.ChangeCaseState, desk(models.PermWorkCases)},
		{POST, "/desk/cases/:id/assign", h.AssignCase, desk(models.PermWorkCases)},
		{POST, "/desk/cases/:id/action", h.RunCaseAction, stepUpWhen(desk(models.PermWorkCases), isRefundApproval)},
		{GET, "/desk/cases/:id/attachments/:aid", h.DownloadAttachment, desk(models.PermWorkCases)},

		// ---- Support desk: sent mail and audit ----
		{GET, "/desk/mail", h.SentMail, desk(models.PermDeskMail)},
		{GET, "/desk/mail/:id", h.SentMailItem, desk(models.PermDeskMail)},
		{POST, "/desk/mail/:id/retry", h.RetryMail, desk(models.PermDeskMail)},
		{GET, "/desk/audit", h.Audit, desk(models.PermReadAudit)},
		{GET, "/desk/audit.csv", h.AuditCSV, desk(models.PermReadAudit)},

		// ---- Billing core: invoices and their PDF (issue 9) ----
		{GET, "/console/invoices", h.Invoices, console(models.PermBillingRead)},
		{GET, "/console/invoices.csv", h.InvoicesCSV, console(models.PermBillingRead)},
		{GET, "/console/invoices/:id", h.Invoice, console(models.PermBillingRead)},
		{GET, "/console/invoices/:id/pdf", h.InvoicePDF, console(models.PermBillingRead)},
		{GET, "/admin/invoices", h.Invoices, customer(models.PermBillingRead)},
		{GET, "/admin/invoices.csv", h.InvoicesCSV, customer(models.PermBillingRead)},
		{GET, "/admin/invoices/:id", h.Invoice, customer(models.PermBillingRead)},
		{GET, "/admin/invoices/:id/pdf", h.InvoicePDF, customer(models.PermBillingRead)},
		{GET, "/desk/invoices", h.Invoices, desk(models.PermBillingRead)},
		{GET, "/desk/invoices.csv", h.InvoicesCSV, desk(models.PermBillingRead)},
		{GET, "/desk/invoices/:id", h.Invoice, desk(models.PermBillingRead)},
		{GET, "/desk/invoices/:id/pdf", h.InvoicePDF, desk(models.PermBillingRead)},

		// ---- Everyone: two-factor sign-in and step-up ----
		// The sign-in steps are
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

		// ---- Billing pay: payment methods, pay the balance, desk credits (issue 9, R-PAY) ----
		{GET, "/console/billing-accounts/:id/payment-methods", h.Billing, console(models.PermPaymentMethods)},
		{POST, "/console/billing-accounts/:id/payment-methods", h.AddPaymentMethod, console(models.PermPaymentMethods)},
		{POST, "/console/billing-accounts/:id/payment-methods/:pm/expiry", h.ChangeCardExpiry, console(models.PermPaymentMethods)},
		{POST, "/console/billing-accounts/:id/payment-methods/:pm/primary", h.MakePrimaryPaymentMethod, console(models.PermPaymentMethods)},
		{POST, "/console/billing-accounts/:id/payment-methods/:pm/remove", h.RemovePaymentMethod, console(models.PermPaymentMethods)},
		{POST, "/console/billing-accounts/:id/pay", h.PayBalance, console(models.PermBillingPay)},
		{GET, "/admin/billing", h.Billing, customer(models.PermBillingRead)},
		{POST, "/admin/billing/payment-methods", h.AddPaymentMethod, customer(models.PermBillingRead)},
		{POST, "/admin/billing/payment-methods/:pm/expiry", h.ChangeCardExpiry, customer(models.PermPaymentMethods)},
		{POST, "/admin/billing/payment-methods/:pm/primary", h.MakePrimaryPaymentMethod, customer(models.PermPaymentMethods)},
		{POST, "/admin/billing/payment-methods/:pm/remove", h.RemovePaymentMethod, customer(models.PermPaymentMethods)},
		{POST, "/admin/billing/pay", h.PayBalance, customer(models.PermBillingPay)},
		{GET, "/desk/billing-accounts/:id/credits", h.Credits, desk(models.PermIssueCredit)},
		{POST, "/desk/billing-accounts/:id/credits", h.IssueCredit, stepUp(desk(models.PermIssueCredit))},

		// ---- On-premises software (issue 10, SPEC §5, R-SW-1..6): Add products, the orders list, the Software page,
		// keys (step-up), downloads by signed link, cancellation within 7 days ----
		{GET, "/console/software-orders", h.SoftwareOrders, console(models.PermReadCustomers)},
		{GET, "/console/software-orders.csv", h.SoftwareOrdersCSV, console(models.PermReadCustomers)},
		{GET, "/console/customers/:id/software", h.Software, console(models.PermReadCustomers)},
		{GET, "/console/customers/:id/software/new", h.NewSoftwareOrder, console(models.PermBuySoftware)},
		{GET, "/console/customers/:id/software/orders", h.SoftwareOrders, console(models.PermReadCustomers)},
		{GET, "/console/customers/:id/software/orders.csv", h.SoftwareOrdersCSV, console(models.PermReadCustomers)},
		{POST, "/console/customers/:id/software/orders", h.PlaceSoftwareOrder, console(models.PermBuySoftware)},
		{POST, "/console/customers/:id/software/lines/:line/key", h.RevealSoftwareKey, stepUp(console(models.PermSoftwareKeys))},
		{POST, "/console/customers/:id/software/lines/:line/download", h.DownloadSoftware, console(models.PermSoftwareKeys)},
		{POST, "/console/customers/:id/software/lines/:line/link", h.CopySoftwareLink, stepUp(console(models.PermSoftwareKeys))},
		{POST, "/console/customers/:id/software/lines/:line/cancel", h.CancelSoftwareLine, console(models.PermCancelSoftware)},
		{GET, "/admin/software", h.Software, customer(models.PermViewOwnOrg)},
		{POST, "/admin/software/lines/:line/key", h.RevealSoftwareKey, stepUp(customer(models.PermSoftwareKeys))},
		{POST, "/admin/software/lines/:line/download", h.DownloadSoftware, customer(models.PermSoftwareKeys)},
		{POST, "/admin/software/lines/:line/link", h.CopySoftwareLink, stepUp(customer(models.PermSoftwareKeys))},
		{GET, "/software/download/:token", h.SoftwareDownload, public}, // the signed link is the authority
		{POST, "/desk/cases/:id/refund", h.DecideSoftwareRefund, stepUpWhen(desk(models.PermWorkCases), isRefundApproval)},

		// ---- Console consolidation (issue 12, R-CON-1..5): connections, the source's review, readiness ----
		{GET, "/console/consolidation", h.Consolidation, console(models.PermConsolidate)},
		{POST, "/console/consolidation", h.InviteConsole, console(models.PermConsolidate)},
		{GET, "/console/consolidation/migrations", h.CustomerMigrations, console(models.PermAddCustomers)},
		{POST, "/console/consolidation/migrations/:id/refresh", h.RefreshReadiness, console(models.PermAddCustomers)},
		{POST, "/console/consolidation/migrations/start", h.StartMigrations, console(models.PermMigrateCustomers)},
		{POST, "/console/consolidation/migrations/:id/cancel", h.CancelMigration, console(models.PermMigrateCustomers)},
		{GET, "/console/consolidation/incoming", h.IncomingMigrations, console(models.PermAddCustomers)},
		{POST, "/console/consolidation/incoming/complete", h.CompleteMigrations, console(models.PermAddCustomers)},
		{GET, "/console/consolidation/incoming/batches/:id", h.MigrationBatch, console(models.PermAddCustomers)},
		{GET, "/console/consolidation/:id", h.ConsoleConnection, console(models.PermConsolidate)},
		{POST, "/console/consolidation/:id/accept", h.AcceptConnection, console(models.PermConsolidate)},
		{POST, "/console/consolidation/:id/close", h.CloseConnection, console(models.PermConsolidate)},

		// ---- Office 365 product keys (issue 11, SPEC §6, R-PK-1): key cards, the Redeem wizard, the invitation's
		// set-password page, renewing with a key; the desk loads key cards for a console ----
		{GET, "/console/product-keys", h.ProductKeys, console(models.PermRedeemKeys)},
		{GET, "/console/product-keys/redeem", h.Redeem, console(models.PermRedeemKeys)},
		{POST, "/console/product-keys/redeem/start", h.StartRedeem, console(models.PermRedeemKeys)},
		{POST, "/console/product-keys/redeem/keys", h.CheckKeys, console(models.PermRedeemKeys)},
		{POST, "/console/product-keys/redeem/remove", h.RemoveRedeemKey, console(models.PermRedeemKeys)},
		{POST, "/console/product-keys/redeem/back", h.RedeemBack, console(models.PermRedeemKeys)},
		{POST, "/console/product-keys/redeem/review", h.DoneAddingKeys, console(models.PermRedeemKeys)},
		{POST, "/console/product-keys/redeem/account", h.CreateRedeemAccount, console(models.PermRedeemKeys)},
		{GET, "/console/subscriptions/:id/renew-with-key", h.RenewWithKeyPage, console(models.PermRedeemKeys)},
		{POST, "/console/subscriptions/:id/renew-with-key", h.RenewWithKey, console(models.PermRedeemKeys)},
		{GET, "/desk/consoles/:id/product-keys", h.DeskProductKeys, desk(models.PermDeskProductKeys)},
		{POST, "/desk/consoles/:id/product-keys/generate", h.GenerateKeyCards, desk(models.PermDeskProductKeys)},
		{POST, "/desk/consoles/:id/product-keys/import", h.ImportKeyCards, desk(models.PermDeskProductKeys)},
		{POST, "/console/customers/:id/invitations/:uid/resend", h.ResendInvitation, console(models.PermRedeemKeys)},
		{GET, "/invitations/:token", h.Invitation, public}, // the token is the authority
		{POST, "/invitations/:token", h.AcceptInvitation, public},
		// ---- Term end (issue 11, R-PK-3, R-PK-4, R-NOTE-2): the Renewals page, renewing or reactivating by direct billing ----
		{GET, "/console/renewals", h.Renewals, console(models.PermReadCustomers)},
		{GET, "/console/renewals.csv", h.RenewalsCSV, console(models.PermReadCustomers)},
		{POST, "/console/subscriptions/:id/renew-direct", h.RenewDirect, console(models.PermManageLicences)},
		{POST, "/admin/subscriptions/:id/renew-direct", h.RenewDirect, customer(models.PermManageLicences)},
		// ---- Delegated administration (issue 11, R-PK-2): cloud essentials, offers, the customer's Users tab ----
		{POST, "/desk/consoles/:id/cloud-essentials", h.SetCloudEssentials, desk(models.PermCloudEssentials)},
		{GET, "/console/customers/:id/delegated-admin", h.DelegatedAdminOffer, console(models.PermDelegatedAdminOffer)},
		{POST, "/console/customers/:id/delegated-admin", h.OfferDelegatedAdmin, console(models.PermDelegatedAdminOffer)},
		{POST, "/console/customers/:id/delegated-admin/withdraw", h.WithdrawDelegatedAdmin, console(models.PermDelegatedAdminOffer)},
		{GET, "/console/customers/:id/users", h.CustomerUsers, console(models.PermDelegatedAdminAct)},
		{POST, "/console/customers/:id/users", h.AddCustomerUser, console(models.PermDelegatedAdminAct)},
		{POST, "/console/customers/:id/users/:uid/role", h.ChangeCustomerUserRole, console(models.PermDelegatedAdminAct)},
		{POST, "/console/customers/:id/users/:uid/disable", h.DisableCustomerUser, console(models.PermDelegatedAdminAct)},
		{POST, "/console/customers/:id/users/:uid/enable", h.EnableCustomerUser, console(models.PermDelegatedAdminAct)},
		{GET, "/admin/delegated-admin", h.DelegatedAdminPortal, customer(models.PermDelegatedAdminAnswer)},
		{POST, "/admin/delegated-admin/:id/accept", h.AcceptDelegatedAdmin, customer(models.PermDelegatedAdminAnswer)},
		{POST, "/admin/delegated-admin/:id/decline", h.DeclineDelegatedAdmin, customer(models.PermDelegatedAdminAnswer)},
		{POST, "/admin/delegated-admin/:id/end", h.EndDelegatedAdmin, customer(models.PermDelegatedAdminAnswer)},
	}
}
