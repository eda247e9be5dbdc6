package store_test

import (
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/money"
	"partnerconsole/models/store/storetest"
)

// migrationWorld is console A (main) connected to console B (source), each
// with a billing account in EUR and in JPY (same legal entity).
type migrationWorld struct {
	f                          *storetest.Fixture
	mainEUR, mainJPY, srcEUR   models.BillingAccount
	srcJPY                     models.BillingAccount
	mainActor, srcActor        models.Actor
	connectedAt, migrationDate time.Time
}

func newMigrationWorld(t *testing.T, at time.Time) *migrationWorld {
	t.Helper()
	f := storetest.Seed(t)
	f.Clock.Set(at)
	w := &migrationWorld{f: f, mainActor: f.Actor("A:super_admin"), srcActor: f.Actor("B:super_admin"), connectedAt: at}
	c, err := f.Store.InviteConsole(bg, w.mainActor, f.ConsoleB.PublicResellerID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Store.AcceptConnection(bg, w.srcActor, c.ID); err != nil {
		t.Fatal(err)
	}
	acct := func(a models.Actor, name, cur string) models.BillingAccount {
		b, err := f.Store.SaveBillingAccount(bg, a, 0, models.BillingAccountInput{Name: name, Currency: cur, LegalEntity: "Same Entity"})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	w.mainEUR, w.mainJPY = acct(w.mainActor, "Main EUR", "EUR"), acct(w.mainActor, "Main JPY", "JPY")
	w.srcEUR, w.srcJPY = acct(w.srcActor, "Source EUR", "EUR"), acct(w.srcActor, "Source JPY", "JPY")
	return w
}

// sub adds a live Workspace subscription of the source's customer on plan,
// billed to account, for the term [start, start+1 year).
func (w *migrationWorld) sub(t *testing.T, customerID int64, plan models.Plan, account int64, start time.Time) models.Subscription {
	t.Helper()
	s := addSubscription(t, w.f, customerID, &w.f.ConsoleB.ID)
	if err := w.f.Gorm.Exec("UPDATE subscriptions SET plan = ?, billing_account_id = ?, start_date = ?, end_date = ? WHERE id = ?",
		plan, account, start, start.AddDate(1, 0, -1), s.ID).Error; err != nil {
		t.Fatal(err)
	}
	w.f.Gorm.Where("id = ?", s.ID).Take(&s)
	return s
}

func (w *migrationWorld) migrate(t *testing.T, at time.Time, customers ...int64) {
	t.Helper()
	w.f.Clock.Set(at)
	w.migrationDate = models.Day(at)
	res, err := w.f.Store.StartMigrations(bg, w.srcActor, customers)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if !r.OK {
			t.Fatalf("start %+v", r)
		}
	}
	res, err = w.f.Store.CompleteMigrations(bg, w.mainActor, customers, []int64{w.mainEUR.ID, w.mainJPY.ID}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if !r.OK {
			t.Fatalf("complete %+v", r)
		}
	}
}

// lines are the invoice lines of a subscription on an account's invoice of
// the month starting ms.
func (w *migrationWorld) lines(t *testing.T, account, subID int64, ms time.Time) []models.InvoiceLine {
	t.Helper()
	var ls []models.InvoiceLine
	if err := w.f.Gorm.Raw(`SELECT l.* FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
		WHERE i.billing_account_id = ? AND i.period_start = ? AND l.subscription_id = ? AND l.charge_id IS NULL ORDER BY l.period_start`,
		account, ms, subID).Scan(&ls).Error; err != nil {
		t.Fatal(err)
	}
	return ls
}

// TestMigrationBillingSplitMonthly is the seed's example (R-CON-9): a
// customer migrated on 15 October; on flexible and annual_monthly plans the
// source is billed 1–14 October and the main 15–31 October, then the main
// alone; in euros and in yen.
func TestMigrationBillingSplitMonthly(t *testing.T) {
	t.Parallel()
	w := newMigrationWorld(t, time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC))
	f := w.f
	type tc struct {
		cur       string
		src, main int64
		customer  int64
		subs      map[models.Plan]models.Subscription
	}
	cases := []*tc{{cur: "EUR", src: w.srcEUR.ID, main: w.mainEUR.ID}, {cur: "JPY", src: w.srcJPY.ID, main: w.mainJPY.ID}}
	var ids []int64
	for i, c := range cases {
		cust := f.CustomerB
		if i > 0 {
			var err error
			if cust, err = f.Store.CreateCustomer(bg, w.srcActor, models.CustomerInput{Name: "Yen Co", Domain: "yen-co.example", Country: "JP"}); err != nil {
				t.Fatal(err)
			}
		}
		c.customer = cust.ID
		c.subs = map[models.Plan]models.Subscription{}
		for _, p := range []models.Plan{models.PlanFlexible, models.PlanAnnualMonthly} {
			c.subs[p] = w.sub(t, cust.ID, p, c.src, day(2026, 9, 1))
		}
		ids = append(ids, cust.ID)
	}
	w.migrate(t, time.Date(2026, 10, 15, 10, 0, 0, 0, time.UTC), ids...)
	f.Clock.Set(time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC))
	if _, err := f.Store.CloseMonth(bg, day(2026, 10, 1)); err != nil {
		t.Fatal(err)
	}
	f.Clock.Set(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC))
	if _, err := f.Store.CloseMonth(bg, day(2026, 11, 1)); err != nil {
		t.Fatal(err)
	}
	oct, octD, nov, dec := day(2026, 10, 1), day(2026, 10, 15), day(2026, 11, 1), day(2026, 12, 1)
	for _, c := range cases {
		for plan, s := range c.subs {
			t.Run(c.cur+" "+string(plan), func(t *testing.T) {
				src, mainL := w.lines(t, c.src, s.ID, oct), w.lines(t, c.main, s.ID, oct)
				if len(src) != 1 || !src[0].PeriodStart.Equal(oct) || !src[0].PeriodEnd.Equal(octD) {
					t.Fatalf("source October lines %+v, want 1–14 October", src)
				}
				if len(mainL) != 1 || !mainL[0].PeriodStart.Equal(octD) || !mainL[0].PeriodEnd.Equal(nov) {
					t.Fatalf("main October lines %+v, want 15–31 October", mainL)
				}
				unit := src[0].UnitPriceMinor
				if unit <= 0 {
					t.Fatalf("no price: %+v", src[0])
				}
				if want := money.Monthly(unit, s.Quantity, oct, octD); src[0].AmountMinor != want {
					t.Errorf("source charged %d, want the prorated %d", src[0].AmountMinor, want)
				}
				if want := money.Monthly(unit, s.Quantity, octD, nov); mainL[0].AmountMinor != want {
					t.Errorf("main charged %d, want the prorated %d", mainL[0].AmountMinor, want)
				}
				if l := w.lines(t, c.src, s.ID, nov); len(l) != 0 {
					t.Errorf("source billed in November: %+v", l)
				}
				if l := w.lines(t, c.main, s.ID, nov); len(l) != 1 || !l[0].PeriodStart.Equal(nov) || !l[0].PeriodEnd.Equal(dec) {
					t.Errorf("main November lines %+v, want the whole month", l)
				}
			})
		}
	}
}

// TestMigrationBillingSplitPrepaid: a prepaid year that started on 1
// October at the source, migrated on 15 October (R-CON-9): the source is
// invoiced its year and credited the rest from the 15th; the main is charged
// that rest once, not the year as well.
func TestMigrationBillingSplitPrepaid(t *testing.T) {
	t.Parallel()
	w := newMigrationWorld(t, time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC))
	f := w.f
	for _, c := range []struct {
		cur       string
		src, main int64
	}{{"EUR", w.srcEUR.ID, w.mainEUR.ID}, {"JPY", w.srcJPY.ID, w.mainJPY.ID}} {
		t.Run(c.cur, func(t *testing.T) {
			cust, err := f.Store.CreateCustomer(bg, w.srcActor, models.CustomerInput{Name: "Prepaid " + c.cur, Domain: "prepaid-" + c.cur + ".example", Country: "JP"})
			if err != nil {
				t.Fatal(err)
			}
			s := w.sub(t, cust.ID, models.PlanAnnualPrepaid, c.src, day(2026, 10, 1))
			w.migrate(t, time.Date(2026, 10, 15, 10, 0, 0, 0, time.UTC), cust.ID)
			f.Clock.Set(time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC))
			if _, err := f.Store.CloseMonth(bg, day(2026, 10, 1)); err != nil {
				t.Fatal(err)
			}
			oct := day(2026, 10, 1)
			if l := w.lines(t, c.src, s.ID, oct); len(l) != 1 || !l[0].PeriodStart.Equal(oct) {
				t.Errorf("source: the year's line %+v", l)
			}
			if l := w.lines(t, c.main, s.ID, oct); len(l) != 0 {
				t.Errorf("the main is billed the whole year as well as the migration charge: %+v", l)
			}
			var charged int64
			f.Gorm.Raw(`SELECT COALESCE(SUM(l.amount_minor), 0) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
				WHERE i.billing_account_id = ? AND l.subscription_id = ? AND l.charge_id IS NOT NULL`, c.main, s.ID).Scan(&charged)
			var credit int64
			f.Gorm.Raw("SELECT COALESCE(SUM(amount_minor), 0) FROM credits WHERE billing_account_id = ?", c.src).Scan(&credit)
			if charged <= 0 || charged != credit {
				t.Errorf("main charged %d for the rest, source credited %d", charged, credit)
			}
		})
	}
}
