package store_test

import (
	"fmt"
	"testing"
	"time"

	"partnerconsole/models"
)

// TestMigrationBatch: a bulk completion of 50 customers runs as a
// background job (R-BULK-1); one customer fails (its subscription is billed
// in dollars, the main has no dollar account) and the 49 others are done,
// each with its own result; running the batch again, or queueing the same
// customers again, changes nothing twice.
func TestMigrationBatch(t *testing.T) {
	t.Parallel()
	w := newMigrationWorld(t, time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC))
	f, st := w.f, w.f.Store
	usd, err := st.SaveBillingAccount(bg, w.srcActor, 0, models.BillingAccountInput{Name: "Source USD", Currency: "USD", LegalEntity: "Same Entity"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	var failing int64
	for i := range 50 {
		c, err := st.CreateCustomer(bg, w.srcActor, models.CustomerInput{Name: fmt.Sprintf("Bulk %02d", i), Domain: fmt.Sprintf("bulk-%02d.example", i), Country: "JP"})
		if err != nil {
			t.Fatal(err)
		}
		w.sub(t, c.ID, models.PlanFlexible, w.srcJPY.ID, day(2026, 9, 1))
		ids = append(ids, c.ID)
		if i == 17 {
			failing = c.ID
		}
	}
	f.Clock.Set(time.Date(2026, 10, 15, 10, 0, 0, 0, time.UTC))
	if res, err := st.StartMigrations(bg, w.srcActor, ids); err != nil || len(res) != 50 {
		t.Fatalf("start %v", err)
	}
	// After the start, one customer's subscription is billed in dollars.
	f.Gorm.Exec("UPDATE subscriptions SET billing_account_id = ? WHERE customer_id = ?", usd.ID, failing)

	t.Run("a wrong form queues nothing", func(t *testing.T) {
		_, err := st.QueueCompleteMigrations(bg, w.mainActor, ids, []int64{usd.ID}, false)
		wantField(t, "foreign account", err, "account_ids")
		_, err = st.QueueCompleteMigrations(bg, w.mainActor, nil, nil, false)
		wantField(t, "no customers", err, "customer_ids")
		_, err = st.QueueCompleteMigrations(bg, f.Actor("A:helpdesk_agent"), ids, nil, false)
		wantCode(t, "helpdesk", err, models.CodeForbidden)
		if n := countRows(t, f.Gorm, "migration_batches", "true"); n != 0 {
			t.Fatalf("%d batches", n)
		}
	})
	id, err := st.QueueCompleteMigrations(bg, w.mainActor, ids, []int64{w.mainJPY.ID}, false)
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.MigrationBatch(bg, w.mainActor, id)
	if n, total := b.Progress(); err != nil || n != 0 || total != 50 || b.Finished() {
		t.Fatalf("queued batch: %d of %d, %v", n, total, err)
	}
	if n := countRows(t, f.Gorm, "customer_migrations", "state = 'migrating'"); n != 50 {
		t.Errorf("status Migrating: %d", n)
	}
	t.Run("the source cannot cancel a migrating customer", func(t *testing.T) {
		wantCode(t, "cancel", st.CancelMigration(bg, w.srcActor, ids[0]), models.CodeConflict)
	})
	t.Run("another console does not see the batch", func(t *testing.T) {
		_, err := st.MigrationBatch(bg, w.srcActor, id)
		wantCode(t, "source", err, models.CodeNotFound)
	})
	if n, err := st.RunMigrationBatches(bg); err != nil || n != 50 {
		t.Fatalf("run: %d %v", n, err)
	}
	b, _ = st.MigrationBatch(bg, w.mainActor, id)
	done, failed := b.Counts()
	if n, total := b.Progress(); n != 50 || total != 50 || done != 49 || failed != 1 || !b.Finished() || b.FinishedAt == nil {
		t.Fatalf("R-BULK-1 %d of %d: %d done, %d failed", n, total, done, failed)
	}
	for _, it := range b.Items {
		if it.CustomerID == failing && (it.State != models.BatchFailed || it.Message != models.ErrNoSameCurrencyAccount().Message || it.Name != "Bulk 17") {
			t.Errorf("the failing customer: %+v", it)
		}
		if it.CustomerID != failing && (it.State != models.BatchDone || it.Name == "") {
			t.Errorf("customer %+v", it)
		}
	}
	if n := countRows(t, f.Gorm, "customers", "id IN ? AND console_id = ?", ids, f.ConsoleA.ID); n != 49 {
		t.Errorf("customers moved: %d", n)
	}
	if n := countRows(t, f.Gorm, "customer_migrations", "customer_id = ? AND state = 'started'", failing); n != 1 {
		t.Error("the failed customer is not back to started with its reason")
	}
	t.Run("re-running is safe", func(t *testing.T) {
		if n, err := st.RunMigrationBatches(bg); err != nil || n != 0 {
			t.Fatalf("second run worked %d: %v", n, err)
		}
		again, err := st.QueueCompleteMigrations(bg, w.mainActor, ids, []int64{w.mainJPY.ID}, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.RunMigrationBatches(bg); err != nil {
			t.Fatal(err)
		}
		b, _ := st.MigrationBatch(bg, w.mainActor, again)
		if done, failed := b.Counts(); done != 49 || failed != 1 {
			t.Fatalf("again: %d done, %d failed", done, failed)
		}
		if n := countRows(t, f.Gorm, "subscription_moves", "true"); n != 49 {
			t.Errorf("subscriptions moved %d times", n)
		}
		if n := countRows(t, f.Gorm, "audit_events", "action = 'customer_migration.completed'"); n != 98 {
			t.Errorf("completions audited %d times (each on both consoles)", n)
		}
	})
}
