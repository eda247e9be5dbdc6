package store_test

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

// billingAccount gives a console a billing account in its currency.
func billingAccount(t *testing.T, f *storetest.Fixture, label string) models.BillingAccount {
	t.Helper()
	cur := map[string]string{"A": "EUR", "B": "JPY"}[label]
	b, err := f.Store.SaveBillingAccount(bg, f.Actor(label+":super_admin"), 0, models.BillingAccountInput{Name: label + " " + cur, Currency: cur, LegalEntity: "Entity " + label})
	if err != nil {
		t.Fatalf("billing account: %v", err)
	}
	return b
}

func productID(t *testing.T, f *storetest.Fixture, sku string) int64 {
	t.Helper()
	var id int64
	if err := f.Gorm.Table("products").Select("id").Where("sku = ?", sku).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("product %s: %v", sku, err)
	}
	return id
}

// sentOffer makes console A send CustomerA an offer of 10 Workspace licences.
func sentOffer(t *testing.T, f *storetest.Fixture, ba models.BillingAccount) models.Offer {
	t.Helper()
	o, err := f.Store.CreateOffer(bg, f.Actor("A:sales_agent"), models.OfferInput{CustomerID: f.CustomerA.ID, ProductID: productID(t, f, "GWS-BS"),
		Quantity: "10", Plan: models.PlanFlexible, UnitPrice: "7.50", BillingAccountID: ba.ID}, "", true)
	if err != nil {
		t.Fatalf("create offer: %v", err)
	}
	return o
}

func TestConcurrentAcceptExactlyOneWins(t *testing.T) {
	f := storetest.Seed(t)
	o := sentOffer(t, f, billingAccount(t, f, "A"))
	if o.State != models.OfferSent || o.ListPriceMinor == nil || *o.ListPriceMinor <= 0 {
		t.Fatalf("offer: %+v", o)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = f.Store.AcceptOffer(bg, f.Actor("custA:customer_admin"), o.ID, true)
		}(i)
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
			continue
		}
		if models.ErrorCode(err) != models.CodeConflict || !strings.Contains(err.Error(), "already accepted") {
			t.Errorf("loser: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d winners", wins)
	}
	if got := countRows(t, f.Gorm, "subscriptions", "customer_id = ? AND product_id = ?", f.CustomerA.ID, productID(t, f, "GWS-BS")); got != 1 {
		t.Errorf("%d subscriptions", got)
	}
	got, err := f.Store.GetOffer(bg, f.Actor("A:sales_agent"), o.ID)
	if err != nil || got.State != models.OfferAccepted || got.SubscriptionID == nil {
		t.Fatalf("offer after accept: %+v %v", got, err)
	}
	var sub models.Subscription
	f.Gorm.Take(&sub, *got.SubscriptionID)
	if sub.Channel != models.SubOnline || sub.RenewalOption != models.RenewAuto || sub.ConsoleID == nil || *sub.ConsoleID != f.ConsoleA.ID {
		t.Errorf("subscription: %+v", sub)
	}
	// R-OFF-5: no terms accepted yet → suspended until the admin accepts them.
	if sub.Status != models.SubSuspended || len(sub.SuspensionReasons) != 1 || sub.SuspensionReasons[0] != string(models.SuspendPendingTOS) {
		t.Errorf("not suspended for terms: %+v", sub)
	}
	if countRows(t, f.Gorm, "audit_events", "action = 'offer.state_changed' AND record_id = ?", o.ID) == 0 {
		t.Error("no audit of the acceptance")
	}
	if countRows(t, f.Gorm, "notifications", "kind = ?", models.NoticeOfferAccepted) == 0 {
		t.Error("no notice to the reseller")
	}
	lifted, err := f.Store.AcceptTerms(bg, f.Actor("custA:customer_admin"))
	if err != nil || lifted != 1 {
		t.Fatalf("accept terms: %d %v", lifted, err)
	}
	f.Gorm.Take(&sub, sub.ID)
	if sub.Status != models.SubActive || len(sub.SuspensionReasons) != 0 {
		t.Errorf("terms accepted, still suspended: %+v", sub)
	}
	_, err = f.Store.AcceptTerms(bg, f.Actor("custA:customer_viewer"))
	wantCode(t, "viewer accepts terms", err, models.CodeForbidden)
}

func TestCraftedAcceptOfExpiredOrWithdrawnOffer(t *testing.T) {
	f := storetest.Seed(t)
	ba := billingAccount(t, f, "A")
	admin := f.Actor("custA:customer_admin")
	w := sentOffer(t, f, ba)
	if err := f.Store.WithdrawOffer(bg, f.Actor("A:admin_agent"), w.ID); err != nil {
		t.Fatal(err)
	}
	_, err := f.Store.AcceptOffer(bg, admin, w.ID, true)
	wantCode(t, "accept withdrawn", err, models.CodeConflict)
	e := sentOffer(t, f, ba)
	f.Clock.Advance(31 * 24 * time.Hour)
	_, err = f.Store.AcceptOffer(bg, admin, e.ID, true)
	wantCode(t, "accept past expiry", err, models.CodeConflict)
	if n, err := f.Store.ExpireOffers(bg); err != nil || n != 1 {
		t.Fatalf("expire: %d %v", n, err)
	}
	_, err = f.Store.AcceptOffer(bg, admin, e.ID, true)
	wantCode(t, "accept expired", err, models.CodeConflict)
	err = f.Store.DeclineOffer(bg, admin, e.ID, "late")
	wantCode(t, "decline expired", err, models.CodeConflict)
	if countRows(t, f.Gorm, "subscriptions", "customer_id = ?", f.CustomerA.ID) != 0 {
		t.Error("a subscription was made")
	}
	// Bad input is refused on its field.
	_, err = f.Store.CreateOffer(bg, f.Actor("A:sales_agent"), models.OfferInput{CustomerID: f.CustomerA.ID, ProductID: productID(t, f, "GWS-BS"),
		Quantity: "301", Plan: models.PlanFlexible, UnitPrice: "-1", BillingAccountID: ba.ID, ExpiresOn: "2020-01-01"}, "", true)
	for _, field := range []string{"quantity", "unit_price", "expires_on"} {
		wantField(t, "bad offer", err, field)
	}
}

func TestOfferReminderOnce(t *testing.T) {
	f := storetest.Seed(t)
	o := sentOffer(t, f, billingAccount(t, f, "A"))
	if n, _ := f.Store.RemindOffers(bg); n != 0 {
		t.Fatalf("reminded %d offers 30 days early", n)
	}
	f.Clock.Advance(27 * 24 * time.Hour)
	if n, err := f.Store.RemindOffers(bg); err != nil || n != 1 {
		t.Fatalf("remind: %d %v", n, err)
	}
	if n, _ := f.Store.RemindOffers(bg); n != 0 {
		t.Errorf("reminded twice")
	}
	if countRows(t, f.Gorm, "notifications", "kind = ? AND link = ?", models.NoticeOfferExpiring, "/admin/offers/"+itoa(o.ID)) == 0 {
		t.Error("no reminder notice")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestOfferTenantIsolation(t *testing.T) {
	f := storetest.Seed(t)
	ba := billingAccount(t, f, "A")
	o := sentOffer(t, f, ba)
	draft, err := f.Store.CreateOffer(bg, f.Actor("A:super_admin"), models.OfferInput{CustomerID: f.CustomerA.ID, ProductID: productID(t, f, "CEU"),
		Quantity: "5", Plan: models.PlanFlexible, UnitPrice: "6", BillingAccountID: ba.ID}, "", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"B:super_admin", "B:sales_agent", "custB:customer_admin"} {
		_, err := f.Store.GetOffer(bg, f.Actor(key), o.ID)
		if !isNotFound(err) {
			t.Errorf("%s reads A's offer: %v", key, err)
		}
	}
	if !isNotFound(f.Store.WithdrawOffer(bg, f.Actor("B:super_admin"), o.ID)) {
		t.Error("B withdraws A's offer")
	}
	if _, err := f.Store.AcceptOffer(bg, f.Actor("custB:customer_admin"), o.ID, true); !isNotFound(err) {
		t.Errorf("customer B accepts A's offer: %v", err)
	}
	if _, err := f.Store.GetOffer(bg, f.Actor("custA:customer_admin"), draft.ID); !isNotFound(err) {
		t.Errorf("customer reads a draft: %v", err)
	}
	_, err = f.Store.GetOffer(bg, f.Actor("custA:customer_viewer"), o.ID)
	wantCode(t, "viewer reads offer", err, models.CodeForbidden)
	page, err := f.Store.ListOffers(bg, f.Actor("B:super_admin"), models.OfferFilter{}, "")
	if err != nil || len(page.Items) != 0 {
		t.Errorf("B lists %d offers: %v", len(page.Items), err)
	}
	page, err = f.Store.ListOffers(bg, f.Actor("custA:customer_admin"), models.OfferFilter{}, "")
	if err != nil || len(page.Items) != 1 {
		t.Errorf("customer A lists %d offers: %v", len(page.Items), err)
	}
	// An offer for another console's customer needs its transfer token.
	_, err = f.Store.CreateOffer(bg, f.Actor("A:sales_agent"), models.OfferInput{CustomerID: f.CustomerB.ID, ProductID: productID(t, f, "GWS-BS"),
		Quantity: "1", Plan: models.PlanFlexible, UnitPrice: "1", BillingAccountID: ba.ID}, "", true)
	wantField(t, "offer to B's customer", err, "customer_id")
	// Tokens.
	_, tok, err := f.Store.CreateTransferToken(bg, f.Actor("custA:customer_admin"), f.ConsoleB.PublicResellerID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Store.RevokeTransferToken(bg, f.Actor("custB:customer_admin"), tok.ID); !isNotFound(err) {
		t.Errorf("customer B revokes A's token: %v", err)
	}
	rows, _ := f.Store.ListTransferTokens(bg, f.Actor("custB:customer_admin"))
	if len(rows) != 0 {
		t.Errorf("customer B sees %d tokens", len(rows))
	}
	_, _, err = f.Store.CreateTransferToken(bg, f.Actor("custA:customer_billing"), f.ConsoleB.PublicResellerID)
	wantCode(t, "billing creates a token", err, models.CodeForbidden)
}

func TestTransferTokenFailuresNameTheirReason(t *testing.T) {
	f := storetest.Seed(t)
	ba := billingAccount(t, f, "A")
	custB := f.Actor("custB:customer_admin")
	secret, tok, err := f.Store.CreateTransferToken(bg, custB, strings.ToLower(f.ConsoleA.PublicResellerID))
	if err != nil {
		t.Fatal(err)
	}
	if countRows(t, f.Gorm, "transfer_tokens", "token_hash = ?", []byte(secret)) != 0 || !tok.ExpiresAt.Equal(f.Clock.Now().Add(14*24*time.Hour)) {
		t.Error("token stored in clear, or wrong lifetime")
	}
	_, _, err = f.Store.CreateTransferToken(bg, custB, "ZZZZ-ZZZZ")
	wantField(t, "unknown reseller id", err, "reseller_id")
	offer := func(key, domain, token string) error {
		in := models.OfferInput{Domain: domain, Token: token, ProductID: productID(t, f, "GWS-BS"), Quantity: "5",
			Plan: models.PlanFlexible, UnitPrice: "7"}
		label := key[:1]
		b := ba
		if label == "B" {
			b = billingAccount(t, f, "B")
		}
		in.BillingAccountID = b.ID
		_, err := f.Store.CreateOffer(bg, f.Actor(key), in, "", true)
		return err
	}
	want := func(what string, err error, words string) {
		t.Helper()
		fe, ok := models.AsValidation(err)
		if !ok || !strings.Contains(fe["token"], words) {
			t.Errorf("%s: %v, want token message with %q", what, err, words)
		}
	}
	want("wrong", offer("A:sales_agent", "customer-b.example", "AAAA-BBBB"), "not right")
	want("other console", offer("B:sales_agent", "customer-b.example", secret), "another reseller")
	want("wrong domain", offer("A:sales_agent", "customer-a.example", secret), "another domain")
	if n := countRows(t, f.Gorm, "offers", ""); n != 0 {
		t.Fatalf("%d offers made by failed attempts", n)
	}
	// Revoked, then regenerated: the old one says revoked, the new one works.
	secret2, _, err := f.Store.RegenerateTransferToken(bg, custB, tok.ID)
	if err != nil {
		t.Fatal(err)
	}
	want("revoked", offer("A:sales_agent", "customer-b.example", secret), "revoked")
	// Expired after 14 days.
	f.Clock.Advance(14 * 24 * time.Hour)
	want("expired", offer("A:sales_agent", "customer-b.example", secret2), "expired")
	// Throttled after 10 failures in 15 minutes, whatever the token.
	// The failures before the clock moved are out of the window: one left.
	for i := 0; i < 9; i++ {
		_ = offer("A:sales_agent", "customer-b.example", "WRONG")
	}
	err = offer("A:sales_agent", "customer-b.example", "WRONG")
	wantCode(t, "throttled", err, models.CodeTooMany)
	if countRows(t, f.Gorm, "offers", "") != 0 || countRows(t, f.Gorm, "transfer_tokens", "used_at IS NOT NULL") != 0 {
		t.Error("a failed attempt changed something")
	}
}

func TestTransferTokenSingleUseUnderConcurrency(t *testing.T) {
	f := storetest.Seed(t)
	ba := billingAccount(t, f, "A")
	secret, _, err := f.Store.CreateTransferToken(bg, f.Actor("custB:customer_admin"), f.ConsoleA.PublicResellerID)
	if err != nil {
		t.Fatal(err)
	}
	gws := productID(t, f, "GWS-BS")
	// Customer B already has Workspace with console B: the transfer moves it.
	cb := f.ConsoleB.ID
	addSubscription(t, f, f.CustomerB.ID, &cb)
	const n = 6
	var wg sync.WaitGroup
	offers := make([]models.Offer, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			offers[i], errs[i] = f.Store.CreateOffer(bg, f.Actor("A:sales_agent"), models.OfferInput{Domain: "customer-b.example", Token: secret,
				ProductID: gws, Quantity: "12", Plan: models.PlanFlexible, UnitPrice: "7", BillingAccountID: ba.ID}, "", true)
		}(i)
	}
	wg.Wait()
	var won models.Offer
	wins := 0
	for i, err := range errs {
		if err == nil {
			wins++
			won = offers[i]
		} else {
			wantField(t, "second offer on one token", err, "token")
		}
	}
	if wins != 1 {
		t.Fatalf("%d offers on one token", wins)
	}
	if _, err := f.Store.AcceptOffer(bg, f.Actor("custB:customer_admin"), won.ID, true); err != nil {
		t.Fatalf("accept: %v", err)
	}
	var cust models.Customer
	f.Gorm.Take(&cust, f.CustomerB.ID)
	if cust.ConsoleID == nil || *cust.ConsoleID != f.ConsoleA.ID {
		t.Errorf("customer did not move to A: %+v", cust.ConsoleID)
	}
	if countRows(t, f.Gorm, "subscriptions", "customer_id = ? AND console_id = ?", f.CustomerB.ID, f.ConsoleA.ID) != 1 ||
		countRows(t, f.Gorm, "subscriptions", "customer_id = ? AND quantity = 12 AND channel = 'online'", f.CustomerB.ID) != 1 {
		t.Error("subscription not moved with the offer's quantity")
	}
	if countRows(t, f.Gorm, "notifications", "kind = ?", models.NoticeTokenUsed) == 0 {
		t.Error("customer not told its token was used")
	}
	err = func() error {
		_, err := f.Store.CreateOffer(bg, f.Actor("A:sales_agent"), models.OfferInput{Domain: "customer-b.example", Token: secret,
			ProductID: gws, Quantity: "1", Plan: models.PlanFlexible, UnitPrice: "7", BillingAccountID: ba.ID}, "", true)
		return err
	}()
	fe, _ := models.AsValidation(err)
	if !strings.Contains(fe["token"], "already used") {
		t.Errorf("reuse: %v", err)
	}
}

func TestRenewalsJob(t *testing.T) {
	f := storetest.Seed(t)
	ca := f.ConsoleA.ID
	online := addSubscription(t, f, f.CustomerA.ID, &ca)
	cancelled := addSubscription(t, f, f.CustomerA.ID, &ca)
	f.Gorm.Model(&cancelled).Update("renewal_option", models.CancelAtEnd)
	f.Clock.Advance(366 * 24 * time.Hour)
	rep, err := f.Store.ApplyRenewals(bg)
	if err != nil || rep.Renewed != 1 || rep.Ended != 1 {
		t.Fatalf("renewals: %+v %v", rep, err)
	}
	var s1, s2 models.Subscription
	f.Gorm.Take(&s1, online.ID)
	f.Gorm.Take(&s2, cancelled.ID)
	if !s1.EndDate.After(online.EndDate) || s1.Status != models.SubActive {
		t.Errorf("online: %+v", s1)
	}
	if s2.Status != models.SubSuspended {
		t.Errorf("cancelled: %+v", s2)
	}
	if rep, _ := f.Store.ApplyRenewals(bg); rep.Renewed+rep.Ended != 0 {
		t.Errorf("second run changed %+v", rep)
	}
}

var _ = errors.New
var _ = store.ErrTokenThrottled
