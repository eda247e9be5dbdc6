// The desk's consoles: list, one console, onboarding a new one.

package handlers

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
	"partnerconsole/views"
	"partnerconsole/views/desk"
)

// DeskConsoles lists every console on the platform.
func (h *H) DeskConsoles(c echo.Context) error {
	a := mustActor(c)
	f := models.ConsoleFilter{Query: strings.TrimSpace(c.QueryParam("q")), Sort: models.CustomerSort(c.QueryParam("sort"))}
	cursor := c.QueryParam("after")
	page, err := h.Store.ListConsoles(ctx(c), a, f, cursor)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	v := desk.ConsolesView{Filter: f, Page: page, OnFirst: cursor == "", FirstURL: withQuery("/desk/consoles", q, "after", "")}
	if page.Next != "" {
		v.NextURL = withQuery("/desk/consoles", q, "after", page.Next)
	}
	return Render(c, http.StatusOK, desk.Consoles(h.page(c, "Consoles"), v))
}

// DeskConsole shows one console with its customers.
func (h *H) DeskConsole(c echo.Context) error {
	a := mustActor(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	con, err := h.Store.GetConsole(ctx(c), a, id)
	if err != nil {
		return err
	}
	custs, err := h.Store.ConsoleCustomers(ctx(c), a, id)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, desk.Console(h.page(c, con.Name), con, custs))
}

// NewConsole shows the onboarding form.
func (h *H) NewConsole(c echo.Context) error {
	f := forms.ConsoleForm{Tier: string(models.TierDirect)}
	return Render(c, http.StatusOK, desk.ConsoleForm(h.page(c, "Onboard a reseller"), f))
}

// CreateConsole onboards a reseller console and its first super admin.
func (h *H) CreateConsole(c echo.Context) error {
	var f forms.ConsoleForm
	if err := bind(c, &f); err != nil {
		return err
	}
	con, _, err := h.Store.OnboardConsole(ctx(c), mustActor(c), f.Input())
	if status, fe, ok := formFailure(err); ok {
		f.SetErrors(fe)
		return Render(c, status, desk.ConsoleForm(h.page(c, "Onboard a reseller"), f))
	}
	if err != nil {
		return err
	}
	h.Sessions.Flash(c, views.Flash{Kind: "success", Text: Translator(c).T("Console created. Its public reseller id is {{.ID}}.", "ID", con.PublicResellerID)})
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/desk/consoles/%d", con.ID))
}
