package forms

// CodeForm is a second-factor code (or a recovery code) and the page to go
// to once it passes. Codes are never echoed back.
type CodeForm struct {
	Code string `form:"code"`
	Next string `form:"next"`
	Messages
}

// ResetSecondFactorForm names, by email, the user whose second factor the
// desk resets.
type ResetSecondFactorForm struct {
	Email string `form:"email"`
	Messages
}
