// Package billing renders invoices on the three portals: the list with
// its filters and CSV export, the invoice page and its PDF.
package billing

import (
	"fmt"
	"time"

	"partnerconsole/models"
	"partnerconsole/views"
	"partnerconsole/views/components"
)

// ListView is what an invoices list shows.
type ListView struct {
	Filter   models.InvoiceFilter
	Page     models.Page[models.InvoiceRow]
	Base     string
	NextURL  string
	FirstURL string
	CSVURL   string
	OnFirst  bool
	Accounts []models.BillingTerms
	Periods  []time.Time // the months offered by the period filter, newest first
	// ShowOwner adds the console or customer billed (the desk's list).
	ShowOwner bool
}

// DetailView is one invoice's page.
type DetailView struct {
	Invoice models.InvoiceView
	Base    string
}

// StateLabel is an invoice state's English label (a message key).
func StateLabel(s models.InvoiceState) string {
	switch s {
	case models.InvoiceOpen:
		return "Open"
	case models.InvoicePaid:
		return "Paid"
	case models.InvoiceVoid:
		return "Void"
	}
	return string(s)
}

func stateKind(s models.InvoiceState) string {
	switch s {
	case models.InvoicePaid:
		return "ok"
	case models.InvoiceVoid:
		return "err"
	}
	return "info"
}

// PeriodLabel is an invoice's period as its first and last days.
func PeriodLabel(p views.Page, start, end time.Time) string {
	return p.Tr("{{.From}} to {{.To}}", "From", p.T.Date(start), "To", p.T.Date(end.AddDate(0, 0, -1)))
}

// Owner is who a billing account belongs to: the console, or the direct
// customer.
func Owner(r models.InvoiceRow) string {
	if r.ConsoleName != "" {
		return r.ConsoleName
	}
	return r.CustomerName
}

func filterBar(p views.Page, v ListView) components.FilterBarSpec {
	states := make([]components.Option, 0, len(models.InvoiceStates()))
	for _, s := range models.InvoiceStates() {
		states = append(states, components.Option{Value: string(s), Label: p.Tr(StateLabel(s))})
	}
	periods := make([]components.Option, 0, len(v.Periods))
	for _, m := range v.Periods {
		periods = append(periods, components.Option{Value: m.Format("2006-01"), Label: m.Format("2006-01")})
	}
	accounts := make([]components.Option, 0, len(v.Accounts))
	for _, a := range v.Accounts {
		accounts = append(accounts, components.Option{Value: fmt.Sprint(a.BillingAccountID), Label: a.Name + " (" + a.Currency + ")"})
	}
	account := ""
	if v.Filter.BillingAccountID > 0 {
		account = fmt.Sprint(v.Filter.BillingAccountID)
	}
	return components.FilterBarSpec{
		Action: v.Base,
		Filters: []components.Filter{
			{Name: "state", Label: p.Tr("State"), Value: string(v.Filter.State), All: p.Tr("All states"), Options: states, TestID: "filter-state"},
			{Name: "period", Label: p.Tr("Period"), Value: v.Filter.Period, All: p.Tr("All periods"), Options: periods, TestID: "filter-period"},
			{Name: "account", Label: p.Tr("Billing account"), Value: account, All: p.Tr("All billing accounts"), Options: accounts, TestID: "filter-account"},
		},
		Submit:       p.Tr("Filter"),
		SubmitTestID: "search-submit",
	}
}

func listTable(p views.Page, v ListView) components.TableSpec {
	cols := []components.Column{{Label: p.Tr("Invoice")}, {Label: p.Tr("Billing account")}}
	if v.ShowOwner {
		cols = append(cols, components.Column{Label: p.Tr("Billed to")})
	}
	cols = append(cols,
		components.Column{Label: p.Tr("Period")},
		components.Column{Label: p.Tr("Issued")},
		components.Column{Label: p.Tr("Due")},
		components.Column{Label: p.Tr("Total"), Class: "num"},
		components.Column{Label: p.Tr("Balance due"), Class: "num"},
		components.Column{Label: p.Tr("State")},
	)
	return components.TableSpec{
		TestID:    "invoices",
		Caption:   p.Tr("Invoices"),
		Columns:   cols,
		Rows:      len(v.Page.Items),
		Empty:     components.Empty(p, "No invoices", "Invoices are issued on the 1st of each month for the month before."),
		ExportURL: v.CSVURL,
		Pager:     &components.PagerSpec{Total: v.Page.Total, Many: v.Page.Many, NextURL: v.NextURL, FirstURL: v.FirstURL, OnFirst: v.OnFirst},
	}
}

func linesTable(p views.Page, v DetailView) components.TableSpec {
	return components.TableSpec{
		TestID:  "invoice-lines",
		Caption: p.Tr("Invoice lines"),
		Columns: []components.Column{
			{Label: p.Tr("Description")},
			{Label: p.Tr("Product")},
			{Label: p.Tr("Period")},
			{Label: p.Tr("Quantity"), Class: "num"},
			{Label: p.Tr("Unit price"), Class: "num"},
			{Label: p.Tr("Amount"), Class: "num"},
			{Label: p.Tr("PO number")},
		},
		Rows:  len(v.Invoice.Lines),
		Empty: components.Empty(p, "No lines", "This invoice has no lines."),
	}
}

// CreditSourceLabel is a credit source's English label (a message key).
func CreditSourceLabel(s models.CreditSource) string {
	switch s {
	case models.CreditCancellation:
		return "Cancellation"
	case models.CreditOverPayment:
		return "Over-payment"
	case models.CreditRefundApproved:
		return "Refund approved"
	case models.CreditProration:
		return "Proration"
	}
	return "Manual credit"
}
