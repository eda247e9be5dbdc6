package components

import (
	"context"
	"io"

	"github.com/a-h/templ"
)

// Text writes a string HTML-escaped, as `{ s }` does. templ sends every
// `{ expr }` through fmt.Sprint (two allocations, even for a string); a list
// writes hundreds of cells per page, so its rows use `@components.Text(s)`
// (issue 13). Text is a named string: the call needs no allocation.
type Text string

// Render implements templ.Component.
func (t Text) Render(_ context.Context, w io.Writer) error {
	_, err := io.WriteString(w, templ.EscapeString(string(t)))
	return err
}

// Truncate is a long text cut to one line with its full text in the title
// (a case title in a narrow column). Like Text, it is a named string
// written by hand: a list calls it on every row.
type Truncate string

// Render implements templ.Component.
func (t Truncate) Render(_ context.Context, w io.Writer) error {
	s := templ.EscapeString(string(t))
	_, err := io.WriteString(w, `<span class="truncate" title="`+s+`">`+s+`</span>`)
	return err
}

// Badge is a small coloured label; kind is one of the badge classes of
// components.css (ok, info, warn, danger, muted).
func Badge(kind, text string) templ.Component { return badge{kind, text} }

type badge struct{ kind, text string }

func (b badge) Render(_ context.Context, w io.Writer) error {
	class := "badge"
	if b.kind != "" {
		class += " " + templ.EscapeString(b.kind)
	}
	_, err := io.WriteString(w, `<span class="`+class+`">`+templ.EscapeString(b.text)+`</span>`)
	return err
}
