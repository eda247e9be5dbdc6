package web_test

import (
	"bytes"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"partnerconsole/i18n"
	"partnerconsole/models/store/storetest"
	"partnerconsole/web"
	"partnerconsole/web/webtest"
)

// lockedBuffer is a log sink safe for concurrent requests.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// payServer serves the fixture with every log line kept, and a direct
// billing account of customer A (EUR) owing 120.00 on an invoice due today.
func payServer(t *testing.T) (*webtest.Server, *lockedBuffer, int64) {
	t.Helper()
	f := storetest.Seed(t)
	logs := &lockedBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := web.NewServer(webtest.Config(), web.Deps{Store: f.Store, I18n: i18n.MustLoad(), Log: log})
	hs := httptest.NewServer(e)
	t.Cleanup(hs.Close)
	s := &webtest.Server{Fixture: f, Echo: e, URL: hs.URL, HTTP: hs}
	now := f.Clock.Now()
	var acc int64
	if err := f.Gorm.Raw(`INSERT INTO billing_accounts (customer_id, name, currency, legal_entity, created_at, updated_at)
VALUES (?, 'Customer A direct', 'EUR', 'Customer A SAS', ?, ?) RETURNING id`, f.CustomerA.ID, now, now).Scan(&acc).Error; err != nil {
		t.Fatal(err)
	}
	if err := f.Gorm.Exec(`INSERT INTO invoices (number, billing_account_id, period_start, period_end, currency, subtotal_minor, total_minor,
  state, issued_on, due_on, created_at, updated_at)
VALUES ('INV-W-1', ?, '2026-02-01', '2026-03-01', 'EUR', 12000, 12000, 'open', ?, ?, ?, ?)`, acc, now.AddDate(0, 0, -30), now, now, now).Error; err != nil {
		t.Fatal(err)
	}
	return s, logs, acc
}

func payCount(t *testing.T, s *webtest.Server, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.Gorm.Raw(q, args...).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

var keyField = regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`)

func formKey(t *testing.T, r webtest.Response) string {
	t.Helper()
	m := keyField.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no idempotency key in the form (status %d)", r.Status)
	}
	return m[1]
}

func fieldError(r webtest.Response, field string) string {
	re := regexp.MustCompile(`data-testid="error-` + regexp.QuoteMeta(field) + `">([^<]*)<`)
	m := re.FindStringSubmatch(r.Body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// Bad input on every payment form: 422 (409 for a refused removal), the
// message on the field, the card number never echoed, nothing saved.
func TestPaymentFormsBadInput(t *testing.T) {
	t.Parallel()
	s, _, acc := payServer(t)
	admin := s.SignedIn(t, "custA:customer_admin")
	payer := s.SignedIn(t, "custA:customer_billing")

	r := admin.Post("/admin/billing/payment-methods", url.Values{"card_number": {"4242 4242 4242 4241"}, "exp_month": {"13"}, "exp_year": {"2030"}, "card_name": {""}})
	if r.Status != http.StatusUnprocessableEntity || fieldError(r, "card_number") == "" || fieldError(r, "exp_month") == "" || fieldError(r, "card_name") == "" {
		t.Fatalf("add card: %d %q %q %q", r.Status, fieldError(r, "card_number"), fieldError(r, "exp_month"), fieldError(r, "card_name"))
	}
	if r.Has("4242 4242 4242 4241") || r.Has("4242424242424241") {
		t.Fatal("the typed card number is echoed back")
	}
	r = admin.Post("/admin/billing/payment-methods", url.Values{"card_number": {"4111 1111 1111 1111"}, "exp_month": {"12"}, "exp_year": {"2030"}, "card_name": {"Ann"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(fieldError(r, "card_number"), "not a test card") {
		t.Fatalf("not a test card: %d %q", r.Status, fieldError(r, "card_number"))
	}
	if n := payCount(t, s, "SELECT count(*) FROM payment_methods"); n != 0 {
		t.Fatalf("%d cards saved from bad input", n)
	}
	r = admin.Post("/admin/billing/payment-methods", url.Values{"card_number": {"4242 4242 4242 4242"}, "exp_month": {"12"}, "exp_year": {"2030"}, "card_name": {"Ann"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add card: %d", r.Status)
	}
	var pm int64
	s.Gorm.Raw("SELECT id FROM payment_methods").Scan(&pm)
	r = admin.Post(fmt.Sprintf("/admin/billing/payment-methods/%d/expiry", pm), url.Values{"exp_month": {"0"}, "exp_year": {"2031"}})
	if r.Status != http.StatusUnprocessableEntity || payCount(t, s, "SELECT count(*) FROM payment_methods WHERE exp_month = 12 AND exp_year = 2030") != 1 {
		t.Fatalf("bad expiry: %d", r.Status)
	}
	r = admin.Post(fmt.Sprintf("/admin/billing/payment-methods/%d/remove", pm), nil)
	if r.Status != http.StatusConflict || !r.Has("last payment method") || payCount(t, s, "SELECT count(*) FROM payment_methods WHERE removed_at IS NULL") != 1 {
		t.Fatalf("remove the last card with a balance: %d", r.Status)
	}

	page := payer.Get("/admin/billing")
	r = payer.Post("/admin/billing/pay", url.Values{"payment_method_id": {fmt.Sprint(pm)}, "amount": {"5"}, "idempotency_key": {formKey(t, page)}})
	if r.Status != http.StatusUnprocessableEntity || fieldError(r, "amount") != "The minimum payment is €10.00." {
		t.Fatalf("minimum: %d %q", r.Status, fieldError(r, "amount"))
	}
	r = payer.Post("/admin/billing/pay", url.Values{"payment_method_id": {"new"}, "new_card_number": {"4000 0000 0000 9995"}, "new_exp_month": {"1"},
		"new_exp_year": {"2031"}, "new_card_name": {"Ann"}, "amount": {"120"}, "idempotency_key": {formKey(t, r)}})
	if r.Status != http.StatusUnprocessableEntity || fieldError(r, "new_card_number") != "Your card has insufficient funds." {
		t.Fatalf("declined: %d %q", r.Status, fieldError(r, "new_card_number"))
	}
	r = payer.Post("/admin/billing/pay", url.Values{"payment_method_id": {fmt.Sprint(pm)}, "amount": {"abc"}, "idempotency_key": {formKey(t, r)}})
	if r.Status != http.StatusUnprocessableEntity || fieldError(r, "amount") == "" {
		t.Fatalf("amount: %d", r.Status)
	}
	r = payer.Post("/admin/billing/pay", url.Values{"payment_method_id": {fmt.Sprint(pm)}, "amount": {"120"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("no key: %d", r.Status)
	}
	if n := payCount(t, s, "SELECT count(*) FROM payments") + payCount(t, s, "SELECT count(*) FROM payment_methods WHERE last4 = '9995'"); n != 0 {
		t.Fatalf("bad payments saved %d rows", n)
	}

	desk := s.SignedIn(t, "desk:operator_admin")
	page = desk.Get(fmt.Sprintf("/desk/billing-accounts/%d/credits", acc))
	r = desk.Post(fmt.Sprintf("/desk/billing-accounts/%d/credits", acc), url.Values{"amount": {"-3"}, "reason": {"x"}, "idempotency_key": {formKey(t, page)}})
	if r.Status != http.StatusUnprocessableEntity || fieldError(r, "amount") == "" || fieldError(r, "reason") == "" || payCount(t, s, "SELECT count(*) FROM credits") != 0 {
		t.Fatalf("credit: %d %q %q", r.Status, fieldError(r, "amount"), fieldError(r, "reason"))
	}
	r = desk.Post(fmt.Sprintf("/desk/billing-accounts/%d/credits", acc), url.Values{"amount": {"15"}, "reason": {"Goodwill after the outage"}, "idempotency_key": {formKey(t, r)}})
	if r.Status != http.StatusSeeOther || payCount(t, s, "SELECT count(*) FROM credits WHERE source = 'manual' AND amount_minor = 1500") != 1 {
		t.Fatalf("credit: %d", r.Status)
	}
	// Issuing a credit is a step-up action: a code older than 10 minutes
	// asks for a fresh one and issues nothing meanwhile.
	s.Clock.Advance(11 * time.Minute)
	page = desk.Get(fmt.Sprintf("/desk/billing-accounts/%d/credits", acc))
	r = desk.Post(fmt.Sprintf("/desk/billing-accounts/%d/credits", acc), url.Values{"amount": {"20"}, "reason": {"Second goodwill gesture"}, "idempotency_key": {formKey(t, page)}})
	if r.Status != http.StatusOK || !r.TestID("step-up") || payCount(t, s, "SELECT count(*) FROM credits") != 1 {
		t.Fatalf("credit without a fresh code: %d", r.Status)
	}
}

// One submission is one payment: a double click, a retried POST and
// parallel posts of one form take one payment; the card number reaches
// no log line; the page says when an over-payment became a credit.
func TestPayTheBalanceOnce(t *testing.T) {
	t.Parallel()
	s, logs, _ := payServer(t)
	payer := s.SignedIn(t, "custA:customer_billing")
	page := payer.Get("/admin/billing")
	if page.Status != http.StatusOK || !page.TestID("pay-form") {
		t.Fatalf("page %d", page.Status)
	}
	form := url.Values{"payment_method_id": {"new"}, "new_card_number": {"4242 4242 4242 4242"}, "new_exp_month": {"12"}, "new_exp_year": {"2031"},
		"new_card_name": {"Bea Billing"}, "amount": {"150.00"}, "idempotency_key": {formKey(t, page)}, "_csrf": {payer.CSRF}}
	first := payer.PostRaw("/admin/billing/pay", form)
	second := payer.PostRaw("/admin/billing/pay", form) // a double click
	if first.Status != http.StatusSeeOther || second.Status != http.StatusSeeOther {
		t.Fatalf("posts %d %d", first.Status, second.Status)
	}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := payer.PostRaw("/admin/billing/pay", form); r.Status != http.StatusSeeOther {
				t.Errorf("parallel post %d", r.Status)
			}
		}()
	}
	wg.Wait()
	if n := payCount(t, s, "SELECT count(*) FROM payments"); n != 1 {
		t.Fatalf("%d payments for one form", n)
	}
	if n := payCount(t, s, "SELECT count(*) FROM payment_methods"); n != 1 {
		t.Fatalf("%d cards for one form", n)
	}
	after := payer.Get("/admin/billing")
	if !after.Has("Payment of €150.00 received.") || !after.Has("€30.00 more than was due is credited to your next invoice.") {
		t.Fatalf("flash missing: %s", after.Body)
	}
	if !after.TestID("card-4242") {
		t.Fatal("new card not listed")
	}
	for _, n := range []string{"4242 4242 4242 4242", "4242424242424242"} {
		if strings.Contains(logs.String(), n) {
			t.Fatal("the card number reached the logs")
		}
	}
	if logs.String() == "" {
		t.Fatal("no log lines captured: the check above proves nothing")
	}
	// A customer its reseller bills has nothing to pay here.
	other := s.SignedIn(t, "custB:customer_billing").Get("/admin/billing")
	if other.Status != http.StatusOK || !other.Has("Nothing to pay here") || other.TestID("pay-form") {
		t.Fatalf("resold customer: %d", other.Status)
	}
}

// The console's super_admin adds a card to one of its billing accounts and
// pays its balance; another console's super_admin sees neither.
func TestConsolePaysItsBillingAccount(t *testing.T) {
	t.Parallel()
	s, _, _ := payServer(t)
	now := s.Clock.Now()
	var acc int64
	if err := s.Gorm.Raw(`INSERT INTO billing_accounts (console_id, name, currency, legal_entity, created_at, updated_at)
VALUES (?, 'Console A JPY', 'JPY', 'Console A KK', ?, ?) RETURNING id`, s.ConsoleA.ID, now, now).Scan(&acc).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.Gorm.Exec(`INSERT INTO invoices (number, billing_account_id, period_start, period_end, currency, subtotal_minor, total_minor,
  state, issued_on, due_on, created_at, updated_at)
VALUES ('INV-W-JPY', ?, '2026-02-01', '2026-03-01', 'JPY', 54000, 54000, 'open', ?, ?, ?, ?)`, acc, now, now.AddDate(0, 0, 30), now, now).Error; err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/console/billing-accounts/%d", acc)
	other := s.SignedIn(t, "B:super_admin")
	if r := other.Get(base + "/payment-methods"); r.Status != http.StatusNotFound {
		t.Fatalf("another console: %d", r.Status)
	}
	c := s.SignedIn(t, "A:super_admin")
	if r := c.Get("/console/billing-accounts"); !r.Has(base + "/payment-methods") {
		t.Fatal("no link from the billing accounts")
	}
	r := c.Post(base+"/payment-methods", url.Values{"card_number": {"5555 5555 5555 4444"}, "exp_month": {"3"}, "exp_year": {"2032"}, "card_name": {"Console A"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add card: %d %s", r.Status, fieldError(r, "card_number"))
	}
	page := c.Get(base + "/payment-methods")
	if !page.TestID("card-4444") || !page.Has("￥54,000") && !page.Has("¥54,000") {
		t.Fatalf("page: %s", page.Body)
	}
	var pm int64
	s.Gorm.Raw("SELECT id FROM payment_methods WHERE billing_account_id = ?", acc).Scan(&pm)
	r = c.Post(base+"/pay", url.Values{"payment_method_id": {fmt.Sprint(pm)}, "amount": {"1,000"}, "idempotency_key": {formKey(t, page)}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(fieldError(r, "amount"), "1,500") {
		t.Fatalf("JPY minimum: %d %q", r.Status, fieldError(r, "amount"))
	}
	r = c.Post(base+"/pay", url.Values{"payment_method_id": {fmt.Sprint(pm)}, "amount": {"54000"}, "idempotency_key": {formKey(t, r)}})
	if r.Status != http.StatusSeeOther || payCount(t, s, "SELECT count(*) FROM invoices WHERE number = 'INV-W-JPY' AND state = 'paid'") != 1 {
		t.Fatalf("pay: %d", r.Status)
	}
	if r := other.Post(base+"/pay", url.Values{"payment_method_id": {fmt.Sprint(pm)}, "amount": {"54000"}, "idempotency_key": {"0123456789abcdef0123"}}); r.Status != http.StatusNotFound {
		t.Fatalf("another console pays: %d", r.Status)
	}
}
