package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// DemoProductKeys are two Office 365 E3 key cards (12 months, 25 seats) of
// the demo console Northwind, fixed so that the README can name them and a
// person can try the Redeem wizard (local demo data only).
func DemoProductKeys() []string {
	return []string{"DEMOE-3NORT-HWIND-KEY00-00001", "DEMOE-3NORT-HWIND-KEY00-00002"}
}

// seedProductKeysDemo loads key cards for the demo console (issue 11): the
// two DemoProductKeys, eight more E3 cards and four Microsoft 365 Business
// Standard cards, as the desk would. Nothing secret is printed.
func (s *Store) seedProductKeysDemo(ctx context.Context, consoleID int64) error {
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var e3, bsd int64
		tx.Raw("SELECT id FROM products WHERE sku = 'O365-E3'").Scan(&e3)
		tx.Raw("SELECT id FROM products WHERE sku = 'M365-BSD'").Scan(&bsd)
		if e3 == 0 || bsd == 0 {
			return fmt.Errorf("demo product keys: the Office 365 products are missing")
		}
		var specs []models.KeyCardSpec
		for _, k := range DemoProductKeys() {
			specs = append(specs, models.KeyCardSpec{Key: k, ProductID: e3, TermMonths: 12, Seats: 25})
		}
		for i := 0; i < 12; i++ {
			k, err := randomO365Key()
			if err != nil {
				return err
			}
			sp := models.KeyCardSpec{Key: k, ProductID: e3, TermMonths: 12, Seats: 25}
			if i >= 8 {
				sp.ProductID, sp.Seats = bsd, 10
			}
			specs = append(specs, sp)
		}
		cards := make([]models.KeyCard, 0, len(specs))
		for _, sp := range specs {
			c, err := s.newKeyCard(sp, consoleID, "demo", nil, now)
			if err != nil {
				return fmt.Errorf("demo product keys: %w", err)
			}
			cards = append(cards, c)
		}
		if err := tx.Create(&cards).Error; err != nil {
			return fmt.Errorf("demo product keys: %w", err)
		}
		return audit(tx, auditEntry{Actor: models.System(), At: now, Action: "product_keys.loaded", RecordType: "console", RecordID: consoleID,
			After: map[string]any{"cards": len(cards), "source": "demo"}, Orgs: []int64{consoleID}})
	})
}
