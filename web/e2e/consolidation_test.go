package e2e

import (
	"fmt"
	"net/http"
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
	"partnerconsole/web/webtest"
)

// Console consolidation (issue 12, "Browser"): on the demo data, Sakura
// Partners (JPY) has been connected to Northwind (EUR) for 8 days. Sakura's
// super admin starts the migration of three ready customers (two billed in
// yen, one in euros); Northwind's super admin completes them, choosing a
// billing account per currency and confirming the legal entity change,
// follows the progress live to a result per customer, and finds the
// customers in Northwind's customer list.
func TestConsolidationJourney(t *testing.T) {
	db := storetest.New(t)
	ctx := t.Context()
	if _, err := db.Store.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	user := func(email string) models.User {
		var u models.User
		if err := db.Gorm.Where("email = ?", email).Take(&u).Error; err != nil {
			t.Fatal(err)
		}
		return u
	}
	f := &storetest.Fixture{DB: db, Users: map[string]models.User{
		"northwind": user("super@northwind.example"), "sakura": user("super@sakura.example")}}
	e := startWith(t, webtest.StartWith(t, f, webtest.Config()))
	idOf := func(table, name string) int64 {
		var id int64
		db.Gorm.Raw("SELECT id FROM "+table+" WHERE name = ?", name).Scan(&id)
		if id == 0 {
			t.Fatalf("no %s named %s", table, name)
		}
		return id
	}
	names := []string{"Hanami Foods", "Tsuki Design", "Fuji Travel"}

	src := e.session("sakura")
	src.signIn(f.Email("sakura"), store.DemoPassword)
	src.open("/console/consolidation/migrations")
	src.contains("main-console", "Northwind")
	for _, n := range names {
		row := fmt.Sprintf(`[data-testid="ready"] [data-testid="migration-customer-%d"]`, idOf("customers", n))
		src.check(row+` [data-testid="select-customer"]`, true)
	}
	src.contains("not-ready", "Kaze Telecom")
	if st := src.submit("start-migration"); st != http.StatusOK {
		t.Fatalf("start: %d", st)
	}
	for _, n := range names {
		src.contains(fmt.Sprintf("result-%d", idOf("customers", n)), "Migration started.")
	}
	src.shot("started")

	main := e.session("northwind")
	main.signIn(f.Email("northwind"), store.DemoPassword)
	main.open("/console/consolidation/incoming")
	for _, n := range names {
		main.check(fmt.Sprintf(`[data-testid="incoming-customer-%d"] [data-testid="select-customer"]`, idOf("customers", n)), true)
	}
	main.choose("account-JPY", fmt.Sprint(idOf("billing_accounts", "Northwind JPY")))
	main.choose("account-EUR", fmt.Sprint(idOf("billing_accounts", "Northwind EUR")))
	main.waitVisible("legal-entity-warning")
	main.check("confirm-legal-entity", true)
	if st := main.submit("complete-migration"); st != http.StatusOK {
		t.Fatalf("complete: %d", st)
	}
	main.contains("progress", "0 of 3 customers")
	main.shot("progress")
	// The background job works the batch; the page follows it by itself.
	if n, err := e.Store.RunMigrationBatches(ctx); err != nil || n != 3 {
		t.Fatalf("the job worked %d customers: %v", n, err)
	}
	main.waitVisible(`[data-testid="batch-progress"][data-finished="true"]`)
	main.contains("progress", "3 of 3 customers: 3 done, 0 failed.")
	for _, n := range names {
		main.contains(fmt.Sprintf("result-%d", idOf("customers", n)), "Migrated: the customer now belongs to your console.")
	}
	main.contains("cannot-undo", "cannot be undone")
	main.accessible()
	main.shot("results")
	for _, n := range names {
		main.open("/console/customers?q=" + n[:4])
		main.contains("customers", n)
	}
}
