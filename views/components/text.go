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
