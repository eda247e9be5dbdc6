package forms

import "partnerconsole/models"

// The subscription page's forms (issue 9, R-LIC-1..3). Each form that
// changes licences, ends a subscription or sets up billing carries an
// idempotency key made when the form is shown: one submission changes the
// subscription once, however many times it is posted.

// AddLicencesForm asks for the additional licences (not the total). The
// first post (no Step) previews the total and price; the confirming post
// (Step "confirm") needs the terms ticked.
type AddLicencesForm struct {
	Additional string   `form:"additional"`
	Terms      Checkbox `form:"terms"`
	Step       string   `form:"step"`
	Key        string   `form:"key"`
	Messages
}

// Confirming tells whether this post is the confirming one.
func (f AddLicencesForm) Confirming() bool { return f.Step == "confirm" }

// RenewalForm changes the renewal option.
type RenewalForm struct {
	Option string `form:"renewal_option"`
	Messages
}

// CancelForm cancels a subscription now, once confirmed.
type CancelForm struct {
	Confirm Checkbox `form:"confirm"`
	Key     string   `form:"key"`
	Messages
}

// BillingSetUpForm is a trial's "set up billing": plan, licences, terms.
type BillingSetUpForm struct {
	Plan     string   `form:"plan"`
	Quantity string   `form:"quantity"`
	Terms    Checkbox `form:"terms"`
	Key      string   `form:"key"`
	Messages
}

// Input is the form as the domain's input (judged by models.SetUpBilling).
func (f BillingSetUpForm) Input() models.BillingSetUp {
	return models.BillingSetUp{Plan: f.Plan, Quantity: f.Quantity, TermsAccepted: bool(f.Terms)}
}
