package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
	"partnerconsole/models/money"
)

// seedBillingCoreDemo gives the demo its invoices (issue 9): Sakura
// Partners gets a customer with a flexible plan and a Chrome Enterprise
// Upgrade year; Northwind a mid-month plan on its GBP account, licences
// added last month and a service credit; Fjord Direct, the direct
// customer, its own billing account in SEK with 25 % VAT, a Chrome
// Enterprise Upgrade annual plan and a customer_billing user. Then the
// last three months are closed by the invoice job, and every invoice but
// this month's is paid (so nothing is overdue in a fresh demo).
func (s *Store) seedBillingCoreDemo(ctx context.Context, out []DemoSignIn) ([]DemoSignIn, error) {
	db := s.db.WithContext(ctx)
	now := s.Now()
	today := models.Day(now)
	thisMonth := money.MonthStart(now)
	var nw, sakura int64
	db.Raw("SELECT id FROM consoles WHERE name = 'Northwind Cloud Resellers'").Scan(&nw)
	db.Raw("SELECT id FROM consoles WHERE name = 'Sakura Partners'").Scan(&sakura)
	var fjord models.Customer
	if err := db.Where("domain = 'fjord-direct.example'").Take(&fjord).Error; err != nil {
		return nil, fmt.Errorf("demo billing: Fjord Direct: %w", err)
	}
	// Sakura's customer, created as its super admin.
	sk := actorOf(models.User{OrganisationID: sakura, Role: models.RoleSuperAdmin, Name: "demo"}, "")
	hoshi, err := s.CreateCustomer(ctx, sk, models.CustomerInput{Name: "Hoshi Trading KK", Domain: "hoshi-trading.example", Country: "JP",
		ContactName: "Haruto Hoshi", ContactEmail: "haruto@hoshi-trading.example"})
	if err != nil {
		return nil, fmt.Errorf("demo billing: Sakura customer: %w", err)
	}
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		product := func(sku string) int64 {
			var id int64
			tx.Raw("SELECT id FROM products WHERE sku = ?", sku).Scan(&id)
			return id
		}
		account := func(console int64, name string) int64 {
			var id int64
			tx.Raw("SELECT id FROM billing_accounts WHERE console_id = ? AND name = ?", console, name).Scan(&id)
			return id
		}
		add := func(s models.Subscription) (models.Subscription, error) {
			s.Status, s.SuspensionReasons, s.RenewalOption, s.Channel = models.SubActive, models.TextArray{}, models.RenewAuto, models.SubOnline
			s.CreatedAt, s.UpdatedAt = now, now
			err := tx.Omit("Product").Create(&s).Error
			return s, err
		}
		// Sakura Partners (JPY): Hoshi's 30 flexible seats for a year, and a
		// Chrome Enterprise Upgrade year that started on the 12th two months ago.
		skJPY := account(sakura, "Sakura JPY")
		if _, err := add(models.Subscription{CustomerID: hoshi.ID, ConsoleID: &sakura, ProductID: product("GWS-BSD"), Quantity: 30,
			Plan: models.PlanFlexible, StartDate: today.AddDate(-1, 0, 0), EndDate: today.AddDate(0, 1, 0), BillingAccountID: &skJPY}); err != nil {
			return err
		}
		ceuStart := thisMonth.AddDate(0, -2, 11)
		if _, err := add(models.Subscription{CustomerID: hoshi.ID, ConsoleID: &sakura, ProductID: product("CEU"), Quantity: 100,
			Plan: models.PlanAnnualPrepaid, StartDate: ceuStart, EndDate: ceuStart.AddDate(1, 0, -1), BillingAccountID: &skJPY, PONumber: "HT-PO-0042"}); err != nil {
			return err
		}
		// Northwind (GBP): Blue Harbour's Business Plus, started mid-month
		// two months ago (its first month is prorated).
		nwGBP, nwEUR := account(nw, "Northwind GBP"), account(nw, "Northwind EUR")
		var blue int64
		tx.Raw("SELECT id FROM customers WHERE domain = 'blueharbour.example'").Scan(&blue)
		if _, err := add(models.Subscription{CustomerID: blue, ConsoleID: &nw, ProductID: product("GWS-BP"), Quantity: 15, Plan: models.PlanFlexible,
			StartDate: thisMonth.AddDate(0, -2, 14), EndDate: thisMonth.AddDate(1, 0, 0), BillingAccountID: &nwGBP, PONumber: "BH-2026-09"}); err != nil {
			return err
		}
		// Northwind (EUR): Acme added 5 licences on the 16th of last month,
		// and got a service credit on the 4th.
		var acmeSub models.Subscription
		if err := tx.Where("billing_account_id = ? AND customer_id = (SELECT id FROM customers WHERE domain = 'acme-robotics.example') AND plan = ?",
			nwEUR, models.PlanAnnualMonthly).Order("id").Take(&acmeSub).Error; err != nil {
			return fmt.Errorf("acme subscription: %w", err)
		}
		var unit int64
		tx.Raw("SELECT unit_price_minor FROM prices WHERE product_id = ? AND plan = ? AND currency = 'EUR'", acmeSub.ProductID, acmeSub.Plan).Scan(&unit)
		addedOn := thisMonth.AddDate(0, -1, 15)
		periodEnd := money.LicencesAddedPeriodEnd(addedOn, acmeSub.EndDate, acmeSub.Plan)
		if err := tx.Model(&acmeSub).Update("quantity", acmeSub.Quantity+5).Error; err != nil {
			return err
		}
		if err := addCharge(tx, models.BillingCharge{BillingAccountID: nwEUR, SubscriptionID: &acmeSub.ID, Kind: models.ChargeLicencesAdded,
			Description: "5 licences added", Quantity: 5, AmountMinor: money.LicencesAddedCharge(unit, 5, addedOn, acmeSub.EndDate, acmeSub.Plan),
			PeriodStart: &addedOn, PeriodEnd: &periodEnd, CreatedAt: addedOn.Add(10 * time.Hour)}); err != nil {
			return err
		}
		if err := addCredit(tx, models.Credit{BillingAccountID: nwEUR, AmountMinor: 2500, Source: models.CreditManual,
			Reason: "Service credit for the mail outage", CreatedAt: thisMonth.AddDate(0, -1, 3)}); err != nil {
			return err
		}
		// Fjord Direct: its own billing account (SEK, 25 % VAT) with its
		// Workspace plan and a Chrome Enterprise Upgrade annual plan.
		var fj int64
		if err := tx.Raw(`INSERT INTO billing_accounts (customer_id, name, currency, legal_entity, tax_rate_bp, payment_terms_days, created_at, updated_at)
VALUES (?, 'Fjord Direct SEK', 'SEK', 'Fjord Direct AB', 2500, 30, ?, ?) RETURNING id`, fjord.ID, now, now).Scan(&fj).Error; err != nil {
			return err
		}
		if err := tx.Exec("UPDATE subscriptions SET billing_account_id = ? WHERE customer_id = ? AND channel = 'online'", fj, fjord.ID).Error; err != nil {
			return err
		}
		fjCEU := thisMonth.AddDate(0, -3, 4)
		_, err := add(models.Subscription{CustomerID: fjord.ID, ProductID: product("CEU"), Quantity: 60, Plan: models.PlanAnnualPrepaid,
			StartDate: fjCEU, EndDate: fjCEU.AddDate(1, 0, -1), BillingAccountID: &fj, PONumber: "FJ-4410"})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("demo billing: %w", err)
	}
	email := "bo@fjord-direct.example"
	if _, err := s.CreateUserInOrg(ctx, fjord.ID, models.UserInput{Name: "Bo Lind", Email: email, Password: DemoPassword, Role: models.RoleCustomerBilling}); err != nil {
		return nil, fmt.Errorf("demo billing user: %w", err)
	}
	out = append(out, DemoSignIn{Role: models.RoleCustomerBilling, Email: email})
	for i := 3; i >= 1; i-- {
		if _, err := s.CloseMonth(ctx, thisMonth.AddDate(0, -i, 0)); err != nil {
			return nil, fmt.Errorf("demo invoices: %w", err)
		}
	}
	// Pay what was issued before this month.
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var old []models.Invoice
		if err := tx.Where("state = ? AND issued_on < ?", models.InvoiceOpen, thisMonth).Order("issued_on, id").Find(&old).Error; err != nil {
			return err
		}
		for _, inv := range old {
			paidAt := inv.DueOn.Add(9 * time.Hour)
			if paidAt.After(now) {
				paidAt = now
			}
			p := models.Payment{BillingAccountID: inv.BillingAccountID, AmountMinor: inv.BalanceMinor(), Currency: inv.Currency, Kind: models.PaymentAutomatic,
				State: models.PaymentSucceeded, ProcessorRef: "demo-" + inv.Number, IdempotencyKey: "demo-" + inv.Number, CreatedAt: paidAt}
			if err := tx.Create(&p).Error; err != nil {
				return err
			}
			if _, err := allocatePayment(tx, inv.BillingAccountID, p.ID, p.AmountMinor); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("demo payments: %w", err)
	}
	return out, nil
}
