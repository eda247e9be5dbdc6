package components_test

import (
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"partnerconsole/i18n"
	"partnerconsole/views"
	"partnerconsole/views/components"
)

func page(t *testing.T) views.Page {
	t.Helper()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return views.Page{T: b.For("en", "UTC"), CSRF: "tok"}
}

// render renders a component with children (nil for none).
func render(t *testing.T, c templ.Component, children templ.Component) string {
	t.Helper()
	ctx := context.Background()
	if children != nil {
		ctx = templ.WithChildren(ctx, children)
	}
	var sb strings.Builder
	if err := c.Render(ctx, &sb); err != nil {
		t.Fatal(err)
	}
	return sb.String()
}

// rows is a component standing for a table's <tr> children.
func rows(html string) templ.Component { return templ.Raw(html) }

func TestTable(t *testing.T) {
	p := page(t)
	cols := []components.Column{
		{Label: "Name", Sort: &components.SortKeys{Asc: "name"}},
		{Label: "Added", Sort: &components.SortKeys{Desc: "created"}},
		{Label: "Age", Sort: &components.SortKeys{Asc: "newest", Desc: "oldest"}},
		{Label: "Quantity", Class: "num"},
		{Label: "Actions", Hidden: true},
	}
	spec := func(n int, sort string) components.TableSpec {
		return components.TableSpec{
			TestID: "things", Caption: "Things", Columns: cols, Rows: n,
			Empty:     components.Empty(p, "No things", "Things appear here."),
			ExportURL: "/things.csv?q=a",
			Sort:      components.Sorting{URL: "/things?q=a&sort=" + sort, Current: sort},
			Pager:     &components.PagerSpec{Total: 2, NextURL: "/things?after=x"},
		}
	}
	tests := []struct {
		name    string
		spec    components.TableSpec
		want    []string
		notWant []string
	}{
		{"empty list shows the empty state, no table, no pager, no export", spec(0, "name"),
			[]string{`data-component="table"`, `data-list="things"`, `data-testid="empty"`, "No things"},
			[]string{"<table", `data-testid="count"`, `data-testid="export-csv"`}},
		{"rows sit in a scrolling box with caption, pager and export", spec(2, "name"),
			[]string{`<div class="table-wrap" tabindex="0" role="region" aria-label="Things"><table data-testid="things">`, `<caption class="visually-hidden">Things</caption>`,
				"<tbody><tr>row</tr></tbody>", `data-testid="next-page"`, `href="/things.csv?q=a" data-testid="export-csv"`,
				`<th scope="col" class="num">Quantity</th>`, `<span class="visually-hidden">Actions</span>`},
			[]string{`data-testid="empty"`}},
		{"the sorted column says so and its link reverses nothing it cannot", spec(2, "name"),
			[]string{`aria-sort="ascending"><a class="sort" href="/things?q=a&amp;sort=name"`,
				`<a class="sort" href="/things?q=a&amp;sort=created" data-testid="sort-created">Added</a>`,
				`<a class="sort" href="/things?q=a&amp;sort=newest" data-testid="sort-newest">Age</a>`},
			[]string{`aria-sort="descending"`}},
		{"a two-way column links to the other direction", spec(2, "newest"),
			[]string{`aria-sort="ascending"><a class="sort" href="/things?q=a&amp;sort=oldest"`}, nil},
		{"descending order", spec(2, "oldest"),
			[]string{`aria-sort="descending"><a class="sort" href="/things?q=a&amp;sort=newest"`}, nil},
		{"no sort URL, no sort links", func() components.TableSpec { s := spec(1, "name"); s.Sort = components.Sorting{}; return s }(),
			[]string{`<th scope="col">Name</th>`}, []string{`class="sort"`, "aria-sort"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			html := render(t, components.Table(p, tc.spec), rows("<tr>row</tr>"))
			for _, w := range tc.want {
				if !strings.Contains(html, w) {
					t.Errorf("missing %s in\n%s", w, html)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(html, w) {
					t.Errorf("unexpected %s in\n%s", w, html)
				}
			}
		})
	}
}

func TestSortURLStartsAgainAtTheFirstPage(t *testing.T) {
	got := components.SortURL(components.Sorting{URL: "/console/customers?after=abc&country=FR&sort=name"}, "created")
	if want := "/console/customers?country=FR&sort=created"; got != want {
		t.Errorf("SortURL = %q, want %q", got, want)
	}
	got = components.SortURL(components.Sorting{URL: "/x", Param: "order"}, "oldest")
	if want := "/x?order=oldest"; got != want {
		t.Errorf("SortURL with a param = %q, want %q", got, want)
	}
}

func TestFilterBarKeepsTheCurrentValues(t *testing.T) {
	html := render(t, components.FilterBar(components.FilterBarSpec{
		Action: "/things",
		Search: components.SearchBox{Name: "q", Label: "Search", Placeholder: "Name", Value: "acme", TestID: "search"},
		Filters: []components.Filter{
			{Name: "country", Label: "Country", Value: "FR", All: "All countries", Options: []components.Option{{Value: "DE", Label: "Germany"}, {Value: "FR", Label: "France"}}},
			{Kind: components.FilterText, Name: "action", Label: "Action", Value: "customer.created", Suggest: []string{"customer.created"}},
			{Kind: components.FilterNumber, Name: "actor", Label: "Actor", Value: "7"},
		},
		Submit: "Search", SubmitTestID: "search-submit",
	}), nil)
	for _, w := range []string{
		`<form class="filters" method="get" action="/things" role="search" data-component="filter-bar">`,
		`<input type="search" id="q" name="q" value="acme" placeholder="Name" data-testid="search">`,
		`<select id="country" name="country" data-autosubmit><option value="">All countries</option> <option value="DE">Germany</option><option value="FR" selected>France</option></select>`,
		`<input type="text" id="action" name="action" value="customer.created" list="action-suggest">`,
		`<datalist id="action-suggest"><option value="customer.created"></option></datalist>`,
		`<input type="number" id="actor" name="actor" value="7" min="1">`,
		`<button type="submit" data-testid="search-submit">Search</button>`,
	} {
		if !strings.Contains(html, w) {
			t.Errorf("missing %s in\n%s", w, html)
		}
	}
}

func TestConfirmFormPostsOnlyThroughItsDialog(t *testing.T) {
	p := page(t)
	html := render(t, components.ConfirmForm(p, components.Confirm{
		ID: "withdraw-1", Action: "/console/offers/1/withdraw", Class: "inline",
		Question: "Withdraw this offer?", Detail: "The customer can no longer accept it.", OK: "Withdraw",
	}), rows(`<button type="submit">Withdraw</button>`))
	for _, w := range []string{
		`<form method="post" action="/console/offers/1/withdraw" class="inline" data-confirm-dialog="withdraw-1"><input type="hidden" name="_csrf" value="tok"><button type="submit">Withdraw</button></form>`,
		`<dialog id="withdraw-1" class="dialog" aria-labelledby="withdraw-1-title" data-testid="confirm-dialog"><h2 id="withdraw-1-title">Withdraw this offer?</h2>`,
		`<p>The customer can no longer accept it.</p>`,
		`<form method="dialog" class="actions"><button type="submit" value="cancel" autofocus data-testid="confirm-cancel">Cancel</button> <button type="submit" value="ok" class="danger" data-testid="confirm-ok">Withdraw</button></form></dialog>`,
	} {
		if !strings.Contains(html, w) {
			t.Errorf("missing %s in\n%s", w, html)
		}
	}
	if strings.Contains(html, "<script") || strings.Contains(html, "style=") || strings.Contains(html, "onclick") {
		t.Errorf("the dialog uses inline script or style (the CSP forbids them):\n%s", html)
	}
}

func TestTruncateKeepsTheFullTextInItsTitle(t *testing.T) {
	html := render(t, components.Truncate(`A very long case title "quoted"`), nil)
	if want := `<span class="truncate" title="A very long case title &#34;quoted&#34;">A very long case title &#34;quoted&#34;</span>`; html != want {
		t.Errorf("Truncate = %s, want %s", html, want)
	}
}

// Text writes what `{ s }` writes, escaped, without allocating.
func TestTextEscapesAsTemplDoes(t *testing.T) {
	for _, s := range []string{"", "plain", `<b>"Tom" & 'Jerry'</b>`, "東京"} {
		var got strings.Builder
		if err := components.Text(s).Render(context.Background(), &got); err != nil {
			t.Fatal(err)
		}
		if want := templ.EscapeString(s); got.String() != want {
			t.Errorf("Text(%q) wrote %q, want %q", s, got.String(), want)
		}
	}
	var sink strings.Builder
	sink.Grow(1 << 16)
	if n := testing.AllocsPerRun(100, func() { _ = components.Text("Acme Robotics").Render(context.Background(), &sink) }); n != 0 {
		t.Errorf("Text allocates %v times per call", n)
	}
}

// Badge and Truncate write what their templ versions wrote.
func TestBadgeAndTruncateMarkup(t *testing.T) {
	for _, c := range []struct {
		c    templ.Component
		want string
	}{
		{components.Badge("ok", "Paid"), `<span class="badge ok">Paid</span>`},
		{components.Badge("", "Plain"), `<span class="badge">Plain</span>`},
		{components.Badge("warn", `<b>&`), `<span class="badge warn">&lt;b&gt;&amp;</span>`},
		{components.Truncate(`A "long" title`), `<span class="truncate" title="A &#34;long&#34; title">A &#34;long&#34; title</span>`},
	} {
		var b strings.Builder
		if err := c.c.Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("wrote %s, want %s", b.String(), c.want)
		}
	}
}
