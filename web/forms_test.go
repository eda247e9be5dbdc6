package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
	"partnerconsole/web/webtest"
)

// badForm is one submission of bad input: who sends it, where, and the
// fields whose messages must show.
type badForm struct {
	name   string
	as     string
	path   func(m *matrixEnv) string
	form   url.Values
	fields map[string]string // field → message (or a part of it)
	kept   []string          // values the re-rendered form must keep
}

func fixed(p string) func(*matrixEnv) string { return func(*matrixEnv) string { return p } }

// Bad input on every foundation form: 422, each field's message next to the
// field, what was typed kept, nothing changed in the database.
func TestBadInputOnEveryForm(t *testing.T) {
	t.Parallel()
	m := newMatrixEnv(t)
	customerA := func(m *matrixEnv) string { return fmt.Sprintf("/console/customers/%d", m.CustomerA.ID) }
	spareUser := func(m *matrixEnv) string { return fmt.Sprintf("/console/users/%d", m.ids["user:A"]) }
	billing := func(m *matrixEnv) string {
		return fmt.Sprintf("/console/billing-accounts/%d", m.ids["billing_account:A"])
	}
	cases := []badForm{
		{name: "add customer, every field wrong", as: "A:sales_agent", path: fixed("/console/customers"),
			form: url.Values{"name": {" "}, "domain": {"not a domain"}, "country": {"ZZ"}, "contact_email": {"nope"}, "contact_phone": {"call me"}},
			fields: map[string]string{"name": "Enter the organisation name.", "domain": "Enter a valid domain name", "country": "Choose a country from the list.",
				"contact_email": "Enter a valid email address.", "contact_phone": "Enter a phone number"},
			kept: []string{"not a domain", "call me"}},
		{name: "add customer, domain of another console's customer", as: "A:super_admin", path: fixed("/console/customers"),
			form:   url.Values{"name": {"Kept Name Ltd"}, "domain": {"Customer-B.Example"}, "country": {"FR"}},
			fields: map[string]string{"domain": "This domain is already registered on the platform."}, kept: []string{"Kept Name Ltd"}},
		{name: "add customer, missing domain", as: "A:super_admin", path: fixed("/console/customers"),
			form: url.Values{"name": {"Kept Name Ltd"}, "country": {"FR"}}, fields: map[string]string{"domain": "Enter the primary domain"}},
		{name: "edit customer, bad fields", as: "A:admin_agent", path: customerA,
			form:   url.Values{"name": {""}, "domain": {"x"}, "country": {"FR"}},
			fields: map[string]string{"name": "Enter the organisation name.", "domain": "Enter a valid domain name"}},
		{name: "edit customer, duplicate domain", as: "A:super_admin", path: customerA,
			form:   url.Values{"name": {"Customer A"}, "domain": {"customer-b.example"}, "country": {"FR"}},
			fields: map[string]string{"domain": "This domain is already registered on the platform."}},
		{name: "add user, every field wrong", as: "A:super_admin", path: fixed("/console/users"),
			form:   url.Values{"name": {""}, "email": {"not-an-email"}, "role": {"operator_admin"}, "password": {"short"}},
			fields: map[string]string{"name": "Enter the person's name.", "email": "Enter a valid email address.", "role": "Choose a role from the list.", "password": ""},
			kept:   []string{"not-an-email"}},
		{name: "add user, email taken", as: "A:super_admin", path: fixed("/console/users"),
			form:   url.Values{"name": {"Twin"}, "email": {strings.ToUpper("sales_agent@A.test")}, "role": {"sales_agent"}, "password": {storetest.Password}},
			fields: map[string]string{"email": "A user with this email already exists."}},
		{name: "edit user, bad name and role", as: "A:super_admin", path: spareUser,
			form: url.Values{"name": {""}, "role": {"customer_admin"}}, fields: map[string]string{"name": "Enter the person's name.", "role": "Choose a role from the list."}},
		{name: "edit user, own role", as: "A:super_admin", path: func(m *matrixEnv) string { return fmt.Sprintf("/console/users/%d", m.Users["A:super_admin"].ID) },
			form: url.Values{"name": {"Super A"}, "role": {"sales_agent"}}, fields: map[string]string{"role": "You cannot change your own role"}},
		{name: "add billing account", as: "A:super_admin", path: fixed("/console/billing-accounts"),
			form:   url.Values{"name": {""}, "currency": {"XX"}, "legal_entity": {""}},
			fields: map[string]string{"name": "Enter a name for the billing account.", "currency": "Choose an ISO 4217 currency", "legal_entity": "Enter the legal entity"}},
		{name: "edit billing account", as: "A:super_admin", path: billing,
			form: url.Values{"name": {"Billing A"}, "currency": {"EURO"}, "legal_entity": {"Entity A"}}, fields: map[string]string{"currency": "Choose an ISO 4217 currency"}},
		{name: "onboard console, empty", as: "desk:operator_admin", path: fixed("/desk/consoles"),
			form: url.Values{},
			fields: map[string]string{"name": "Enter the console's name.", "country": "Choose a country from the list.", "default_currency": "Choose an ISO 4217 currency",
				"admin_name": "Enter the person's name.", "admin_email": "Enter an email address.", "admin_password": ""}},
		{name: "onboard console, two-tier without distributor", as: "desk:operator_admin", path: fixed("/desk/consoles"),
			form: url.Values{"name": {"Kept Console"}, "country": {"FR"}, "default_currency": {"EUR"}, "tier": {string(models.TierTwoTier)},
				"admin_name": {"Ann"}, "admin_email": {"ann@new.test"}, "admin_password": {storetest.Password}},
			fields: map[string]string{"distributor_name": "A two-tier reseller needs its distributor's name."}, kept: []string{"Kept Console"}},
		{name: "onboard console, admin email taken", as: "desk:operator_admin", path: fixed("/desk/consoles"),
			form: url.Values{"name": {"New Console"}, "country": {"FR"}, "default_currency": {"EUR"}, "tier": {string(models.TierDirect)},
				"admin_name": {"Ann"}, "admin_email": {"super_admin@A.test"}, "admin_password": {storetest.Password}},
			fields: map[string]string{"admin_email": "A user with this email already exists."}},
	}
	clients := map[string]*webtest.Client{}
	for _, tc := range cases {
		if clients[tc.as] == nil {
			clients[tc.as] = m.SignedIn(t, tc.as)
		}
		t.Run(tc.name, func(t *testing.T) {
			before := dbFingerprint(t, m.Gorm)
			r := clients[tc.as].Post(tc.path(m), tc.form)
			if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", tc.name, r.Status)
				return
			}
			for field, msg := range tc.fields {
				if !r.TestID("error-" + field) {
					t.Errorf("%s: no message on field %s", tc.name, field)
				}
				if msg != "" && !r.Has(strings.ReplaceAll(msg, "'", "&#39;")) {
					t.Errorf("%s: message %q not shown", tc.name, msg)
				}
			}
			for _, v := range tc.kept {
				if !r.Has(`value="` + v + `"`) {
					t.Errorf("%s: the form lost %q", tc.name, v)
				}
			}
			if strings.Contains(r.Body, "fixture-password-1") || strings.Contains(r.Body, `value="short"`) {
				t.Errorf("%s: a password is echoed back", tc.name)
			}
			if changed := changedTables(before, dbFingerprint(t, m.Gorm)); len(changed) > 0 {
				t.Errorf("%s: bad input changed %v", tc.name, changed)
			}
		})
	}
}

// The account settings (language in the header, time zone) refuse bad
// values with 422 and their message, and change nothing.
func TestBadLocaleAndTimeZone(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.SignedIn(t, "B:sales_agent")
	before := dbFingerprint(t, s.Gorm)
	for path, bad := range map[string]url.Values{
		"/account/locale":    {"locale": {"xx"}, "back": {"/console"}},
		"/account/time-zone": {"time_zone": {"Mars/Olympus_Mons"}},
	} {
		t.Run(path, func(t *testing.T) {
			r := c.Post(path, bad)
			if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", path, r.Status)
			}
			msg := map[string]string{"/account/locale": "Choose a language from the list.", "/account/time-zone": "Choose a time zone from the list."}[path]
			if !r.Has(msg) {
				t.Errorf("%s: message %q not shown", path, msg)
			}
		})
	}
	if changed := changedTables(before, dbFingerprint(t, s.Gorm)); len(changed) > 0 {
		t.Errorf("bad settings changed %v", changed)
	}
	// Good values apply; "back" only goes to a local page (browsers drop
	// tabs and newlines, so "/\t/evil.example" would be off-site).
	for back, want := range map[string]string{
		"https://evil.example/": "/console", "//evil.example": "/console", "/\\evil.example": "/console",
		"/\t/evil.example": "/console", "/\n/evil.example": "/console",
		"/%0a": "/%0a", // escaped, it stays a local path
	} {
		t.Run(fmt.Sprintf("back %q", back), func(t *testing.T) {
			r := c.Post("/account/locale", url.Values{"locale": {"ja"}, "back": {back}})
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != want {
				t.Errorf("locale back %q: status %d location %q, want %q", back, r.Status, r.Header.Get("Location"), want)
			}
		})
	}
	if r := c.Post("/account/locale", url.Values{"locale": {"ja"}, "back": {"/console/customers?q=a"}}); r.Header.Get("Location") != "/console/customers?q=a" {
		t.Errorf("local back: location %q", r.Header.Get("Location"))
	}
	var locale string
	s.Gorm.Raw("SELECT locale FROM users WHERE id = ?", s.Users["B:sales_agent"].ID).Scan(&locale)
	if locale != "ja" {
		t.Fatalf("locale %q", locale)
	}
}

// A good submission of each create form works (the 422 above is not the
// only answer).
func TestGoodInputOnCreateForms(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	admin := s.SignedIn(t, "A:super_admin")
	desk := s.SignedIn(t, "desk:operator_admin")
	for _, tc := range []struct {
		c     *webtest.Client
		path  string
		form  url.Values
		table string
		loc   string
	}{
		{admin, "/console/customers", url.Values{"name": {"Northwind"}, "domain": {"Northwind.Example"}, "country": {"FR"}}, "customers", "/console/customers/"},
		{admin, "/console/users", url.Values{"name": {"New Agent"}, "email": {"new@a.test"}, "role": {"sales_agent"}, "password": {storetest.Password}}, "users", "/console/users"},
		{admin, "/console/billing-accounts", url.Values{"name": {"EUR account"}, "currency": {"eur"}, "legal_entity": {"Console A SAS"}}, "billing_accounts", "/console/billing-accounts"},
		{desk, "/desk/consoles", url.Values{"name": {"Console C"}, "country": {"DE"}, "default_currency": {"EUR"}, "tier": {string(models.TierDirect)},
			"admin_name": {"Carl"}, "admin_email": {"carl@c.test"}, "admin_password": {storetest.Password}}, "consoles", "/desk/consoles/"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			n, audits := countRows(t, s.Gorm, tc.table), countRows(t, s.Gorm, "audit_events")
			r := tc.c.Post(tc.path, tc.form)
			if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), tc.loc) {
				t.Errorf("POST %s: status %d location %q", tc.path, r.Status, r.Header.Get("Location"))
				return
			}
			if got := countRows(t, s.Gorm, tc.table); got != n+1 {
				t.Errorf("POST %s: %s rows %d → %d", tc.path, tc.table, n, got)
			}
			if countRows(t, s.Gorm, "audit_events") <= audits {
				t.Errorf("POST %s: no audit row", tc.path)
			}
			if next := tc.c.Get(r.Header.Get("Location")); next.Status != http.StatusOK || !next.TestID("flash") {
				t.Errorf("POST %s: landing page status %d, flash shown %v", tc.path, next.Status, next.TestID("flash"))
			}
		})
	}
}

// Another console's customer is a plain 404 page that names nothing.
func TestForeignCustomerIsNotFound(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.SignedIn(t, "A:super_admin")
	for _, p := range []string{"/console/customers/%d", "/console/customers/%d/edit"} {
		t.Run(p, func(t *testing.T) {
			r := c.Get(fmt.Sprintf(p, s.CustomerB.ID))
			if r.Status != http.StatusNotFound || !r.TestID("error-page") || r.Has("Customer B") || r.Has("customer-b.example") {
				t.Errorf("%s: status %d", p, r.Status)
			}
		})
	}
	for _, bad := range []string{"/console/customers/0", "/console/customers/-1", "/console/customers/abc", "/console/customers/99999999999999999999"} {
		t.Run(bad, func(t *testing.T) {
			if r := c.Get(bad); r.Status != http.StatusNotFound {
				t.Errorf("%s: status %d", bad, r.Status)
			}
		})
	}
	before := dbFingerprint(t, s.Gorm)
	r := c.Post(fmt.Sprintf("/console/customers/%d", s.CustomerB.ID), url.Values{"name": {"Taken over"}, "domain": {"customer-b.example"}, "country": {"JP"}})
	if r.Status != http.StatusNotFound {
		t.Errorf("edit foreign customer: status %d", r.Status)
	}
	if changed := changedTables(before, dbFingerprint(t, s.Gorm)); len(changed) > 0 {
		t.Errorf("edit foreign customer changed %v", changed)
	}
}
