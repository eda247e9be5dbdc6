package cases

import (
	"context"
	"io"

	"github.com/a-h/templ"

	"partnerconsole/models"
	"partnerconsole/views"
)

// StateBadge is a case state's coloured label. It is written by hand, as
// components.Badge is: the case queue shows one on every row (issue 13).
func StateBadge(p views.Page, s models.CaseState) templ.Component {
	return stateBadge{label: p.Tr(s.Label()), state: s}
}

type stateBadge struct {
	label string
	state models.CaseState
}

func (b stateBadge) Render(_ context.Context, w io.Writer) error {
	_, err := io.WriteString(w, `<span class="badge `+stateKind(b.state)+`" data-testid="case-state" data-state="`+
		templ.EscapeString(string(b.state))+`">`+templ.EscapeString(b.label)+`</span>`)
	return err
}
