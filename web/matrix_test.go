package web_test

// THE ROUTE × ROLE × TENANT MATRIX.
//
// TestRouteMatrix takes every route the real server registers
// (s.Echo.Routes(); /static, /healthz, /readyz and /metrics aside) and asks
// it as every fixture user and as a signed-out visitor. A route without a
// row below FAILS the test, and so does a row without a route.
//
// HOW TO ADD ROWS for a new area — from your own file (e.g.
// web/matrix_cases_test.go), never by editing this one:
//
//	func init() {
//		matrixSetups = append(matrixSetups, func(t testing.TB, m *matrixEnv) {
//			// create one record per tenant with the store, as a user of
//			// that tenant, and name it: kind "case", tenant "A" / "B".
//			m.Put("case", "A", caseOfCustomerA.ID)
//			m.Put("case", "B", caseOfCustomerB.ID)
//		})
//		matrix = append(matrix,
//			matrixRow{Method: "GET", Path: "/console/cases", Allow: []string{"A:*", "B:*"}},
//			matrixRow{Method: "GET", Path: "/console/cases/:id", Allow: []string{"A:*", "B:*"},
//				Params: map[string]string{"id": "case"}},
//			matrixRow{Method: "POST", Path: "/admin/cases/:id/close", Allow: []string{"*:customer_admin"},
//				Params: map[string]string{"id": "case"}, Form: url.Values{"reason": {"done"}}},
//		)
//	}
//
// Allow lists who may use the route, as fixture user keys or patterns:
//
//	"A:super_admin"   one user (keys: desk:<role>, A:<role>, B:<role>, custA:<role>, custB:<role>)
//	"A:*", "custB:*"  every user of that organisation
//	"*:super_admin"   that role in every organisation (A:super_admin and B:super_admin)
//	"*"               every signed-in user
//	"public"          everyone, signed-out visitors included
//
// What the test asserts, for each cell:
//   - signed out, not public: GET → 303 to /sign-in; POST → 401.
//   - allowed user, own tenant's ids: not 400/401/403/404/405 and never 5xx (a GET
//     that redirects must not go to /sign-in); Status, when set, exactly.
//   - allowed user of console A/B or customer A/B, the OTHER tenant's ids
//     (Params resolved with the other tenant): 404. Desk users see every
//     tenant and get no foreign variant; set NoForeign to skip it otherwise.
//   - any other user: 403 (404 is accepted where the route has ids).
//
// Path parameters: Params maps a parameter name to a record kind; the value
// is m.ID(kind, tenant), where the tenant of a user is "A" for A:* and
// custA:* users, "B" for B:* and custB:*, and "A" for desk users. Kinds the
// foundation provides: "customer", "console", "user" (a spare helpdesk agent
// of the console), "billing_account". POST forms get the CSRF token added;
// Form nil posts an empty form (bad input → 422 counts as allowed). A row
// whose request ends the session (sign-out) sets Last so it runs after
// every other row.

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
	"partnerconsole/web/webtest"
)

// matrixRow is who may use one route, and how to call it.
type matrixRow struct {
	Method, Path string
	// Allow: fixture user keys or patterns, see the top of this file.
	Allow []string
	// Params: path parameter name → record kind (see matrixEnv.Put).
	Params map[string]string
	// Form is the POST body (the CSRF token is added); nil = empty form.
	Form url.Values
	// Status, when not 0, is the exact status an allowed own-tenant cell answers.
	Status int
	// NoForeign skips the other-tenant variant.
	NoForeign bool
	// Last runs the row after all others (the request ends the session).
	Last bool
}

var matrix []matrixRow

// matrixSetups create the records rows refer to; each area appends its own.
var matrixSetups []func(t testing.TB, m *matrixEnv)

// matrixEnv is the server under test and the named records of each tenant.
type matrixEnv struct {
	*webtest.Server
	ids map[string]int64
}

// Put names a record: kind ("customer"), tenant ("A" or "B").
func (m *matrixEnv) Put(kind, tenant string, id int64) { m.ids[kind+":"+tenant] = id }

// ID returns a named record; the test fails when nobody created it.
func (m *matrixEnv) ID(t testing.TB, kind, tenant string) int64 {
	t.Helper()
	id, ok := m.ids[kind+":"+tenant]
	if !ok {
		t.Fatalf("matrix: no record of kind %q for tenant %s (add a matrixSetups function)", kind, tenant)
	}
	return id
}

// The foundation's records.
func init() {
	matrixSetups = append(matrixSetups, func(t testing.TB, m *matrixEnv) {
		ctx := t.Context()
		for _, tn := range []string{"A", "B"} {
			console, customer := m.ConsoleA, m.CustomerA
			if tn == "B" {
				console, customer = m.ConsoleB, m.CustomerB
			}
			m.Put("console", tn, console.ID)
			m.Put("customer", tn, customer.ID)
			u, err := m.Store.CreateUserInOrg(ctx, console.ID, models.UserInput{Name: "Spare " + tn,
				Email: "spare@" + strings.ToLower(tn) + ".matrix.test", Password: storetest.Password, Role: models.RoleHelpdeskAgent})
			if err != nil {
				t.Fatal(err)
			}
			m.Put("user", tn, u.ID)
			b, err := m.Store.SaveBillingAccount(ctx, m.Actor(tn+":super_admin"), 0,
				models.BillingAccountInput{Name: "Billing " + tn, Currency: "EUR", LegalEntity: "Entity " + tn})
			if err != nil {
				t.Fatal(err)
			}
			m.Put("billing_account", tn, b.ID)
		}
	})

	consoleAll := []string{"A:*", "B:*"}
	addCustomers := []string{"*:super_admin", "*:admin_agent", "*:sales_agent"} // fixture agents hold the add flag
	superAdmin := []string{"*:super_admin"}
	id := func(kind string) map[string]string { return map[string]string{"id": kind} }
	matrix = append(matrix,
		matrixRow{Method: "GET", Path: "/", Allow: []string{"public"}},
		matrixRow{Method: "GET", Path: "/sign-in", Allow: []string{"public"}},
		matrixRow{Method: "POST", Path: "/sign-in", Allow: []string{"public"}},
		matrixRow{Method: "POST", Path: "/sign-out", Allow: []string{"*"}, Last: true},
		matrixRow{Method: "GET", Path: "/account", Allow: []string{"*"}, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/account/sessions/end-others", Allow: []string{"*"}},
		matrixRow{Method: "POST", Path: "/account/locale", Allow: []string{"*"}},
		matrixRow{Method: "POST", Path: "/account/time-zone", Allow: []string{"*"}},

		matrixRow{Method: "GET", Path: "/console", Allow: consoleAll, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/customers", Allow: consoleAll, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/customers.csv", Allow: consoleAll, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/customers/new", Allow: addCustomers, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/console/customers", Allow: addCustomers},
		matrixRow{Method: "GET", Path: "/console/customers/:id", Allow: consoleAll, Params: id("customer"), Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/customers/:id/edit", Allow: addCustomers, Params: id("customer"), Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/console/customers/:id", Allow: addCustomers, Params: id("customer")},
		matrixRow{Method: "GET", Path: "/console/users", Allow: superAdmin, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/users/new", Allow: superAdmin, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/console/users", Allow: superAdmin},
		matrixRow{Method: "GET", Path: "/console/users/:id/edit", Allow: superAdmin, Params: id("user"), Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/console/users/:id", Allow: superAdmin, Params: id("user")},
		matrixRow{Method: "POST", Path: "/console/users/:id/disable", Allow: superAdmin, Params: id("user")},
		matrixRow{Method: "POST", Path: "/console/users/:id/enable", Allow: superAdmin, Params: id("user")},
		matrixRow{Method: "GET", Path: "/console/billing-accounts", Allow: superAdmin, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/billing-accounts/new", Allow: superAdmin, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/console/billing-accounts", Allow: superAdmin},
		matrixRow{Method: "GET", Path: "/console/billing-accounts/:id/edit", Allow: superAdmin, Params: id("billing_account"), Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/console/billing-accounts/:id", Allow: superAdmin, Params: id("billing_account")},
		matrixRow{Method: "GET", Path: "/console/settings", Allow: []string{"*:super_admin", "*:admin_agent"}, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/audit", Allow: consoleAll, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/audit.csv", Allow: consoleAll, Status: http.StatusOK},

		matrixRow{Method: "GET", Path: "/admin", Allow: []string{"custA:*", "custB:*"}, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/admin/audit", Allow: []string{"custA:*", "custB:*"}, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/admin/audit.csv", Allow: []string{"custA:*", "custB:*"}, Status: http.StatusOK},

		matrixRow{Method: "GET", Path: "/desk", Allow: []string{"desk:*"}, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/desk/consoles", Allow: []string{"desk:*"}, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/desk/consoles/new", Allow: []string{"desk:operator_admin"}, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/desk/consoles", Allow: []string{"desk:operator_admin"}},
		matrixRow{Method: "GET", Path: "/desk/consoles/:id", Allow: []string{"desk:*"}, Params: id("console"), Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/desk/customers", Allow: []string{"desk:*"}, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/desk/customers.csv", Allow: []string{"desk:*"}, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/desk/customers/:id", Allow: []string{"desk:*"}, Params: id("customer"), Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/desk/audit", Allow: []string{"desk:*"}, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/desk/audit.csv", Allow: []string{"desk:*"}, Status: http.StatusOK},
	)
}

// matrixSkipped are served outside the route table and tested on their own.
func matrixSkipped(method, path string) bool {
	return method == "echo_route_not_found" || strings.HasPrefix(path, "/static") ||
		path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/debug/pprof/*" ||
		path == "/software/download/:token" || // a signed link is its own authority (web/software_test.go)
		path == "/invitations/:token" // so is an invitation's token (web/product_keys_test.go)
}

// allowed tells whether a user key matches one of the row's patterns.
func (r matrixRow) allowed(key string) bool {
	org, role, _ := strings.Cut(key, ":")
	for _, p := range r.Allow {
		po, pr, _ := strings.Cut(p, ":")
		switch {
		case p == "public", p == "*", p == key:
			return true
		case pr == "*" && po == org, po == "*" && pr == role:
			return true
		}
	}
	return false
}

func (r matrixRow) public() bool {
	for _, p := range r.Allow {
		if p == "public" {
			return true
		}
	}
	return false
}

// tenantOf is the tenant whose records a user's "own" ids are.
func tenantOf(key string) (tenant string, hasForeign bool) {
	switch org, _, _ := strings.Cut(key, ":"); org {
	case "A", "custA":
		return "A", true
	case "B", "custB":
		return "B", true
	}
	return "A", false
}

func otherTenant(t string) string {
	if t == "A" {
		return "B"
	}
	return "A"
}

// path fills the row's parameters with the tenant's records.
func (r matrixRow) path(t testing.TB, m *matrixEnv, tenant string) string {
	t.Helper()
	parts := strings.Split(r.Path, "/")
	for i, p := range parts {
		if !strings.HasPrefix(p, ":") {
			continue
		}
		kind, ok := r.Params[p[1:]]
		if !ok {
			t.Fatalf("%s %s: no Params entry for %s", r.Method, r.Path, p)
		}
		parts[i] = strconv.FormatInt(m.ID(t, kind, tenant), 10)
	}
	return strings.Join(parts, "/")
}

func (r matrixRow) call(c *webtest.Client, path string) webtest.Response {
	if r.Method == http.MethodGet {
		return c.Get(path)
	}
	form := url.Values{}
	for k, v := range r.Form {
		form[k] = append([]string(nil), v...)
	}
	return c.Post(path, form)
}

func TestRouteMatrix(t *testing.T) {
	t.Parallel()
	m := newMatrixEnv(t)
	s := m.Server

	// Every route has exactly one row, every row a route.
	rows := map[string]matrixRow{}
	for _, r := range matrix {
		k := r.Method + " " + r.Path
		if _, dup := rows[k]; dup {
			t.Errorf("matrix: two rows for %s", k)
		}
		rows[k] = r
	}
	var todo []matrixRow
	served := map[string]bool{}
	for _, rt := range s.Echo.Routes() {
		if matrixSkipped(rt.Method, rt.Path) {
			continue
		}
		k := rt.Method + " " + rt.Path
		if served[k] {
			continue
		}
		served[k] = true
		r, ok := rows[k]
		if !ok {
			t.Errorf("route %s has no row in the matrix (add one, see web/matrix_test.go)", k)
			continue
		}
		todo = append(todo, r)
	}
	for k := range rows {
		if !served[k] {
			t.Errorf("matrix row %s matches no route", k)
		}
	}
	sort.SliceStable(todo, func(i, j int) bool { return !todo[i].Last && todo[j].Last })

	keys := make([]string, 0, len(s.Users))
	for k := range s.Users {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	clients := map[string]*webtest.Client{}
	for _, k := range keys {
		clients[k] = s.SignedIn(t, k)
	}
	anon := s.Client(t)
	anon.Get("/sign-in")

	for _, r := range todo {
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			name := r.Method + " " + r.Path
			// Signed out.
			res := r.call(anon, r.path(t, m, "A"))
			switch {
			case r.public():
				if res.Status >= 500 || res.Status == http.StatusUnauthorized || res.Status == http.StatusForbidden {
					t.Errorf("%s signed out (public): status %d", name, res.Status)
				}
			case r.Method == http.MethodGet:
				if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/sign-in") {
					t.Errorf("%s signed out: status %d location %q, want 303 to /sign-in", name, res.Status, res.Header.Get("Location"))
				}
			default:
				if res.Status != http.StatusUnauthorized || !res.TestID("error-page") {
					t.Errorf("%s signed out: status %d, want the 401 page", name, res.Status)
				}
			}

			for _, k := range keys {
				c := clients[k]
				tenant, hasForeign := tenantOf(k)
				cell := fmt.Sprintf("%s as %s", name, k)
				if !r.allowed(k) {
					res := r.call(c, r.path(t, m, tenant))
					if res.Status != http.StatusForbidden && !(len(r.Params) > 0 && res.Status == http.StatusNotFound) {
						t.Errorf("%s (forbidden): status %d, want 403", cell, res.Status)
					}
					continue
				}
				// The foreign variant first: it must change nothing, so the own
				// cell (which may end the session) still sees the same state.
				if len(r.Params) > 0 && hasForeign && !r.NoForeign && !r.public() {
					res := r.call(c, r.path(t, m, otherTenant(tenant)))
					if res.Status != http.StatusNotFound {
						t.Errorf("%s with tenant %s's ids: status %d, want 404", cell, otherTenant(tenant), res.Status)
					}
				}
				res := r.call(c, r.path(t, m, tenant))
				switch {
				case r.Status != 0 && res.Status != r.Status:
					t.Errorf("%s: status %d, want %d", cell, res.Status, r.Status)
				case res.Status >= 500, res.Status == http.StatusBadRequest, res.Status == http.StatusUnauthorized, res.Status == http.StatusForbidden,
					res.Status == http.StatusNotFound, res.Status == http.StatusMethodNotAllowed:
					t.Errorf("%s (allowed): status %d", cell, res.Status)
				case res.Status == http.StatusSeeOther && !r.Last && strings.HasPrefix(res.Header.Get("Location"), "/sign-in"):
					t.Errorf("%s (allowed): redirected to sign-in", cell)
				}
			}
		})
	}
}
