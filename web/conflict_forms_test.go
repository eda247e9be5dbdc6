package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"partnerconsole/models"
	"partnerconsole/web/webtest"
)

// A user who loses an optimistic-locking race (409) gets the page at its
// current state with the text they typed still there (issue 7 §6).
func TestConflictKeepsWhatTheUserTyped(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	fileCase := func(t *testing.T, title string) string {
		c, err := s.Store.FileCase(t.Context(), s.Actor("A:helpdesk_agent"), models.CaseInput{Type: models.CaseOther, Impact: models.ImpactLow,
			Title: title, Description: "d", ContactName: "n", ContactEmail: "n@a.test"})
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(c.ID, 10)
	}
	version := regexp.MustCompile(`name="version" value="([0-9]+)"`)
	versionOf := func(t *testing.T, r webtest.Response) string {
		m := version.FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatal("no version on the page")
		}
		return m[1]
	}
	note := "Called the partner <back> at 10:00 & left a message."
	noteShown := html.EscapeString(note)

	t.Run("desk state form, case still open", func(t *testing.T) {
		path := "/desk/cases/" + fileCase(t, "Race while typing")
		e1, e2 := s.SignedIn(t, "desk:support_engineer"), s.SignedIn(t, "desk:operator_admin")
		p2 := e2.Get(path)
		if r := e1.Post(path+"/assign", url.Values{"version": {versionOf(t, e1.Get(path))}}); r.Status != http.StatusSeeOther {
			t.Fatalf("assign: %d", r.Status)
		}
		r := e2.Post(path+"/state", url.Values{"version": {versionOf(t, p2)}, "state": {"waiting_on_partner"}, "note": {note}})
		if r.Status != http.StatusConflict || !r.TestID("conflict") {
			t.Fatalf("stale state change: %d", r.Status)
		}
		if !regexp.MustCompile(`data-testid="state-note">` + regexp.QuoteMeta(noteShown) + `</textarea>`).MatchString(r.Body) {
			t.Fatalf("the note is not kept in the state form:\n%s", r.Body)
		}
		if !regexp.MustCompile(`value="waiting_on_partner" selected`).MatchString(r.Body) {
			t.Fatal("the chosen state is not kept")
		}
		// The form now carries the current version: sending it again works.
		if versionOf(t, r) == versionOf(t, p2) {
			t.Fatal("the re-rendered form carries the stale version")
		}
		if again := e2.Post(path+"/state", url.Values{"version": {versionOf(t, r)}, "state": {"waiting_on_partner"}, "note": {note}}); again.Status != http.StatusSeeOther {
			t.Fatalf("second try: %d", again.Status)
		}
	})

	t.Run("desk state form, case closed meanwhile", func(t *testing.T) {
		path := "/desk/cases/" + fileCase(t, "Closed while typing")
		e1, e2 := s.SignedIn(t, "desk:support_engineer"), s.SignedIn(t, "desk:operator_admin")
		p2 := e2.Get(path)
		if r := e1.Post(path+"/state", url.Values{"version": {versionOf(t, e1.Get(path))}, "state": {"resolved"}, "note": {"Fixed."}}); r.Status != http.StatusSeeOther {
			t.Fatalf("resolve: %d", r.Status)
		}
		r := e2.Post(path+"/state", url.Values{"version": {versionOf(t, p2)}, "state": {"rejected"}, "note": {note}})
		if r.Status != http.StatusConflict || !r.TestID("conflict") || !r.Has(`data-state="resolved"`) {
			t.Fatalf("stale state change: %d", r.Status)
		}
		if !r.TestID("unsent-note") || !r.Has(noteShown) {
			t.Fatalf("the note is lost:\n%s", r.Body)
		}
	})

	t.Run("partner comment on a case closed meanwhile", func(t *testing.T) {
		id := fileCase(t, "Comment while closing")
		partner := s.SignedIn(t, "A:helpdesk_agent")
		if r := partner.Get("/console/cases/" + id); !r.TestID("comment-form") {
			t.Fatal("no comment form on an open case")
		}
		desk := s.SignedIn(t, "desk:support_engineer")
		path := "/desk/cases/" + id
		if r := desk.Post(path+"/state", url.Values{"version": {versionOf(t, desk.Get(path))}, "state": {"resolved"}, "note": {"Fixed."}}); r.Status != http.StatusSeeOther {
			t.Fatalf("resolve: %d", r.Status)
		}
		r := partner.Post("/console/cases/"+id+"/comments", url.Values{"body": {note}})
		if r.Status != http.StatusConflict || !r.TestID("conflict") {
			t.Fatalf("comment on a closed case: %d", r.Status)
		}
		if !r.TestID("unsent-comment") || !r.Has(noteShown) {
			t.Fatalf("the comment is lost:\n%s", r.Body)
		}
	})
	t.Run("customer decline reason on an offer withdrawn meanwhile", func(t *testing.T) {
		ctx := t.Context()
		b, err := s.Store.SaveBillingAccount(ctx, s.Actor("A:super_admin"), 0, models.BillingAccountInput{Name: "Race", Currency: "EUR", LegalEntity: "A"})
		if err != nil {
			t.Fatal(err)
		}
		var gws int64
		s.Gorm.Table("products").Select("id").Where("sku = 'GWS-BS'").Scan(&gws)
		o, err := s.Store.CreateOffer(ctx, s.Actor("A:sales_agent"), models.OfferInput{CustomerID: s.CustomerA.ID, ProductID: gws,
			Quantity: "5", Plan: models.PlanFlexible, UnitPrice: "7", BillingAccountID: b.ID}, "", true)
		if err != nil {
			t.Fatal(err)
		}
		path := "/admin/offers/" + strconv.FormatInt(o.ID, 10)
		customer := s.SignedIn(t, "custA:customer_admin")
		if r := customer.Get(path); !r.TestID("decline-form") {
			t.Fatalf("no decline form: %d", r.Status)
		}
		if err := s.Store.WithdrawOffer(ctx, s.Actor("A:sales_agent"), o.ID); err != nil {
			t.Fatal(err)
		}
		r := customer.Post(path+"/decline", url.Values{"reason": {note}})
		if r.Status != http.StatusConflict || !r.TestID("offer-conflict") {
			t.Fatalf("decline a withdrawn offer: %d", r.Status)
		}
		if !r.TestID("unsent-reason") || !r.Has(noteShown) {
			t.Fatalf("the reason is lost:\n%s", r.Body)
		}
	})
}
