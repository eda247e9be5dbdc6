package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"partnerconsole/models"
)

// A partner redeems two Office 365 product keys (seed 003, R-PK-1): reads
// the instructions and ticks "I understand", types a key, adds another
// (a mistyped one gets its own message), reviews "Does everything look
// right?", is done adding keys, and creates Contoso Ltd and its
// administrator. The administrator follows the invitation link from the
// email, sets a password and signs in; the partner (its console enrolled in
// cloud essentials by the desk) sends Contoso a delegated-admin offer, the
// administrator accepts it in the portal, and the partner then adds a user
// in Contoso's Users tab and finds Contoso marked "Delegated admin" in the
// customers list (issue 11, R-PK-1 and R-PK-2).
func TestRedeemProductKeysJourney(t *testing.T) {
	e := start(t)
	var e3 int64
	e.Gorm.Raw("SELECT id FROM products WHERE sku = 'O365-E3'").Scan(&e3)
	keys, err := e.Store.GenerateKeyCards(context.Background(), e.Actor("desk:operator_admin"), e.ConsoleA.ID,
		models.KeyCardBatch{ProductID: e3, TermMonths: "12", Seats: "25", Count: "2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store.SetCloudEssentials(context.Background(), e.Actor("desk:operator_admin"), e.ConsoleA.ID, true); err != nil {
		t.Fatal(err)
	}

	p := e.signedIn("A:admin_agent")
	p.submit("nav-product-keys")
	p.atPath("/console/product-keys")
	if n := p.count("key-card-row"); n != 2 {
		t.Fatalf("the console lists %d key cards, want 2", n)
	}
	p.submit("redeem-keys")
	p.atPath("/console/product-keys/redeem")
	p.waitVisible("redeem-instructions")
	p.accessible()

	// Start without the tick: it is asked for.
	p.submit("redeem-start")
	p.waitVisible("error-understand")
	p.check("#f-understand", true)
	p.submit("redeem-start")

	// The first key, typed in lower case without dashes, then "Add another".
	p.fill("key-input", strings.ToLower(strings.ReplaceAll(keys[0], "-", "")))
	p.submit("add-another-key")
	if n := p.count("checked-key"); n != 1 {
		t.Fatalf("%d checked keys after the first, want 1", n)
	}
	// A mistyped second key gets its message on that key.
	p.fill("key-input", keys[1][:20])
	p.submit("keys-next")
	p.contains("error-key-0", "25 letters and digits")
	p.shot("redeem-bad-key")
	p.accessible()
	p.fill("key-input", keys[1])
	p.submit("keys-next")

	// Does everything look right?
	p.waitVisible("review")
	if n := p.count("checked-key"); n != 2 {
		t.Fatalf("the review shows %d keys, want 2", n)
	}
	p.contains("review-seats", "50")
	p.contains("review-product", "Office 365 E3")
	if strings.Contains(p.pageText(), keys[0]) {
		t.Fatal("the review shows a key in full")
	}
	p.accessible()
	p.submit("done-adding-keys")

	// Step 2: the customer's account.
	p.waitVisible("account-form")
	p.choose("#f-country", "GB")
	p.fill("#f-org_name", "Contoso Ltd")
	p.fill("#f-admin_name", "Ada Admin")
	p.fill("#f-admin_email", "ada@contoso.example")
	p.accessible()
	p.submit("create-account")
	if !strings.HasPrefix(p.path(), "/console/customers/") {
		t.Fatalf("after Create my account: at %s, want the customer's page", p.path())
	}
	contoso := p.path()
	p.contains("flash", "Contoso Ltd is set up")
	p.contains("customer-name", "Contoso Ltd")
	p.shot("redeem-done")

	// The administrator's email carries the set-password link.
	var link string
	e.Gorm.Raw("SELECT link FROM outbox WHERE to_email = 'ada@contoso.example' ORDER BY id DESC LIMIT 1").Scan(&link)
	if !strings.HasPrefix(link, "/invitations/") {
		t.Fatalf("no invitation email (link %q)", link)
	}
	a := e.session("customer-admin")
	a.open(link)
	a.contains("invitation-for", "Contoso Ltd")
	a.accessible()
	a.fill("#f-password", "contoso-admin-pass")
	a.fill("#f-confirm", "contoso-admin-pass")
	a.submit("set-password")
	a.atPath("/sign-in")
	a.signIn("ada@contoso.example", "contoso-admin-pass")
	a.atPath("/admin")
	a.contains("who", "Ada Admin")

	// The link works once.
	other := e.session("late")
	if st := other.navigate(link); st != 410 {
		t.Fatalf("a used link answers %d, want 410", st)
	}
	other.contains("invitation-dead", "already used")

	// The partner offers Contoso delegated admin from the customer's page.
	p.waitVisible("dap-panel")
	p.submit("dap-offer-page")
	p.atPath(contoso + "/delegated-admin")
	p.fill("#f-message", "Northwind will manage your users: starters, leavers and roles.")
	if st := p.submit("send-dap-offer"); st != http.StatusOK {
		t.Fatalf("send the offer: status %d", st)
	}
	p.contains("flash", "Delegated-admin offer sent.")
	p.contains("dap-state", "Offered, awaiting the customer's answer")

	// Contoso's administrator, signed in above, accepts it in the portal.
	a.submit("nav-delegated-admin")
	a.atPath("/admin/delegated-admin")
	a.contains("delegated-admin", "Console A")
	if st := a.submit("dap-accept"); st != http.StatusOK {
		t.Fatalf("accept: status %d", st)
	}
	a.contains("flash", "Delegated-admin offer accepted")
	a.contains("dap-state", "Delegated admin")

	// The partner now manages Contoso's users.
	p.open(contoso + "/users")
	p.contains("customer-users-title", "Contoso Ltd")
	p.fill("#f-name", "Noor Newcomer")
	p.fill("#f-email", "noor@contoso.example")
	p.fill("#f-password", "a-long-enough-password-1")
	p.choose("#f-role", "customer_billing")
	if st := p.submit("add-customer-user"); st != http.StatusOK {
		t.Fatalf("add a user: status %d", st)
	}
	p.contains("flash", "Noor Newcomer was added to the customer.")
	if names := strings.Join(p.texts("user-name"), "|"); !strings.Contains(names, "Ada Admin") || !strings.Contains(names, "Noor Newcomer") {
		t.Fatalf("Contoso's users are %q, want Ada Admin and Noor Newcomer", names)
	}
	p.shot("contoso-users")

	// Contoso is marked in the console's customers list.
	p.open("/console/customers?q=Contoso")
	if n := p.count("customer-row"); n != 1 {
		t.Fatalf("the customers list shows %d rows for Contoso, want 1", n)
	}
	p.contains("customer-row", "Contoso Ltd")
	p.contains("customer-row", "Delegated admin")
}
