package store_test

import (
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/money"
)

// TestUndoMigration: the desk's Undo migration action on an "Undo a
// customer migration" case (R-CON-10) moves the customer and its
// subscriptions back to the source and their billing accounts there,
// reverses the billing split from that day (prepaid: the main credited the
// rest, the source charged it; monthly: the source billed again from that
// day), audits on both sides and resolves the case.
func TestUndoMigration(t *testing.T) {
	t.Parallel()
	w := newMigrationWorld(t, time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC))
	f, st := w.f, w.f.Store
	cust, err := st.CreateCustomer(bg, w.srcActor, models.CustomerInput{Name: "Undo Co", Domain: "undo-co.example", Country: "JP"})
	if err != nil {
		t.Fatal(err)
	}
	flex := w.sub(t, cust.ID, models.PlanFlexible, w.srcJPY.ID, day(2026, 9, 1))
	pre := w.sub(t, cust.ID, models.PlanAnnualPrepaid, w.srcJPY.ID, day(2026, 9, 1))
	w.migrate(t, time.Date(2026, 10, 15, 10, 0, 0, 0, time.UTC), cust.ID)

	eng := f.Actor("desk:support_engineer")
	in := models.CaseInput{Type: models.CaseUndoMigration, Impact: models.ImpactMedium, Title: "Undo Undo Co", Description: "Migrated by mistake",
		CustomerID: cust.ID, ContactName: "n", ContactEmail: "n@a.test", Fields: map[string]string{"migration_reference": "Undo Co", "undo_reason": "mistake"}}
	c, err := st.FileCase(bg, w.mainActor, in)
	if err != nil {
		t.Fatal(err)
	}
	if acts := st.CaseActions(models.CaseUndoMigration); len(acts) != 1 || acts[0] != models.ActionUndoMigration {
		t.Fatalf("the Undo migration action is not registered: %v", acts)
	}
	f.Clock.Set(time.Date(2026, 10, 20, 11, 0, 0, 0, time.UTC))
	t.Run("a partner cannot run it", func(t *testing.T) {
		_, err := st.RunCaseAction(bg, w.mainActor, c.ID, c.Version, models.ActionUndoMigration)
		wantCode(t, "partner", err, models.CodeForbidden)
	})
	done, err := st.RunCaseAction(bg, eng, c.ID, c.Version, models.ActionUndoMigration)
	if err != nil || done.State != models.CaseResolved {
		t.Fatalf("undo: %+v %v", done.State, err)
	}
	if n := countRows(t, f.Gorm, "customers", "id = ? AND console_id = ?", cust.ID, f.ConsoleB.ID); n != 1 {
		t.Error("the customer is not back at the source")
	}
	for _, s := range []int64{flex.ID, pre.ID} {
		if n := countRows(t, f.Gorm, "subscriptions", "id = ? AND console_id = ? AND billing_account_id = ?", s, f.ConsoleB.ID, w.srcJPY.ID); n != 1 {
			t.Errorf("subscription %d is not back on the source's account", s)
		}
	}
	if n := countRows(t, f.Gorm, "audit_events", "action = 'customer_migration.undone'"); n != 2 {
		t.Errorf("undo audited %d times, want once per console", n)
	}
	if n := countRows(t, f.Gorm, "customer_migrations", "customer_id = ? AND state = 'done'", cust.ID); n != 0 {
		t.Error("the migration still reads as done")
	}
	t.Run("prepaid: the split is reversed from the undo's day", func(t *testing.T) {
		var unit int64
		f.Gorm.Raw("SELECT unit_price_minor FROM prices WHERE product_id = ? AND plan = 'annual_prepaid' AND currency = 'JPY'", pre.ProductID).Scan(&unit)
		want := money.Prorate(money.Mul(unit, pre.Quantity), money.DaysIn(day(2026, 10, 20), day(2027, 9, 1)), money.YearDays(day(2027, 9, 1)))
		var credit, charge int64
		f.Gorm.Raw("SELECT COALESCE(SUM(amount_minor), 0) FROM credits WHERE billing_account_id = ? AND idempotency_key LIKE 'migration-undo:%'", w.mainJPY.ID).Scan(&credit)
		f.Gorm.Raw("SELECT COALESCE(SUM(amount_minor), 0) FROM billing_charges WHERE billing_account_id = ? AND idempotency_key LIKE 'migration-undo:%'", w.srcJPY.ID).Scan(&charge)
		if want <= 0 || credit != want || charge != want {
			t.Errorf("main credited %d, source charged %d, want %d each", credit, charge, want)
		}
	})
	t.Run("monthly: the main is billed 15–19 October, the source the rest", func(t *testing.T) {
		f.Clock.Set(time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC))
		if _, err := st.CloseMonth(bg, day(2026, 10, 1)); err != nil {
			t.Fatal(err)
		}
		m := w.lines(t, w.mainJPY.ID, flex.ID, day(2026, 10, 1))
		if len(m) != 1 || !m[0].PeriodStart.Equal(day(2026, 10, 15)) || !m[0].PeriodEnd.Equal(day(2026, 10, 20)) {
			t.Errorf("main lines %+v", m)
		}
		s := w.lines(t, w.srcJPY.ID, flex.ID, day(2026, 10, 1))
		if len(s) != 2 || !s[0].PeriodEnd.Equal(day(2026, 10, 15)) || !s[1].PeriodStart.Equal(day(2026, 10, 20)) || !s[1].PeriodEnd.Equal(day(2026, 11, 1)) {
			t.Errorf("source lines %+v", s)
		}
	})
	t.Run("a customer with no completed migration", func(t *testing.T) {
		in.CustomerID, in.Title = f.CustomerA.ID, "Nothing to undo"
		c2, err := st.FileCase(bg, w.mainActor, in)
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.RunCaseAction(bg, eng, c2.ID, c2.Version, models.ActionUndoMigration)
		wantCode(t, "nothing to undo", err, models.CodeConflict)
	})
}
