package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// consolidationDemo is who the consolidation demo works with: Northwind (EUR,
// the main console), Sakura Partners (JPY) and Lyon Digital (EUR), sources.
type consolidationDemo struct {
	nw, sakura, lyon models.Actor
	lyonRID          string
	accounts         map[string]int64 // demo billing accounts by name
}

// seedConsolidationDemo connects demo consoles (issue 12): Northwind (EUR,
// the main console, with a yen account too) invited Sakura Partners (JPY),
// accepted 8 days ago, whose customers are ready (Hanami Foods and Tsuki
// Design in yen, Fuji Travel in euros) or not (Kaze Telecom has Google
// Voice; Mori Engineering is billed in USD, which Northwind has no account
// in); and Lyon Digital, a source accepted yesterday, still in its 7-day
// wait.
func (s *Store) seedConsolidationDemo(ctx context.Context, op models.Actor) ([]DemoSignIn, error) {
	d, err := s.consolidationDemoConsoles(ctx, op)
	if err != nil {
		return nil, err
	}
	if err := s.consolidationDemoAccounts(ctx, &d); err != nil {
		return nil, err
	}
	if err := s.consolidationDemoCustomers(ctx, d); err != nil {
		return nil, err
	}
	if err := s.consolidationDemoConnect(ctx, d); err != nil {
		return nil, err
	}
	if _, err := s.RecomputeReadiness(ctx); err != nil {
		return nil, err
	}
	// Sakura's and Lyon's super admins sign in to the demo too (with the demo
	// second factor), to accept, start and cancel migrations.
	return []DemoSignIn{{Role: models.RoleSuperAdmin, Email: "super@sakura.example"}, {Role: models.RoleSuperAdmin, Email: "super@lyon-digital.example"}}, nil
}

// consolidationDemoConsoles finds Northwind's and Sakura's super admins and
// onboards Lyon Digital.
func (s *Store) consolidationDemoConsoles(ctx context.Context, op models.Actor) (consolidationDemo, error) {
	d := consolidationDemo{accounts: map[string]int64{}}
	db := s.db.WithContext(ctx)
	superOf := func(email string) (models.Actor, error) {
		var u models.User
		if err := db.Where("email = ?", email).Take(&u).Error; err != nil {
			return models.Actor{}, fmt.Errorf("demo consolidation: %s: %w", email, err)
		}
		return actorOf(u, ""), nil
	}
	var err error
	if d.nw, err = superOf("super@northwind.example"); err != nil {
		return d, err
	}
	if d.sakura, err = superOf("super@sakura.example"); err != nil {
		return d, err
	}
	lyon, _, err := s.OnboardConsole(ctx, op, models.ConsoleInput{Name: "Lyon Digital", Country: "FR", DefaultCurrency: "EUR",
		Tier: models.TierDirect, AdminName: "Léa Super", AdminEmail: "super@lyon-digital.example", AdminPassword: DemoPassword})
	if err != nil {
		return d, fmt.Errorf("demo consolidation console: %w", err)
	}
	d.lyonRID = lyon.PublicResellerID
	d.lyon, err = superOf("super@lyon-digital.example")
	return d, err
}

// consolidationDemoAccounts gives Northwind a yen account (so Sakura's yen
// subscriptions can move) and Sakura a dollar and a euro account.
func (s *Store) consolidationDemoAccounts(ctx context.Context, d *consolidationDemo) error {
	for _, x := range []struct {
		a  models.Actor
		in models.BillingAccountInput
	}{
		{d.nw, models.BillingAccountInput{Name: "Northwind JPY", Currency: "JPY", LegalEntity: "Northwind Cloud KK"}},
		{d.sakura, models.BillingAccountInput{Name: "Sakura USD", Currency: "USD", LegalEntity: "Sakura Partners KK"}},
		{d.sakura, models.BillingAccountInput{Name: "Sakura EUR", Currency: "EUR", LegalEntity: "Sakura Partners Europe BV"}},
	} {
		b, err := s.SaveBillingAccount(ctx, x.a, 0, x.in)
		if err != nil {
			return fmt.Errorf("demo consolidation billing account: %w", err)
		}
		d.accounts[b.Name] = b.ID
	}
	return nil
}

// consolidationDemoCustomers adds the sources' customers, each with one
// subscription billed to the named account ("" = the console's first).
func (s *Store) consolidationDemoCustomers(ctx context.Context, d consolidationDemo) error {
	for _, c := range []struct {
		a    models.Actor
		in   models.CustomerInput
		sku  string
		acct string
	}{
		{d.sakura, models.CustomerInput{Name: "Hanami Foods", Domain: "hanami-foods.example", Country: "JP"}, "GWS-BSD", ""},
		{d.sakura, models.CustomerInput{Name: "Tsuki Design", Domain: "tsuki-design.example", Country: "JP"}, "GWS-BSD", ""},
		{d.sakura, models.CustomerInput{Name: "Fuji Travel", Domain: "fuji-travel.example", Country: "JP"}, "GWS-BSD", "Sakura EUR"},
		{d.sakura, models.CustomerInput{Name: "Kaze Telecom", Domain: "kaze-telecom.example", Country: "JP"}, "GVOICE", ""},
		{d.sakura, models.CustomerInput{Name: "Mori Engineering", Domain: "mori-engineering.example", Country: "JP"}, "GWS-BSD", "Sakura USD"},
		{d.lyon, models.CustomerInput{Name: "Rhône Vélos", Domain: "rhone-velos.example", Country: "FR"}, "GWS-BSD", ""},
	} {
		cust, err := s.CreateCustomer(ctx, c.a, c.in)
		if err != nil {
			return fmt.Errorf("demo consolidation customer %s: %w", c.in.Name, err)
		}
		if err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
			return demoMigrationSub(tx, now, c.a.OrgID, cust.ID, c.sku, d.accounts[c.acct])
		}); err != nil {
			return err
		}
	}
	return nil
}

// demoMigrationSub adds a live subscription of 20 licences started three
// months ago: annual_monthly, or flexible for Google Voice.
func demoMigrationSub(tx *gorm.DB, now time.Time, consoleID, customerID int64, sku string, account int64) error {
	var p models.Product
	if err := tx.Where("sku = ?", sku).Take(&p).Error; err != nil {
		return fmt.Errorf("demo product %s: %w", sku, err)
	}
	if account == 0 {
		tx.Raw("SELECT id FROM billing_accounts WHERE console_id = ? ORDER BY id LIMIT 1", consoleID).Scan(&account)
	}
	start := models.Day(now).AddDate(0, -3, 0)
	plan := models.PlanAnnualMonthly
	if p.Family == models.FamilyVoice {
		plan = models.PlanFlexible
	}
	sub := models.Subscription{CustomerID: customerID, ConsoleID: &consoleID, ProductID: p.ID, Quantity: 20, Plan: plan,
		Channel: models.SubOnline, Status: models.SubActive, SuspensionReasons: models.TextArray{},
		StartDate: start, EndDate: models.FirstTermEnd(start, plan), RenewalOption: models.RenewAuto, CreatedAt: now, UpdatedAt: now}
	if account != 0 {
		sub.BillingAccountID = &account
	}
	if err := tx.Create(&sub).Error; err != nil {
		return fmt.Errorf("demo consolidation subscription: %w", err)
	}
	return nil
}

// consolidationDemoConnect has Northwind invite Sakura and Lyon, each accept,
// and moves the acceptance back (the demo's moved clock): Sakura 8 days ago,
// Lyon yesterday.
func (s *Store) consolidationDemoConnect(ctx context.Context, d consolidationDemo) error {
	db := s.db.WithContext(ctx)
	var sakuraRID string
	db.Raw("SELECT public_reseller_id FROM consoles WHERE id = ?", d.sakura.OrgID).Scan(&sakuraRID)
	for _, x := range []struct {
		source models.Actor
		rid    string
		ago    time.Duration
	}{
		{d.sakura, sakuraRID, 8 * 24 * time.Hour},
		{d.lyon, d.lyonRID, 24 * time.Hour},
	} {
		c, err := s.InviteConsole(ctx, d.nw, x.rid)
		if err != nil {
			return fmt.Errorf("demo consolidation invite: %w", err)
		}
		if err := s.AcceptConnection(ctx, x.source, c.ID); err != nil {
			return fmt.Errorf("demo consolidation accept: %w", err)
		}
		at := s.Now().Add(-x.ago)
		if err := db.Exec("UPDATE console_connections SET created_at = ?, accepted_at = ? WHERE id = ?", at.Add(-time.Hour), at, c.ID).Error; err != nil {
			return fmt.Errorf("demo consolidation clock: %w", err)
		}
	}
	return nil
}
