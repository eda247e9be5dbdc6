package web_test

import (
	"testing"

	"partnerconsole/models"
)

// Matrix rows of the subscription's life (issue 9): the console's list, the
// subscription page and its actions, on both portals.
func init() {
	matrixSetups = append(matrixSetups, func(t testing.TB, m *matrixEnv) {
		var ceu int64
		m.Gorm.Table("products").Select("id").Where("sku = 'CEU'").Scan(&ceu)
		for _, tn := range []string{"A", "B"} {
			console, customer := m.ConsoleA.ID, m.CustomerA.ID
			if tn == "B" {
				console, customer = m.ConsoleB.ID, m.CustomerB.ID
			}
			now := m.Clock.Now()
			s := models.Subscription{CustomerID: customer, ConsoleID: &console, ProductID: ceu, Quantity: 25,
				Plan: models.PlanAnnualPrepaid, Channel: models.SubOnline, Status: models.SubActive, SuspensionReasons: models.TextArray{},
				StartDate: models.Day(now), EndDate: models.FirstTermEnd(now, models.PlanAnnualPrepaid), RenewalOption: models.RenewAuto,
				CreatedAt: now, UpdatedAt: now}
			if err := m.Gorm.Create(&s).Error; err != nil {
				t.Fatal(err)
			}
			m.Put("subscription", tn, s.ID)
		}
	})

	consoleAll := []string{"A:*", "B:*"}
	manage := []string{"*:super_admin", "*:admin_agent"}
	custAll := []string{"custA:*", "custB:*"}
	custAdmin := []string{"*:customer_admin"}
	id := map[string]string{"id": "subscription"}
	matrix = append(matrix,
		matrixRow{Method: "GET", Path: "/console/subscriptions", Allow: consoleAll, Status: 200},
		matrixRow{Method: "GET", Path: "/console/subscriptions.csv", Allow: consoleAll, Status: 200},
		matrixRow{Method: "GET", Path: "/console/subscriptions/:id", Allow: consoleAll, Params: id, Status: 200},
		matrixRow{Method: "POST", Path: "/console/subscriptions/:id/licences", Allow: manage, Params: id},
		matrixRow{Method: "POST", Path: "/console/subscriptions/:id/renewal", Allow: manage, Params: id},
		matrixRow{Method: "POST", Path: "/console/subscriptions/:id/cancel", Allow: manage, Params: id},
		matrixRow{Method: "POST", Path: "/console/subscriptions/:id/billing-setup", Allow: manage, Params: id},
		matrixRow{Method: "POST", Path: "/console/subscriptions/:id/suspend", Allow: manage, Params: id},
		matrixRow{Method: "POST", Path: "/console/subscriptions/:id/reactivate", Allow: manage, Params: id},
		matrixRow{Method: "GET", Path: "/admin/subscriptions/:id", Allow: custAll, Params: id, Status: 200},
		matrixRow{Method: "POST", Path: "/admin/subscriptions/:id/licences", Allow: custAdmin, Params: id},
		matrixRow{Method: "POST", Path: "/admin/subscriptions/:id/renewal", Allow: custAdmin, Params: id},
		matrixRow{Method: "POST", Path: "/admin/subscriptions/:id/cancel", Allow: custAdmin, Params: id},
		matrixRow{Method: "POST", Path: "/admin/subscriptions/:id/billing-setup", Allow: custAdmin, Params: id},
	)
}
