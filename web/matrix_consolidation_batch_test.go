package web_test

import (
	"testing"
)

// Matrix rows of the bulk completion's progress page (issue 12, R-BULK-1):
// console A and B each queued a batch as a main console.
func init() {
	matrixSetups = append(matrixSetups, func(t testing.TB, m *matrixEnv) {
		ctx := t.Context()
		for _, tn := range []string{"A", "B"} {
			cust := m.CustomerA.ID
			if tn == "B" {
				cust = m.CustomerB.ID
			}
			id, err := m.Store.QueueCompleteMigrations(ctx, m.Actor(tn+":super_admin"), []int64{cust}, nil, false)
			if err != nil {
				t.Fatal(err)
			}
			m.Put("migration_batch", tn, id)
		}
	})
	addCustomers := []string{"*:super_admin", "*:admin_agent", "*:sales_agent"}
	matrix = append(matrix,
		matrixRow{Method: "GET", Path: "/console/consolidation/incoming/batches/:id", Allow: addCustomers, Status: 200,
			Params: map[string]string{"id": "migration_batch"}},
	)
}
