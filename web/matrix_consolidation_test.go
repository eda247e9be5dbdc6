package web_test

import (
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store"
)

// Matrix rows of console consolidation (issue 12): console A and B are each
// the accepted source of a main console of their own (C and D).
func init() {
	matrixSetups = append(matrixSetups, func(t testing.TB, m *matrixEnv) {
		ctx := t.Context()
		for _, tn := range []string{"A", "B"} {
			main, su, err := m.Store.OnboardConsole(ctx, m.Actor("desk:operator_admin"), models.ConsoleInput{Name: "Main of " + tn, Country: "FR",
				DefaultCurrency: "EUR", Tier: models.TierDirect, AdminName: "Main " + tn, AdminEmail: "main-" + tn + "@consolidation.test",
				AdminPassword: "matrix-main-password-1"})
			if err != nil {
				t.Fatal(err)
			}
			_ = main
			src := m.ConsoleA
			if tn == "B" {
				src = m.ConsoleB
			}
			c, err := m.Store.InviteConsole(ctx, store.ActorOf(su, "192.0.2.1"), src.PublicResellerID)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Store.AcceptConnection(ctx, m.Actor(tn+":super_admin"), c.ID); err != nil {
				t.Fatal(err)
			}
			m.Put("connection", tn, c.ID)
		}
	})

	superAdmin := []string{"*:super_admin"}
	addCustomers := []string{"*:super_admin", "*:admin_agent", "*:sales_agent"}
	id := map[string]string{"id": "connection"}
	matrix = append(matrix,
		matrixRow{Method: "GET", Path: "/console/consolidation", Allow: superAdmin, Status: 200},
		matrixRow{Method: "POST", Path: "/console/consolidation", Allow: superAdmin},
		matrixRow{Method: "GET", Path: "/console/consolidation/migrations", Allow: addCustomers, Status: 200},
		matrixRow{Method: "POST", Path: "/console/consolidation/migrations/:id/refresh", Allow: addCustomers, Params: map[string]string{"id": "customer"}},
		matrixRow{Method: "POST", Path: "/console/consolidation/migrations/start", Allow: superAdmin},
		matrixRow{Method: "POST", Path: "/console/consolidation/migrations/:id/cancel", Allow: superAdmin, Params: map[string]string{"id": "customer"}},
		matrixRow{Method: "GET", Path: "/console/consolidation/incoming", Allow: addCustomers, Status: 200},
		matrixRow{Method: "POST", Path: "/console/consolidation/incoming/complete", Allow: addCustomers},
		matrixRow{Method: "GET", Path: "/console/consolidation/:id", Allow: superAdmin, Params: id, Status: 200},
		matrixRow{Method: "POST", Path: "/console/consolidation/:id/accept", Allow: superAdmin, Params: id},
		matrixRow{Method: "POST", Path: "/console/consolidation/:id/close", Allow: superAdmin, Params: id},
	)
}
