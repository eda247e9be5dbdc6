// Billing accounts of a console: list, add, edit.

package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers/forms"
	"partnerconsole/views/settings"
)

// BillingAccounts lists the console's billing accounts.
func (h *H) BillingAccounts(c echo.Context) error {
	accounts, err := h.Store.ListBillingAccounts(ctx(c), mustActor(c))
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, settings.BillingAccounts(h.page(c, "Billing accounts"), accounts))
}

// NewBillingAccount shows the form, in the console's default currency.
func (h *H) NewBillingAccount(c echo.Context) error {
	var f forms.BillingAccountForm
	if con, err := h.Store.MyConsole(ctx(c), mustActor(c)); err == nil {
		f.Currency = con.DefaultCurrency
	}
	return Render(c, http.StatusOK, settings.BillingForm(h.page(c, "Add a billing account"), f, 0))
}

// CreateBillingAccount saves a new billing account.
func (h *H) CreateBillingAccount(c echo.Context) error { return h.saveBilling(c, 0) }

// EditBillingAccount shows a billing account's form.
func (h *H) EditBillingAccount(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	b, err := h.Store.GetBillingAccount(ctx(c), mustActor(c), id)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, settings.BillingForm(h.page(c, "Edit billing account"), forms.BillingAccountFormOf(b), id))
}

// UpdateBillingAccount saves a billing account.
func (h *H) UpdateBillingAccount(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	// A foreign or unknown id is a 404 whatever the form holds.
	if _, err := h.Store.GetBillingAccount(ctx(c), mustActor(c), id); err != nil {
		return err
	}
	return h.saveBilling(c, id)
}

func (h *H) saveBilling(c echo.Context, id int64) error {
	var f forms.BillingAccountForm
	if err := bind(c, &f); err != nil {
		return err
	}
	title := "Add a billing account"
	if id != 0 {
		title = "Edit billing account"
	}
	_, err := h.Store.SaveBillingAccount(ctx(c), mustActor(c), id, f.Input())
	if status, fe, ok := formFailure(err); ok {
		f.SetErrors(fe)
		return Render(c, status, settings.BillingForm(h.page(c, title), f, id))
	}
	if err != nil {
		return err
	}
	return h.redirect(c, "/console/billing-accounts", "Billing account saved.")
}
