package forms

// SignInForm is the sign-in page. The password is never rendered back.
type SignInForm struct {
	Email    string `form:"email"`
	Password string `form:"password" trim:"no"`
	Next     string `form:"next"` // the local page to land on
	Messages
}

// TimeZoneForm is the account page's time zone picker.
type TimeZoneForm struct {
	TimeZone string `form:"time_zone"`
	Messages
}

// LocaleForm is the language picker of the app shell.
type LocaleForm struct {
	Locale string `form:"locale"`
	Back   string `form:"back"` // the page to return to
	Messages
}
