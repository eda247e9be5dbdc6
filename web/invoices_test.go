package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/web/webtest"
)

// A reseller sees its invoice in the list and on its page, and downloads
// its PDF; another console gets 404 for it.
func TestResellerSeesInvoiceAndDownloadsPDF(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	ctx := t.Context()
	ba, err := s.Store.SaveBillingAccount(ctx, s.Actor("A:super_admin"), 0, models.BillingAccountInput{Name: "Invoices A", Currency: "EUR", LegalEntity: "Entity A"})
	if err != nil {
		t.Fatal(err)
	}
	var p models.Product
	s.Gorm.Where("sku = 'GWS-BSD'").Take(&p)
	ca := s.ConsoleA.ID
	now := s.Clock.Now()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	sub := models.Subscription{CustomerID: s.CustomerA.ID, ConsoleID: &ca, ProductID: p.ID, Quantity: 12, Plan: models.PlanFlexible,
		Channel: models.SubOnline, Status: models.SubActive, SuspensionReasons: models.TextArray{}, StartDate: month.AddDate(0, -2, 0),
		EndDate: month.AddDate(1, 0, 0), RenewalOption: models.RenewAuto, BillingAccountID: &ba.ID, PONumber: "PO-7781", CreatedAt: now, UpdatedAt: now}
	if err := s.Gorm.Create(&sub).Error; err != nil {
		t.Fatal(err)
	}
	if n, err := s.Store.CloseMonth(ctx, month); err != nil || n != 1 {
		t.Fatalf("close month: %d %v", n, err)
	}
	var inv models.Invoice
	s.Gorm.Where("billing_account_id = ?", ba.ID).Take(&inv)

	c := s.SignedIn(t, "A:super_admin")
	list := c.Get("/console/invoices")
	if list.Status != http.StatusOK || !strings.Contains(list.Body, inv.Number) || !strings.Contains(list.Body, fmt.Sprintf("invoice-row-%d", inv.ID)) {
		t.Fatalf("list: %d, number %s missing", list.Status, inv.Number)
	}
	page := c.Get(fmt.Sprintf("/console/invoices/%d", inv.ID))
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "PO-7781") || !strings.Contains(page.Body, `data-testid="invoice-pdf"`) {
		t.Fatalf("detail: %d", page.Status)
	}
	pdf := c.Get(fmt.Sprintf("/console/invoices/%d/pdf", inv.ID))
	if pdf.Status != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body, "%PDF") {
		t.Fatalf("pdf: %d %q %q", pdf.Status, pdf.Header.Get("Content-Type"), pdf.Body[:min(len(pdf.Body), 8)])
	}
	if want := `attachment; filename="` + inv.Number + `.pdf"`; pdf.Header.Get("Content-Disposition") != want {
		t.Errorf("disposition %q", pdf.Header.Get("Content-Disposition"))
	}
	csv := c.Get("/console/invoices.csv?state=open")
	if csv.Status != http.StatusOK || !strings.HasPrefix(csv.Body, "number,billing_account,") || !strings.Contains(csv.Body, inv.Number) {
		t.Fatalf("csv: %d %q", csv.Status, csv.Body)
	}
	if r := c.Get("/console/invoices?state=paid"); strings.Contains(r.Body, inv.Number) {
		t.Error("the paid filter shows an open invoice")
	}
	other := s.SignedIn(t, "B:super_admin")
	for _, path := range []string{fmt.Sprintf("/console/invoices/%d", inv.ID), fmt.Sprintf("/console/invoices/%d/pdf", inv.ID)} {
		if r := other.Get(path); r.Status != http.StatusNotFound {
			t.Errorf("another console %s: %d", path, r.Status)
		}
	}
	if r := other.Get("/console/invoices"); strings.Contains(r.Body, inv.Number) {
		t.Error("another console lists the invoice")
	}
}
