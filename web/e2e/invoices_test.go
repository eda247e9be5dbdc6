package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"partnerconsole/models"
)

// A reseller sees its invoice (issue 9, "Browser"): console A's super
// admin opens Invoices from the navigation, opens last month's invoice and
// downloads its PDF.
func TestResellerInvoiceAndPDF(t *testing.T) {
	e := start(t)
	ctx := t.Context()
	ba, err := e.Store.SaveBillingAccount(ctx, e.Actor("A:super_admin"), 0, models.BillingAccountInput{Name: "Invoices A", Currency: "EUR", LegalEntity: "Entity A"})
	if err != nil {
		t.Fatal(err)
	}
	var p models.Product
	e.Gorm.Where("sku = 'GWS-BSD'").Take(&p)
	ca := e.ConsoleA.ID
	now := e.Clock.Now()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	sub := models.Subscription{CustomerID: e.CustomerA.ID, ConsoleID: &ca, ProductID: p.ID, Quantity: 12, Plan: models.PlanFlexible,
		Channel: models.SubOnline, Status: models.SubActive, SuspensionReasons: models.TextArray{}, StartDate: month.AddDate(0, -2, 0),
		EndDate: month.AddDate(1, 0, 0), RenewalOption: models.RenewAuto, BillingAccountID: &ba.ID, PONumber: "PO-E2E-9", CreatedAt: now, UpdatedAt: now}
	if err := e.Gorm.Create(&sub).Error; err != nil {
		t.Fatal(err)
	}
	if n, err := e.Store.CloseMonth(ctx, month); err != nil || n != 1 {
		t.Fatalf("close month: %d %v", n, err)
	}
	var inv models.Invoice
	e.Gorm.Where("billing_account_id = ?", ba.ID).Take(&inv)

	s := e.signedIn("A:super_admin")
	s.submit("nav-invoices")
	s.atPath("/console/invoices")
	row := fmt.Sprintf("invoice-row-%d", inv.ID)
	s.contains(row, inv.Number)
	s.contains(row, "Invoices A")
	s.accessible()
	s.fitsWidth(1280)
	s.shot("invoices")
	if st := s.submit(`[data-testid="` + row + `"] a`); st != http.StatusOK {
		t.Fatalf("open the invoice: %d", st)
	}
	s.atPath(fmt.Sprintf("/console/invoices/%d", inv.ID))
	s.contains("invoice-title", inv.Number)
	s.contains("invoice-state", "Open")
	s.contains("invoice-lines", "PO-E2E-9")
	s.accessible()
	s.fitsWidth(1280)
	s.shot("invoice")
	// The PDF link answers a PDF (fetched with the page's session).
	got := value(s, "fetch the PDF", chromedp.Evaluate[string](`fetch(document.querySelector('[data-testid="invoice-pdf"]').href)
  .then(r => r.arrayBuffer().then(b => r.status + '|' + r.headers.get('content-type') + '|' + String.fromCharCode(...new Uint8Array(b).slice(0, 5))))`,
		chromedp.EvalAwaitPromise))
	if !strings.HasPrefix(got, "200|application/pdf|%PDF-") {
		t.Fatalf("PDF: %q", got)
	}
}
