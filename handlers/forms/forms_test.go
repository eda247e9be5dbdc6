package forms_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
)

// bind posts values as a browser would and binds them with echo's binder.
func bind(t *testing.T, values url.Values, dst any) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(values.Encode()))
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationForm)
	c := echo.New().NewContext(req, httptest.NewRecorder())
	if err := c.Bind(dst); err != nil {
		t.Fatalf("bind: %v", err)
	}
}

func TestCheckboxAndIDBind(t *testing.T) {
	for _, tc := range []struct {
		name     string
		values   url.Values
		internal bool
		customer forms.ID
	}{
		{"ticked box sends on", url.Values{"internal": {"on"}}, true, 0},
		{"box with value true", url.Values{"internal": {"true"}}, true, 0},
		{"unticked box sends nothing", url.Values{}, false, 0},
		{"any other value is unticked", url.Values{"internal": {"off"}}, false, 0},
		{"an id", url.Values{"customer_id": {"42"}}, false, 42},
		{"no id chosen", url.Values{"customer_id": {""}}, false, 0},
		{"not a number binds as nothing chosen", url.Values{"customer_id": {"4x"}}, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var cm forms.CommentForm
			bind(t, tc.values, &cm)
			if bool(cm.Internal) != tc.internal {
				t.Errorf("internal = %v, want %v", cm.Internal, tc.internal)
			}
			var cf forms.CaseForm
			bind(t, tc.values, &cf)
			if cf.CustomerID != tc.customer {
				t.Errorf("customer = %v, want %v", cf.CustomerID, tc.customer)
			}
		})
	}
}

func TestIDString(t *testing.T) {
	for _, tc := range []struct {
		id   forms.ID
		want string
	}{{0, ""}, {7, "7"}} {
		t.Run(tc.want, func(t *testing.T) {
			if got := tc.id.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}

// The form tags are the names the templates post: a typo would silently
// drop a field, so each form binds every field once.
func TestFormsBindEveryField(t *testing.T) {
	t.Run("customer", func(t *testing.T) {
		var f forms.CustomerForm
		bind(t, url.Values{"name": {"Acme"}, "domain": {"acme.test"}, "country": {"FR"}, "contact_name": {"Ann"},
			"contact_email": {"ann@acme.test"}, "contact_phone": {"+33 1 23 45 67"}}, &f)
		want := models.CustomerInput{Name: "Acme", Domain: "acme.test", Country: "FR", ContactName: "Ann",
			ContactEmail: "ann@acme.test", ContactPhone: "+33 1 23 45 67"}
		if f.Input() != want {
			t.Errorf("input = %+v", f.Input())
		}
	})
	t.Run("user", func(t *testing.T) {
		var f forms.UserForm
		bind(t, url.Values{"name": {"Bo"}, "email": {"bo@a.test"}, "password": {" secret pass "}, "role": {"sales_agent"},
			"customers_add": {"on"}, "customers_migrate": {"on"}}, &f)
		want := models.UserInput{Name: "Bo", Email: "bo@a.test", Password: " secret pass ", Role: models.RoleSalesAgent,
			CanAddCustomers: true, CanMigrateCustomers: true}
		if f.Input() != want {
			t.Errorf("input = %+v", f.Input())
		}
	})
	t.Run("billing account", func(t *testing.T) {
		var f forms.BillingAccountForm
		bind(t, url.Values{"name": {"Main"}, "currency": {"EUR"}, "legal_entity": {"Acme SAS"}}, &f)
		if f.Input() != (models.BillingAccountInput{Name: "Main", Currency: "EUR", LegalEntity: "Acme SAS"}) {
			t.Errorf("input = %+v", f.Input())
		}
	})
	t.Run("console", func(t *testing.T) {
		var f forms.ConsoleForm
		bind(t, url.Values{"name": {"R"}, "country": {"DE"}, "default_currency": {"EUR"}, "tier": {"two_tier"},
			"distributor_name": {"D"}, "admin_name": {"A"}, "admin_email": {"a@r.test"}, "admin_password": {"pw"}}, &f)
		want := models.ConsoleInput{Name: "R", Country: "DE", DefaultCurrency: "EUR", Tier: models.TierTwoTier,
			DistributorName: "D", AdminName: "A", AdminEmail: "a@r.test", AdminPassword: "pw"}
		if f.Input() != want {
			t.Errorf("input = %+v", f.Input())
		}
	})
	t.Run("offer", func(t *testing.T) {
		var f forms.OfferForm
		bind(t, url.Values{"customer_id": {"3"}, "domain": {"x.test"}, "token": {"T"}, "product_id": {"4"}, "quantity": {"5"},
			"plan": {"annual"}, "unit_price": {"9.50"}, "billing_account_id": {"6"}, "currency": {"EUR"}, "start_date": {"2026-01-01"},
			"expires_on": {"2026-02-01"}, "message": {"Hi"}, "po_number": {"PO1"}, "migration_id": {"7"}, "send": {"1"}}, &f)
		want := models.OfferInput{CustomerID: 3, Domain: "x.test", Token: "T", ProductID: 4, Quantity: "5", Plan: "annual",
			UnitPrice: "9.50", BillingAccountID: 6, StartDate: "2026-01-01", ExpiresOn: "2026-02-01", Message: "Hi",
			PONumber: "PO1", MigrationID: 7}
		if f.Input() != want || f.Currency != "EUR" || !f.SendNow() {
			t.Errorf("input = %+v, currency %q, send %v", f.Input(), f.Currency, f.SendNow())
		}
	})
	t.Run("case", func(t *testing.T) {
		var f forms.CaseForm
		bind(t, url.Values{"type": {"other"}, "impact": {"low"}, "title": {"T"}, "description": {"D"}, "customer_id": {"2"},
			"contact_name": {"N"}, "contact_email": {"n@a.test"}, "contact_phone": {"123456"}}, &f)
		in := f.Input()
		if in.Type != models.CaseOther || in.Impact != models.ImpactLow || in.Title != "T" || in.Description != "D" ||
			in.CustomerID != 2 || in.ContactName != "N" || in.ContactEmail != "n@a.test" || in.ContactPhone != "123456" {
			t.Errorf("input = %+v", in)
		}
	})
	t.Run("case state, offer decision, token, meet, sign-in", func(t *testing.T) {
		var st forms.CaseStateForm
		bind(t, url.Values{"state": {"resolved"}, "note": {"N"}}, &st)
		var od forms.OfferDecisionForm
		bind(t, url.Values{"terms": {"on"}, "reason": {"R"}}, &od)
		var tk forms.TokenForm
		bind(t, url.Values{"reseller_id": {"K7QM-4XTD"}}, &tk)
		var mr forms.MeetRequestForm
		bind(t, url.Values{"others_informed": {"on"}, "distributor_informed": {"on"}}, &mr)
		var si forms.SignInForm
		bind(t, url.Values{"email": {"e@a.test"}, "password": {"p"}, "next": {"/x"}}, &si)
		if st.State != "resolved" || st.Note != "N" || !bool(od.Terms) || od.Reason != "R" || tk.ResellerID != "K7QM-4XTD" ||
			!bool(mr.OthersInformed) || !bool(mr.DistributorInformed) || si.Email != "e@a.test" || si.Password != "p" || si.Next != "/x" {
			t.Errorf("bound %+v %+v %+v %+v %+v", st, od, tk, mr, si)
		}
	})
}

func TestSetErrors(t *testing.T) {
	var f forms.CustomerForm
	if f.Errors["name"] != "" {
		t.Fatal("a new form has messages")
	}
	f.SetErrors(models.FieldErrors{"name": "Enter the organisation name."})
	if f.Errors["name"] != "Enter the organisation name." {
		t.Fatalf("errors = %v", f.Errors)
	}
}

// Every field a form binds is posted by some template: a field renamed on
// one side only fails here instead of silently binding nothing. The forms
// are found by reading this package's source: every struct that embeds
// Messages.
func TestEveryFormFieldIsRendered(t *testing.T) {
	fset := token.NewFileSet()
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range sources {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	var templates strings.Builder
	err = filepath.WalkDir(filepath.Join("..", "..", "views"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".templ") {
			return err
		}
		b, err := os.ReadFile(path)
		templates.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	src := templates.String()
	tag := regexp.MustCompile(`form:"([^"]+)"`)
	forms := 0
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok || !embedsMessages(st) {
				return false
			}
			forms++
			for _, fd := range st.Fields.List {
				if fd.Tag == nil {
					continue
				}
				m := tag.FindStringSubmatch(fd.Tag.Value)
				if m == nil {
					continue
				}
				name := m[1]
				t.Run(ts.Name.Name+"."+name, func(t *testing.T) {
					if !strings.Contains(src, `name="`+name+`"`) && !strings.Contains(src, `Name: "`+name+`"`) {
						t.Errorf("no template posts a field named %q", name)
					}
				})
			}
			return false
		})
	}
	if forms < 10 {
		t.Fatalf("found only %d forms", forms)
	}
}

func embedsMessages(st *ast.StructType) bool {
	for _, fd := range st.Fields.List {
		if id, ok := fd.Type.(*ast.Ident); ok && len(fd.Names) == 0 && id.Name == "Messages" {
			return true
		}
	}
	return false
}
