package store_test

import (
	"fmt"
	"strings"
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/money"
	"partnerconsole/models/store/storetest"
)

// The demo has invoices for the last three months on both consoles and on
// Fjord Direct; only this month's are open. The test prints one month's
// invoice of Northwind with its lines (go test -v -run TestDemoInvoices).
func TestDemoInvoices(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	if _, err := db.Store.SeedDemo(bg); err != nil {
		t.Fatalf("SeedDemo: %v", err)
	}
	thisMonth := money.MonthStart(db.Store.Now())
	for _, name := range []string{"Northwind EUR", "Northwind GBP", "Sakura JPY", "Fjord Direct SEK"} {
		var invs []models.Invoice
		db.Gorm.Raw(`SELECT i.* FROM invoices i JOIN billing_accounts ba ON ba.id = i.billing_account_id WHERE ba.name = ? ORDER BY period_start`, name).Scan(&invs)
		if name == "Northwind GBP" {
			if len(invs) != 2 { // its plan started two months ago
				t.Errorf("%s: %d invoices", name, len(invs))
			}
			continue
		}
		if len(invs) != 3 || !invs[2].PeriodStart.Equal(thisMonth.AddDate(0, -1, 0)) {
			t.Fatalf("%s: %+v", name, invs)
		}
		for _, inv := range invs {
			if open := inv.State == models.InvoiceOpen; open != inv.IssuedOn.Equal(thisMonth) {
				t.Errorf("%s %s is %s", name, inv.Number, inv.State)
			}
		}
	}
	var fjord models.Invoice
	db.Gorm.Raw(`SELECT i.* FROM invoices i JOIN billing_accounts ba ON ba.id = i.billing_account_id WHERE ba.customer_id IS NOT NULL ORDER BY period_start LIMIT 1`).Scan(&fjord)
	if fjord.TaxMinor == 0 || fjord.Currency != "SEK" {
		t.Errorf("Fjord's invoice = %+v", fjord)
	}
	desk := models.System()
	var nw models.Invoice
	db.Gorm.Raw(`SELECT i.* FROM invoices i JOIN billing_accounts ba ON ba.id = i.billing_account_id WHERE ba.name = 'Northwind EUR' ORDER BY period_start DESC LIMIT 1`).Scan(&nw)
	v, err := db.Store.Invoice(bg, desk, nw.ID)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s (%s)  period %s to %s  issued %s  due %s  %s\n", v.Number, v.AccountName, v.ConsoleName, v.PeriodStart.Format("2006-01-02"),
		v.PeriodEnd.AddDate(0, 0, -1).Format("2006-01-02"), v.IssuedOn.Format("2006-01-02"), v.DueOn.Format("2006-01-02"), v.State)
	for _, l := range v.Lines {
		fmt.Fprintf(&b, "  %-36s %-36s %s..%s %4d × %12s = %14s  %s\n", l.Description, l.ProductName, l.PeriodStart.Format("01-02"),
			l.PeriodEnd.AddDate(0, 0, -1).Format("01-02"), l.Quantity, money.Format(l.UnitPriceMinor, v.Currency), money.Format(l.AmountMinor, v.Currency), l.PONumber)
	}
	for _, c := range v.Credits {
		fmt.Fprintf(&b, "  credit (%s) %s: -%s\n", c.Source, c.Reason, money.Format(c.AmountMinor, v.Currency))
	}
	fmt.Fprintf(&b, "  subtotal %s  credits -%s  tax %s  total %s  paid %s\n", money.Format(v.SubtotalMinor, v.Currency), money.Format(v.CreditsMinor, v.Currency),
		money.Format(v.TaxMinor, v.Currency), money.Format(v.TotalMinor, v.Currency), money.Format(v.PaidMinor, v.Currency))
	t.Log("\n" + b.String())
	var sum int64
	for _, l := range v.Lines {
		sum += l.AmountMinor
	}
	if sum != v.SubtotalMinor || len(v.Lines) < 6 {
		t.Errorf("lines sum %d, subtotal %d, %d lines", sum, v.SubtotalMinor, len(v.Lines))
	}
}
