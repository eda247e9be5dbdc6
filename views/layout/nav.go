// Package layout is the app shell: the base document, the navigation of each
// portal and role, flash messages and error pages.
package layout

import (
	"strings"

	"partnerconsole/models"
	"partnerconsole/views"
)

// NavItem is one link of a portal's navigation.
type NavItem struct {
	Label  string
	Href   string
	TestID string
}

// Nav lists the links a user may use: only what their role permits.
func Nav(p views.Page) []NavItem {
	a := p.Actor
	if a == nil {
		return nil
	}
	var items []NavItem
	add := func(ok bool, label, href, id string) {
		if ok {
			items = append(items, NavItem{Label: p.Tr(label), Href: href, TestID: id})
		}
	}
	switch a.OrgKind {
	case models.OrgConsole:
		add(true, "Home", "/console", "nav-home")
		add(a.Can(models.PermReadCustomers), "Customers", "/console/customers", "nav-customers")
		add(a.Can(models.PermReadCustomers), "Subscriptions", "/console/subscriptions", "nav-subscriptions")
		add(a.Can(models.PermReadCustomers), "Renewals", "/console/renewals", "nav-renewals")
		add(a.Can(models.PermReadCustomers), "Software orders", "/console/software-orders", "nav-software-orders")
		add(a.Can(models.PermRedeemKeys), "Product keys", "/console/product-keys", "nav-product-keys")
		add(a.Can(models.PermOffers), "Offers", "/console/offers", "nav-offers")
		add(a.Can(models.PermFileCases), "Support cases", "/console/cases", "nav-cases")
		add(a.Can(models.PermBillingRead), "Invoices", "/console/invoices", "nav-invoices")
		add(a.Can(models.PermManageUsers), "Users", "/console/users", "nav-users")
		add(a.Can(models.PermManageBilling), "Billing accounts", "/console/billing-accounts", "nav-billing")
		add(a.Can(models.PermConsolidate), "Console consolidation", "/console/consolidation", "nav-consolidation")
		add(a.Can(models.PermViewSettings), "Settings", "/console/settings", "nav-settings")
		add(a.Can(models.PermReadAudit), "Audit log", "/console/audit", "nav-audit")
	case models.OrgCustomer:
		add(true, "Dashboard", "/admin", "nav-home")
		add(a.Can(models.PermOfferAccept), "Offers", "/admin/offers", "nav-offers")
		add(a.Can(models.PermTokens), "Transfer tokens", "/admin/tokens", "nav-tokens")
		add(a.Can(models.PermDelegatedAdminAnswer), "Delegated admin", "/admin/delegated-admin", "nav-delegated-admin")
		add(a.Can(models.PermAcceptTerms), "Terms of service", "/admin/terms", "nav-terms")
		add(a.Can(models.PermViewOwnOrg), "Meet hardware", "/admin/meet", "nav-meet")
		add(a.Can(models.PermViewOwnOrg), "Software", "/admin/software", "nav-software")
		add(a.Can(models.PermBillingRead), "Invoices", "/admin/invoices", "nav-invoices")
		add(a.Can(models.PermBillingRead), "Payments", "/admin/billing", "nav-payments")
		add(a.Can(models.PermReadAudit), "Audit log", "/admin/audit", "nav-audit")
	case models.OrgOperator:
		add(true, "Home", "/desk", "nav-home")
		add(a.Can(models.PermDeskConsoles), "Consoles", "/desk/consoles", "nav-consoles")
		add(a.Can(models.PermDeskCustomers), "Customers", "/desk/customers", "nav-customers")
		add(a.Can(models.PermDeskCustomers), "Offers", "/desk/offers", "nav-offers")
		add(a.Can(models.PermWorkCases), "Case queue", "/desk/cases", "nav-cases")
		add(a.Can(models.PermBillingRead), "Invoices", "/desk/invoices", "nav-invoices")
		add(a.Can(models.PermDeskMail), "Sent mail", "/desk/mail", "nav-mail")
		add(a.Can(models.PermReadAudit), "Audit log", "/desk/audit", "nav-audit")
	}
	items = append(items, NavItem{Label: p.Tr("My account"), Href: "/account", TestID: "nav-account"})
	return items
}

// Current tells whether a nav link is the page being shown.
func Current(p views.Page, href string) bool {
	if href == p.Portal() || href == "/account" {
		return p.Path == href
	}
	return p.Path == href || strings.HasPrefix(p.Path, href+"/")
}

// PortalName is the portal's title for the top bar.
func PortalName(p views.Page) string {
	if p.Actor == nil {
		return ""
	}
	switch p.Actor.OrgKind {
	case models.OrgConsole:
		return p.Tr("Partner console")
	case models.OrgCustomer:
		return p.Tr("Customer admin")
	}
	return p.Tr("Support desk")
}

// CanReport tells whether the top bar offers "Report a problem": partner
// staff who may file support cases.
func CanReport(p views.Page) bool {
	return p.Actor != nil && p.Actor.OrgKind == models.OrgConsole && p.Actor.Can(models.PermFileCases)
}
