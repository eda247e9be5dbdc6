package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"partnerconsole/views/home"
)

// Home sends a visitor to their portal, or to sign-in.
func (h *H) Home(c echo.Context) error {
	if a := Actor(c); a != nil {
		return c.Redirect(http.StatusSeeOther, a.Role.Portal())
	}
	return c.Redirect(http.StatusSeeOther, "/sign-in")
}

// ConsoleHome is the partner console's start page.
func (h *H) ConsoleHome(c echo.Context) error {
	a := mustActor(c)
	con, err := h.Store.MyConsole(ctx(c), a)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, home.Console(h.page(c, "Home"), con))
}

// CustomerDashboard is the customer admin's start page: their organisation
// and its subscriptions.
func (h *H) CustomerDashboard(c echo.Context) error {
	a := mustActor(c)
	cust, err := h.Store.GetCustomer(ctx(c), a, a.OrgID)
	if err != nil {
		return err
	}
	subs, err := h.Store.CustomerSubscriptions(ctx(c), a, a.OrgID)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, home.Customer(h.page(c, "Dashboard"), cust, subs))
}

// DeskHome is the support desk's start page.
func (h *H) DeskHome(c echo.Context) error {
	return Render(c, http.StatusOK, home.Desk(h.page(c, "Home")))
}
