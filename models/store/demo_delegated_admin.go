package store

import (
	"context"
	"fmt"

	"partnerconsole/models"
)

// seedDelegatedAdminDemo adds delegated administration to the demo (issue
// 11, R-PK-2): Northwind is enrolled in cloud essentials; Acme Robotics
// (Alice Martin) accepted its delegated-admin offer, so Northwind manages
// Acme's users from its Users tab; Blue Harbour Logistics has an offer
// waiting for its answer.
func (s *Store) seedDelegatedAdminDemo(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	user := func(email string) (models.Actor, error) {
		var u models.User
		if err := db.Where("email = ?", email).Take(&u).Error; err != nil {
			return models.Actor{}, fmt.Errorf("demo delegated admin: user %s: %w", email, err)
		}
		return actorOf(u, ""), nil
	}
	super, err := user("super@northwind.example")
	if err != nil {
		return err
	}
	alice, err := user("alice@acme-robotics.example")
	if err != nil {
		return err
	}
	desk, err := user("operator@desk.example")
	if err != nil {
		return err
	}
	if _, err := s.SetCloudEssentials(ctx, desk, super.OrgID, true); err != nil {
		return fmt.Errorf("demo delegated admin: enrol: %w", err)
	}
	customerID := func(domain string) int64 {
		var id int64
		db.Raw("SELECT id FROM customers WHERE domain = ?", domain).Scan(&id)
		return id
	}
	acme, err := s.OfferDelegatedAdmin(ctx, super, customerID("acme-robotics.example"),
		"Northwind would like to manage your users and settings for you: new starters, leavers and role changes, so your team can focus on its work.")
	if err != nil {
		return fmt.Errorf("demo delegated admin: offer to Acme Robotics: %w", err)
	}
	if _, err := s.AnswerDelegatedAdmin(ctx, alice, acme.ID, models.DAAccept); err != nil {
		return fmt.Errorf("demo delegated admin: accept: %w", err)
	}
	if _, err := s.OfferDelegatedAdmin(ctx, super, customerID("blueharbour.example"),
		"As your partner, Northwind offers to administer your Google Workspace users for you. You can end it at any time."); err != nil {
		return fmt.Errorf("demo delegated admin: offer to Blue Harbour: %w", err)
	}
	return nil
}
