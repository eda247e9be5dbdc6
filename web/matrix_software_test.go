package web_test

import (
	"net/http"
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store"
)

// Matrix rows of on-premises software (issue 10, R-SW-1..6, R-ROLE-2):
// who buys, who sees keys, who cancels. The public signed download link
// (/software/download/:token) is outside the matrix: its token is the
// authority, tested in software_test.go. The customer admin's step-up
// routes skip the foreign variant: the fixture's customer admins have no
// second factor, so step-up answers before the handler; the store test
// (TestSoftwareOrders) checks another customer's line is not found.
func init() {
	matrixSetups = append(matrixSetups, func(t testing.TB, m *matrixEnv) {
		var p, v int64
		m.Gorm.Raw("SELECT product_id FROM software_versions v JOIN software_products p ON p.id = v.product_id WHERE p.sku = 'SW-OFFICE-LTSC' AND v.rank = 0").Scan(&p)
		m.Gorm.Raw("SELECT v.id FROM software_versions v JOIN software_products p ON p.id = v.product_id WHERE p.sku = 'SW-OFFICE-LTSC' AND v.rank = 0").Scan(&v)
		for _, tn := range []string{"A", "B"} {
			customer := m.CustomerA
			if tn == "B" {
				customer = m.CustomerB
			}
			b, err := m.Store.SaveBillingAccount(t.Context(), m.Actor(tn+":super_admin"), 0,
				models.BillingAccountInput{Name: "Software " + tn, Currency: "EUR", LegalEntity: "Entity " + tn})
			if err != nil {
				t.Fatal(err)
			}
			o, err := m.Store.PlaceSoftwareOrder(t.Context(), m.Actor(tn+":admin_agent"), customer.ID, store.PlaceOrderInput{
				BillingAccountID: b.ID, Lines: []models.OrderLineInput{{ProductID: p, VersionID: v, Quantity: "1"}}, Confirm: true, Key: "matrix-sw-" + tn})
			if err != nil {
				t.Fatal(err)
			}
			var line int64
			m.Gorm.Raw("SELECT id FROM software_order_lines WHERE order_id = ?", o.Order.ID).Scan(&line)
			m.Put("sw_line", tn, line)
		}
	})
	consoleAll := []string{"A:*", "B:*"}
	buyers := []string{"*:super_admin", "*:admin_agent", "*:sales_agent"}
	keys := []string{"*:super_admin", "*:admin_agent"}
	custAll := []string{"custA:*", "custB:*"}
	custKeys := []string{"*:customer_admin"}
	cust := map[string]string{"id": "customer"}
	line := map[string]string{"id": "customer", "line": "sw_line"}
	custLine := map[string]string{"line": "sw_line"}
	matrix = append(matrix,
		matrixRow{Method: "GET", Path: "/console/software-orders", Allow: consoleAll, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/software-orders.csv", Allow: consoleAll, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/customers/:id/software", Allow: consoleAll, Params: cust, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/customers/:id/software/new", Allow: buyers, Params: cust, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/customers/:id/software/orders", Allow: consoleAll, Params: cust, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/customers/:id/software/orders.csv", Allow: consoleAll, Params: cust, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/console/customers/:id/software/orders", Allow: buyers, Params: cust, Status: http.StatusUnprocessableEntity},
		matrixRow{Method: "POST", Path: "/console/customers/:id/software/lines/:line/key", Allow: keys, Params: line},
		matrixRow{Method: "POST", Path: "/console/customers/:id/software/lines/:line/download", Allow: keys, Params: line},
		matrixRow{Method: "POST", Path: "/console/customers/:id/software/lines/:line/link", Allow: keys, Params: line},
		matrixRow{Method: "POST", Path: "/console/customers/:id/software/lines/:line/cancel", Allow: keys, Params: line},
		matrixRow{Method: "GET", Path: "/admin/software", Allow: custAll, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/admin/software/lines/:line/key", Allow: custKeys, Params: custLine, NoForeign: true},
		matrixRow{Method: "POST", Path: "/admin/software/lines/:line/download", Allow: custKeys, Params: custLine},
		matrixRow{Method: "POST", Path: "/admin/software/lines/:line/link", Allow: custKeys, Params: custLine, NoForeign: true},
		// The desk's refund decision (R-SW-6); an empty form names no decision: 422.
		matrixRow{Method: "POST", Path: "/desk/cases/:id/refund", Allow: []string{"desk:support_engineer", "desk:operator_admin"},
			Params: map[string]string{"id": "case"}, Status: http.StatusUnprocessableEntity},
	)
}
