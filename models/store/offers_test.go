package store_test

import (
	"context"
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
	lifted, err := f.Store.AcceptTerms(bg, f.Actor("custA:customer_admin"), 0)
	if err != nil || lifted != 1 {
		t.Fatalf("accept terms: %d %v", lifted, err)
	}
	f.Gorm.Take(&sub, sub.ID)
	if sub.Status != models.SubActive || len(sub.SuspensionReasons) != 0 {
		t.Errorf("terms accepted, still suspended: %+v", sub)
	}
	_, err = f.Store.AcceptTerms(bg, f.Actor("custA:customer_viewer"), 0)
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

// Issue 8 §9: a plain offer (no transfer token, no Meet migration) never
// moves or ends another reseller's subscription of the product; it creates
// the offering console's own.
func TestPlainOfferLeavesAnotherResellersSubscription(t *testing.T) {
	f := storetest.Seed(t)
	ba := billingAccount(t, f, "A")
	cb := f.ConsoleB.ID
	theirs := addSubscription(t, f, f.CustomerA.ID, &cb)
	o, err := f.Store.CreateOffer(bg, f.Actor("A:sales_agent"), models.OfferInput{CustomerID: f.CustomerA.ID, ProductID: theirs.ProductID,
		Quantity: "3", Plan: models.PlanAnnualMonthly, UnitPrice: "7", BillingAccountID: ba.ID}, "", true)
	if err != nil {
		t.Fatal(err)
	}
	// Before accepting, the customer sees what will happen.
	rows, err := f.Store.AcceptPreview(bg, f.Actor("custA:customer_admin"), o.ID)
	if err != nil || len(rows) != 2 || rows[0].Effect != models.PlaceCreated || rows[1].Effect != models.PlaceUntouched ||
		rows[1].Sub.ID != theirs.ID || rows[1].SellerName == "" || rows[0].ProductName == "" {
		t.Fatalf("preview: %+v %v", rows, err)
	}
	if _, err := f.Store.AcceptPreview(bg, f.Actor("custB:customer_admin"), o.ID); !isNotFound(err) {
		t.Errorf("another customer previews the offer: %v", err)
	}
	if _, err := f.Store.AcceptOffer(bg, f.Actor("custA:customer_admin"), o.ID, true); err != nil {
		t.Fatal(err)
	}
	if rows, err := f.Store.AcceptPreview(bg, f.Actor("custA:customer_admin"), o.ID); err != nil || len(rows) != 0 {
		t.Errorf("preview of an accepted offer: %+v %v", rows, err)
	}
	var after models.Subscription
	f.Gorm.Take(&after, theirs.ID)
	if after.ConsoleID == nil || *after.ConsoleID != cb || after.Status != models.SubActive || after.Quantity != theirs.Quantity ||
		after.RenewalOption != theirs.RenewalOption || !after.UpdatedAt.Equal(theirs.UpdatedAt) {
		t.Errorf("console B's subscription changed: %+v", after)
	}
	got, _ := f.Store.GetOffer(bg, f.Actor("A:sales_agent"), o.ID)
	if got.SubscriptionID == nil || *got.SubscriptionID == theirs.ID {
		t.Fatalf("offer's subscription: %v", got.SubscriptionID)
	}
	var mine models.Subscription
	f.Gorm.Take(&mine, *got.SubscriptionID)
	if mine.ConsoleID == nil || *mine.ConsoleID != f.ConsoleA.ID || mine.Quantity != 3 {
		t.Errorf("new subscription: %+v", mine)
	}
	if n := countRows(t, f.Gorm, "audit_events", "record_type = 'subscription' AND record_id = ?", theirs.ID); n != 0 {
		t.Errorf("%d audit events on console B's subscription", n)
	}
}

// The offer form's picker is bounded: the first OfferPickerSize customers
// by name (id, name, domain), "more" when the console has others, and the
// customer already chosen added even when it is past them.
func TestOfferCustomersPickerIsBounded(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ctx := context.Background()
	a := f.Actor("A:super_admin")
	few, more, err := f.Store.OfferCustomers(ctx, a, 0)
	if err != nil || more || len(few) == 0 || len(few) > store.OfferPickerSize {
		t.Fatalf("small console: %d customers, more %v, %v", len(few), more, err)
	}
	if err := f.Store.SeedBulkCustomers(ctx, f.ConsoleA.ID, store.OfferPickerSize+5); err != nil {
		t.Fatal(err)
	}
	cs, more, err := f.Store.OfferCustomers(ctx, a, 0)
	if err != nil || !more || len(cs) != store.OfferPickerSize {
		t.Fatalf("large console: %d customers, more %v, %v", len(cs), more, err)
	}
	if cs[0].Name == "" || cs[0].Domain == "" {
		t.Fatalf("picker row without name or domain: %+v", cs[0])
	}
	var last models.Customer
	if err := f.Gorm.Where("console_id = ?", f.ConsoleA.ID).Order("name_key DESC, id DESC").Take(&last).Error; err != nil {
		t.Fatal(err)
	}
	cs, _, err = f.Store.OfferCustomers(ctx, a, last.ID)
	if err != nil || len(cs) != store.OfferPickerSize+1 || cs[0].ID != last.ID {
		t.Fatalf("selected %d not first of %d rows (%v)", last.ID, len(cs), err)
	}
	// A foreign customer chosen in the URL is not added.
	other := f.Actor("B:super_admin")
	cs, _, err = f.Store.OfferCustomers(ctx, other, last.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.ID == last.ID {
			t.Fatalf("console B's picker shows console A's customer %d", last.ID)
		}
	}
}
