package components

import (
	"net/url"

	"github.com/a-h/templ"
)

// Column is one column of a Table.
type Column struct {
	Label  string    // already translated
	Hidden bool      // the label is for screen readers only (an actions column)
	Class  string    // "num" aligns numbers right
	Sort   *SortKeys // non-nil: the header is a link that sorts by this column
}

// SortKeys are the values of the list's sort parameter that order it by a
// column, ascending and descending; either may be empty when the list has
// an index for one direction only.
type SortKeys struct {
	Asc  string
	Desc string
}

// Sorting is how a list is ordered now and how to reorder it.
type Sorting struct {
	URL     string // the list's first page with the current filters
	Param   string // the query parameter; "sort" when empty
	Current string // the parameter's current value
}

// PagerSpec is the keyset pager under a table.
type PagerSpec struct {
	Total    int64
	Many     bool // more rows than the list counts exactly
	NextURL  string
	FirstURL string
	OnFirst  bool
}

// TableSpec describes a list's table. The rows are the Table's children
// (one <tr> each); Rows says how many there are, so the table can show its
// empty state instead.
type TableSpec struct {
	TestID    string // data-testid of the <table>
	Caption   string // translated; read by screen readers
	Columns   []Column
	Rows      int
	Empty     templ.Component // shown, in a panel, when there are no rows
	ExportURL string          // a CSV export of the whole filtered list, if any
	Sort      Sorting
	Pager     *PagerSpec // nil: the list is short and has no pager
}

// sortState is the header's aria-sort value for a column ("" when the list
// is not ordered by it).
func sortState(s Sorting, k *SortKeys) string {
	switch {
	case k == nil || s.Current == "":
		return ""
	case s.Current == k.Asc:
		return "ascending"
	case s.Current == k.Desc:
		return "descending"
	}
	return ""
}

// sortValue is the sort value a column's header link asks for: the other
// direction when the list is already ordered by it, else its first one.
func sortValue(s Sorting, k SortKeys) string {
	switch {
	case s.Current == k.Asc && k.Desc != "":
		return k.Desc
	case s.Current == k.Desc && k.Asc != "":
		return k.Asc
	case k.Asc != "":
		return k.Asc
	}
	return k.Desc
}

// SortURL is the first page of the list, with its filters, ordered by value.
func SortURL(s Sorting, value string) string {
	u, err := url.Parse(s.URL)
	if err != nil {
		return s.URL
	}
	param := s.Param
	if param == "" {
		param = "sort"
	}
	q := u.Query()
	q.Set(param, value)
	q.Del("after")
	u.RawQuery = q.Encode()
	return u.String()
}

// sortable tells whether a column's header is a sort link.
func sortable(s Sorting, c Column) bool { return c.Sort != nil && s.URL != "" }
