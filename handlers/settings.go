package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"partnerconsole/views/settings"
)

// ConsoleSettings shows the console's settings, including its public
// reseller id, and its billing accounts.
func (h *H) ConsoleSettings(c echo.Context) error {
	a := mustActor(c)
	con, err := h.Store.MyConsole(ctx(c), a)
	if err != nil {
		return err
	}
	accounts, err := h.Store.ListBillingAccounts(ctx(c), a)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, settings.Console(h.page(c, "Settings"), con, accounts))
}
