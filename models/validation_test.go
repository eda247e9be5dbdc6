package models_test

import (
	"strings"
	"testing"

	"partnerconsole/models"
)

// fieldErrs returns the field messages of a validation error, failing the
// test when err is something else.
func fieldErrs(t *testing.T, err error) models.FieldErrors {
	t.Helper()
	if err == nil {
		return models.FieldErrors{}
	}
	f, ok := models.AsValidation(err)
	if !ok {
		t.Fatalf("error %v is not a validation error", err)
	}
	if models.ErrorCode(err) != models.CodeInvalid {
		t.Fatalf("validation error has code %s, want invalid", models.ErrorCode(err))
	}
	return f
}

// checkFields asserts the error names exactly the wanted fields with the
// wanted messages.
func checkFields(t *testing.T, name string, err error, want map[string]string) {
	t.Helper()
	got := fieldErrs(t, err)
	if len(got) != len(want) {
		t.Errorf("%s: fields %v, want %v", name, got, want)
		return
	}
	for k, m := range want {
		if got[k] != m {
			t.Errorf("%s: field %q = %q, want %q", name, k, got[k], m)
		}
	}
}

func goodCustomer() models.CustomerInput {
	return models.CustomerInput{Name: "Acme Robotics", Domain: "acme.example", Country: "FR",
		ContactName: "Alice Martin", ContactEmail: "alice@acme.example", ContactPhone: "+33 1 23 45 67 89"}
}

func TestCustomerInputNormalize(t *testing.T) {
	in := models.CustomerInput{Name: "  Acme  ", Domain: " Acme.Example. ", Country: " fr ", ContactName: " Alice ",
		ContactEmail: " Alice@Acme.Example ", ContactPhone: " +33 1 "}
	in.Normalize()
	want := models.CustomerInput{Name: "Acme", Domain: "acme.example", Country: "FR", ContactName: "Alice",
		ContactEmail: "alice@acme.example", ContactPhone: "+33 1"}
	if in != want {
		t.Errorf("Normalize = %+v, want %+v", in, want)
	}
}

func TestCustomerInputValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(*models.CustomerInput)
		want map[string]string
	}{
		{"valid", func(*models.CustomerInput) {}, nil},
		{"valid without contact", func(in *models.CustomerInput) { in.ContactName, in.ContactEmail, in.ContactPhone = "", "", "" }, nil},
		{"name 200 runes", func(in *models.CustomerInput) { in.Name = strings.Repeat("é", 200) }, nil},
		{"no name", func(in *models.CustomerInput) { in.Name = "" },
			map[string]string{"name": "Enter the organisation name."}},
		{"long name", func(in *models.CustomerInput) { in.Name = strings.Repeat("é", 201) },
			map[string]string{"name": "The organisation name is at most 200 characters."}},
		{"no domain", func(in *models.CustomerInput) { in.Domain = "" },
			map[string]string{"domain": "Enter the primary domain, e.g. example.com."}},
		{"bad domain", func(in *models.CustomerInput) { in.Domain = "acme" },
			map[string]string{"domain": "Enter a valid domain name, e.g. example.com."}},
		{"url as domain", func(in *models.CustomerInput) { in.Domain = "https://acme.example" },
			map[string]string{"domain": "Enter a valid domain name, e.g. example.com."}},
		{"no country", func(in *models.CustomerInput) { in.Country = "" },
			map[string]string{"country": "Choose a country."}},
		{"bad country", func(in *models.CustomerInput) { in.Country = "UK" },
			map[string]string{"country": "Choose a country from the list."}},
		{"long contact name", func(in *models.CustomerInput) { in.ContactName = strings.Repeat("x", 201) },
			map[string]string{"contact_name": "The contact name is at most 200 characters."}},
		{"bad contact email", func(in *models.CustomerInput) { in.ContactEmail = "alice@" },
			map[string]string{"contact_email": "Enter a valid email address."}},
		{"letters in phone", func(in *models.CustomerInput) { in.ContactPhone = "call me" },
			map[string]string{"contact_phone": "Enter a phone number with digits, spaces, +, - or parentheses."}},
		{"short phone", func(in *models.CustomerInput) { in.ContactPhone = "12345" },
			map[string]string{"contact_phone": "Enter a phone number with digits, spaces, +, - or parentheses."}},
		{"long phone", func(in *models.CustomerInput) { in.ContactPhone = strings.Repeat("1", 21) },
			map[string]string{"contact_phone": "Enter a phone number with digits, spaces, +, - or parentheses."}},
		{"phone with punctuation", func(in *models.CustomerInput) { in.ContactPhone = "(555) 123-4567" }, nil},
		{"everything wrong", func(in *models.CustomerInput) {
			*in = models.CustomerInput{ContactEmail: "x", ContactPhone: "x"}
		}, map[string]string{
			"name": "Enter the organisation name.", "domain": "Enter the primary domain, e.g. example.com.",
			"country": "Choose a country.", "contact_email": "Enter a valid email address.",
			"contact_phone": "Enter a phone number with digits, spaces, +, - or parentheses.",
		}},
	}
	for _, c := range cases {
		in := goodCustomer()
		c.edit(&in)
		checkFields(t, c.name, in.Validate(), c.want)
	}
}

func goodUser() models.UserInput {
	return models.UserInput{Name: "Adam Admin", Email: "adam@example.com", Password: "correct horse battery", Role: models.RoleAdminAgent}
}

func TestUserInputValidate(t *testing.T) {
	cases := []struct {
		name     string
		edit     func(*models.UserInput)
		kind     models.OrgKind
		creating bool
		want     map[string]string
	}{
		{"valid new", func(*models.UserInput) {}, models.OrgConsole, true, nil},
		{"valid edit without email or password", func(in *models.UserInput) { in.Email, in.Password = "", "" }, models.OrgConsole, false, nil},
		{"no name", func(in *models.UserInput) { in.Name = "" }, models.OrgConsole, true,
			map[string]string{"name": "Enter the person's name."}},
		{"long name", func(in *models.UserInput) { in.Name = strings.Repeat("n", 201) }, models.OrgConsole, false,
			map[string]string{"name": "The name is at most 200 characters."}},
		{"no email", func(in *models.UserInput) { in.Email = "" }, models.OrgConsole, true,
			map[string]string{"email": "Enter an email address."}},
		{"bad email", func(in *models.UserInput) { in.Email = "adam@localhost" }, models.OrgConsole, true,
			map[string]string{"email": "Enter a valid email address."}},
		{"short password", func(in *models.UserInput) { in.Password = "short" }, models.OrgConsole, true,
			map[string]string{"password": "Use at least 12 characters."}},
		{"long password", func(in *models.UserInput) { in.Password = strings.Repeat("p", 201) }, models.OrgConsole, true,
			map[string]string{"password": "Use at most 200 characters."}},
		{"customer role in a console", func(in *models.UserInput) { in.Role = models.RoleCustomerAdmin }, models.OrgConsole, true,
			map[string]string{"role": "Choose a role from the list."}},
		{"desk role in a console", func(in *models.UserInput) { in.Role = models.RoleOperatorAdmin }, models.OrgConsole, false,
			map[string]string{"role": "Choose a role from the list."}},
		{"console role in a customer", func(in *models.UserInput) { in.Role = models.RoleSuperAdmin }, models.OrgCustomer, true,
			map[string]string{"role": "Choose a role from the list."}},
		{"customer role in a customer", func(in *models.UserInput) { in.Role = models.RoleCustomerViewer }, models.OrgCustomer, true, nil},
		{"desk role on the desk", func(in *models.UserInput) { in.Role = models.RoleSalesRep }, models.OrgOperator, true, nil},
		{"unknown role", func(in *models.UserInput) { in.Role = "root" }, models.OrgConsole, true,
			map[string]string{"role": "Choose a role from the list."}},
		{"empty role", func(in *models.UserInput) { in.Role = "" }, models.OrgConsole, true,
			map[string]string{"role": "Choose a role from the list."}},
	}
	for _, c := range cases {
		in := goodUser()
		c.edit(&in)
		checkFields(t, c.name, in.Validate(c.kind, c.creating), c.want)
	}
	in := models.UserInput{Name: "  Adam ", Email: " Adam@Example.com "}
	in.Normalize()
	if in.Name != "Adam" || in.Email != "adam@example.com" {
		t.Errorf("Normalize = %+v", in)
	}
}

func TestValidatePassword(t *testing.T) {
	cases := map[string]string{
		"":             "Use at least 12 characters.",
		"elevenchars":  "Use at least 12 characters.",
		"twelve chars": "",
		"パスワードは十二文字以上です":            "", // 14 runes, 42 bytes
		"パスワード短い":                   "Use at least 12 characters.",
		strings.Repeat("p", 200):    "",
		strings.Repeat("p", 201):    "Use at most 200 characters.",
		strings.Repeat("é", 200):    "", // 400 bytes, 200 runes
		strings.Repeat("pass ", 40): "",
	}
	for pw, want := range cases {
		if got := models.ValidatePassword(pw); got != want {
			t.Errorf("ValidatePassword(%d runes) = %q, want %q", len([]rune(pw)), got, want)
		}
	}
}

func goodConsole() models.ConsoleInput {
	return models.ConsoleInput{Name: "Northwind", Country: "FR", DefaultCurrency: "EUR", Tier: models.TierDirect,
		AdminName: "Nadia Super", AdminEmail: "nadia@northwind.example", AdminPassword: "a long enough password"}
}

func TestConsoleInputValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(*models.ConsoleInput)
		want map[string]string
	}{
		{"valid one-tier", func(*models.ConsoleInput) {}, nil},
		{"valid two-tier", func(in *models.ConsoleInput) { in.Tier, in.DistributorName = models.TierTwoTier, "Tokyo Distribution" }, nil},
		{"no name", func(in *models.ConsoleInput) { in.Name = "" }, map[string]string{"name": "Enter the console's name."}},
		{"long name", func(in *models.ConsoleInput) { in.Name = strings.Repeat("n", 201) },
			map[string]string{"name": "The name is at most 200 characters."}},
		{"bad country", func(in *models.ConsoleInput) { in.Country = "XX" },
			map[string]string{"country": "Choose a country from the list."}},
		{"no country", func(in *models.ConsoleInput) { in.Country = "" },
			map[string]string{"country": "Choose a country from the list."}},
		{"bad currency", func(in *models.ConsoleInput) { in.DefaultCurrency = "EURO" },
			map[string]string{"default_currency": "Choose an ISO 4217 currency, e.g. EUR."}},
		{"withdrawn currency", func(in *models.ConsoleInput) { in.DefaultCurrency = "FRF" },
			map[string]string{"default_currency": "Choose an ISO 4217 currency, e.g. EUR."}},
		{"no tier", func(in *models.ConsoleInput) { in.Tier = "" }, map[string]string{"tier": "Choose one-tier or two-tier."}},
		{"unknown tier", func(in *models.ConsoleInput) { in.Tier = "three_tier" }, map[string]string{"tier": "Choose one-tier or two-tier."}},
		{"two-tier without distributor", func(in *models.ConsoleInput) { in.Tier = models.TierTwoTier },
			map[string]string{"distributor_name": "A two-tier reseller needs its distributor's name."}},
		{"no admin name", func(in *models.ConsoleInput) { in.AdminName = "" },
			map[string]string{"admin_name": "Enter the person's name."}},
		{"no admin email", func(in *models.ConsoleInput) { in.AdminEmail = "" },
			map[string]string{"admin_email": "Enter an email address."}},
		{"bad admin email", func(in *models.ConsoleInput) { in.AdminEmail = "nadia" },
			map[string]string{"admin_email": "Enter a valid email address."}},
		{"short admin password", func(in *models.ConsoleInput) { in.AdminPassword = "short" },
			map[string]string{"admin_password": "Use at least 12 characters."}},
	}
	for _, c := range cases {
		in := goodConsole()
		c.edit(&in)
		checkFields(t, c.name, in.Validate(), c.want)
	}

	// Normalize: a one-tier console keeps no distributor; codes are upper-cased.
	in := models.ConsoleInput{Name: " N ", Country: " fr", DefaultCurrency: "eur ", Tier: models.TierDirect,
		DistributorName: "Someone", AdminEmail: " Nadia@N.Example "}
	in.Normalize()
	if in.Name != "N" || in.Country != "FR" || in.DefaultCurrency != "EUR" || in.DistributorName != "" || in.AdminEmail != "nadia@n.example" {
		t.Errorf("Normalize = %+v", in)
	}
	in = models.ConsoleInput{Tier: models.TierTwoTier, DistributorName: " Dist "}
	in.Normalize()
	if in.DistributorName != "Dist" {
		t.Errorf("two-tier Normalize dropped the distributor: %+v", in)
	}
}

func TestBillingAccountInputValidate(t *testing.T) {
	good := models.BillingAccountInput{Name: "Northwind EUR", Currency: "EUR", LegalEntity: "Northwind SAS"}
	cases := []struct {
		name string
		edit func(*models.BillingAccountInput)
		want map[string]string
	}{
		{"valid", func(*models.BillingAccountInput) {}, nil},
		{"no name", func(in *models.BillingAccountInput) { in.Name = "" },
			map[string]string{"name": "Enter a name for the billing account."}},
		{"long name", func(in *models.BillingAccountInput) { in.Name = strings.Repeat("n", 201) },
			map[string]string{"name": "The name is at most 200 characters."}},
		{"no currency", func(in *models.BillingAccountInput) { in.Currency = "" },
			map[string]string{"currency": "Choose an ISO 4217 currency, e.g. EUR."}},
		{"bad currency", func(in *models.BillingAccountInput) { in.Currency = "ABC" },
			map[string]string{"currency": "Choose an ISO 4217 currency, e.g. EUR."}},
		{"no legal entity", func(in *models.BillingAccountInput) { in.LegalEntity = "" },
			map[string]string{"legal_entity": "Enter the legal entity that is billed."}},
		{"long legal entity", func(in *models.BillingAccountInput) { in.LegalEntity = strings.Repeat("l", 201) },
			map[string]string{"legal_entity": "The legal entity is at most 200 characters."}},
	}
	for _, c := range cases {
		in := good
		c.edit(&in)
		checkFields(t, c.name, in.Validate(), c.want)
	}
	in := models.BillingAccountInput{Name: " A ", Currency: " gbp ", LegalEntity: " L "}
	in.Normalize()
	if in != (models.BillingAccountInput{Name: "A", Currency: "GBP", LegalEntity: "L"}) {
		t.Errorf("Normalize = %+v", in)
	}
}

func TestAsValidation(t *testing.T) {
	f, ok := models.AsValidation(&models.Error{Code: models.CodeInvalid, Field: "domain", Message: "taken"})
	if !ok || f["domain"] != "taken" {
		t.Errorf("field error: %v %v", f, ok)
	}
	f, ok = models.AsValidation(&models.Error{Code: models.CodeInvalid, Message: "bad"})
	if !ok || f["_form"] != "bad" {
		t.Errorf("form error: %v %v", f, ok)
	}
	if _, ok := models.AsValidation(models.NotFound()); ok {
		t.Error("not_found is not a validation error")
	}
	if models.ErrorCode(models.Forbidden()) != models.CodeForbidden || models.ErrorCode(errPlain{}) != models.CodeInternal {
		t.Error("ErrorCode mapping")
	}
	fe := models.FieldErrors{}
	if fe.Err() != nil {
		t.Error("empty FieldErrors must give nil")
	}
	fe.Add("x", "first")
	fe.Add("x", "second")
	if fe["x"] != "first" {
		t.Errorf("FieldErrors keeps the first message, got %q", fe["x"])
	}
}

type errPlain struct{}

func (errPlain) Error() string { return "plain" }

func TestCursorRoundTrip(t *testing.T) {
	c := models.Cursor{Key: "évora conseil, \"x\"", ID: 42}
	got, ok := models.DecodeCursor(c.Encode())
	if !ok || got != c {
		t.Errorf("round trip = %+v, %v", got, ok)
	}
	for _, bad := range []string{"", "!!!", "bm90IGpzb24", models.Cursor{Key: "x", ID: 0}.Encode(), models.Cursor{Key: "x", ID: -1}.Encode()} {
		if _, ok := models.DecodeCursor(bad); ok {
			t.Errorf("DecodeCursor(%q) accepted", bad)
		}
	}
}
