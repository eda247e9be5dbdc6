package models

import (
	"strings"
	"time"
	"unicode/utf8"
)

// CardDigits keeps the digits of a typed card number (people type spaces
// and dashes).
func CardDigits(number string) string {
	var b strings.Builder
	for _, r := range number {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CardLast4 is the last four digits of a card number.
func CardLast4(number string) string {
	d := CardDigits(number)
	if len(d) < 4 {
		return d
	}
	return d[len(d)-4:]
}

// LuhnValid tells whether a card number has 12 to 19 digits and passes the
// Luhn check.
func LuhnValid(number string) bool {
	d := CardDigits(number)
	if len(d) < 12 || len(d) > 19 {
		return false
	}
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}

// CardInput is a card a payer types. The number goes to the processor
// only; it is never stored, logged or echoed back in a form.
type CardInput struct {
	Number      string
	ExpMonth    int
	ExpYear     int
	Name        string
	MakePrimary bool
}

// String hides the number (a CardInput printed by mistake shows last 4).
func (in CardInput) String() string { return "card ending " + CardLast4(in.Number) }

// GoString hides the number from %#v.
func (in CardInput) GoString() string { return in.String() }

// Validate checks the card on its fields: a number that passes the Luhn
// check, an expiry in the future and the cardholder's name.
func (in *CardInput) Validate(now time.Time) error {
	f := FieldErrors{}
	in.Name = strings.TrimSpace(in.Name)
	if CardDigits(in.Number) == "" {
		f.Add("card_number", "Enter the card number.")
	} else if strings.Trim(in.Number, "0123456789 -") != "" || !LuhnValid(in.Number) {
		f.Add("card_number", "This card number is not valid: check the digits.")
	}
	if in.ExpYear > 0 && in.ExpYear < 100 {
		in.ExpYear += 2000
	}
	if err := CardExpiry(in.ExpMonth, in.ExpYear, now); err != nil {
		e := err.(*Error)
		f.Add(e.Field, e.Message)
	}
	if in.Name == "" {
		f.Add("card_name", "Enter the name on the card.")
	} else if utf8.RuneCountInString(in.Name) > 100 {
		f.Add("card_name", "Keep the name under 100 characters.")
	}
	return f.Err()
}
