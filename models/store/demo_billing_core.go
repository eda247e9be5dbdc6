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
	thisMonth := money.MonthStart(s.Now())
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
		d := demoBilling{tx: tx, now: now, thisMonth: thisMonth}
		if err := d.sakura(sakura, hoshi.ID); err != nil {
			return err
		}
		if err := d.northwind(nw); err != nil {
			return err
		}
		return d.fjord(fjord.ID)
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
	if err := s.payDemoInvoicesBefore(ctx, thisMonth); err != nil {
		return nil, fmt.Errorf("demo payments: %w", err)
	}
	return out, nil
}

// demoBilling writes the billing demo's subscriptions, charges and credits
// in one transaction.
type demoBilling struct {
	tx        *gorm.DB
	now       time.Time
	thisMonth time.Time
}

func (d demoBilling) product(sku string) int64 {
	var id int64
	d.tx.Raw("SELECT id FROM products WHERE sku = ?", sku).Scan(&id)
	return id
}

func (d demoBilling) account(console int64, name string) int64 {
	var id int64
	d.tx.Raw("SELECT id FROM billing_accounts WHERE console_id = ? AND name = ?", console, name).Scan(&id)
	return id
}

func (d demoBilling) add(s models.Subscription) error {
	s.Status, s.SuspensionReasons, s.RenewalOption, s.Channel = models.SubActive, models.TextArray{}, models.RenewAuto, models.SubOnline
	s.CreatedAt, s.UpdatedAt = d.now, d.now
	return d.tx.Omit("Product").Create(&s).Error
}

// sakura: Hoshi's 30 flexible seats for a year (JPY), and a Chrome
// Enterprise Upgrade year that started on the 12th two months ago.
func (d demoBilling) sakura(sakura, hoshi int64) error {
	today, skJPY := models.Day(d.now), d.account(sakura, "Sakura JPY")
	if err := d.add(models.Subscription{CustomerID: hoshi, ConsoleID: &sakura, ProductID: d.product("GWS-BSD"), Quantity: 30,
		Plan: models.PlanFlexible, StartDate: today.AddDate(-1, 0, 0), EndDate: today.AddDate(0, 1, 0), BillingAccountID: &skJPY}); err != nil {
		return err
	}
	ceuStart := d.thisMonth.AddDate(0, -2, 11)
	return d.add(models.Subscription{CustomerID: hoshi, ConsoleID: &sakura, ProductID: d.product("CEU"), Quantity: 100,
		Plan: models.PlanAnnualPrepaid, StartDate: ceuStart, EndDate: ceuStart.AddDate(1, 0, -1), BillingAccountID: &skJPY, PONumber: "HT-PO-0042"})
}

// northwind: Blue Harbour's Business Plus on the GBP account, started
// mid-month two months ago (its first month is prorated); on the EUR
// account, Acme added 5 licences on the 16th of last month and got a
// service credit on the 4th.
func (d demoBilling) northwind(nw int64) error {
	nwGBP, nwEUR := d.account(nw, "Northwind GBP"), d.account(nw, "Northwind EUR")
	var blue int64
	d.tx.Raw("SELECT id FROM customers WHERE domain = 'blueharbour.example'").Scan(&blue)
	if err := d.add(models.Subscription{CustomerID: blue, ConsoleID: &nw, ProductID: d.product("GWS-BP"), Quantity: 15, Plan: models.PlanFlexible,
		StartDate: d.thisMonth.AddDate(0, -2, 14), EndDate: d.thisMonth.AddDate(1, 0, 0), BillingAccountID: &nwGBP, PONumber: "BH-2026-09"}); err != nil {
		return err
	}
	var acmeSub models.Subscription
	if err := d.tx.Where("billing_account_id = ? AND customer_id = (SELECT id FROM customers WHERE domain = 'acme-robotics.example') AND plan = ?",
		nwEUR, models.PlanAnnualMonthly).Order("id").Take(&acmeSub).Error; err != nil {
		return fmt.Errorf("find the Acme subscription: %w", err)
	}
	var unit int64
	d.tx.Raw("SELECT unit_price_minor FROM prices WHERE product_id = ? AND plan = ? AND currency = 'EUR'", acmeSub.ProductID, acmeSub.Plan).Scan(&unit)
	addedOn := d.thisMonth.AddDate(0, -1, 15)
	periodEnd := money.LicencesAddedPeriodEnd(addedOn, acmeSub.EndDate, acmeSub.Plan)
	if err := d.tx.Model(&acmeSub).Update("quantity", acmeSub.Quantity+5).Error; err != nil {
		return err
	}
	if err := addCharge(d.tx, models.BillingCharge{BillingAccountID: nwEUR, SubscriptionID: &acmeSub.ID, Kind: models.ChargeLicencesAdded,
		Description: "5 licences added", Quantity: 5, AmountMinor: money.LicencesAddedCharge(unit, 5, addedOn, acmeSub.EndDate, acmeSub.Plan),
		PeriodStart: &addedOn, PeriodEnd: &periodEnd, CreatedAt: addedOn.Add(10 * time.Hour)}); err != nil {
		return err
	}
	return addCredit(d.tx, models.Credit{BillingAccountID: nwEUR, AmountMinor: 2500, Source: models.CreditManual,
		Reason: "Service credit for the mail outage", CreatedAt: d.thisMonth.AddDate(0, -1, 3)})
}

// fjord: the direct customer's own billing account (SEK, 25 % VAT) with its
// Workspace plan and a Chrome Enterprise Upgrade annual plan.
func (d demoBilling) fjord(fjord int64) error {
	var fj int64
	if err := d.tx.Raw(`INSERT INTO billing_accounts (customer_id, name, currency, legal_entity, tax_rate_bp, payment_terms_days, created_at, updated_at)
VALUES (?, 'Fjord Direct SEK', 'SEK', 'Fjord Direct AB', 2500, 30, ?, ?) RETURNING id`, fjord, d.now, d.now).Scan(&fj).Error; err != nil {
		return err
	}
	if err := d.tx.Exec("UPDATE subscriptions SET billing_account_id = ? WHERE customer_id = ? AND channel = 'online'", fj, fjord).Error; err != nil {
		return err
	}
	fjCEU := d.thisMonth.AddDate(0, -3, 4)
	return d.add(models.Subscription{CustomerID: fjord, ProductID: d.product("CEU"), Quantity: 60, Plan: models.PlanAnnualPrepaid,
		StartDate: fjCEU, EndDate: fjCEU.AddDate(1, 0, -1), BillingAccountID: &fj, PONumber: "FJ-4410"})
}

// payDemoInvoicesBefore pays every invoice issued before month, on its due
// date, so nothing is overdue in a fresh demo.
func (s *Store) payDemoInvoicesBefore(ctx context.Context, month time.Time) error {
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var old []models.Invoice
		if err := tx.Where("state = ? AND issued_on < ?", models.InvoiceOpen, month).Order("issued_on, id").Find(&old).Error; err != nil {
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
}
