package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/money"
	"partnerconsole/models/store/storetest"
)

func d(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }

// billedSub writes a subscription of sku on plan billed to the account.
func billedSub(t *testing.T, f *storetest.Fixture, customerID int64, consoleID *int64, accountID int64, sku string, plan models.Plan, qty int,
	start, end time.Time, edit func(*models.Subscription)) models.Subscription {
	t.Helper()
	var p models.Product
	if err := f.Gorm.Where("sku = ?", sku).Take(&p).Error; err != nil {
		t.Fatalf("product %s: %v", sku, err)
	}
	now := f.Clock.Now()
	s := models.Subscription{CustomerID: customerID, ConsoleID: consoleID, ProductID: p.ID, Quantity: qty, Plan: plan, Channel: models.SubOnline,
		Status: models.SubActive, SuspensionReasons: models.TextArray{}, StartDate: start, EndDate: end, RenewalOption: models.RenewAuto,
		BillingAccountID: &accountID, PONumber: "PO-" + sku, CreatedAt: now, UpdatedAt: now}
	if edit != nil {
		edit(&s)
	}
	if err := f.Gorm.Create(&s).Error; err != nil {
		t.Fatalf("subscription: %v", err)
	}
	return s
}

func price(t *testing.T, f *storetest.Fixture, sku string, plan models.Plan, cur string) int64 {
	t.Helper()
	var p int64
	f.Gorm.Raw("SELECT unit_price_minor FROM prices JOIN products ON products.id = prices.product_id WHERE sku = ? AND plan = ? AND currency = ?",
		sku, plan, cur).Scan(&p)
	if p == 0 {
		t.Fatalf("no price %s %s %s", sku, plan, cur)
	}
	return p
}

func invoicesOf(t *testing.T, f *storetest.Fixture, accountID int64) []models.Invoice {
	t.Helper()
	var out []models.Invoice
	f.Gorm.Where("billing_account_id = ?", accountID).Order("period_start").Find(&out)
	return out
}

func linesOf(t *testing.T, f *storetest.Fixture, invoiceID int64) []models.InvoiceLine {
	t.Helper()
	var out []models.InvoiceLine
	f.Gorm.Where("invoice_id = ?", invoiceID).Order("id").Find(&out)
	return out
}

func TestCloseMonthPerPlan(t *testing.T) {
	f := storetest.Seed(t)
	ca := f.ConsoleA.ID
	ba := billingAccount(t, f, "A")
	cust := f.CustomerA.ID
	flex := billedSub(t, f, cust, &ca, ba.ID, "GWS-BSD", models.PlanFlexible, 10, d(2026, 1, 1), d(2026, 12, 31), nil)
	late := billedSub(t, f, cust, &ca, ba.ID, "GWS-BS", models.PlanFlexible, 4, d(2026, 3, 17), d(2026, 4, 16), nil)
	monthly := billedSub(t, f, cust, &ca, ba.ID, "GWS-BP", models.PlanAnnualMonthly, 25, d(2025, 6, 1), d(2026, 5, 31), nil)
	prepaid := billedSub(t, f, cust, &ca, ba.ID, "CEU", models.PlanAnnualPrepaid, 50, d(2026, 3, 10), d(2027, 3, 9), nil)
	billedSub(t, f, cust, &ca, ba.ID, "GWS-ENT", models.PlanTrial, 25, d(2026, 3, 1), d(2026, 3, 30), nil)
	meet := billedSub(t, f, cust, &ca, ba.ID, "MEET-HW", models.PlanAnnualPrepaid, 3, d(2026, 3, 10), d(2027, 3, 9), func(s *models.Subscription) {
		fi := models.FirstInvoiceDate(s.StartDate)
		s.FirstInvoiceDate = &fi
	})
	// Ten licences added to the flexible plan on the 16th: a licences_added
	// charge for the rest of March.
	if err := f.Gorm.Model(&flex).Update("quantity", 20).Error; err != nil {
		t.Fatal(err)
	}
	pf := price(t, f, "GWS-BSD", models.PlanFlexible, "EUR")
	ps, pe := d(2026, 3, 16), money.LicencesAddedPeriodEnd(d(2026, 3, 16), flex.EndDate, models.PlanFlexible)
	if err := f.Store.AddChargeForTest(bg, models.BillingCharge{BillingAccountID: ba.ID, SubscriptionID: &flex.ID, Kind: models.ChargeLicencesAdded,
		Description: "10 licences added", Quantity: 10, AmountMinor: money.LicencesAddedCharge(pf, 10, ps, flex.EndDate, models.PlanFlexible),
		PeriodStart: &ps, PeriodEnd: &pe, CreatedAt: ps.Add(10 * time.Hour)}); err != nil {
		t.Fatal(err)
	}

	// February: only the flexible and annual monthly plans ran.
	if n, err := f.Store.CloseMonth(bg, d(2026, 2, 1)); err != nil || n != 1 {
		t.Fatalf("close February: %d %v", n, err)
	}
	// March.
	if n, err := f.Store.CloseMonth(bg, d(2026, 3, 31)); err != nil || n != 1 {
		t.Fatalf("close March: %d %v", n, err)
	}
	invs := invoicesOf(t, f, ba.ID)
	if len(invs) != 2 {
		t.Fatalf("invoices = %+v", invs)
	}
	feb, mar := invs[0], invs[1]
	if len(linesOf(t, f, feb.ID)) != 2 {
		t.Errorf("February lines = %+v", linesOf(t, f, feb.ID))
	}
	want := map[int64]struct {
		qty    int
		amount int64
	}{
		flex.ID:    {10, money.Mul(pf, 10)}, // the 10 held all month; the 10 added are the charge
		late.ID:    {4, money.Prorate(money.Mul(price(t, f, "GWS-BS", models.PlanFlexible, "EUR"), 4), 15, 31)},
		monthly.ID: {25, money.Mul(price(t, f, "GWS-BP", models.PlanAnnualMonthly, "EUR"), 25)},
		prepaid.ID: {50, money.Mul(price(t, f, "CEU", models.PlanAnnualPrepaid, "EUR"), 50)},
		meet.ID:    {3, money.Mul(price(t, f, "MEET-HW", models.PlanAnnualPrepaid, "EUR"), 3)},
	}
	lines := linesOf(t, f, mar.ID)
	var sum int64
	charged := 0
	for _, l := range lines {
		sum += l.AmountMinor
		if l.ChargeID != nil {
			charged++
			if l.AmountMinor != money.Prorate(money.Mul(pf, 10), 16, 31) || l.Quantity != 10 {
				t.Errorf("charge line = %+v", l)
			}
			continue
		}
		w, ok := want[*l.SubscriptionID]
		if !ok || l.Quantity != w.qty || l.AmountMinor != w.amount {
			t.Errorf("line %+v, want %+v", l, w)
		}
		delete(want, *l.SubscriptionID)
	}
	if len(want) != 0 || charged != 1 {
		t.Errorf("missing lines %+v, charge lines %d", want, charged)
	}
	if mar.SubtotalMinor != sum || mar.TotalMinor != sum || mar.State != models.InvoiceOpen || !mar.IssuedOn.Equal(d(2026, 4, 1)) ||
		!mar.DueOn.Equal(d(2026, 5, 1)) || len(mar.Number) != len("INV-2026-000001") || mar.Number[:9] != "INV-2026-" {
		t.Errorf("March invoice = %+v", mar)
	}
	var pending int64
	f.Gorm.Model(&models.BillingCharge{}).Where("invoice_id IS NULL").Count(&pending)
	if pending != 0 {
		t.Errorf("%d charges left pending", pending)
	}

	t.Run("re-running never duplicates", func(t *testing.T) {
		for _, m := range []time.Time{d(2026, 2, 1), d(2026, 3, 1)} {
			if n, err := f.Store.CloseMonth(bg, m); err != nil || n != 0 {
				t.Fatalf("re-run %s: %d %v", m.Format("2006-01"), n, err)
			}
		}
		if got := invoicesOf(t, f, ba.ID); len(got) != 2 || len(linesOf(t, f, mar.ID)) != len(lines) {
			t.Fatalf("after re-run: %d invoices", len(got))
		}
	})
	t.Run("April bills no prepaid year again and applies a credit", func(t *testing.T) {
		if err := f.Store.AddCreditForTest(bg, models.Credit{BillingAccountID: ba.ID, AmountMinor: 500, Source: models.CreditProration, Reason: "goodwill",
			CreatedAt: d(2026, 4, 2)}); err != nil {
			t.Fatal(err)
		}
		f.Gorm.Exec("UPDATE billing_accounts SET tax_rate_bp = 2000 WHERE id = ?", ba.ID)
		if n, err := f.Store.CloseMonth(bg, d(2026, 4, 1)); err != nil || n != 1 {
			t.Fatalf("close April: %d %v", n, err)
		}
		apr := invoicesOf(t, f, ba.ID)[2]
		for _, l := range linesOf(t, f, apr.ID) {
			if *l.SubscriptionID == prepaid.ID || *l.SubscriptionID == meet.ID {
				t.Errorf("prepaid billed again: %+v", l)
			}
		}
		if apr.CreditsMinor != 500 || apr.TaxMinor != money.Tax(apr.SubtotalMinor-500, 2000) || apr.TotalMinor != apr.SubtotalMinor-500+apr.TaxMinor {
			t.Errorf("April = %+v", apr)
		}
		var left int64
		f.Gorm.Raw("SELECT remaining_minor FROM credits WHERE billing_account_id = ?", ba.ID).Scan(&left)
		if left != 0 {
			t.Errorf("credit left %d", left)
		}
	})
}

func TestCloseMonthMeetDeferredPrepay(t *testing.T) {
	f := storetest.Seed(t)
	ca := f.ConsoleA.ID
	ba := billingAccount(t, f, "A")
	start := d(2026, 5, 20)
	first := models.FirstInvoiceDate(start) // 1 June
	s := billedSub(t, f, f.CustomerA.ID, &ca, ba.ID, "MEET-HW", models.PlanFlexible, 2, start, d(2027, 5, 19), func(s *models.Subscription) {
		s.FirstInvoiceDate = &first
	})
	// Closing April (issued 1 May): nothing yet.
	if n, err := f.Store.CloseMonth(bg, d(2026, 4, 1)); err != nil || n != 0 {
		t.Fatalf("April: %d %v", n, err)
	}
	// Closing May: the first invoice, on the 1st of the month after the start.
	if n, err := f.Store.CloseMonth(bg, d(2026, 5, 1)); err != nil || n != 1 {
		t.Fatalf("May: %d %v", n, err)
	}
	inv := invoicesOf(t, f, ba.ID)
	if len(inv) != 1 || !inv[0].IssuedOn.Equal(first) {
		t.Fatalf("invoices = %+v", inv)
	}
	l := linesOf(t, f, inv[0].ID)
	p := price(t, f, "MEET-HW", models.PlanFlexible, "EUR")
	if len(l) != 1 || *l[0].SubscriptionID != s.ID || !l[0].PeriodStart.Equal(start) || l[0].AmountMinor != money.Prorate(money.Mul(p, 2), 12, 31) {
		t.Fatalf("lines = %+v", l)
	}
}

func TestCloseMonthTwoRunnersAtOnce(t *testing.T) {
	f := storetest.Seed(t)
	ca, cb := f.ConsoleA.ID, f.ConsoleB.ID
	accounts := []int64{billingAccount(t, f, "A").ID, billingAccount(t, f, "B").ID}
	subA := billedSub(t, f, f.CustomerA.ID, &ca, accounts[0], "GWS-BSD", models.PlanFlexible, 10, d(2026, 1, 1), d(2026, 12, 31), nil)
	billedSub(t, f, f.CustomerB.ID, &cb, accounts[1], "GWS-BSD", models.PlanAnnualMonthly, 7, d(2026, 1, 1), d(2026, 12, 31), nil)
	if err := f.Store.AddChargeForTest(bg, models.BillingCharge{BillingAccountID: accounts[0], SubscriptionID: &subA.ID, Kind: models.ChargeOther,
		Description: "setup", AmountMinor: 999, CreatedAt: d(2026, 6, 3)}); err != nil {
		t.Fatal(err)
	}
	if err := f.Store.AddCreditForTest(bg, models.Credit{BillingAccountID: accounts[0], AmountMinor: 300, Source: models.CreditManual, CreatedAt: d(2026, 6, 3)}); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 3; round++ {
		month := d(2026, time.Month(6+round), 1)
		var wg sync.WaitGroup
		issued := make([]int, 4)
		errs := make([]error, 4)
		for i := range issued {
			wg.Add(1)
			go func() {
				defer wg.Done()
				issued[i], errs[i] = f.Store.CloseMonth(context.Background(), month)
			}()
		}
		wg.Wait()
		total := 0
		for i := range issued {
			if errs[i] != nil {
				t.Fatalf("runner %d: %v", i, errs[i])
			}
			total += issued[i]
		}
		if total != 2 {
			t.Fatalf("%s: %d invoices issued by 4 runners, want 2", month.Format("2006-01"), total)
		}
	}
	for _, id := range accounts {
		invs := invoicesOf(t, f, id)
		if len(invs) != 3 {
			t.Fatalf("account %d: %d invoices", id, len(invs))
		}
		for _, inv := range invs {
			var n, sum int64
			f.Gorm.Raw("SELECT count(*), coalesce(sum(amount_minor), 0) FROM invoice_lines WHERE invoice_id = ?", inv.ID).Row().Scan(&n, &sum)
			if sum != inv.SubtotalMinor {
				t.Errorf("invoice %s lines %d sum %d ≠ subtotal %d", inv.Number, n, sum, inv.SubtotalMinor)
			}
		}
	}
	var chargeLines, applied int64
	f.Gorm.Raw("SELECT count(*) FROM invoice_lines WHERE charge_id IS NOT NULL").Scan(&chargeLines)
	f.Gorm.Raw("SELECT coalesce(sum(amount_minor), 0) FROM credit_applications").Scan(&applied)
	if chargeLines != 1 || applied != 300 {
		t.Fatalf("charge billed %d times, credit applied %d", chargeLines, applied)
	}
}

func TestInvoicesTenantIsolation(t *testing.T) {
	f := storetest.Seed(t)
	ca, cb := f.ConsoleA.ID, f.ConsoleB.ID
	baA, baB := billingAccount(t, f, "A"), billingAccount(t, f, "B")
	billedSub(t, f, f.CustomerA.ID, &ca, baA.ID, "GWS-BSD", models.PlanFlexible, 10, d(2026, 1, 1), d(2026, 12, 31), nil)
	billedSub(t, f, f.CustomerB.ID, &cb, baB.ID, "GWS-BSD", models.PlanFlexible, 10, d(2026, 1, 1), d(2026, 12, 31), nil)
	// Customer B buys one product directly: its own billing account.
	var direct int64
	now := f.Clock.Now()
	f.Gorm.Raw(`INSERT INTO billing_accounts (customer_id, name, currency, legal_entity, created_at, updated_at)
VALUES (?, 'B direct', 'JPY', 'Customer B KK', ?, ?) RETURNING id`, f.CustomerB.ID, now, now).Scan(&direct)
	billedSub(t, f, f.CustomerB.ID, nil, direct, "CEU", models.PlanAnnualPrepaid, 5, d(2026, 1, 5), d(2027, 1, 4), nil)
	if n, err := f.Store.CloseMonth(bg, d(2026, 1, 1)); err != nil || n != 3 {
		t.Fatalf("close: %d %v", n, err)
	}
	invA, invB, invDirect := invoicesOf(t, f, baA.ID)[0], invoicesOf(t, f, baB.ID)[0], invoicesOf(t, f, direct)[0]
	t.Run("who pays is told", func(t *testing.T) {
		for _, tc := range []struct {
			user string
			link string
		}{
			{"A:super_admin", fmt.Sprintf("/console/invoices/%d", invA.ID)},
			{"custB:customer_billing", fmt.Sprintf("/admin/invoices/%d", invDirect.ID)},
			{"custB:customer_admin", fmt.Sprintf("/admin/invoices/%d", invDirect.ID)},
			{"A:sales_agent", ""},
			{"custA:customer_admin", ""},
		} {
			var links []string
			f.Gorm.Raw("SELECT link FROM notifications WHERE user_id = ? AND link LIKE '%/invoices/%'", f.Users[tc.user].ID).Scan(&links)
			if (tc.link == "" && len(links) != 0) || (tc.link != "" && (len(links) != 1 || links[0] != tc.link)) {
				t.Errorf("%s notices %v, want %q", tc.user, links, tc.link)
			}
		}
	})
	for _, tc := range []struct {
		actor  string
		sees   []int64
		denied bool
	}{
		{"A:super_admin", []int64{invA.ID}, false},
		{"B:super_admin", []int64{invB.ID}, false},
		{"A:admin_agent", nil, true},
		{"A:sales_agent", nil, true},
		{"custA:customer_admin", []int64{}, false}, // resold: the reseller is billed
		{"custB:customer_billing", []int64{invDirect.ID}, false},
		{"custB:customer_admin", []int64{invDirect.ID}, false},
		{"custB:customer_viewer", nil, true},
		{"desk:support_engineer", []int64{invA.ID, invB.ID, invDirect.ID}, false},
	} {
		t.Run(tc.actor, func(t *testing.T) {
			a := f.Actor(tc.actor)
			page, err := f.Store.Invoices(bg, a, models.InvoiceFilter{}, "")
			if tc.denied {
				if err == nil {
					t.Fatal("listed invoices")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			seen := map[int64]bool{}
			for _, r := range page.Items {
				seen[r.ID] = true
			}
			if len(seen) != len(tc.sees) {
				t.Fatalf("sees %v, want %v", seen, tc.sees)
			}
			for _, id := range tc.sees {
				if !seen[id] {
					t.Fatalf("does not see %d", id)
				}
				if _, err := f.Store.Invoice(bg, a, id); err != nil {
					t.Fatalf("detail %d: %v", id, err)
				}
			}
			for _, id := range []int64{invA.ID, invB.ID, invDirect.ID} {
				if !seen[id] {
					if _, err := f.Store.Invoice(bg, a, id); !isNotFound(err) {
						t.Fatalf("foreign invoice %d: %v", id, err)
					}
				}
			}
		})
	}
	t.Run("filters and keyset", func(t *testing.T) {
		desk := f.Actor("desk:operator_admin")
		page, err := f.Store.Invoices(bg, desk, models.InvoiceFilter{BillingAccountID: direct, Period: "2026-01", State: models.InvoiceOpen}, "")
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != invDirect.ID || page.Items[0].CustomerName != "Customer B" {
			t.Fatalf("filtered = %+v %v", page.Items, err)
		}
		if page, _ := f.Store.Invoices(bg, desk, models.InvoiceFilter{Period: "2026-02"}, ""); len(page.Items) != 0 {
			t.Fatalf("February = %+v", page.Items)
		}
		v, err := f.Store.Invoice(bg, desk, invDirect.ID)
		if err != nil || len(v.Lines) != 1 || v.Lines[0].Quantity != 5 || v.LegalEntity != "Customer B KK" {
			t.Fatalf("view = %+v %v", v, err)
		}
	})
}

func TestCloseMonthDueActsOnTheFirst(t *testing.T) {
	f := storetest.Seed(t)
	ca := f.ConsoleA.ID
	ba := billingAccount(t, f, "A")
	billedSub(t, f, f.CustomerA.ID, &ca, ba.ID, "GWS-BSD", models.PlanFlexible, 10, d(2026, 1, 1), d(2026, 12, 31), nil)
	f.Clock.Set(time.Date(2026, 7, 2, 3, 0, 0, 0, time.UTC))
	if n, err := f.Store.CloseMonthDue(bg); err != nil || n != 0 {
		t.Fatalf("on the 2nd: %d %v", n, err)
	}
	f.Clock.Set(time.Date(2026, 7, 1, 0, 30, 0, 0, time.UTC))
	if n, err := f.Store.CloseMonthDue(bg); err != nil || n != 1 {
		t.Fatalf("on the 1st: %d %v", n, err)
	}
	if n, _ := f.Store.CloseMonthDue(bg); n != 0 {
		t.Fatalf("second run on the 1st issued %d", n)
	}
	if inv := invoicesOf(t, f, ba.ID); len(inv) != 1 || !inv[0].PeriodStart.Equal(d(2026, 6, 1)) {
		t.Fatalf("invoices = %+v", inv)
	}
}

func TestInvoicesKeysetPaging(t *testing.T) {
	f := storetest.Seed(t)
	ba := billingAccount(t, f, "A")
	// 60 invoices over 30 issue days: two per day, so the id breaks ties.
	for i := 0; i < 60; i++ {
		issued := d(2020, 1, 1).AddDate(0, i/2, 0)
		inv := models.Invoice{Number: fmt.Sprintf("P-%03d", i), BillingAccountID: ba.ID, PeriodStart: issued.AddDate(0, -1, i%2), PeriodEnd: issued,
			Currency: "EUR", SubtotalMinor: 100, TotalMinor: 100, State: models.InvoiceOpen, IssuedOn: issued, DueOn: issued, CreatedAt: issued, UpdatedAt: issued}
		if err := f.Gorm.Create(&inv).Error; err != nil {
			t.Fatal(err)
		}
	}
	a := f.Actor("A:super_admin")
	seen := map[string]bool{}
	cursor, pages := "", 0
	var last time.Time
	for {
		page, err := f.Store.Invoices(bg, a, models.InvoiceFilter{}, cursor)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range page.Items {
			if seen[r.Number] {
				t.Fatalf("%s twice", r.Number)
			}
			if !last.IsZero() && r.IssuedOn.After(last) {
				t.Fatalf("%s out of order", r.Number)
			}
			seen[r.Number], last = true, r.IssuedOn
		}
		if page.Total != 60 {
			t.Fatalf("total %d", page.Total)
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	if len(seen) != 60 || pages != 2 {
		t.Fatalf("%d invoices over %d pages", len(seen), pages)
	}
}

// A console's invoices page walks invoices_console_issued_idx in its order,
// its first page (rows and count in one statement) and a later one alike:
// no sort of every invoice of the console's accounts (issue 13, migration
// 0019). The invoice takes its account's console when written.
func TestInvoicesPageUsesTheConsoleIndex(t *testing.T) {
	f := storetest.Seed(t)
	ba := billingAccount(t, f, "A")
	inv := models.Invoice{Number: "PLAN-1", BillingAccountID: ba.ID, PeriodStart: d(2026, 1, 1), PeriodEnd: d(2026, 2, 1),
		Currency: "EUR", SubtotalMinor: 100, TotalMinor: 100, State: models.InvoiceOpen, IssuedOn: d(2026, 2, 1), DueOn: d(2026, 3, 1),
		CreatedAt: d(2026, 2, 1), UpdatedAt: d(2026, 2, 1)}
	if err := f.Gorm.Create(&inv).Error; err != nil {
		t.Fatal(err)
	}
	var console int64
	f.Gorm.Raw("SELECT console_id FROM invoices WHERE id = ?", inv.ID).Scan(&console)
	if console != f.ConsoleA.ID {
		t.Fatalf("invoice console_id = %d, want the account's console %d", console, f.ConsoleA.ID)
	}
	first, later, err := f.Store.ExplainInvoicesPages(bg, f.Actor("A:super_admin"))
	if err != nil {
		t.Fatal(err)
	}
	for _, plan := range []string{first, later} {
		// A first page reads its keys from the index alone.
		walks := strings.Contains(plan, "Index Scan using invoices_console_issued_idx") || strings.Contains(plan, "Index Only Scan using invoices_console_issued_idx")
		if !walks || strings.Contains(plan, "Sort") {
			t.Fatalf("the console's invoices page does not walk its index:\n%s", plan)
		}
	}
}
