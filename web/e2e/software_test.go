package e2e

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"partnerconsole/models"
	"partnerconsole/models/store"
)

// On-premises software (issue 10, "Browser"), on one server and one
// browser: an admin agent buys Office LTSC for a customer, reveals its key
// in the dialog, copies a download link that a fresh, signed-out browser
// session downloads (attachment, ranges); a helpdesk agent sees no key; a
// cancellation within 7 days credits the account; after 7 days Cancel
// files the refund case, the desk approves a lower amount with a note, the
// key is revoked and the credit shows on the next invoice.
func TestSoftwareJourney(t *testing.T) {
	e := start(t)
	ctx := t.Context()
	ba, err := e.Store.SaveBillingAccount(ctx, e.Actor("A:super_admin"), 0, models.BillingAccountInput{Name: "Software E2E", Currency: "EUR", LegalEntity: "Entity A"})
	if err != nil {
		t.Fatal(err)
	}
	item := func(sku string) (int64, int64) {
		var ids struct{ P, V int64 }
		e.Gorm.Raw(`SELECT p.id AS p, v.id AS v FROM software_products p JOIN software_versions v ON v.product_id = p.id AND v.rank = 0
WHERE p.sku = ?`, sku).Scan(&ids)
		return ids.P, ids.V
	}
	// Windows Server, bought the same day through the store: the line the
	// admin agent cancels within the 7 days.
	wp, wv := item("SW-WINSRV-STD")
	win, err := e.Store.PlaceSoftwareOrder(ctx, e.Actor("A:admin_agent"), e.CustomerA.ID, store.PlaceOrderInput{BillingAccountID: ba.ID,
		Lines: []models.OrderLineInput{{ProductID: wp, VersionID: wv, Quantity: "1"}}, Confirm: true, Key: "e2e-sw-win"})
	if err != nil {
		t.Fatal(err)
	}
	lineOf := func(orderID int64) int64 {
		var id int64
		e.Gorm.Raw("SELECT id FROM software_order_lines WHERE order_id = ?", orderID).Scan(&id)
		return id
	}
	winLine := lineOf(win.Order.ID)
	base := fmt.Sprintf("/console/customers/%d/software", e.CustomerA.ID)

	// The admin agent buys Office LTSC: Add products, review, place.
	admin := e.signedIn("A:admin_agent")
	admin.open(base)
	admin.contains("kms-info", "180 days")
	admin.submit("add-products")
	admin.atPath(base + "/new")
	op, ov := item("SW-OFFICE-LTSC")
	admin.choose("billing-account", strconv.FormatInt(ba.ID, 10))
	admin.fill("#f-po_number", "PO-E2E-SW")
	admin.choose(`[data-testid="order-line-0"] select[name="item"]`, fmt.Sprintf("%d:%d", op, ov))
	admin.fill(`[data-testid="order-line-0"] input[name="quantity"]`, "2")
	admin.submit("review-order")
	admin.contains("order-total", "€837.00")
	admin.submit("place-order")
	admin.atPath(base)
	admin.contains("flash", "placed")
	var office models.SoftwareOrder
	e.Gorm.Where("po_number = 'PO-E2E-SW'").Take(&office)
	officeLine := lineOf(office.ID)
	row := fmt.Sprintf(`[data-testid="software-line-%d"]`, officeLine)
	admin.contains(row[len(`[data-testid="`):len(row)-2], "Office LTSC")

	// Get key: the key in a dialog with a copy button and the warning.
	admin.submit(row + ` [data-testid="get-key"]`)
	admin.waitVisible(`dialog[open] [data-testid="product-key"]`)
	key := strings.TrimSpace(admin.text(`dialog[open] [data-testid="product-key"]`))
	if !models.ValidProductKey(models.KeyFormat5x5, key) {
		t.Fatalf("the dialog shows %q, not a product key", key)
	}
	admin.contains(`dialog[open]`, "Keys are valuable")
	if !admin.shown(`dialog[open] [data-testid="copy-key"]`) {
		t.Fatal("no copy button in the key dialog")
	}
	admin.accessible()
	admin.shot("key-dialog")
	admin.click(`dialog[open] [data-testid="close-key"]`)
	admin.waitGone(`dialog[open]`)

	// Copy link, then a fresh browser session (the customer) downloads it.
	admin.choose(row+` select[name="language"]`, "fr")
	admin.choose(row+` select[name="bitness"]`, "32")
	admin.submit(row + ` [data-testid="copy-link-button"]`)
	link := admin.value("download-link")
	if !strings.Contains(link, "/software/download/") {
		t.Fatalf("copied link %q", link)
	}
	// The link carries the console's public address (BASE_URL); the test
	// server listens elsewhere, so the fresh session follows its path.
	link = link[strings.Index(link, "/software/download/"):]
	customer := e.session("customer")
	customer.open("/sign-in")
	got := value(customer, "download the bits", chromedp.Evaluate[string](`Promise.all([
  fetch(`+jsString(link)+`).then(r => r.arrayBuffer().then(b => r.status + '|' + r.headers.get('content-disposition') + '|' + b.byteLength)),
  fetch(`+jsString(link)+`, {headers: {Range: 'bytes=0-99'}}).then(r => r.arrayBuffer().then(b => r.status + '|' + b.byteLength))
]).then(a => a.join(' '))`, chromedp.EvalAwaitPromise))
	if !strings.HasPrefix(got, `200|attachment; filename="sw-office-ltsc-2024-fr-x32.iso"|65536 206|100`) {
		t.Fatalf("download through the copied link: %q", got)
	}

	// A helpdesk agent sees the software but no key.
	helpdesk := e.signedIn("A:helpdesk_agent")
	helpdesk.open(base)
	helpdesk.waitVisible(row)
	if helpdesk.exists("get-key") || helpdesk.exists("copy-link-button") {
		t.Fatal("a helpdesk agent is offered keys")
	}

	// Cancel within 7 days: the credit shown before confirming is issued.
	winRow := fmt.Sprintf(`[data-testid="software-line-%d"]`, winLine)
	if st := admin.navigate(base); st != http.StatusOK {
		t.Fatalf("software page: %d", st)
	}
	admin.confirm(winRow + ` [data-testid="cancel-line"]`)
	admin.contains("flash", "€1,023.00")
	admin.contains(winRow, "Key revoked")
	var cancelled int64
	e.Gorm.Table("credits").Select("coalesce(sum(amount_minor), 0)").Where("billing_account_id = ? AND source = 'cancellation'", ba.ID).Scan(&cancelled)
	if cancelled != 102300 {
		t.Fatalf("cancellation credit = %d", cancelled)
	}

	// After the 7 days, Cancel files the refund case.
	e.Clock.Advance(models.CancelWindow + time.Hour)
	admin = e.signedIn("A:admin_agent")
	admin.open(base)
	admin.contains(row, "Cancellation closed")
	admin.submit(row + ` [data-testid="cancel-refund"]`)
	admin.waitVisible("case-form")
	if v := admin.value("#f-cf_order_line"); v != strconv.FormatInt(officeLine, 10) {
		t.Fatalf("the refund form names line %q", v)
	}
	admin.fill("#f-title", "Refund Office LTSC bought by mistake")
	admin.fill("#f-description", "The customer already has Office LTSC through volume licensing.")
	admin.fill("#f-cf_customer_name", "Customer A")
	admin.fill("#f-cf_tenant_or_domain", "customer-a.example")
	admin.fill("#f-cf_refund_reason", "Bought twice.")
	admin.fill("#f-cf_amount_requested", "837.00")
	admin.fill("#f-contact_email", "admin@a.example")
	admin.fill("#f-contact_phone", "+33 1 23 45 67 89")
	admin.submit("file-case")
	admin.contains("flash", "Case filed.")
	caseID := strings.TrimPrefix(admin.path(), "/console/cases/")

	// The desk approves a lower amount, with a note.
	desk := e.signedIn("desk:support_engineer")
	desk.open("/desk/cases/" + caseID)
	desk.fill("#f-refund_amount", "500.00")
	desk.fill("#f-refund_note", "Two months of use are not refunded.")
	desk.submit("refund-approve")
	desk.contains("flash", "Refund approved")
	desk.contains("case-state", "Resolved")

	// The key is revoked; the partner reads the note; the credit is on the next invoice.
	admin.open(base)
	admin.contains(row, "Key revoked")
	if admin.exists(row + ` [data-testid="get-key"]`) {
		t.Fatal("a refunded key is still offered")
	}
	admin.open("/console/cases/" + caseID)
	admin.contains("thread", "Two months of use are not refunded.")
	now := e.Clock.Now()
	if _, err := e.Store.CloseMonth(ctx, time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	var inv models.Invoice
	if err := e.Gorm.Where("billing_account_id = ?", ba.ID).Take(&inv).Error; err != nil {
		t.Fatal(err)
	}
	super := e.signedIn("A:super_admin")
	super.open(fmt.Sprintf("/console/invoices/%d", inv.ID))
	page := super.pageText()
	if !strings.Contains(page, "Refund approved on case #"+caseID) || !strings.Contains(page, "€500.00") {
		t.Fatalf("the invoice shows no refund credit of €500.00:\n%s", page)
	}
}
