package forms

// ConsoleInviteForm adds a source console by its account id (public reseller
// id) and invites it (R-CON-1).
type ConsoleInviteForm struct {
	ResellerID string `form:"reseller_id"`
	Messages
}
