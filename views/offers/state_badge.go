package offers

import (
	"context"
	"io"

	"github.com/a-h/templ"

	"partnerconsole/models"
	"partnerconsole/views"
)

// StateBadge is an offer state's coloured label. It is written by hand, as
// components.Badge is: the offers list shows one on every row (issue 13).
func StateBadge(p views.Page, s models.OfferState) templ.Component {
	return stateBadge{label: p.Tr(s.Label()), state: s}
}

type stateBadge struct {
	label string
	state models.OfferState
}

func (b stateBadge) Render(_ context.Context, w io.Writer) error {
	_, err := io.WriteString(w, `<span class="badge `+stateKind(b.state)+`" data-testid="offer-state">`+
		templ.EscapeString(b.label)+`</span>`)
	return err
}
