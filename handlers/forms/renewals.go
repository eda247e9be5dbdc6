package forms

// RenewDirectForm renews (or reactivates) a subscription by direct billing:
// the new term starts today, once confirmed (issue 11).
type RenewDirectForm struct {
	Confirm Checkbox `form:"start_today"`
	Key     string   `form:"key"`
	Messages
}
