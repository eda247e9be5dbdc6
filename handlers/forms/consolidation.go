package forms

// ConsoleInviteForm adds a source console by its account id (public reseller
// id) and invites it (R-CON-1).
type ConsoleInviteForm struct {
	ResellerID string `form:"reseller_id"`
	Messages
}

// MigrationStartForm starts the migration of the selected customers
// (R-CON-6).
type MigrationStartForm struct {
	CustomerIDs []int64 `form:"customer_ids"`
	Messages
}

// MigrationCompleteForm completes the selected started migrations at the
// main console (R-CON-7): one billing account per currency, and the
// confirmation of a legal entity change.
type MigrationCompleteForm struct {
	CustomerIDs        []int64  `form:"customer_ids"`
	AccountIDs         []int64  `form:"account_ids"`
	ConfirmLegalEntity Checkbox `form:"confirm_legal_entity"`
	Messages
}
