package components

import (
	"context"
	"io"

	"github.com/a-h/templ"
)

// FilterBarSpec is a list's filter bar: a search box and filters, each
// showing the list's current value. It submits with GET to the list.
type FilterBarSpec struct {
	Action  string    // the list's URL
	Search  SearchBox // Name "" means none
	Filters []Filter
	Submit  string // translated label of the button
	// SubmitTestID is the button's data-testid ("search-submit" on most lists).
	SubmitTestID string
}

// SearchBox is the free-text search of a filter bar.
type SearchBox struct {
	Name        string // query parameter, usually "q"
	Label       string // translated
	Placeholder string // translated
	Value       string // current value
	TestID      string
}

// FilterKind is how a filter is entered.
type FilterKind int

// The kinds of filter.
const (
	FilterSelect FilterKind = iota // a drop-down of Options, submitted on change
	FilterText                     // free text, with optional suggestions
	FilterNumber                   // a positive whole number (an id)
)

// Filter is one filter of a filter bar.
type Filter struct {
	Kind        FilterKind
	Name        string   // query parameter
	Label       string   // translated
	Value       string   // current value
	All         string   // translated label of the "any" choice of a select; "" for none
	Options     []Option // the choices of a select
	Placeholder string   // of a text field
	Suggest     []string // suggestions for a text field (a datalist)
	TestID      string
}

// selectOptions writes a select's options: the "all" choice when all is
// not empty, then each option, the one whose value is value selected.
// Written by hand rather than in templ: each templ expression goes through
// fmt.Sprint (two allocations), and the country filter renders ~250
// options on every list page. Same bytes as the templ it replaces:
//
//	if all != "" { <option value="">{ all }</option> }
//	for _, o := range opts { <option value={ o.Value } selected?={ o.Value == value }>{ o.Label }</option> }
func selectOptions(all string, opts []Option, value string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		ow := optionWriter{w: w}
		if all != "" {
			// templ wrote a space after this one, before the loop.
			ow.write(`<option value="">`)
			ow.write(templ.EscapeString(all))
			ow.write(`</option> `)
		}
		for _, o := range opts {
			ow.write(`<option value="`)
			ow.write(templ.EscapeString(o.Value))
			if o.Value == value {
				ow.write(`" selected>`)
			} else {
				ow.write(`">`)
			}
			ow.write(templ.EscapeString(o.Label))
			ow.write(`</option>`)
		}
		return ow.err
	})
}

// optionWriter keeps the first write error.
type optionWriter struct {
	w   io.Writer
	err error
}

func (o *optionWriter) write(s string) {
	if o.err == nil {
		_, o.err = io.WriteString(o.w, s)
	}
}
