package models

import (
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestTokenLifecycle(t *testing.T) {
	secret := NewTransferToken()
	if len(NormalizeTransferToken(secret)) != 32 {
		t.Fatalf("token %q is not 160 bits of base32", secret)
	}
	if NewTransferToken() == secret {
		t.Fatal("two tokens are equal")
	}
	if string(HashTransferToken(strings.ToLower(secret))) != string(HashTransferToken(" "+secret+" ")) {
		t.Fatal("hash depends on case or spaces")
	}
	tok := TransferToken{ConsoleID: 7, CustomerID: 3, CreatedAt: t0, ExpiresAt: t0.Add(TokenLifetime)}
	cases := []struct {
		name    string
		tok     *TransferToken
		console int64
		cust    int64
		now     time.Time
		want    RedeemOutcome
	}{
		{"active", &tok, 7, 3, t0, RedeemOK},
		{"last second", &tok, 7, 3, t0.Add(TokenLifetime - time.Second), RedeemOK},
		{"expired at 14 days", &tok, 7, 3, t0.Add(TokenLifetime), RedeemExpired},
		{"wrong", nil, 7, 3, t0, RedeemWrong},
		{"other console", &tok, 8, 3, t0, RedeemOtherConsole},
		{"other domain", &tok, 7, 4, t0, RedeemWrongDomain},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := CheckRedeem(c.tok, c.console, c.cust, c.now); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
			if c.want != RedeemOK && CheckRedeem(c.tok, c.console, c.cust, c.now).Err() == nil {
				t.Error("no error")
			}
		})
	}
	used := tok
	if err := used.Consume(9, t0); err != nil {
		t.Fatal(err)
	}
	if got := CheckRedeem(&used, 7, 3, t0); got != RedeemUsed {
		t.Errorf("used: got %s", got)
	}
	if used.Consume(10, t0) == nil || used.Revoke(t0) == nil {
		t.Error("a used token can be consumed or revoked again")
	}
	rev := tok
	if err := rev.Revoke(t0); err != nil {
		t.Fatal(err)
	}
	if got := CheckRedeem(&rev, 7, 3, t0); got != RedeemRevoked {
		t.Errorf("revoked: got %s", got)
	}
	if rev.Revoke(t0) == nil || rev.Consume(1, t0) == nil {
		t.Error("a revoked token can be revoked or consumed")
	}
}

func TestOfferStateMachine(t *testing.T) {
	cust := Actor{UserID: 1, Name: "Cat"}
	sent := func() Offer {
		o := Offer{State: OfferDraft, ExpiresOn: day(2026, 3, 10)}
		if err := o.Send(t0); err != nil {
			t.Fatal(err)
		}
		return o
	}
	for _, c := range []struct {
		from, to OfferState
		ok       bool
	}{
		{OfferDraft, OfferSent, true}, {OfferDraft, OfferWithdrawn, true}, {OfferDraft, OfferAccepted, false},
		{OfferSent, OfferAccepted, true}, {OfferSent, OfferDeclined, true}, {OfferSent, OfferExpired, true},
		{OfferSent, OfferWithdrawn, true}, {OfferSent, OfferDraft, false}, {OfferAccepted, OfferDeclined, false},
		{OfferExpired, OfferAccepted, false}, {OfferWithdrawn, OfferAccepted, false}, {OfferDeclined, OfferSent, false},
	} {
		t.Run(string(c.from)+" to "+string(c.to), func(t *testing.T) {
			if got := c.from.CanMoveTo(c.to); got != c.ok {
				t.Errorf("got %v", got)
			}
		})
	}
	o := sent()
	if err := o.Accept(cust, false, t0); ErrorCode(err) != CodeInvalid {
		t.Errorf("accept without terms: %v", err)
	}
	if err := o.Accept(cust, true, t0); err != nil || o.State != OfferAccepted || o.DecidedAt == nil {
		t.Fatalf("accept: %v %s", err, o.State)
	}
	err := o.Accept(cust, true, t0)
	if ErrorCode(err) != CodeConflict || !strings.Contains(err.Error(), "already accepted") {
		t.Errorf("second accept: %v", err)
	}
	// Valid through the expiry day, expired the day after.
	o = sent()
	if err := o.Accept(cust, true, day(2026, 3, 10).Add(23*time.Hour)); err != nil {
		t.Errorf("accept on the expiry day: %v", err)
	}
	o = sent()
	if err := o.Accept(cust, true, day(2026, 3, 11)); ErrorCode(err) != CodeConflict {
		t.Errorf("accept after expiry: %v", err)
	}
	if err := o.Expire(day(2026, 3, 10)); ErrorCode(err) != CodeConflict {
		t.Errorf("expire early: %v", err)
	}
	if err := o.Expire(day(2026, 3, 11)); err != nil || o.State != OfferExpired {
		t.Errorf("expire: %v", err)
	}
	if err := o.Accept(cust, true, day(2026, 3, 11)); ErrorCode(err) != CodeConflict {
		t.Errorf("accept expired: %v", err)
	}
	o = sent()
	if err := o.Withdraw(t0); err != nil {
		t.Fatal(err)
	}
	if err := o.Accept(cust, true, t0); ErrorCode(err) != CodeConflict || !strings.Contains(err.Error(), "withdrawn") {
		t.Errorf("accept withdrawn: %v", err)
	}
	o = sent()
	if err := o.Decline(cust, "  ", t0); ErrorCode(err) != CodeInvalid {
		t.Errorf("decline without reason: %v", err)
	}
	if err := o.Decline(cust, "Too expensive", t0); err != nil || o.State != OfferDeclined {
		t.Errorf("decline: %v", err)
	}
	draft := Offer{State: OfferDraft, ExpiresOn: day(2026, 3, 1)}
	if err := draft.Send(t0); ErrorCode(err) != CodeInvalid {
		t.Errorf("send with past expiry: %v", err)
	}
	if err := (&Offer{State: OfferDraft, ExpiresOn: day(2026, 3, 10)}).Accept(cust, true, t0); ErrorCode(err) != CodeConflict {
		t.Errorf("accept a draft: %v", err)
	}
}

func TestOfferReminder(t *testing.T) {
	o := Offer{State: OfferSent, ExpiresOn: day(2026, 3, 5)}
	if !o.DueForReminder(t0) {
		t.Error("3 days before expiry: not due")
	}
	o.ExpiresOn = day(2026, 3, 6)
	if o.DueForReminder(t0) {
		t.Error("4 days before expiry: due")
	}
}

func TestOfferInputValidate(t *testing.T) {
	p := &Product{ID: 1, MaxQuantity: 300}
	base := OfferInput{CustomerID: 1, ProductID: 1, Quantity: "10", Plan: PlanFlexible, UnitPrice: "12.50"}
	terms, err := base.Validate(p, "EUR", t0, true)
	if err != nil {
		t.Fatal(err)
	}
	if terms.UnitPrice != 1250 || terms.Quantity != 10 || !terms.ExpiresOn.Equal(day(2026, 4, 1)) {
		t.Errorf("terms: %+v", terms)
	}
	if terms, _ := (OfferInput{CustomerID: 1, Quantity: "1", Plan: PlanFlexible, UnitPrice: "1200"}).Validate(p, "JPY", t0, true); terms.UnitPrice != 1200 {
		t.Errorf("JPY price: %d", terms.UnitPrice)
	}
	for _, c := range []struct {
		name, field string
		edit        func(*OfferInput)
	}{
		{"no licence", "quantity", func(in *OfferInput) { in.Quantity = "0" }},
		{"above the maximum", "quantity", func(in *OfferInput) { in.Quantity = "301" }},
		{"quantity in words", "quantity", func(in *OfferInput) { in.Quantity = "ten" }},
		{"negative price", "unit_price", func(in *OfferInput) { in.UnitPrice = "-1" }},
		{"price not a number", "unit_price", func(in *OfferInput) { in.UnitPrice = "12.5x" }},
		{"expiry in the past", "expires_on", func(in *OfferInput) { in.ExpiresOn = "2026-03-01" }},
		{"start in the past", "start_date", func(in *OfferInput) { in.StartDate = "2026-02-01" }},
		{"grace plan", "plan", func(in *OfferInput) { in.Plan = "grace" }},
		{"long PO number", "po_number", func(in *OfferInput) { in.PONumber = strings.Repeat("x", 81) }},
		{"no customer", "customer_id", func(in *OfferInput) { in.CustomerID = 0 }},
		{"domain without token", "token", func(in *OfferInput) { in.CustomerID = 0; in.Domain = "x.example" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := base
			c.edit(&in)
			_, err := in.Validate(p, "EUR", t0, true)
			fe, ok := AsValidation(err)
			if !ok || fe[c.field] == "" {
				t.Errorf("%s: got %v", c.field, err)
			}
		})
	}
	in := base
	in.UnitPrice = "0"
	in.ExpiresOn = "2026-03-02"
	if _, err := in.Validate(p, "EUR", t0, true); err != nil {
		t.Errorf("zero price, expiry today: %v", err)
	}
}

func TestFirstInvoiceDate(t *testing.T) {
	for _, c := range []struct{ start, want time.Time }{
		{day(2026, 3, 2), day(2026, 4, 1)},
		{day(2026, 3, 1), day(2026, 4, 1)},
		{day(2026, 12, 31), day(2027, 1, 1)},
		{day(2026, 1, 31), day(2026, 2, 1)},
	} {
		t.Run(c.start.Format("2006-01-02"), func(t *testing.T) {
			if got := FirstInvoiceDate(c.start); !got.Equal(c.want) {
				t.Errorf("got %s", got)
			}
		})
	}
}
