package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// DemoPassword is every demo user's password (local mode only).
const DemoPassword = "demo-password-1"

// DemoSignIn is one printed demo sign-in.
type DemoSignIn struct {
	Role  models.Role
	Email string
	// TOTPSecret is the authenticator key of a role that requires two-factor
	// sign-in (DemoTOTPSecret), "" otherwise.
	TOTPSecret string
}

// HasData tells whether any organisation exists yet.
func (s *Store) HasData(ctx context.Context) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw("SELECT count(*) FROM (SELECT 1 FROM organisations LIMIT 1) x").Scan(&n).Error
	return n > 0, err
}

// SeedDemo loads the demo data set: the operator with its desk staff, two
// reseller consoles with a user per role, customers with subscriptions and a
// customer admin. It returns one sign-in per role.
func (s *Store) SeedDemo(ctx context.Context) ([]DemoSignIn, error) {
	var out []DemoSignIn
	opID, err := s.OperatorOrgID(ctx)
	if err != nil {
		return nil, err
	}
	user := func(org int64, role models.Role, name, email string, add, migrate bool) error {
		_, err := s.CreateUserInOrg(ctx, org, models.UserInput{Name: name, Email: email, Password: DemoPassword, Role: role, CanAddCustomers: add, CanMigrateCustomers: migrate})
		if err == nil {
			out = append(out, DemoSignIn{Role: role, Email: email})
		}
		return err
	}
	for _, u := range []struct {
		role  models.Role
		name  string
		email string
	}{
		{models.RoleOperatorAdmin, "Olivia Operator", "operator@desk.example"},
		{models.RoleSupportEngineer, "Sam Support", "support@desk.example"},
		{models.RoleSalesRep, "Rita Sales", "sales@desk.example"},
	} {
		if err := user(opID, u.role, u.name, u.email, false, false); err != nil {
			return nil, err
		}
	}
	op := models.System
	op.OrgID = opID
	c1, _, err := s.OnboardConsole(ctx, op, models.ConsoleInput{Name: "Northwind Cloud Resellers", Country: "FR", DefaultCurrency: "EUR",
		Tier: models.TierDirect, AdminName: "Nadia Super", AdminEmail: "super@northwind.example", AdminPassword: DemoPassword})
	if err != nil {
		return nil, fmt.Errorf("demo console: %w", err)
	}
	out = append(out, DemoSignIn{Role: models.RoleSuperAdmin, Email: "super@northwind.example"})
	c2, _, err := s.OnboardConsole(ctx, op, models.ConsoleInput{Name: "Sakura Partners", Country: "JP", DefaultCurrency: "JPY",
		Tier: models.TierTwoTier, DistributorName: "Tokyo Distribution KK", AdminName: "Kenji Super", AdminEmail: "super@sakura.example", AdminPassword: DemoPassword})
	if err != nil {
		return nil, fmt.Errorf("demo console: %w", err)
	}
	for _, u := range []struct {
		role  models.Role
		name  string
		email string
		add   bool
	}{
		{models.RoleAdminAgent, "Adam Admin", "admin@northwind.example", true},
		{models.RoleSalesAgent, "Sally Sales", "sales@northwind.example", true},
		{models.RoleHelpdeskAgent, "Hugo Helpdesk", "helpdesk@northwind.example", false},
	} {
		if err := user(c1.ID, u.role, u.name, u.email, u.add, false); err != nil {
			return nil, err
		}
	}
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		for _, b := range []models.BillingAccount{
			{ConsoleID: c1.ID, Name: "Northwind EUR", Currency: "EUR", LegalEntity: "Northwind Cloud SAS"},
			{ConsoleID: c1.ID, Name: "Northwind GBP", Currency: "GBP", LegalEntity: "Northwind Cloud Ltd"},
			{ConsoleID: c2.ID, Name: "Sakura JPY", Currency: "JPY", LegalEntity: "Sakura Partners KK"},
		} {
			b.CreatedAt, b.UpdatedAt = now, now
			if err := tx.Create(&b).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	nw := actorOf(models.User{ID: 0, Name: "demo", OrganisationID: c1.ID, Role: models.RoleSuperAdmin}, "")
	nw.OrgKind = models.OrgConsole
	demoCustomers := []models.CustomerInput{
		{Name: "Acme Robotics", Domain: "acme-robotics.example", Country: "FR", ContactName: "Alice Martin", ContactEmail: "alice@acme-robotics.example", ContactPhone: "+33 1 23 45 67 89"},
		{Name: "Blue Harbour Logistics", Domain: "blueharbour.example", Country: "GB", ContactName: "Ben Carter", ContactEmail: "ben@blueharbour.example"},
		{Name: "Contoso Pharma", Domain: "contoso-pharma.example", Country: "DE", ContactName: "Clara Weber", ContactEmail: "clara@contoso-pharma.example"},
		{Name: "Delta Studios", Domain: "delta-studios.example", Country: "US"},
		{Name: "Évora Conseil", Domain: "evora-conseil.example", Country: "FR"},
	}
	var first models.Customer
	for i, in := range demoCustomers {
		c, err := s.CreateCustomer(ctx, nw, in)
		if err != nil {
			return nil, fmt.Errorf("demo customer %s: %w", in.Name, err)
		}
		if i == 0 {
			first = c
		}
		if err := s.demoSubscriptions(ctx, c, c1.ID); err != nil {
			return nil, err
		}
	}
	if err := user(first.ID, models.RoleCustomerAdmin, "Alice Martin", "alice@acme-robotics.example", false, false); err != nil {
		return nil, err
	}
	if err := s.seedDemoCases(ctx, first); err != nil {
		return nil, fmt.Errorf("demo cases: %w", err)
	}
	more, err := s.seedOffersDemo(ctx, c1, nw)
	if err != nil {
		return nil, fmt.Errorf("demo offers: %w", err)
	}
	out = append(out, more...)
	if err := s.enrolDemoUsers(ctx, out); err != nil {
		return nil, fmt.Errorf("demo second factors: %w", err)
	}
	return out, nil
}

func (s *Store) demoSubscriptions(ctx context.Context, c models.Customer, consoleID int64) error {
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var ba int64
		tx.Raw("SELECT id FROM billing_accounts WHERE console_id = ? ORDER BY id LIMIT 1", consoleID).Scan(&ba)
		var products []models.Product
		if err := tx.Where("sku IN ?", []string{"GWS-BSD", "MEET-HW"}).Order("sku").Find(&products).Error; err != nil {
			return err
		}
		today := now.Truncate(24 * time.Hour)
		for i, p := range products {
			sub := models.Subscription{CustomerID: c.ID, ConsoleID: &consoleID, ProductID: p.ID, Quantity: 25 + int(c.ID%7)*5,
				Plan: models.PlanAnnualMonthly, Channel: models.SubOnline, Status: models.SubActive, SuspensionReasons: models.TextArray{},
				StartDate: today.AddDate(-1, 0, 0), EndDate: today.AddDate(0, 2+i, 0), RenewalOption: models.RenewAuto,
				BillingAccountID: &ba, CreatedAt: now, UpdatedAt: now}
			if p.Family == models.FamilyMeetHardware {
				sub.Quantity, sub.Channel, sub.Plan = 3, models.SubOffline, models.PlanAnnualPrepaid
				sub.EndDate = today.AddDate(0, 0, 5)
			}
			if err := tx.Create(&sub).Error; err != nil {
				return fmt.Errorf("demo subscription: %w", err)
			}
		}
		return nil
	})
}

// SeedBulkCustomers adds n generated customers to the console of the given
// super admin email, in batches of set-based inserts (for speed tests).
func (s *Store) SeedBulkCustomers(ctx context.Context, consoleID int64, n int) error {
	const batch = 20000
	for done := 0; done < n; done += batch {
		m := batch
		if n-done < m {
			m = n - done
		}
		err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
			return tx.Exec(`
WITH orgs AS (
  INSERT INTO organisations (kind, created_at)
  SELECT 'customer', ? FROM generate_series(1, ?) RETURNING id
)
INSERT INTO customers (id, console_id, name, domain, tenant_id, country, channel, contact_name, contact_email, created_at, updated_at)
SELECT id, ?, 'Customer ' || lpad(id::text, 8, '0') || ' ' || (ARRAY['Systems','Labs','Retail','Foods','Energy','Media','Health','Logistics'])[1 + id % 8],
       'cust' || id || '.bulk.example', gen_random_uuid(), (ARRAY['FR','US','GB','JP','DE','CA','AU','SE','NL','CH'])[1 + id % 10], 'reseller',
       'Contact ' || id, 'it' || id || '@cust' || id || '.bulk.example', ?::timestamptz - (id % 1000) * interval '1 minute', ?
FROM orgs`, now, m, consoleID, now, now).Error
		})
		if err != nil {
			return fmt.Errorf("bulk customers: %w", err)
		}
	}
	return s.db.WithContext(ctx).Exec("ANALYZE customers").Error
}
