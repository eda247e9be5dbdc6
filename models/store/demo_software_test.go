package store_test

import (
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// The demo has a customer with software bought 2 days ago (still
// cancellable) and 30 days ago (refund case only), with working keys.
func TestSeedSoftwareDemo(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	if _, err := db.Store.SeedDemo(bg); err != nil {
		t.Fatal(err)
	}
	now := db.Store.Now()
	var rows []struct {
		ID       int64
		PlacedAt time.Time
		Domain   string
	}
	db.Gorm.Raw(`SELECT l.id, o.placed_at, c.domain FROM software_order_lines l JOIN software_orders o ON o.id = l.order_id
JOIN customers c ON c.id = o.customer_id ORDER BY o.placed_at DESC`).Scan(&rows)
	if len(rows) != 2 || rows[0].Domain != rows[1].Domain {
		t.Fatalf("demo software lines: %+v", rows)
	}
	ages := []time.Duration{now.Sub(rows[0].PlacedAt), now.Sub(rows[1].PlacedAt)}
	if ages[0] < 47*time.Hour || ages[0] > 49*time.Hour || ages[1] < 29*24*time.Hour || ages[1] > 31*24*time.Hour {
		t.Fatalf("bought %v and %v ago; want 2 and 30 days", ages[0], ages[1])
	}
	if !models.CanCancel(rows[0].PlacedAt, now) || models.CanCancel(rows[1].PlacedAt, now) {
		t.Fatal("the 2-day order must be cancellable and the 30-day one not")
	}
	var line models.SoftwareOrderLine
	db.Gorm.Where("id = ?", rows[0].ID).Take(&line)
	if line.KeyID != db.Store.SoftwareKeyID() || line.Revoked() {
		t.Fatalf("demo line key id %s, revoked %v", line.KeyID, line.Revoked())
	}
}
