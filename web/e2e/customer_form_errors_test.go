package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// Bad input in the add-customer form: the browser shows each message on its
// field, keeps what was typed, saves nothing; fixing the fields saves.
func TestAddCustomerFormShowsErrorsOnFields(t *testing.T) {
	e := start(t)
	s := e.signedIn("A:super_admin")

	s.open("/console/customers/new")
	s.fill("#f-name", "   ")
	s.fill("#f-domain", "not a domain")
	s.fill("#f-contact_email", "ingrid-at-example")
	s.fill("#f-contact_phone", "call me")
	if st := s.submit("save-customer"); st != http.StatusUnprocessableEntity {
		t.Fatalf("bad input: status %d, want 422", st)
	}
	s.atPath("/console/customers")
	s.shot("add-customer-errors")

	s.waitVisible("form-errors")
	for field, want := range map[string]string{
		"name":          "Enter the organisation name.",
		"domain":        "Enter a valid domain name, e.g. example.com.",
		"country":       "Choose a country.",
		"contact_email": "Enter a valid email address.",
		"contact_phone": "Enter a phone number with digits, spaces, +, - or parentheses.",
	} {
		s.contains("error-"+field, want)
		// The message is tied to its field for assistive technology.
		if got := s.attr("#f-"+field, "aria-invalid"); got != "true" {
			t.Errorf("#f-%s aria-invalid = %q, want true", field, got)
		}
		if got := s.attr("#f-"+field, "aria-describedby"); !strings.Contains(got, "e-"+field) {
			t.Errorf("#f-%s aria-describedby = %q, want e-%s", field, got, field)
		}
		// The message sits inside the field's own wrapper, next to the input.
		if n := s.count(`.field.invalid #e-` + field); n != 1 {
			t.Errorf("message for %s is not inside its field (%d)", field, n)
		}
	}
	// What was typed is kept.
	if got := s.value("#f-domain"); got != "not a domain" {
		t.Errorf("domain field lost the input: %q", got)
	}
	if got := s.value("#f-contact_email"); got != "ingrid-at-example" {
		t.Errorf("email field lost the input: %q", got)
	}

	// A domain already on the platform (fixture CustomerB, another console)
	// is refused on the domain field; the other fields are now fine.
	s.fill("#f-name", "Borrowed Domain Ltd")
	s.fill("#f-domain", e.CustomerB.Domain)
	s.choose("#f-country", "FR")
	s.fill("#f-contact_email", "ops@borrowed.example")
	s.fill("#f-contact_phone", "+33 1 23 45 67 89")
	if st := s.submit("save-customer"); st != http.StatusUnprocessableEntity {
		t.Fatalf("taken domain: status %d, want 422", st)
	}
	s.contains("error-domain", "This domain is already registered on the platform.")
	for _, field := range []string{"name", "country", "contact_email", "contact_phone"} {
		if s.exists("error-" + field) {
			t.Errorf("%s shows an error after it was fixed: %q", field, s.text("error-"+field))
		}
	}
	if got := s.value("#f-country"); got != "FR" {
		t.Errorf("country choice lost: %q", got)
	}

	// Nothing was half-saved.
	s.open("/console/customers?q=borrowed")
	s.waitVisible("empty")
	if n := s.count("customer-row"); n != 0 {
		t.Fatalf("a refused customer was saved (%d rows)", n)
	}

	// Fixing the domain saves.
	s.open("/console/customers/new")
	s.fill("#f-name", "Borrowed Domain Ltd")
	s.fill("#f-domain", "borrowed-domain.example")
	s.choose("#f-country", "FR")
	if st := s.submit("save-customer"); st != http.StatusOK {
		t.Fatalf("fixed input: status %d", st)
	}
	s.contains("flash", "Customer added.")
	s.contains("customer-name", "Borrowed Domain Ltd")
}
