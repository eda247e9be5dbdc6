// The platform's terms of service on the customer portal.

package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"partnerconsole/models"
	"partnerconsole/views/offers"
)

// Terms is the customer admin's terms of service page: the version in
// force, in the reader's language, and the version the customer accepted.
func (h *H) Terms(c echo.Context) error { return h.termsPage(c, http.StatusOK, "") }

func (h *H) termsPage(c echo.Context, status int, refusal string) error {
	tr := Translator(c)
	doc, st, err := h.Store.Terms(ctx(c), mustActor(c), tr.Locale)
	if err != nil {
		return err
	}
	v := offers.TermsView{Doc: doc, Standing: st, Error: refusal}
	if st.AcceptedAt != nil {
		v.AcceptedOn = tr.Date(*st.AcceptedAt)
	}
	if doc.ID != 0 {
		v.PublishedOn = tr.Date(doc.PublishedAt)
	}
	return Render(c, status, offers.Terms(h.page(c, "Terms of service"), v))
}

// AcceptTerms records the version of the terms the admin read and lifts
// pending_tos_acceptance (R-OFF-5). A version replaced meanwhile is refused
// on the page, with the current one shown.
func (h *H) AcceptTerms(c echo.Context) error {
	version, _ := strconv.ParseInt(c.FormValue("version_id"), 10, 64)
	if version < 0 {
		version = 0
	}
	if _, err := h.Store.AcceptTerms(ctx(c), mustActor(c), version); err != nil {
		var e *models.Error
		if errors.As(err, &e) && e.Code == models.CodeConflict {
			return h.termsPage(c, http.StatusConflict, e.Message)
		}
		return err
	}
	return h.redirect(c, "/admin/terms", "Terms of service accepted. Suspended subscriptions are active again.")
}
