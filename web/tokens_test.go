package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"partnerconsole/web/webtest"
)

// Revoking a token twice (an out-of-date tab) lands back on the tokens page
// with a message, not on an error page; nothing else changes.
func TestRevokingATokenTwiceShowsAMessage(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	_, tok, err := s.Store.CreateTransferToken(context.Background(), s.Actor("custA:customer_admin"), s.ConsoleA.PublicResellerID)
	if err != nil {
		t.Fatal(err)
	}
	c := s.SignedIn(t, "custA:customer_admin")
	path := fmt.Sprintf("/admin/tokens/%d/revoke", tok.ID)
	if r := c.Post(path, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("first revoke: %d", r.Status)
	}
	c.Get("/admin/tokens")
	r := c.Post(path, nil)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/admin/tokens" {
		t.Fatalf("second revoke: status %d location %q", r.Status, r.Header.Get("Location"))
	}
	page := c.Get("/admin/tokens")
	if page.Status != http.StatusOK || !page.TestID("flash") || !page.Has("flash error") {
		t.Fatalf("tokens page after the second revoke shows no error message (status %d)", page.Status)
	}
}
