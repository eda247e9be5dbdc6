package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
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
// customer admin, then each area's demo. It returns one sign-in per role.
func (s *Store) SeedDemo(ctx context.Context) ([]DemoSignIn, error) {
	var out []DemoSignIn
	op, err := s.seedDemoDesk(ctx, &out)
	if err != nil {
		return nil, err
	}
	c1, err := s.seedDemoConsoles(ctx, op, &out)
	if err != nil {
		return nil, err
	}
	nw, first, err := s.seedDemoCustomers(ctx, c1, &out)
	if err != nil {
		return nil, err
	}
	if err := s.seedBillingLifeDemo(ctx, c1.ID, first); err != nil {
		return nil, fmt.Errorf("demo subscription life: %w", err)
	}
	if err := s.seedDemoCases(ctx, first); err != nil {
		return nil, fmt.Errorf("demo cases: %w", err)
	}
	more, err := s.seedOffersDemo(ctx, c1, nw)
	if err != nil {
		return nil, fmt.Errorf("demo offers: %w", err)
	}
	out = append(out, more...)
	if out, err = s.seedBillingCoreDemo(ctx, out); err != nil {
		return nil, err
	}
	if err := s.seedPayDemo(ctx); err != nil {
		return nil, err
	}
	if err := s.seedSoftwareDemo(ctx); err != nil {
		return nil, err
	}
	if err := s.seedProductKeysDemo(ctx, c1.ID); err != nil {
		return nil, err
	}
	if err := s.seedRenewalsDemo(ctx, c1.ID, first); err != nil { // issue 11: a subscription 5 days from its end, one expired, one disabled
		return nil, fmt.Errorf("demo renewals: %w", err)
	}
	if more, err = s.seedConsolidationDemo(ctx, op); err != nil {
		return nil, err
	}
	out = append(out, more...)
	if err := s.seedDelegatedAdminDemo(ctx); err != nil {
		return nil, err
	}
	if err := s.enrolDemoUsers(ctx, out); err != nil {
		return nil, fmt.Errorf("demo second factors: %w", err)
	}
	return out, nil
}

// demoUser adds one demo user and records its sign-in.
func (s *Store) demoUser(ctx context.Context, out *[]DemoSignIn, org int64, role models.Role, name, email string, add bool) error {
	_, err := s.CreateUserInOrg(ctx, org, models.UserInput{Name: name, Email: email, Password: DemoPassword, Role: role, CanAddCustomers: add})
	if err == nil {
		*out = append(*out, DemoSignIn{Role: role, Email: email})
	}
	return err
}

// seedDemoDesk adds the desk staff and returns the operator's system actor.
func (s *Store) seedDemoDesk(ctx context.Context, out *[]DemoSignIn) (models.Actor, error) {
	op := models.System()
	opID, err := s.OperatorOrgID(ctx)
	if err != nil {
		return op, err
	}
	op.OrgID = opID
	for _, u := range []struct {
		role  models.Role
		name  string
		email string
	}{
		{models.RoleOperatorAdmin, "Olivia Operator", "operator@desk.example"},
		{models.RoleSupportEngineer, "Sam Support", "support@desk.example"},
		{models.RoleSalesRep, "Rita Sales", "sales@desk.example"},
	} {
		if err := s.demoUser(ctx, out, opID, u.role, u.name, u.email, false); err != nil {
			return op, err
		}
	}
	return op, nil
}

// seedDemoConsoles onboards Northwind (EUR, direct) with a user per role and
// Sakura Partners (JPY, two-tier), and their billing accounts.
func (s *Store) seedDemoConsoles(ctx context.Context, op models.Actor, out *[]DemoSignIn) (models.Console, error) {
	c1, _, err := s.OnboardConsole(ctx, op, models.ConsoleInput{Name: "Northwind Cloud Resellers", Country: "FR", DefaultCurrency: "EUR",
		Tier: models.TierDirect, AdminName: "Nadia Super", AdminEmail: "super@northwind.example", AdminPassword: DemoPassword})
	if err != nil {
		return c1, fmt.Errorf("demo console: %w", err)
	}
	*out = append(*out, DemoSignIn{Role: models.RoleSuperAdmin, Email: "super@northwind.example"})
	c2, _, err := s.OnboardConsole(ctx, op, models.ConsoleInput{Name: "Sakura Partners", Country: "JP", DefaultCurrency: "JPY",
		Tier: models.TierTwoTier, DistributorName: "Tokyo Distribution KK", AdminName: "Kenji Super", AdminEmail: "super@sakura.example", AdminPassword: DemoPassword})
	if err != nil {
		return c1, fmt.Errorf("demo console: %w", err)
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
		if err := s.demoUser(ctx, out, c1.ID, u.role, u.name, u.email, u.add); err != nil {
			return c1, err
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
	return c1, err
}

// seedDemoCustomers adds Northwind's customers with their subscriptions and
// Acme Robotics' admin; it returns Northwind's actor and Acme Robotics.
func (s *Store) seedDemoCustomers(ctx context.Context, c1 models.Console, out *[]DemoSignIn) (models.Actor, models.Customer, error) {
	nw := actorOf(models.User{ID: 0, Name: "demo", OrganisationID: c1.ID, Role: models.RoleSuperAdmin}, "")
	nw.OrgKind = models.OrgConsole
	var first models.Customer
	for i, in := range []models.CustomerInput{
		{Name: "Acme Robotics", Domain: "acme-robotics.example", Country: "FR", ContactName: "Alice Martin", ContactEmail: "alice@acme-robotics.example", ContactPhone: "+33 1 23 45 67 89"},
		{Name: "Blue Harbour Logistics", Domain: "blueharbour.example", Country: "GB", ContactName: "Ben Carter", ContactEmail: "ben@blueharbour.example"},
		{Name: "Contoso Pharma", Domain: "contoso-pharma.example", Country: "DE", ContactName: "Clara Weber", ContactEmail: "clara@contoso-pharma.example"},
		{Name: "Delta Studios", Domain: "delta-studios.example", Country: "US"},
		{Name: "Évora Conseil", Domain: "evora-conseil.example", Country: "FR"},
	} {
		c, err := s.CreateCustomer(ctx, nw, in)
		if err != nil {
			return nw, first, fmt.Errorf("demo customer %s: %w", in.Name, err)
		}
		if i == 0 {
			first = c
		}
		if err := s.demoSubscriptions(ctx, c, c1.ID); err != nil {
			return nw, first, err
		}
	}
	return nw, first, s.demoUser(ctx, out, first.ID, models.RoleCustomerAdmin, "Alice Martin", "alice@acme-robotics.example", false)
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

// seedDemoCases files two cases as the demo console's helpdesk agent and
// has the desk answer one, so the queue, the thread and the bell have
// something to show.
func (s *Store) seedDemoCases(ctx context.Context, cust models.Customer) error {
	var agent, engineer models.User
	db := s.db.WithContext(ctx)
	if err := db.Where("email = ?", "helpdesk@northwind.example").Take(&agent).Error; err != nil {
		return err
	}
	if err := db.Where("email = ?", "support@desk.example").Take(&engineer).Error; err != nil {
		return err
	}
	a := actorOf(agent, "")
	// Only an admin agent may ask for a refund.
	var admin models.User
	if err := db.Where("email = ?", "admin@northwind.example").Take(&admin).Error; err != nil {
		return err
	}
	refund, err := s.FileCase(ctx, actorOf(admin, ""), models.CaseInput{Type: models.CaseCSPRefund, Impact: models.ImpactHigh,
		Title: "Refund a Windows Server order bought by mistake", Description: "The customer ordered the wrong edition; please cancel and refund.",
		CustomerID: cust.ID, ContactName: admin.Name, ContactEmail: admin.Email, ContactPhone: "+1 425 555 0100",
		Fields: map[string]string{"customer_name": cust.Name, "tenant_or_domain": cust.Domain, "order_or_subscription_id": "ORD-1001",
			"refund_reason": "Wrong edition ordered.", "amount_requested": "1100.00"}},
		models.Upload{Name: "order-summary.txt", Data: []byte("Order ORD-1001\nWindows Server Standard 2025, 1 licence\n")})
	if err != nil {
		return err
	}
	if _, err := s.FileCase(ctx, a, models.CaseInput{Type: models.CaseBillingQuestion, Impact: models.ImpactLow,
		Title: "Invoice shows two currencies", Description: "Our March invoice lists amounts in EUR and GBP. Is that expected?",
		ContactName: agent.Name, ContactEmail: agent.Email, Fields: map[string]string{"invoice_number": "INV-2026-03-118"}}); err != nil {
		return err
	}
	e := actorOf(engineer, "")
	if _, err := s.AssignCaseToMe(ctx, e, refund.ID, refund.Version); err != nil {
		return err
	}
	_, err = s.AddComment(ctx, e, refund.ID, models.CommentInput{Body: "Thanks, we are checking the order with the billing team."})
	return err
}

// seedOffersDemo puts demo customers at each stage of the offers and Meet
// flows, so a newcomer can walk them: Acme is eligible with nothing started;
// Delta Studios has its migration at step 3, inside the 48–24 h window;
// Contoso Pharma has a sent offer to accept; Blue Harbour buys Meet hardware
// from another reseller (criterion 4 fails); Fjord Direct is a direct
// customer for the desk's direct path.
func (s *Store) seedOffersDemo(ctx context.Context, con models.Console, nw models.Actor) ([]DemoSignIn, error) {
	var out []DemoSignIn
	steps := []struct {
		what string
		run  func() error
	}{
		{"Delta Studios' Meet migration", func() error { return s.seedDeltaMeetDemo(ctx, nw, &out) }},
		{"Contoso Pharma's offer", func() error { return s.seedContosoOfferDemo(ctx, con, nw, &out) }},
		{"Blue Harbour's other reseller", func() error { return s.seedBlueHarbourDemo(ctx, con) }},
		{"Fjord Direct", func() error { return s.seedFjordDirectDemo(ctx, &out) }},
	}
	for _, st := range steps {
		if err := st.run(); err != nil {
			return nil, fmt.Errorf("demo %s: %w", st.what, err)
		}
	}
	return out, nil
}

// demoCustomerAdmin adds a customer's demo admin and records its sign-in.
func (s *Store) demoCustomerAdmin(ctx context.Context, out *[]DemoSignIn, custID int64, name, email string) error {
	_, err := s.CreateUserInOrg(ctx, custID, models.UserInput{Name: name, Email: email, Password: DemoPassword, Role: models.RoleCustomerAdmin})
	if err == nil {
		*out = append(*out, DemoSignIn{Role: models.RoleCustomerAdmin, Email: email})
	}
	return err
}

// demoCustomerByDomain finds a demo customer.
func (s *Store) demoCustomerByDomain(ctx context.Context, domain string) (models.Customer, error) {
	var c models.Customer
	return c, s.db.WithContext(ctx).Where("domain = ?", domain).Take(&c).Error
}

// demoProductID is a catalogue product's id by SKU.
func (s *Store) demoProductID(ctx context.Context, sku string) int64 {
	var id int64
	s.db.WithContext(ctx).Table("products").Select("id").Where("sku = ?", sku).Scan(&id)
	return id
}

// seedDeltaMeetDemo: Delta Studios renews the day after tomorrow, its Meet
// migration has steps 1 and 2 done (inside the 48–24 h window).
func (s *Store) seedDeltaMeetDemo(ctx context.Context, nw models.Actor, out *[]DemoSignIn) error {
	delta, err := s.demoCustomerByDomain(ctx, "delta-studios.example")
	if err != nil {
		return err
	}
	if err := s.db.WithContext(ctx).Exec("UPDATE subscriptions SET end_date = ? WHERE customer_id = ? AND product_id = ?",
		models.Day(s.Now()).AddDate(0, 0, 2), delta.ID, s.demoProductID(ctx, "MEET-HW")).Error; err != nil {
		return err
	}
	if _, err := s.StartMeetMigration(ctx, nw, delta.ID); err != nil {
		return err
	}
	if err := s.RecordCustomerRequest(ctx, nw, delta.ID, true, true); err != nil {
		return err
	}
	return s.demoCustomerAdmin(ctx, out, delta.ID, "Dana Delta", "dana@delta-studios.example")
}

// seedContosoOfferDemo: Contoso Pharma has a sent offer waiting for its admin.
func (s *Store) seedContosoOfferDemo(ctx context.Context, con models.Console, nw models.Actor, out *[]DemoSignIn) error {
	contoso, err := s.demoCustomerByDomain(ctx, "contoso-pharma.example")
	if err != nil {
		return err
	}
	var ba int64
	s.db.WithContext(ctx).Raw("SELECT id FROM billing_accounts WHERE console_id = ? ORDER BY id LIMIT 1", con.ID).Scan(&ba)
	if _, err := s.CreateOffer(ctx, nw, models.OfferInput{CustomerID: contoso.ID, ProductID: s.demoProductID(ctx, "CEU"), Quantity: "20", Plan: models.PlanFlexible,
		UnitPrice: "5.20", BillingAccountID: ba, Message: "Chrome Enterprise Upgrade for your new laptops, with a 7% discount.", PONumber: "PO-2026-117"}, "", true); err != nil {
		return err
	}
	return s.demoCustomerAdmin(ctx, out, contoso.ID, "Clara Weber", "clara@contoso-pharma.example")
}

// seedBlueHarbourDemo: Blue Harbour buys Meet hardware through another
// reseller (criterion 4 fails).
func (s *Store) seedBlueHarbourDemo(ctx context.Context, con models.Console) error {
	blue, err := s.demoCustomerByDomain(ctx, "blueharbour.example")
	if err != nil {
		return err
	}
	var other int64
	s.db.WithContext(ctx).Raw("SELECT id FROM consoles WHERE id <> ? ORDER BY id LIMIT 1", con.ID).Scan(&other)
	if other == 0 {
		return nil
	}
	return s.db.WithContext(ctx).Exec("UPDATE subscriptions SET console_id = ?, billing_account_id = NULL WHERE customer_id = ? AND product_id = ?",
		other, blue.ID, s.demoProductID(ctx, "MEET-HW")).Error
}

// seedFjordDirectDemo: Fjord Direct is a direct customer (the desk's direct
// path), its Meet hardware renewing in 10 days.
func (s *Store) seedFjordDirectDemo(ctx context.Context, out *[]DemoSignIn) error {
	ws, meetID := s.demoProductID(ctx, "GWS-BSD"), s.demoProductID(ctx, "MEET-HW")
	var fjord models.Customer
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		id, err := newOrganisation(tx, models.OrgCustomer, now)
		if err != nil {
			return err
		}
		fjord = models.Customer{ID: id, Name: "Fjord Direct AB", Domain: "fjord-direct.example", TenantID: uuid.New(), Country: "SE",
			Channel: models.ChannelDirect, ContactName: "Frida Fjord", ContactEmail: "frida@fjord-direct.example", CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&fjord).Error; err != nil {
			return err
		}
		today := models.Day(now)
		for _, sub := range []models.Subscription{
			{ProductID: ws, Quantity: 40, Plan: models.PlanAnnualMonthly, Channel: models.SubOnline, EndDate: today.AddDate(0, 6, 0)},
			{ProductID: meetID, Quantity: 6, Plan: models.PlanAnnualPrepaid, Channel: models.SubOffline, EndDate: today.AddDate(0, 0, 10)},
		} {
			sub.CustomerID, sub.Status, sub.SuspensionReasons, sub.RenewalOption = fjord.ID, models.SubActive, models.TextArray{}, models.RenewAuto
			sub.StartDate, sub.CreatedAt, sub.UpdatedAt = today.AddDate(-1, 0, 0), now, now
			if err := tx.Omit("Product").Create(&sub).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.demoCustomerAdmin(ctx, out, fjord.ID, "Frida Fjord", "frida@fjord-direct.example")
}
