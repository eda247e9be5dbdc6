package store_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

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
