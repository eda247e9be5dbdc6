package models

import (
	"crypto/rand"
	"net/mail"
	"regexp"
	"strings"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
)

// resellerAlphabet leaves out the characters people confuse when reading an id
// aloud or copying it by hand: 0/O, 1/I/L.
const resellerAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

var resellerIDPattern = regexp.MustCompile(`^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}$`)

// NewPublicResellerID makes a short, readable account id such as "K7QM-4XTD":
// 8 characters from a 31-letter alphabet, about 40 bits.
func NewPublicResellerID() string {
	var b [8]byte
	out := make([]byte, 0, 9)
	for i := 0; i < len(b); {
		if _, err := rand.Read(b[i : i+1]); err != nil {
			panic(err)
		}
		// Reject bytes above the largest multiple of the alphabet size, so
		// every character is equally likely.
		if int(b[i]) >= 256-(256%len(resellerAlphabet)) {
			continue
		}
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, resellerAlphabet[int(b[i])%len(resellerAlphabet)])
		i++
	}
	return string(out)
}

// NormalizePublicResellerID accepts what a person types (lower case, spaces,
// missing dash) and returns the canonical form, or false when it cannot be one.
func NormalizePublicResellerID(s string) (string, bool) {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s)))
	if len(s) != 8 {
		return "", false
	}
	s = s[:4] + "-" + s[4:]
	return s, resellerIDPattern.MatchString(s)
}

var labelPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// NormalizeDomain lower-cases and trims a domain name and checks it is a
// valid DNS name with at least two labels and an alphabetic top-level label.
func NormalizeDomain(s string) (string, bool) {
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	if len(d) < 3 || len(d) > 253 {
		return d, false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return d, false
	}
	for _, l := range labels {
		if !labelPattern.MatchString(l) {
			return d, false
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 || strings.Trim(tld, "abcdefghijklmnopqrstuvwxyz") != "" {
		// xn-- IDN top-level labels are allowed too.
		if !strings.HasPrefix(tld, "xn--") {
			return d, false
		}
	}
	return d, true
}

// ValidCountry tells whether code is an ISO 3166-1 alpha-2 country.
func ValidCountry(code string) bool {
	if len(code) != 2 || strings.ToUpper(code) != code {
		return false
	}
	r, err := language.ParseRegion(code)
	return err == nil && r.IsCountry() && r.String() == code
}

// ValidCurrency tells whether code is an ISO 4217 currency in use.
func ValidCurrency(code string) bool {
	if len(code) != 3 || strings.ToUpper(code) != code {
		return false
	}
	_, err := currency.ParseISO(code)
	return err == nil && code != "XXX" && code != "XTS"
}

// ValidEmail checks an address is a bare, well-formed email.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@")+1:], ".")
}

// NormalizeEmail trims and lower-cases an email address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
