package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// seedConsolidationDemo connects demo consoles (issue 12): Northwind (EUR,
// the main console) invited Sakura Partners (JPY), accepted 8 days ago, whose
// customers are ready (Hanami Foods) or not (Kaze Telecom has Google Voice;
// Mori Engineering is billed in USD, which Northwind has no account in); and
// Lyon Digital, a source accepted yesterday, still in its 7-day wait.
func (s *Store) seedConsolidationDemo(ctx context.Context, op models.Actor) ([]DemoSignIn, error) {
	db := s.db.WithContext(ctx)
	superOf := func(email string) (models.Actor, error) {
		var u models.User
		if err := db.Where("email = ?", email).Take(&u).Error; err != nil {
			return models.Actor{}, fmt.Errorf("demo consolidation: %s: %w", email, err)
		}
		return actorOf(u, ""), nil
	}
	nw, err := superOf("super@northwind.example")
	if err != nil {
		return nil, err
	}
	sakura, err := superOf("super@sakura.example")
	if err != nil {
		return nil, err
	}
	lyonConsole, _, err := s.OnboardConsole(ctx, op, models.ConsoleInput{Name: "Lyon Digital", Country: "FR", DefaultCurrency: "EUR",
		Tier: models.TierDirect, AdminName: "Léa Super", AdminEmail: "super@lyon-digital.example", AdminPassword: DemoPassword})
	if err != nil {
		return nil, fmt.Errorf("demo consolidation console: %w", err)
	}
	lyon, err := superOf("super@lyon-digital.example")
	if err != nil {
		return nil, err
	}
	// Northwind gets a yen billing account, so Sakura's yen subscriptions can move.
	if _, err := s.SaveBillingAccount(ctx, nw, 0, models.BillingAccountInput{Name: "Northwind JPY", Currency: "JPY", LegalEntity: "Northwind Cloud KK"}); err != nil {
		return nil, fmt.Errorf("demo consolidation billing account: %w", err)
	}
	usd, err := s.SaveBillingAccount(ctx, sakura, 0, models.BillingAccountInput{Name: "Sakura USD", Currency: "USD", LegalEntity: "Sakura Partners KK"})
	if err != nil {
		return nil, fmt.Errorf("demo consolidation billing account: %w", err)
	}
	type demoCust struct {
		in   models.CustomerInput
		sku  string
		acct string // "" = the console's first account
	}
	add := func(a models.Actor, c demoCust) error {
		cust, err := s.CreateCustomer(ctx, a, c.in)
		if err != nil {
			return fmt.Errorf("demo consolidation customer %s: %w", c.in.Name, err)
		}
		return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
			var p models.Product
			if err := tx.Where("sku = ?", c.sku).Take(&p).Error; err != nil {
				return fmt.Errorf("demo product %s: %w", c.sku, err)
			}
			var ba int64
			if c.acct == "usd" {
				ba = usd.ID
			} else {
				tx.Raw("SELECT id FROM billing_accounts WHERE console_id = ? ORDER BY id LIMIT 1", a.OrgID).Scan(&ba)
			}
			today := models.Day(now)
			plan := models.PlanAnnualMonthly
			if p.Family == models.FamilyVoice {
				plan = models.PlanFlexible
			}
			sub := models.Subscription{CustomerID: cust.ID, ConsoleID: &a.OrgID, ProductID: p.ID, Quantity: 20, Plan: plan,
				Channel: models.SubOnline, Status: models.SubActive, SuspensionReasons: models.TextArray{},
				StartDate: today.AddDate(0, -3, 0), EndDate: models.FirstTermEnd(today.AddDate(0, -3, 0), plan), RenewalOption: models.RenewAuto,
				CreatedAt: now, UpdatedAt: now}
			if ba != 0 {
				sub.BillingAccountID = &ba
			}
			if err := tx.Create(&sub).Error; err != nil {
				return fmt.Errorf("demo consolidation subscription: %w", err)
			}
			return nil
		})
	}
	for _, c := range []demoCust{
		{in: models.CustomerInput{Name: "Hanami Foods", Domain: "hanami-foods.example", Country: "JP"}, sku: "GWS-BSD"},
		{in: models.CustomerInput{Name: "Kaze Telecom", Domain: "kaze-telecom.example", Country: "JP"}, sku: "GVOICE"},
		{in: models.CustomerInput{Name: "Mori Engineering", Domain: "mori-engineering.example", Country: "JP"}, sku: "GWS-BSD", acct: "usd"},
	} {
		if err := add(sakura, c); err != nil {
			return nil, err
		}
	}
	if err := add(lyon, demoCust{in: models.CustomerInput{Name: "Rhône Vélos", Domain: "rhone-velos.example", Country: "FR"}, sku: "GWS-BSD"}); err != nil {
		return nil, err
	}
	// Invite and accept, then move the acceptance back (the demo's moved clock).
	for _, x := range []struct {
		source models.Actor
		rid    string
		ago    time.Duration
	}{
		{sakura, "", 8 * 24 * time.Hour},
		{lyon, lyonConsole.PublicResellerID, 24 * time.Hour},
	} {
		rid := x.rid
		if rid == "" {
			db.Raw("SELECT public_reseller_id FROM consoles WHERE id = ?", x.source.OrgID).Scan(&rid)
		}
		c, err := s.InviteConsole(ctx, nw, rid)
		if err != nil {
			return nil, fmt.Errorf("demo consolidation invite: %w", err)
		}
		if err := s.AcceptConnection(ctx, x.source, c.ID); err != nil {
			return nil, fmt.Errorf("demo consolidation accept: %w", err)
		}
		at := s.Now().Add(-x.ago)
		if err := db.Exec("UPDATE console_connections SET created_at = ?, accepted_at = ? WHERE id = ?", at.Add(-time.Hour), at, c.ID).Error; err != nil {
			return nil, fmt.Errorf("demo consolidation clock: %w", err)
		}
	}
	if _, err := s.RecomputeReadiness(ctx); err != nil {
		return nil, err
	}
	return []DemoSignIn{{Role: models.RoleSuperAdmin, Email: "super@lyon-digital.example"}}, nil
}
