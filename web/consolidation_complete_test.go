package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"partnerconsole/models"
	"partnerconsole/web/webtest"
)

// The main console completes a started migration through its page: nothing
// selected is 422 on the field, a foreign billing account 422 on the
// accounts, and a completion shows the result per customer; the customer
// then leaves the list.
func TestCompleteMigrationPage(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	ctx := context.Background()
	mainA, srcB := s.Actor("A:super_admin"), s.Actor("B:super_admin")
	c, err := s.Store.InviteConsole(ctx, mainA, s.ConsoleB.PublicResellerID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Store.AcceptConnection(ctx, srcB, c.ID); err != nil {
		t.Fatal(err)
	}
	yen, err := s.Store.SaveBillingAccount(ctx, mainA, 0, models.BillingAccountInput{Name: "A in yen", Currency: "JPY", LegalEntity: "A KK"})
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := s.Store.SaveBillingAccount(ctx, srcB, 0, models.BillingAccountInput{Name: "B in yen", Currency: "JPY", LegalEntity: "B KK"})
	if err != nil {
		t.Fatal(err)
	}
	s.Clock.Advance(models.MigrationWait)
	if res, err := s.Store.StartMigrations(ctx, srcB, []int64{s.CustomerB.ID}); err != nil || len(res) != 1 || !res[0].OK {
		t.Fatalf("start %+v %v", res, err)
	}
	main := s.SignedIn(t, "A:admin_agent")
	page := main.Get("/console/consolidation/incoming")
	if page.Status != http.StatusOK || !page.TestID(fmt.Sprintf("incoming-customer-%d", s.CustomerB.ID)) || !page.TestID("account-JPY") || !page.TestID("legal-entity-warning") {
		t.Fatalf("incoming page: %d", page.Status)
	}
	if r := main.Post("/console/consolidation/incoming/complete", nil); r.Status != http.StatusUnprocessableEntity || !r.TestID("customer_ids-error") {
		t.Fatalf("complete nothing: %d", r.Status)
	}
	id := fmt.Sprint(s.CustomerB.ID)
	if r := main.Post("/console/consolidation/incoming/complete", url.Values{"customer_ids": {id}, "account_ids": {fmt.Sprint(foreign.ID)}}); r.Status != http.StatusUnprocessableEntity || !r.TestID("account_ids-error") {
		t.Fatalf("foreign account: %d", r.Status)
	}
	// R-BULK-1: the completion is queued; its page shows the progress, polled
	// by htmx while customers are pending, then the result per customer.
	r := main.Post("/console/consolidation/incoming/complete", url.Values{"customer_ids": {id}, "account_ids": {fmt.Sprint(yen.ID)}})
	var batchID int64
	s.Gorm.Raw("SELECT max(id) FROM migration_batches").Scan(&batchID)
	batch := fmt.Sprintf("/console/consolidation/incoming/batches/%d", batchID)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != batch {
		t.Fatalf("queued: %d %s", r.Status, r.Header.Get("Location"))
	}
	r = main.Get(batch)
	if r.Status != http.StatusOK || !r.TestID("batch-progress") || !r.Has(`hx-trigger="every 1s"`) || !r.Has("0 of 1 customers") || !r.TestID("cannot-undo") {
		t.Fatalf("queued: %d %s", r.Status, r.Body)
	}
	if _, err := s.Store.RunMigrationBatches(ctx); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+batch, nil)
	req.Header.Set("HX-Request", "true")
	r = main.Do(req)
	if r.Status != http.StatusOK || !r.TestID("result-"+id) || !r.Has("Migrated: the customer now belongs to your console.") || !r.Has("1 of 1 customers") ||
		r.Has("hx-trigger") || r.Has("<html") {
		t.Fatalf("progress after the job: %d %s", r.Status, r.Body)
	}
	if r := main.Get(batch); !r.Has(`href="/console/cases/new?type=undo_migration"`) || !r.Has(`href="/console/cases/new?type=undo_migration&amp;customer=`+id+`"`) {
		t.Error("R-CON-10 the page does not link to Report a problem")
	}
	if main.Get("/console/consolidation/incoming").TestID("incoming-customer-" + id) {
		t.Error("a migrated customer is still listed")
	}
}
