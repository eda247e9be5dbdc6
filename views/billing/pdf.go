package billing

import (
	"fmt"
	"io"
	"time"

	"github.com/go-pdf/fpdf"

	"partnerconsole/i18n"
	"partnerconsole/models"
	"partnerconsole/models/money"
)

// PDF writes the invoice as an A4 PDF (github.com/go-pdf/fpdf, core
// Helvetica in Windows-1252). Labels are translated with t; the core fonts
// have no Japanese glyphs, so a Japanese reader gets the English labels
// (en is passed in by the handler). Amounts are plain decimals with the
// currency code, dates ISO 8601: an invoice reads the same everywhere.
// created stamps the file (the store's clock) so the same invoice gives
// the same bytes.
func PDF(w io.Writer, t *i18n.Translator, v models.InvoiceView, created time.Time) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetTitle(v.Number, true)
	pdf.SetAuthor("Partner Console", true)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	T := func(msg string, args ...any) string { return tr(t.T(msg, args...)) }
	date := func(d time.Time) string { return d.Format(time.DateOnly) }
	amount := func(minor int64) string { return money.Format(minor, v.Currency) }
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 18)
	pdf.CellFormat(0, 10, T("Invoice {{.Number}}", "Number", v.Number), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	pdf.CellFormat(0, 6, T("State")+": "+T(StateLabel(v.State)), "", 1, "L", false, 0, "")
	pdf.Ln(3)
	facts := [][2]string{
		{T("Billed to"), tr(v.LegalEntity)},
		{T("Billing account"), tr(v.AccountName)},
		{T("Organisation"), tr(Owner(v.InvoiceRow))},
		{T("Period"), tr(date(v.PeriodStart) + " - " + date(v.PeriodEnd.AddDate(0, 0, -1)))},
		{T("Issued"), date(v.IssuedOn)},
		{T("Due"), date(v.DueOn)},
	}
	for _, f := range facts {
		pdf.SetFont("Helvetica", "B", 10)
		pdf.CellFormat(40, 6, f[0], "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 10)
		pdf.CellFormat(0, 6, f[1], "", 1, "L", false, 0, "")
	}
	pdf.Ln(4)
	widths := []float64{52, 20, 38, 14, 24, 24, 18}
	heads := []string{T("Description"), T("Product"), T("Period"), T("Quantity"), T("Unit price"), T("Amount"), T("PO number")}
	aligns := []string{"L", "L", "L", "R", "R", "R", "L"}
	pdf.SetFont("Helvetica", "B", 8)
	pdf.SetFillColor(235, 235, 235)
	for i, h := range heads {
		pdf.CellFormat(widths[i], 7, h, "B", 0, aligns[i], true, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 8)
	for _, l := range v.Lines {
		cells := []string{T(l.Description), tr(l.ProductName), date(l.PeriodStart) + " - " + date(l.PeriodEnd.AddDate(0, 0, -1)),
			fmt.Sprint(l.Quantity), amount(l.UnitPriceMinor), amount(l.AmountMinor), tr(l.PONumber)}
		for i, c := range cells {
			pdf.CellFormat(widths[i], 6, fit(pdf, c, widths[i]-1), "B", 0, aligns[i], false, 0, "")
		}
		pdf.Ln(-1)
	}
	pdf.Ln(4)
	total := func(label, value string, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, 10)
		pdf.CellFormat(150, 6, label, "", 0, "R", false, 0, "")
		pdf.CellFormat(40, 6, value, "", 1, "R", false, 0, "")
	}
	total(T("Subtotal"), amount(v.SubtotalMinor), false)
	for _, c := range v.Credits {
		total(T("Credit: {{.Source}}", "Source", t.T(CreditSourceLabel(c.Source))), "-"+amount(c.AmountMinor), false)
	}
	total(T("Tax"), amount(v.TaxMinor), false)
	total(T("Total"), amount(v.TotalMinor), true)
	total(T("Paid"), amount(v.PaidMinor), false)
	total(T("Balance due"), amount(v.BalanceMinor()), true)
	return pdf.Output(w)
}

// fit shortens s (Windows-1252) with an ellipsis until it fits width mm in the current font.
func fit(pdf *fpdf.Fpdf, s string, width float64) string {
	if pdf.GetStringWidth(s) <= width {
		return s
	}
	// s is already in Windows-1252: one byte per character.
	for len(s) > 1 && pdf.GetStringWidth(s+"...") > width {
		s = s[:len(s)-1]
	}
	return s + "..."
}
