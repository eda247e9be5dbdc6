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
