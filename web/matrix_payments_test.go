package web_test

import (
	"net/http"
	"testing"

	"partnerconsole/models"
)

// Matrix rows of billing pay: payment methods, pay the balance, desk
// credits (issue 9, R-PAY).
func init() {
	matrixSetups = append(matrixSetups, func(t testing.TB, m *matrixEnv) {
		ctx := t.Context()
		now := m.Clock.Now()
		card := models.CardInput{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2035, Name: "Matrix"}
		for _, tn := range []string{"A", "B"} {
			customer := m.CustomerA
			if tn == "B" {
				customer = m.CustomerB
			}
			// The customer's first direct billing account (the one
			// /admin/billing shows without ?account=), made here unless
			// another area's setup made one; with cards.
			var acc int64
			m.Gorm.Raw("SELECT id FROM billing_accounts WHERE customer_id = ? ORDER BY name, id LIMIT 1", customer.ID).Scan(&acc)
			if acc == 0 {
				if err := m.Gorm.Raw(`INSERT INTO billing_accounts (customer_id, name, currency, legal_entity, created_at, updated_at)
VALUES (?, ?, 'EUR', 'Direct entity', ?, ?) RETURNING id`, customer.ID, "Direct "+tn, now, now).Scan(&acc).Error; err != nil {
					t.Fatal(err)
				}
			}
			pm, err := m.Store.AddPaymentMethod(ctx, m.Actor("cust"+tn+":customer_admin"), acc, card)
			if err != nil {
				t.Fatal(err)
			}
			m.Put("direct_card", tn, pm.ID)
			// Rows run in any order: the removed card is another one.
			if pm, err = m.Store.AddPaymentMethod(ctx, m.Actor("cust"+tn+":customer_admin"), acc, card); err != nil {
				t.Fatal(err)
			}
			m.Put("direct_card_rm", tn, pm.ID)
			// A billing account of the console (setups run in file order:
			// this area makes its own), with a card.
			b, err := m.Store.SaveBillingAccount(ctx, m.Actor(tn+":super_admin"), 0,
				models.BillingAccountInput{Name: "Pay " + tn, Currency: "EUR", LegalEntity: "Entity " + tn})
			if err != nil {
				t.Fatal(err)
			}
			m.Put("pay_account", tn, b.ID)
			pm, err = m.Store.AddPaymentMethod(ctx, m.Actor(tn+":super_admin"), b.ID, card)
			if err != nil {
				t.Fatal(err)
			}
			m.Put("console_card", tn, pm.ID)
			if pm, err = m.Store.AddPaymentMethod(ctx, m.Actor(tn+":super_admin"), b.ID, card); err != nil {
				t.Fatal(err)
			}
			m.Put("console_card_rm", tn, pm.ID)
		}
	})
	superAdmin := []string{"*:super_admin"}
	custAdmin := []string{"*:customer_admin"}
	custPay := []string{"*:customer_admin", "*:customer_billing"}
	custBilling := []string{"*:customer_billing"}
	credit := []string{"desk:operator_admin", "desk:support_engineer"}
	acc := map[string]string{"id": "pay_account"}
	consoleCard := map[string]string{"id": "pay_account", "pm": "console_card"}
	directCard := map[string]string{"pm": "direct_card"}
	consoleCardRm := map[string]string{"id": "pay_account", "pm": "console_card_rm"}
	directCardRm := map[string]string{"pm": "direct_card_rm"}
	matrix = append(matrix,
		matrixRow{Method: "GET", Path: "/console/billing-accounts/:id/payment-methods", Allow: superAdmin, Params: acc, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/console/billing-accounts/:id/payment-methods", Allow: superAdmin, Params: acc, Status: http.StatusUnprocessableEntity},
		matrixRow{Method: "POST", Path: "/console/billing-accounts/:id/payment-methods/:pm/expiry", Allow: superAdmin, Params: consoleCard, Status: http.StatusUnprocessableEntity},
		matrixRow{Method: "POST", Path: "/console/billing-accounts/:id/payment-methods/:pm/primary", Allow: superAdmin, Params: consoleCard, Status: http.StatusSeeOther},
		matrixRow{Method: "POST", Path: "/console/billing-accounts/:id/payment-methods/:pm/remove", Allow: superAdmin, Params: consoleCardRm, Status: http.StatusSeeOther},
		matrixRow{Method: "POST", Path: "/console/billing-accounts/:id/pay", Allow: superAdmin, Params: acc, Status: http.StatusUnprocessableEntity},
		matrixRow{Method: "GET", Path: "/admin/billing", Allow: custPay, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/admin/billing/payment-methods", Allow: custPay, Status: http.StatusUnprocessableEntity},
		matrixRow{Method: "POST", Path: "/admin/billing/payment-methods/:pm/expiry", Allow: custAdmin, Params: directCard, Status: http.StatusUnprocessableEntity},
		matrixRow{Method: "POST", Path: "/admin/billing/payment-methods/:pm/primary", Allow: custAdmin, Params: directCard, Status: http.StatusSeeOther},
		matrixRow{Method: "POST", Path: "/admin/billing/payment-methods/:pm/remove", Allow: custAdmin, Params: directCardRm, Status: http.StatusSeeOther},
		matrixRow{Method: "POST", Path: "/admin/billing/pay", Allow: custBilling, Status: http.StatusUnprocessableEntity},
		matrixRow{Method: "GET", Path: "/desk/billing-accounts/:id/credits", Allow: credit, Params: acc, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/desk/billing-accounts/:id/credits", Allow: credit, Params: acc},
	)
}
