package models

import (
	"strings"
	"testing"
	"time"
)

func refOf[T any](v T) *T { return &v }

// offerFacts is a console 7's valid offer of 10 Workspace licences to its
// own customer 3; cases change one thing.
func offerFacts() NewOfferFacts {
	return NewOfferFacts{
		Maker:          Actor{UserID: 11, Name: "Sam Sales", OrgID: 7, OrgKind: OrgConsole},
		Input:          OfferInput{CustomerID: 3, ProductID: 5, Quantity: "10", Plan: PlanFlexible, UnitPrice: "7.50", BillingAccountID: 2},
		Currency:       "EUR",
		Product:        &Product{ID: 5, Family: FamilyWorkspace, MaxQuantity: 100},
		BillingAccount: &BillingAccount{ID: 2, Currency: "EUR"},
		Customer:       &Customer{ID: 3, ConsoleID: refOf(int64(7)), Channel: ChannelReseller},
		ListPrice:      refOf(int64(800)),
	}
}

func TestDecideNewOffer(t *testing.T) {
	token := &TransferToken{ID: 40, CustomerID: 3, ConsoleID: 7, CreatedAt: t0, ExpiresAt: t0.Add(TokenLifetime)}
	cases := []struct {
		name    string
		change  func(*NewOfferFacts)
		field   string // expected field with a message; "" = accepted
		words   string
		outcome RedeemOutcome
	}{
		{"own customer", func(*NewOfferFacts) {}, "", "", ""},
		{"no billing account of the console", func(f *NewOfferFacts) { f.BillingAccount = nil }, "billing_account_id", "billing account", ""},
		{"customer not in the list", func(f *NewOfferFacts) { f.Customer = nil }, "customer_id", "from the list", ""},
		{"another console's customer without token", func(f *NewOfferFacts) { f.Customer.ConsoleID = refOf(int64(8)) }, "token", "transfer token", ""},
		{"unknown domain counts as a wrong token", func(f *NewOfferFacts) {
			f.Input.CustomerID, f.Input.Domain, f.Input.Token, f.Customer = 0, "nobody.example", "AAAA", nil
		}, "domain", "No customer", RedeemWrong},
		{"domain and good token", func(f *NewOfferFacts) {
			f.Input.CustomerID, f.Input.Domain, f.Input.Token, f.Token = 0, "customer.example", "AAAA", token
			f.Customer.ConsoleID = refOf(int64(8))
		}, "", "", RedeemOK},
		{"token of another console", func(f *NewOfferFacts) {
			f.Input.Token, f.Token = "AAAA", &TransferToken{ID: 41, CustomerID: 3, ConsoleID: 8, ExpiresAt: t0.Add(time.Hour)}
		}, "token", "another reseller", RedeemOtherConsole},
		{"no such token", func(f *NewOfferFacts) { f.Input.Token = "AAAA" }, "token", "not right", RedeemWrong},
		{"migration of another customer", func(f *NewOfferFacts) {
			f.Migration = &MeetMigration{ID: 9, CustomerID: 4, State: MigrationOpen}
			f.Input.Token, f.Token = "AAAA", token
		}, "customer_id", "another customer's migration", RedeemOK},
		{"migration without the customer's token", func(f *NewOfferFacts) {
			f.Migration = &MeetMigration{ID: 9, CustomerID: 3, State: MigrationOpen}
		}, "token", "step 6", ""},
		{"quantity above the product's maximum", func(f *NewOfferFacts) { f.Input.Quantity = "101" }, "quantity", "maximum", ""},
		{"direct offer to a reseller's customer", func(f *NewOfferFacts) {
			f.Maker = Actor{UserID: 12, OrgID: 1, OrgKind: OrgOperator}
			f.BillingAccount, f.Currency = nil, "USD"
		}, "customer_id", "direct customers only", ""},
		{"direct offer without currency", func(f *NewOfferFacts) {
			f.Maker = Actor{UserID: 12, OrgID: 1, OrgKind: OrgOperator}
			f.BillingAccount, f.Currency, f.Customer.Channel, f.Customer.ConsoleID = nil, "", ChannelDirect, nil
		}, "currency", "currency", ""},
		{"direct offer by domain names no customer", func(f *NewOfferFacts) {
			f.Maker = Actor{UserID: 12, OrgID: 1, OrgKind: OrgOperator}
			f.BillingAccount, f.Currency, f.Customer = nil, "USD", nil
			f.Input.CustomerID, f.Input.Domain, f.Input.Token = 0, "customer.example", "AAAA"
		}, "customer_id", "from the list", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := offerFacts()
			c.change(&f)
			d, err := DecideNewOffer(f, t0)
			if d.Outcome != c.outcome {
				t.Errorf("outcome %q, want %q", d.Outcome, c.outcome)
			}
			if c.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			fe, ok := AsValidation(err)
			if !ok || !strings.Contains(fe[c.field], c.words) {
				t.Fatalf("got %v, want %s message with %q", err, c.field, c.words)
			}
		})
	}
}

func TestDecideNewOfferBuildsTheRow(t *testing.T) {
	t.Run("draft of a console", func(t *testing.T) {
		d, err := DecideNewOffer(offerFacts(), t0)
		if err != nil {
			t.Fatal(err)
		}
		o := d.Offer
		if o.State != OfferDraft || o.SentAt != nil || *o.ConsoleID != 7 || *o.BillingAccountID != 2 || *o.CreatedByID != 11 ||
			o.CreatedByName != "Sam Sales" || o.UnitPriceMinor != 750 || o.Quantity != 10 || o.Currency != "EUR" ||
			*o.ListPriceMinor != 800 || !o.ExpiresOn.Equal(Day(t0).AddDate(0, 0, OfferLifetimeDays)) || o.TransferTokenID != nil {
			t.Errorf("offer: %+v", o)
		}
	})
	t.Run("sent with token and migration", func(t *testing.T) {
		f := offerFacts()
		f.Send = true
		f.Input.Token, f.Token = "AAAA", &TransferToken{ID: 40, CustomerID: 3, ConsoleID: 7, ExpiresAt: t0.Add(time.Hour)}
		f.Migration = &MeetMigration{ID: 9, CustomerID: 3, State: MigrationOpen}
		d, err := DecideNewOffer(f, t0)
		if err != nil {
			t.Fatal(err)
		}
		if d.Offer.State != OfferSent || d.Offer.SentAt == nil || *d.Offer.TransferTokenID != 40 || *d.Offer.MigrationID != 9 {
			t.Errorf("offer: %+v", d.Offer)
		}
	})
	t.Run("direct Meet offer later than 7 days before renewal", func(t *testing.T) {
		f := offerFacts()
		f.Maker = Actor{UserID: 12, OrgID: 1, OrgKind: OrgOperator}
		f.BillingAccount, f.Currency, f.Customer.Channel, f.Customer.ConsoleID = nil, "USD", ChannelDirect, nil
		f.Product.Family = FamilyMeetHardware
		f.MeetRenewal = refOf(Day(t0).AddDate(0, 0, 6))
		_, err := DecideNewOffer(f, t0)
		var w *WindowError
		if err == nil || !asWindow(err, &w) {
			t.Fatalf("got %v, want a window error", err)
		}
		f.MeetRenewal = refOf(Day(t0).AddDate(0, 0, 8))
		d, err := DecideNewOffer(f, t0)
		if err != nil || d.Offer.ConsoleID != nil || d.Offer.BillingAccountID != nil || d.Offer.Currency != "USD" {
			t.Fatalf("direct offer: %+v %v", d.Offer, err)
		}
	})
}

func asWindow(err error, w **WindowError) bool {
	x, ok := err.(*WindowError)
	*w = x
	return ok
}

func TestOfferMigrationSteps(t *testing.T) {
	cases := []struct {
		name           string
		path           MigrationPath
		sent, accepted int
	}{
		{"reseller path", PathReseller, StepOffer, StepAccepted},
		{"direct path", PathDirect, DirectStepOffer, DirectStepAccepted},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := MeetMigration{Path: c.path}
			if OfferSentStep(m) != c.sent || OfferAcceptedStep(m) != c.accepted {
				t.Errorf("steps %d %d", OfferSentStep(m), OfferAcceptedStep(m))
			}
		})
	}
}

func TestTransferTokenRules(t *testing.T) {
	t.Run("reseller id", func(t *testing.T) {
		for _, c := range []struct{ typed, field, words string }{
			{"", "reseller_id", "Enter"},
			{"not an id!", "reseller_id", "No reseller"},
		} {
			_, err := CheckResellerID(c.typed)
			fe, ok := AsValidation(err)
			if !ok || !strings.Contains(fe[c.field], c.words) {
				t.Errorf("%q: %v", c.typed, err)
			}
		}
	})
	t.Run("domain", func(t *testing.T) {
		if _, err := CheckTokenDomain("not a domain"); ErrorCode(err) != CodeInvalid {
			t.Errorf("bad domain: %v", err)
		}
		if d, err := CheckTokenDomain("Example.COM."); err != nil || d != "example.com" {
			t.Errorf("good domain: %q %v", d, err)
		}
	})
	t.Run("throttle", func(t *testing.T) {
		for _, c := range []struct {
			failures int64
			code     Code
		}{{0, ""}, {TokenThrottleFailures - 1, ""}, {TokenThrottleFailures, CodeTooMany}} {
			err := CheckTokenThrottle(c.failures)
			if (c.code == "") != (err == nil) || (err != nil && ErrorCode(err) != c.code) {
				t.Errorf("%d failures: %v", c.failures, err)
			}
		}
		if first, second := ErrTokenThrottled(), ErrTokenThrottled(); first == second {
			t.Error("the throttle error is shared, mutable state")
		}
	})
	t.Run("issue", func(t *testing.T) {
		tok := IssueTransferToken(Actor{UserID: 5, OrgID: 3, OrgKind: OrgCustomer}, 7, "abcd-efgh", t0)
		if tok.CustomerID != 3 || tok.ConsoleID != 7 || *tok.CreatedByID != 5 || !tok.ExpiresAt.Equal(t0.Add(TokenLifetime)) ||
			string(tok.TokenHash) != string(HashTransferToken("ABCDEFGH")) || tok.State(t0) != TokenActive {
			t.Errorf("token: %+v", tok)
		}
	})
	t.Run("regenerate", func(t *testing.T) {
		active := TransferToken{ExpiresAt: t0.Add(time.Hour)}
		if err := active.Regenerate(t0); err != nil || active.State(t0) != TokenRevoked {
			t.Errorf("active: %v %s", err, active.State(t0))
		}
		expired := TransferToken{ExpiresAt: t0.Add(-time.Hour)}
		if err := expired.Regenerate(t0); err != nil || expired.RevokedAt != nil {
			t.Errorf("expired: %v %+v", err, expired)
		}
		replaced := TransferToken{ExpiresAt: t0.Add(time.Hour), ReplacedByID: refOf(int64(2))}
		if err := replaced.Regenerate(t0); ErrorCode(err) != CodeConflict {
			t.Errorf("replaced: %v", err)
		}
	})
}

func TestOfferManagedBy(t *testing.T) {
	own := Offer{ConsoleID: refOf(int64(7))}
	direct := Offer{}
	cases := []struct {
		name  string
		actor Actor
		offer Offer
		want  bool
	}{
		{"console's own offer", Actor{OrgID: 7, OrgKind: OrgConsole, Role: RoleSalesAgent}, own, true},
		{"another console's offer", Actor{OrgID: 8, OrgKind: OrgConsole, Role: RoleSalesAgent}, own, false},
		{"helpdesk cannot manage offers", Actor{OrgID: 7, OrgKind: OrgConsole, Role: RoleHelpdeskAgent}, own, false},
		{"sales rep's direct offer", Actor{OrgID: 1, OrgKind: OrgOperator, Role: RoleSalesRep}, direct, true},
		{"sales rep and a console's offer", Actor{OrgID: 1, OrgKind: OrgOperator, Role: RoleSalesRep}, own, false},
		{"customer admin", Actor{OrgID: 3, OrgKind: OrgCustomer, Role: RoleCustomerAdmin}, own, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.offer.ManagedBy(c.actor); got != c.want {
				t.Errorf("got %v", got)
			}
		})
	}
}
