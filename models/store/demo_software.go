package store

import (
	"context"
	"fmt"

	"partnerconsole/models"
)

// seedSoftwareDemo adds on-premises software to the demo (issue 10): Acme
// Robotics has Office LTSC bought 2 days ago (still cancellable) and
// Windows Server bought 30 days ago (past the 7 days: refund case only),
// charged to its console's first billing account.
func (s *Store) seedSoftwareDemo(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	var c struct{ ID, ConsoleID int64 }
	db.Raw("SELECT id, console_id FROM customers WHERE domain = 'acme-robotics.example'").Scan(&c)
	var account int64
	db.Raw("SELECT id FROM billing_accounts WHERE console_id = ? ORDER BY id LIMIT 1", c.ConsoleID).Scan(&account)
	if c.ID == 0 || account == 0 {
		return fmt.Errorf("demo software: Acme Robotics or its console's billing account missing")
	}
	a := actorOf(models.User{Name: "demo", OrganisationID: c.ConsoleID, Role: models.RoleAdminAgent}, "")
	a.OrgKind = models.OrgConsole
	now := s.Now()
	for _, o := range []struct {
		sku, version, qty string
		daysAgo           int
	}{{"SW-OFFICE-LTSC", "2024", "10", 2}, {"SW-WINSRV-STD", "2022", "2", 30}} {
		var ids struct{ P, V int64 }
		db.Raw(`SELECT p.id AS p, v.id AS v FROM software_products p JOIN software_versions v ON v.product_id = p.id
WHERE p.sku = ? AND v.version = ?`, o.sku, o.version).Scan(&ids)
		placed, err := s.PlaceSoftwareOrder(ctx, a, c.ID, PlaceOrderInput{BillingAccountID: account, PONumber: "PO-DEMO-" + o.version,
			Lines: []models.OrderLineInput{{ProductID: ids.P, VersionID: ids.V, Quantity: o.qty}}, Confirm: true, Key: "demo-software-" + o.sku})
		if err != nil {
			return fmt.Errorf("demo software %s: %w", o.sku, err)
		}
		if err := db.Exec("UPDATE software_orders SET placed_at = ? WHERE id = ?", now.AddDate(0, 0, -o.daysAgo), placed.Order.ID).Error; err != nil {
			return fmt.Errorf("demo software %s: %w", o.sku, err)
		}
	}
	return nil
}
