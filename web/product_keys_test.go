package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"partnerconsole/models"
	"partnerconsole/web/webtest"
)

// Office 365 product keys over HTTP (issue 11, R-PK-1): the Redeem wizard
// with a message on each key, the desk's import with line numbers, the
// invitation's set-password page (public, CSRF, once, expiring).

func generateKeys(t *testing.T, s *webtest.Server, consoleID int64, n int) []string {
	t.Helper()
	var pid int64
	s.Gorm.Raw("SELECT id FROM products WHERE sku = 'O365-E3'").Scan(&pid)
	keys, err := s.Store.GenerateKeyCards(t.Context(), s.Actor("desk:operator_admin"), consoleID,
		models.KeyCardBatch{ProductID: pid, TermMonths: "12", Seats: "25", Count: fmt.Sprint(n)})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestRedeemWizardOverHTTP(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	keys := generateKeys(t, s, s.ConsoleA.ID, 2)
	foreign := generateKeys(t, s, s.ConsoleB.ID, 1)
	p := s.SignedIn(t, "A:admin_agent")

	r := p.Get("/console/product-keys/redeem")
	if r.Status != http.StatusOK || !r.TestID("redeem-instructions") {
		t.Fatalf("instructions: %d", r.Status)
	}
	if r := p.Post("/console/product-keys/redeem/start", nil); r.Status != http.StatusUnprocessableEntity || !r.TestID("error-understand") {
		t.Fatalf("start without the tick: %d", r.Status)
	}
	if r := p.Post("/console/product-keys/redeem/start", url.Values{"understand": {"on"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("start: %d", r.Status)
	}
	// Each key gets its own message; the good one is checked and the bad
	// ones stay typed in their fields.
	r = p.Post("/console/product-keys/redeem/keys", url.Values{"key": {strings.ToLower(keys[0]), "12345", foreign[0]}, "action": {"add"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("keys: %d", r.Status)
	}
	if !r.TestID("error-key-0") || !r.TestID("error-key-1") || r.TestID("error-key-2") || !r.Has("25 letters and digits") || !r.Has("another partner") {
		t.Fatalf("the messages are not on each key: %s", r.Body)
	}
	if strings.Count(r.Body, `data-testid="checked-key"`) != 1 || strings.Count(r.Body, `data-testid="key-input"`) != 3 || strings.Contains(r.Body, keys[0]) {
		t.Fatal("the checked key is not in the list (or is shown in full), or the fields are not the bad keys plus a new one")
	}
	if r := p.Post("/console/product-keys/redeem/keys", url.Values{"key": {keys[1]}, "action": {"next"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("next: %d", r.Status)
	}
	r = p.Get("/console/product-keys/redeem")
	if !r.TestID("review") || !r.Has("Does everything look right?") || !strings.Contains(r.Body, ">50<") {
		t.Fatalf("review: %s", r.Body)
	}
	if r := p.Post("/console/product-keys/redeem/review", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("done adding keys: %d", r.Status)
	}
	r = p.Get("/console/product-keys/redeem")
	if !r.TestID("account-form") || !r.Has("Office 365 is not offered there") {
		t.Fatal("step 2 is not shown")
	}
	r = p.Post("/console/product-keys/redeem/account", url.Values{"country": {"KP"}, "org_name": {"Contoso Ltd"}, "admin_name": {"Ada"}, "admin_email": {"ada@contoso.example"}})
	if r.Status != http.StatusUnprocessableEntity || !r.Has("Office 365 is not offered in this country or region.") || !r.Has(`value="Contoso Ltd"`) {
		t.Fatalf("a country without Office 365: %d", r.Status)
	}
	r = p.Post("/console/product-keys/redeem/account", url.Values{"country": {"GB"}, "org_name": {"Contoso Ltd"}, "admin_name": {"Ada"}, "admin_email": {"ada@contoso.example"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/console/customers/") {
		t.Fatalf("create my account: %d %s", r.Status, r.Header.Get("Location"))
	}
	// The customer page lists the administrator's invitation, not accepted
	// yet; a new one at once is refused (10 minutes), later it is sent.
	custPage := r.Header.Get("Location")
	r = p.Get(custPage)
	m := regexp.MustCompile(`action="(/console/customers/\d+/invitations/\d+/resend)"`).FindStringSubmatch(r.Body)
	if !r.TestID("invitation-row") || m == nil {
		t.Fatal("the customer page does not list the invitation not accepted yet")
	}
	if r := p.Post(m[1], nil); r.Status != http.StatusConflict || !strings.Contains(r.Body, "less than 10 minutes ago") {
		t.Fatalf("an immediate second invitation: %d", r.Status)
	}
	s.Clock.Advance(models.InvitationResendWait)
	if r := p.Post(m[1], nil); r.Status != http.StatusSeeOther {
		t.Fatalf("a new invitation after 10 minutes: %d", r.Status)
	}
	// The key cards list shows them used, by their last five only.
	r = p.Get("/console/product-keys?state=used")
	if strings.Count(r.Body, `data-testid="key-card-row"`) != 2 || strings.Contains(r.Body, keys[0]) {
		t.Fatal("the used keys are not listed by their last five")
	}
	// A sales agent may not redeem (R-ROLE-4).
	if r := s.SignedIn(t, "A:sales_agent").Get("/console/product-keys/redeem"); r.Status != http.StatusForbidden {
		t.Fatalf("sales agent: %d", r.Status)
	}
}

func TestDeskImportsKeyCards(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	d := s.SignedIn(t, "desk:operator_admin")
	base := fmt.Sprintf("/desk/consoles/%d/product-keys", s.ConsoleA.ID)
	r := d.Post(base+"/import", url.Values{"csv": {"key,sku,term_months,seats\nAAAAA-BBBBB-CCCCC-DDDDD-EEEEE,O365-E3,12,25\nAAAAA-BBBBB,O365-E3,12,25\n"}})
	if r.Status != http.StatusUnprocessableEntity || !r.Has("Line 3: ") || strings.Count(r.Body, `data-testid="import-error"`) != 1 {
		t.Fatalf("bad line: %d", r.Status)
	}
	r = d.Post(base+"/import", url.Values{"csv": {"AAAAA-BBBBB-CCCCC-DDDDD-EEEEE,O365-E3,12,25\n"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("import: %d", r.Status)
	}
	r = d.Get(base)
	if strings.Count(r.Body, `data-testid="key-card-row"`) != 1 || !r.Has("EEEEE") || r.Has("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE") {
		t.Fatal("the imported key is not listed by its last five")
	}
	r = d.Post(base+"/generate", url.Values{"product": {"0"}, "term_months": {"12"}, "seats": {"5"}, "count": {"2"}})
	if r.Status != http.StatusUnprocessableEntity || !r.TestID("error-product") {
		t.Fatalf("generate without a product: %d", r.Status)
	}
	var pid int64
	s.Gorm.Raw("SELECT id FROM products WHERE sku = 'M365-BSD'").Scan(&pid)
	r = d.Post(base+"/generate", url.Values{"product": {fmt.Sprint(pid)}, "term_months": {"12"}, "seats": {"5"}, "count": {"2"}})
	if r.Status != http.StatusOK || strings.Count(r.Body, `data-testid="generated-key"`) != 2 || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("generate: %d", r.Status)
	}
}

func TestInvitationSetsThePasswordOnce(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	keys := generateKeys(t, s, s.ConsoleA.ID, 1)
	a := s.Actor("A:super_admin")
	ctx := t.Context()
	if err := s.Store.StartRedemption(ctx, a, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Store.AddKeys(ctx, a, keys); err != nil {
		t.Fatal(err)
	}
	for _, step := range []models.DraftStep{models.StepReview, models.StepAccount} {
		if err := s.Store.MoveRedemption(ctx, a, step); err != nil {
			t.Fatal(err)
		}
	}
	red, err := s.Store.CreateRedeemedAccount(ctx, a, models.AccountInput{Country: "FR", OrgName: "Contoso Ltd", AdminName: "Ada Admin", AdminEmail: "ada@contoso.example"})
	if err != nil {
		t.Fatal(err)
	}
	var link string
	s.Gorm.Raw("SELECT link FROM outbox WHERE to_email = 'ada@contoso.example'").Scan(&link)
	if link != "/invitations/"+red.InvitationToken {
		t.Fatalf("the invitation email links to %q", link)
	}

	c := s.Client(t)
	if r := c.Get("/invitations/unknown-token"); r.Status != http.StatusNotFound {
		t.Fatalf("unknown link: %d", r.Status)
	}
	r := c.Get(link)
	if r.Status != http.StatusOK || !r.Has("Contoso Ltd") || !r.Has("ada@contoso.example") {
		t.Fatalf("invitation page: %d", r.Status)
	}
	if r := c.PostRaw(link, url.Values{"password": {"contoso-admin-1"}, "confirm": {"contoso-admin-1"}}); r.Status != http.StatusForbidden {
		t.Fatalf("a post without the CSRF token: %d", r.Status)
	}
	if r := c.Post(link, url.Values{"password": {"short"}, "confirm": {"short"}}); r.Status != http.StatusUnprocessableEntity || !r.TestID("error-password") {
		t.Fatalf("short password: %d", r.Status)
	}
	if r := c.Post(link, url.Values{"password": {"contoso-admin-1"}, "confirm": {"contoso-admin-1"}}); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/sign-in" {
		t.Fatalf("set password: %d %s", r.Status, r.Header.Get("Location"))
	}
	if r := c.Get(link); r.Status != http.StatusGone || !r.TestID("invitation-dead") || !r.Has("already used") {
		t.Fatalf("used link: %d", r.Status)
	}
	admin := s.Client(t)
	if r := admin.SignIn("ada@contoso.example", "contoso-admin-1"); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/admin" {
		t.Fatalf("sign in: %d %s", r.Status, r.Header.Get("Location"))
	}
}

func TestRenewWithKeyOverHTTP(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	keys := generateKeys(t, s, s.ConsoleA.ID, 2)
	var id int64
	if err := s.Gorm.Raw(`INSERT INTO subscriptions (customer_id, console_id, product_id, quantity, plan, channel, status,
	start_date, end_date, renewal_option, created_at, updated_at)
SELECT ?, ?, id, 25, 'annual_prepaid', 'online', 'active', '2026-01-01', '2026-12-31', 'renew_manually', now(), now()
FROM products WHERE sku = 'O365-E3' RETURNING id`, s.CustomerA.ID, s.ConsoleA.ID).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	p := s.SignedIn(t, "A:admin_agent")
	page := fmt.Sprintf("/console/subscriptions/%d", id)
	if r := p.Get(page); !r.TestID("renew-with-key-link") {
		t.Fatal("the subscription page has no Renew with a product key")
	}
	if r := s.SignedIn(t, "A:sales_agent").Get(page); r.TestID("renew-with-key-link") {
		t.Fatal("a sales agent is offered Renew with a product key")
	}
	r := p.Post(page+"/renew-with-key", url.Values{"key": {"ABCDE"}})
	if r.Status != http.StatusUnprocessableEntity || !r.TestID("error-key") {
		t.Fatalf("bad key: %d", r.Status)
	}
	r = p.Post(page+"/renew-with-key", url.Values{"key": {keys[0]}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != page {
		t.Fatalf("renew: %d %s", r.Status, r.Header.Get("Location"))
	}
	var end string
	s.Gorm.Raw("SELECT end_date::text FROM subscriptions WHERE id = ?", id).Scan(&end)
	if end != "2027-12-31" {
		t.Fatalf("end date %s, want 2027-12-31", end)
	}
	if r := p.Get(page); !r.Has("subscription.renewed_by_key") {
		t.Fatal("the renewal is not in the subscription's history")
	}
}
