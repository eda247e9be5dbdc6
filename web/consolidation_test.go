package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"partnerconsole/web/webtest"
)

// The main console invites a source through the page: a bad account id is
// 422 with the message on the field; a good one shows Sent, awaiting
// acceptance; the source reviews and accepts; then it sees Manage customer
// migrations, where starting nothing is 422 on the field.
func TestConsolidationPages(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	mainC := s.SignedIn(t, "A:super_admin")
	r := mainC.Post("/console/consolidation", url.Values{"reseller_id": {s.ConsoleA.PublicResellerID}})
	if r.Status != http.StatusUnprocessableEntity || !r.Has("cannot invite itself") {
		t.Fatalf("self invite: %d", r.Status)
	}
	r = mainC.Post("/console/consolidation", url.Values{"reseller_id": {"nonsense!"}})
	if r.Status != http.StatusUnprocessableEntity || !r.Has("No console has this account id") {
		t.Fatalf("malformed id: %d", r.Status)
	}
	if r = mainC.Post("/console/consolidation", url.Values{"reseller_id": {s.ConsoleB.PublicResellerID}}); r.Status != http.StatusSeeOther {
		t.Fatalf("invite: %d", r.Status)
	}
	page := mainC.Get("/console/consolidation")
	if !page.Has("Sent, awaiting acceptance") || !page.Has(s.ConsoleA.PublicResellerID) || !page.TestID("console-facts") || !page.TestID("choose-main") {
		t.Fatal("the main's page lacks the status, the facts or the advice")
	}
	list, err := s.Store.ListConnections(context.Background(), s.Actor("B:super_admin"))
	if err != nil || len(list) != 1 {
		t.Fatalf("source's connections %v %v", list, err)
	}
	src := s.SignedIn(t, "B:super_admin")
	review := src.Get(fmt.Sprintf("/console/consolidation/%d", list[0].ID))
	if review.Status != http.StatusOK || !review.TestID("accept-invitation") || !review.Has("7-day") {
		t.Fatalf("review: %d", review.Status)
	}
	if r = src.Post(fmt.Sprintf("/console/consolidation/%d/accept", list[0].ID), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("accept: %d", r.Status)
	}
	if !src.Get("/console/consolidation").Has("Invitation accepted, console connected") {
		t.Error("accepted status not shown")
	}
	m := src.Get("/console/consolidation/migrations")
	if m.Status != http.StatusOK || !m.TestID("migratable-from") || !m.TestID("reason-waiting") {
		t.Fatalf("migrations page: %d", m.Status)
	}
	if r = src.Post("/console/consolidation/migrations/start", nil); r.Status != http.StatusUnprocessableEntity || !r.Has("Select at least one customer.") {
		t.Fatalf("start nothing: %d", r.Status)
	}
}
