package handlers

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"partnerconsole/i18n"
	"partnerconsole/models"
	"partnerconsole/models/money"
	"partnerconsole/views/billing"
)

func invoicesBase(a models.Actor) string { return a.Role.Portal() + "/invoices" }

// invoiceFilter reads the list's filters; a bad value means "any".
func invoiceFilter(c echo.Context) models.InvoiceFilter {
	f := models.InvoiceFilter{State: models.InvoiceState(c.QueryParam("state")), Period: strings.TrimSpace(c.QueryParam("period")),
		BillingAccountID: queryID(c, "account")}
	if !f.State.Valid() {
		f.State = ""
	}
	if _, ok := f.PeriodStart(); !ok {
		f.Period = ""
	}
	return f
}

// Invoices lists the invoices the actor may see (console, direct
// customer, desk).
func (h *H) Invoices(c echo.Context) error {
	a := mustActor(c)
	f := invoiceFilter(c)
	page, l, err := pagedList(c, invoicesBase(a), func(cursor string) (models.Page[models.InvoiceRow], error) {
		return h.Store.Invoices(ctx(c), a, f, cursor)
	})
	if err != nil {
		return err
	}
	accounts, err := h.Store.InvoiceAccounts(ctx(c), a)
	if err != nil {
		return err
	}
	v := billing.ListView{Filter: f, Page: page, Base: l.Base, OnFirst: l.OnFirst, CSVURL: l.CSVURL, FirstURL: l.FirstURL, NextURL: l.NextURL,
		Accounts: accounts, ShowOwner: a.IsDesk()}
	m := money.MonthStart(h.Store.Now())
	for i := 1; i <= 24; i++ {
		v.Periods = append(v.Periods, m.AddDate(0, -i, 0))
	}
	return Render(c, http.StatusOK, billing.List(h.page(c, "Invoices"), v))
}

// InvoicesCSV exports the invoices of the current filter.
func (h *H) InvoicesCSV(c echo.Context) error {
	a := mustActor(c)
	f := invoiceFilter(c)
	if err := h.Store.CanListInvoices(a); err != nil {
		return err
	}
	header := []string{"number", "billing_account", "billed_to", "period_start", "period_end", "currency", "subtotal_minor", "credits_minor",
		"tax_minor", "total_minor", "paid_minor", "balance_minor", "state", "issued_on", "due_on"}
	return h.exportCSV(c, "invoices", header, func(write func(...string) error) error {
		return h.Store.ExportInvoices(ctx(c), a, f, func(r models.InvoiceRow) error {
			return write(r.Number, csvSafe(r.AccountName), csvSafe(billing.Owner(r)), r.PeriodStart.Format(time.DateOnly),
				r.PeriodEnd.AddDate(0, 0, -1).Format(time.DateOnly), r.Currency, fmt.Sprint(r.SubtotalMinor), fmt.Sprint(r.CreditsMinor),
				fmt.Sprint(r.TaxMinor), fmt.Sprint(r.TotalMinor), fmt.Sprint(r.PaidMinor), fmt.Sprint(r.BalanceMinor()), string(r.State),
				r.IssuedOn.Format(time.DateOnly), r.DueOn.Format(time.DateOnly))
		})
	})
}

// Invoice shows one invoice; another tenant's id is not found.
func (h *H) Invoice(c echo.Context) error {
	a := mustActor(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := h.Store.Invoice(ctx(c), a, id)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, billing.Detail(h.page(c, "Invoice"), billing.DetailView{Invoice: v, Base: invoicesBase(a)}))
}

// InvoicePDF downloads one invoice as a PDF.
func (h *H) InvoicePDF(c echo.Context) error {
	a := mustActor(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := h.Store.Invoice(ctx(c), a, id)
	if err != nil {
		return err
	}
	t := Translator(c)
	if t == nil || t.Locale == "ja" {
		t = i18n.English() // the PDF's core fonts have no Japanese glyphs
	}
	var buf bytes.Buffer
	if err := billing.PDF(&buf, t, v, v.CreatedAt); err != nil {
		return fmt.Errorf("invoice %d pdf: %w", id, err)
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.pdf"`, v.Number))
	return c.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}
