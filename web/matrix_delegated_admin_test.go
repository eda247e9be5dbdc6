package web_test

import (
	"net/url"
	"strings"
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// Matrix rows of delegated administration (issue 11, R-PK-2). Consoles A and
// B are enrolled and each is the accepted delegated admin of its customer,
// so their Users tabs answer 200. Customer A/B also holds an offer from a
// console of its own ("dap_offer": accepted or declined by a row) and an
// accepted relationship with another ("dap_live": ended by a row), so the
// rows that move a relationship never touch the one the Users tab needs.
func init() {
	matrixSetups = append(matrixSetups, func(t testing.TB, m *matrixEnv) {
		ctx := t.Context()
		desk := m.Actor("desk:operator_admin")
		for _, tn := range []string{"A", "B"} {
			console, customer := m.ConsoleA, m.CustomerA
			if tn == "B" {
				console, customer = m.ConsoleB, m.CustomerB
			}
			admin := m.Actor("cust" + tn + ":customer_admin")
			if _, err := m.Store.SetCloudEssentials(ctx, desk, console.ID, true); err != nil {
				t.Fatal(err)
			}
			r, err := m.Store.OfferDelegatedAdmin(ctx, m.Actor(tn+":super_admin"), customer.ID, "Matrix offer")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Store.AnswerDelegatedAdmin(ctx, admin, r.ID, models.DAAccept); err != nil {
				t.Fatal(err)
			}
			u, err := m.Store.CreateUserInOrg(ctx, customer.ID, models.UserInput{Name: "Customer spare " + tn,
				Email: "spare@cust" + strings.ToLower(tn) + ".matrix.test", Password: storetest.Password, Role: models.RoleCustomerViewer})
			if err != nil {
				t.Fatal(err)
			}
			m.Put("customer_user", tn, u.ID)
			// Two more consoles of the tenant's customer: one offers, one is accepted.
			for _, kind := range []string{"dap_offer", "dap_live"} {
				other, _, err := m.Store.OnboardConsole(ctx, desk, models.ConsoleInput{Name: kind + " " + tn, Country: "FR",
					DefaultCurrency: "EUR", Tier: models.TierDirect, AdminName: "Super " + kind + tn,
					AdminEmail: kind + "-" + strings.ToLower(tn) + "@dap.matrix.test", AdminPassword: "matrix-dap-password-1"})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := m.Store.SetCloudEssentials(ctx, desk, other.ID, true); err != nil {
					t.Fatal(err)
				}
				// The relationship is written as the other console would have
				// it: that console's customer moved to tenant's console since.
				rel := models.DelegatedAdminRelationship{ConsoleID: other.ID, CustomerID: customer.ID, Message: "Matrix " + kind,
					State: models.DAOffered, Version: 1, OfferedAt: m.Store.Now(), CreatedAt: m.Store.Now(), UpdatedAt: m.Store.Now()}
				if err := m.Store.DB().Create(&rel).Error; err != nil {
					t.Fatal(err)
				}
				if kind == "dap_live" {
					if _, err := m.Store.AnswerDelegatedAdmin(ctx, admin, rel.ID, models.DAAccept); err != nil {
						t.Fatal(err)
					}
				}
				m.Put(kind, tn, rel.ID)
			}
		}
	})

	offer := []string{"*:super_admin", "*:admin_agent"}
	act := []string{"*:super_admin", "*:admin_agent"}
	answer := []string{"*:customer_admin"}
	customer := map[string]string{"id": "customer"}
	user := map[string]string{"id": "customer", "uid": "customer_user"}
	matrix = append(matrix,
		matrixRow{Method: "POST", Path: "/desk/consoles/:id/cloud-essentials", Allow: []string{"desk:operator_admin"},
			Params: map[string]string{"id": "console"}, Form: url.Values{"enrolled": {"on"}}},
		matrixRow{Method: "GET", Path: "/console/customers/:id/delegated-admin", Allow: offer, Params: customer, Status: 200},
		matrixRow{Method: "POST", Path: "/console/customers/:id/delegated-admin", Allow: offer, Params: customer, Form: url.Values{"message": {"Again"}}},
		matrixRow{Method: "POST", Path: "/console/customers/:id/delegated-admin/withdraw", Allow: offer, Params: customer},
		matrixRow{Method: "GET", Path: "/console/customers/:id/users", Allow: act, Params: customer, Status: 200},
		matrixRow{Method: "POST", Path: "/console/customers/:id/users", Allow: act, Params: customer},
		matrixRow{Method: "POST", Path: "/console/customers/:id/users/:uid/role", Allow: act, Params: user, Form: url.Values{"role": {"customer_billing"}}},
		matrixRow{Method: "POST", Path: "/console/customers/:id/users/:uid/disable", Allow: act, Params: user},
		matrixRow{Method: "POST", Path: "/console/customers/:id/users/:uid/enable", Allow: act, Params: user},
		matrixRow{Method: "GET", Path: "/admin/delegated-admin", Allow: answer, Status: 200},
		matrixRow{Method: "POST", Path: "/admin/delegated-admin/:id/accept", Allow: answer, Params: map[string]string{"id": "dap_offer"}},
		matrixRow{Method: "POST", Path: "/admin/delegated-admin/:id/decline", Allow: answer, Params: map[string]string{"id": "dap_offer"}},
		matrixRow{Method: "POST", Path: "/admin/delegated-admin/:id/end", Allow: answer, Params: map[string]string{"id": "dap_live"}},
	)
}
