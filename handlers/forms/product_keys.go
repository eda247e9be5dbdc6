package forms

import "partnerconsole/models"

// The forms of Office 365 product keys (issue 11, R-PK-1): the Redeem
// wizard's steps, the desk's batch and import, the invitation's password,
// renewing a subscription with a key.

// RedeemStartForm is the instructions' tick box and Start.
type RedeemStartForm struct {
	Understand Checkbox `form:"understand"`
	Messages
}

// RedeemKeysForm is the typed keys (one field each; "Add another product
// key" adds one) and the button pressed: "add" or "next".
type RedeemKeysForm struct {
	Keys   []string `form:"key"`
	Action string   `form:"action"`
	// KeyErrors are the messages on each typed key, by position.
	KeyErrors []string
	Messages
}

// RedeemRemoveForm takes one checked key out of the draft.
type RedeemRemoveForm struct {
	Card ID `form:"card"`
	Messages
}

// AccountForm is step 2: the customer's organisation and administrator.
type AccountForm struct {
	Country    string `form:"country"`
	OrgName    string `form:"org_name"`
	Domain     string `form:"domain"`
	AdminName  string `form:"admin_name"`
	AdminEmail string `form:"admin_email"`
	Messages
}

// Input is the form as the domain's input.
func (f AccountForm) Input() models.AccountInput {
	return models.AccountInput{Country: f.Country, OrgName: f.OrgName, Domain: f.Domain, AdminName: f.AdminName, AdminEmail: f.AdminEmail}
}

// KeyBatchForm is the desk's "generate a batch of key cards" (local mode).
type KeyBatchForm struct {
	Product    ID     `form:"product"`
	TermMonths string `form:"term_months"`
	Seats      string `form:"seats"`
	Count      string `form:"count"`
	Messages
}

// Input is the form as the domain's input.
func (f KeyBatchForm) Input() models.KeyCardBatch {
	return models.KeyCardBatch{ProductID: f.Product.Int64(), TermMonths: f.TermMonths, Seats: f.Seats, Count: f.Count}
}

// KeyImportForm is the desk's import of a distributor's CSV: a file, or
// its text pasted.
type KeyImportForm struct {
	CSV string `form:"csv" trim:"no"`
	Messages
}

// SetPasswordForm is the invitation page: the new password, twice. Never
// rendered back.
type SetPasswordForm struct {
	Password string `form:"password" trim:"no"`
	Confirm  string `form:"confirm" trim:"no"`
	Messages
}

// RenewKeyForm is "Renew with a product key" on a subscription.
type RenewKeyForm struct {
	Key string `form:"key"`
	Messages
}
