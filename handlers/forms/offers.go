package forms

import "partnerconsole/models"

// OfferForm makes an offer: to an existing customer, or to a transferring
// one by domain and transfer token.
type OfferForm struct {
	CustomerID       ID     `form:"customer_id"`
	Domain           string `form:"domain"`
	Token            string `form:"token"` // a secret: never rendered back after a failure
	ProductID        ID     `form:"product_id"`
	Quantity         string `form:"quantity"`
	Plan             string `form:"plan"`
	UnitPrice        string `form:"unit_price"`
	BillingAccountID ID     `form:"billing_account_id"` // console offers
	Currency         string `form:"currency"`           // direct (desk) offers
	StartDate        string `form:"start_date"`
	ExpiresOn        string `form:"expires_on"`
	Message          string `form:"message"`
	PONumber         string `form:"po_number"`
	MigrationID      ID     `form:"migration_id"` // step 7 of a Meet migration
	Send             string `form:"send"`         // "1": send now; else save a draft
	Messages
}

// Input is the form as the domain's input (judged by OfferInput.Validate,
// which needs the product and the currency the store loads).
func (f OfferForm) Input() models.OfferInput {
	return models.OfferInput{CustomerID: f.CustomerID.Int64(), Domain: f.Domain, Token: f.Token,
		ProductID: f.ProductID.Int64(), Quantity: f.Quantity, Plan: models.Plan(f.Plan), UnitPrice: f.UnitPrice,
		BillingAccountID: f.BillingAccountID.Int64(), StartDate: f.StartDate, ExpiresOn: f.ExpiresOn,
		Message: f.Message, PONumber: f.PONumber, MigrationID: f.MigrationID.Int64()}
}

// SendNow tells whether the "Send to the customer" button was pressed.
func (f OfferForm) SendNow() bool { return f.Send == "1" }

// OfferDecisionForm is the customer's accept (terms box) and decline
// (reason) forms of an offer, and carries a lost race's message for the
// maker's send and withdraw buttons.
type OfferDecisionForm struct {
	Terms  Checkbox `form:"terms"`
	Reason string   `form:"reason"`
	Messages
}
