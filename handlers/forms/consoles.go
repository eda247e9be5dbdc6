package forms

import "partnerconsole/models"

// BillingAccountForm adds or edits a console's billing account.
type BillingAccountForm struct {
	Name        string `form:"name"`
	Currency    string `form:"currency"`
	LegalEntity string `form:"legal_entity"`
	Messages
}

// BillingAccountFormOf fills the form with a saved billing account.
func BillingAccountFormOf(b models.BillingAccount) BillingAccountForm {
	return BillingAccountForm{Name: b.Name, Currency: b.Currency, LegalEntity: b.LegalEntity}
}

// Input is the form as the domain's input (judged by
// BillingAccountInput.Validate).
func (f BillingAccountForm) Input() models.BillingAccountInput {
	return models.BillingAccountInput{Name: f.Name, Currency: f.Currency, LegalEntity: f.LegalEntity}
}

// ConsoleForm onboards a reseller console and its first super admin (desk).
type ConsoleForm struct {
	Name            string `form:"name"`
	Country         string `form:"country"`
	DefaultCurrency string `form:"default_currency"`
	Tier            string `form:"tier"`
	DistributorName string `form:"distributor_name"`
	AdminName       string `form:"admin_name"`
	AdminEmail      string `form:"admin_email"`
	AdminPassword   string `form:"admin_password" trim:"no"`
	Messages
}

// Input is the form as the domain's input (judged by ConsoleInput.Validate).
func (f ConsoleForm) Input() models.ConsoleInput {
	return models.ConsoleInput{Name: f.Name, Country: f.Country, DefaultCurrency: f.DefaultCurrency,
		Tier: models.Tier(f.Tier), DistributorName: f.DistributorName, AdminName: f.AdminName,
		AdminEmail: f.AdminEmail, AdminPassword: f.AdminPassword}
}

// TokenForm makes a transfer token for a reseller (customer admin).
type TokenForm struct {
	ResellerID string `form:"reseller_id"`
	Messages
}

// MeetRequestForm records step 2 of a Meet hardware migration.
type MeetRequestForm struct {
	OthersInformed      Checkbox `form:"others_informed"`
	DistributorInformed Checkbox `form:"distributor_informed"`
	Messages
}
