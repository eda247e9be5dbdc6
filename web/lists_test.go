package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"partnerconsole/web/webtest"
)

var (
	tableTag     = regexp.MustCompile(`<table\b`)
	wrappedTable = regexp.MustCompile(`<div class="table-wrap"[^>]*><table `)
	searchForm   = regexp.MustCompile(`<form [^>]*role="search"[^>]*>`)
	confirmForms = regexp.MustCompile(`data-confirm-dialog="([^"]+)"`)
)

// Every list page renders through components.Table (its wrapper names the
// list), every table scrolls in its own box (.table-wrap), every search form
// is a components.FilterBar, and every confirmation form has its dialog.
func TestEveryListRendersThroughTheTableComponent(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	ctx := context.Background()
	_, tok, err := s.Store.CreateTransferToken(ctx, s.Actor("custA:customer_admin"), s.ConsoleA.PublicResellerID)
	if err != nil {
		t.Fatal(err)
	}
	// A second session, so the account page offers to end the others.
	s.SignedIn(t, "A:super_admin")

	tests := []struct {
		user, path string
		lists      []string // data-list of each components.Table on the page
		rows       bool     // the fixture gives the first list rows
		filterBar  bool
		confirm    string // a confirmation dialog the page must hold
	}{
		{"A:super_admin", "/console/customers", []string{"customers"}, true, true, ""},
		{"A:super_admin", fmt.Sprintf("/console/customers/%d", s.CustomerA.ID), []string{"subscriptions", "audit-trail"}, false, false, ""},
		{"A:super_admin", "/console/offers", []string{"offers"}, false, true, ""},
		{"custA:customer_admin", "/admin/offers", []string{"offers"}, false, true, ""},
		{"desk:operator_admin", "/desk/offers", []string{"offers"}, false, true, ""},
		{"custA:customer_admin", "/admin/tokens", []string{"tokens"}, true, false, fmt.Sprintf("revoke-token-%d", tok.ID)},
		{"A:super_admin", "/console/cases", []string{"cases"}, false, true, ""},
		{"desk:operator_admin", "/desk/cases", []string{"cases"}, false, true, ""},
		{"desk:operator_admin", "/desk/consoles", []string{"consoles"}, true, true, ""},
		{"desk:operator_admin", fmt.Sprintf("/desk/consoles/%d", s.ConsoleA.ID), []string{"console-customers"}, true, false, ""},
		{"desk:operator_admin", "/desk/customers", []string{"customers"}, true, true, ""},
		{"A:super_admin", "/console/users", []string{"users"}, true, true, fmt.Sprintf("disable-user-%d", s.Users["A:helpdesk_agent"].ID)},
		{"A:super_admin", "/console/billing-accounts", []string{"billing-accounts"}, false, false, ""},
		{"A:super_admin", "/console/settings", []string{"billing-accounts"}, false, false, ""},
		{"A:super_admin", "/console/audit", []string{"audit"}, false, true, ""},
		{"desk:operator_admin", "/desk/audit", []string{"audit"}, false, true, ""},
		{"A:super_admin", "/notifications", []string{"notices"}, false, false, ""},
		{"desk:operator_admin", "/desk/mail", []string{"mail"}, false, true, ""},
		{"A:super_admin", "/account", []string{"sessions"}, true, false, "end-others-dialog"},
	}
	clients := map[string]*webtest.Client{}
	for _, tc := range tests {
		t.Run(tc.user+" "+tc.path, func(t *testing.T) {
			c := clients[tc.user]
			if c == nil {
				c = s.SignedIn(t, tc.user)
				clients[tc.user] = c
			}
			r := c.Get(tc.path)
			if r.Status != http.StatusOK {
				t.Fatalf("status %d", r.Status)
			}
			for _, l := range tc.lists {
				if !r.Has(`data-component="table" data-list="` + l + `"`) {
					t.Errorf("list %q is not rendered by components.Table", l)
				}
			}
			if tc.rows && !regexp.MustCompile(`<div class="table-wrap"[^>]*><table data-testid="`+tc.lists[0]+`">`).MatchString(r.Body) {
				t.Errorf("list %q has no rows in its scrolling box", tc.lists[0])
			}
			if n, wrapped := len(tableTag.FindAllString(r.Body, -1)), len(wrappedTable.FindAllString(r.Body, -1)); n != wrapped {
				t.Errorf("%d tables, %d of them in a .table-wrap (a hand-written table?)", n, wrapped)
			}
			forms := searchForm.FindAllString(r.Body, -1)
			for _, f := range forms {
				if !strings.Contains(f, `data-component="filter-bar"`) {
					t.Errorf("a search form is not a components.FilterBar: %s", f)
				}
			}
			if tc.filterBar != (len(forms) > 0) {
				t.Errorf("filter bar: got %d, want one: %v", len(forms), tc.filterBar)
			}
			for _, m := range confirmForms.FindAllStringSubmatch(r.Body, -1) {
				if !r.Has(`<dialog id="` + m[1] + `"`) {
					t.Errorf("form asks dialog %q, which the page lacks", m[1])
				}
			}
			if tc.confirm != "" && !r.Has(`data-confirm-dialog="`+tc.confirm+`"`) {
				t.Errorf("no confirmation dialog %q", tc.confirm)
			}
			if r.Has("data-confirm=") {
				t.Errorf("a form still asks with window.confirm (data-confirm)")
			}
		})
	}
}
