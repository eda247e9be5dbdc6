package web_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"partnerconsole/models"
)

// Matrix rows of invoices (issue 9, billing core).
func init() {
	matrixSetups = append(matrixSetups, func(t testing.TB, m *matrixEnv) {
		now := m.Clock.Now()
		ms := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
		invoice := func(account int64, number string) int64 {
			inv := models.Invoice{Number: number, BillingAccountID: account, PeriodStart: ms.AddDate(0, -1, 0), PeriodEnd: ms, Currency: "EUR",
				SubtotalMinor: 1200, TotalMinor: 1200, State: models.InvoiceOpen, IssuedOn: ms, DueOn: ms.AddDate(0, 0, 30), CreatedAt: now, UpdatedAt: now}
			if err := m.Gorm.Create(&inv).Error; err != nil {
				t.Fatal(err)
			}
			if err := m.Gorm.Create(&models.InvoiceLine{InvoiceID: inv.ID, Description: "Monthly licences", ProductName: "Workspace",
				PeriodStart: inv.PeriodStart, PeriodEnd: inv.PeriodEnd, Quantity: 1, UnitPriceMinor: 1200, AmountMinor: 1200}).Error; err != nil {
				t.Fatal(err)
			}
			return inv.ID
		}
		for _, tn := range []string{"A", "B"} {
			customer := m.CustomerA
			if tn == "B" {
				customer = m.CustomerB
			}
			// Setups run in file order: this area makes its own billing account.
			b, err := m.Store.SaveBillingAccount(t.Context(), m.Actor(tn+":super_admin"), 0,
				models.BillingAccountInput{Name: "Invoices " + tn, Currency: "EUR", LegalEntity: "Entity " + tn})
			if err != nil {
				t.Fatal(err)
			}
			m.Put("invoice", tn, invoice(b.ID, "MX-"+tn+"-1"))
			// The customer's own billing account, as a direct customer.
			var direct int64
			if err := m.Gorm.Raw(`INSERT INTO billing_accounts (customer_id, name, currency, legal_entity, created_at, updated_at)
VALUES (?, ?, 'EUR', ?, ?, ?) RETURNING id`, customer.ID, "Direct "+tn, "Customer "+tn, now, now).Scan(&direct).Error; err != nil {
				t.Fatal(err)
			}
			m.Put("cust_invoice", tn, invoice(direct, fmt.Sprintf("MX-%s-2", tn)))
		}
	})
	superAdmin := []string{"*:super_admin"}
	custBilling := []string{"*:customer_admin", "*:customer_billing"}
	deskAll := []string{"desk:*"}
	id := func(kind string) map[string]string { return map[string]string{"id": kind} }
	matrix = append(matrix,
		matrixRow{Method: "GET", Path: "/console/invoices", Allow: superAdmin, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/invoices.csv", Allow: superAdmin, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/invoices/:id", Allow: superAdmin, Params: id("invoice"), Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/invoices/:id/pdf", Allow: superAdmin, Params: id("invoice"), Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/admin/invoices", Allow: custBilling, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/admin/invoices.csv", Allow: custBilling, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/admin/invoices/:id", Allow: custBilling, Params: id("cust_invoice"), Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/admin/invoices/:id/pdf", Allow: custBilling, Params: id("cust_invoice"), Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/desk/invoices", Allow: deskAll, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/desk/invoices.csv", Allow: deskAll, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/desk/invoices/:id", Allow: deskAll, Params: id("invoice"), Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/desk/invoices/:id/pdf", Allow: deskAll, Params: id("invoice"), Status: http.StatusOK},
	)
}
