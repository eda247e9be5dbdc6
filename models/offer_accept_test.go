package models

import (
	"strings"
	"testing"
	"time"
)

// acceptFacts: console 7's sent offer of 12 Workspace licences to customer
// 3, who has accepted the terms and has no subscription yet.
func acceptFacts() AcceptFacts {
	return AcceptFacts{
		Offer: Offer{ID: 20, ConsoleID: refOf(int64(7)), CustomerID: 3, ProductID: 5, Quantity: 12, Plan: PlanFlexible,
			BillingAccountID: refOf(int64(2)), PONumber: "PO-1", StartDate: day(2026, 3, 2), ExpiresOn: day(2026, 3, 30), State: OfferSent},
		Customer: Customer{ID: 3, ConsoleID: refOf(int64(7)), Channel: ChannelReseller, TOSAcceptedAt: &t0},
		Product:  Product{ID: 5, Family: FamilyWorkspace},
	}
}

func sub(id int64, console *int64) Subscription {
	return Subscription{ID: id, CustomerID: 3, ConsoleID: console, ProductID: 5, Quantity: 4, Plan: PlanAnnualMonthly,
		Channel: SubOnline, Status: SubActive, SuspensionReasons: TextArray{}, StartDate: day(2025, 6, 1), EndDate: day(2026, 5, 31),
		RenewalOption: RenewAuto}
}

func TestPlaceSubscription(t *testing.T) {
	mine, other, direct := refOf(int64(7)), refOf(int64(8)), (*int64)(nil)
	cases := []struct {
		name       string
		change     func(*PlacementFacts)
		created    bool
		moved      int64   // id of the subscription that becomes the offer's
		ended      []int64 // consolidated into it
		untouched  []int64 // another seller's, left alone
		familyMove []int64
	}{
		{"no subscription yet: created", func(*PlacementFacts) {}, true, 0, nil, nil, nil},
		{"the console's own: updated", func(f *PlacementFacts) { f.Existing = []Subscription{sub(1, mine)} }, false, 1, nil, nil, nil},
		{"plain offer leaves another reseller's subscription alone (issue 8 §9)", func(f *PlacementFacts) {
			f.Existing = []Subscription{sub(1, other)}
		}, true, 0, nil, []int64{1}, nil},
		{"plain offer leaves a direct subscription alone", func(f *PlacementFacts) {
			f.Existing = []Subscription{sub(1, direct)}
		}, true, 0, nil, []int64{1}, nil},
		{"plain offer updates its own and leaves the other reseller's", func(f *PlacementFacts) {
			f.Existing = []Subscription{sub(1, other), sub(2, mine)}
		}, false, 2, nil, []int64{1}, nil},
		{"transfer token takes another reseller's subscription", func(f *PlacementFacts) {
			f.Offer.TransferTokenID = refOf(int64(40))
			f.Existing = []Subscription{sub(1, other)}
		}, false, 1, nil, nil, nil},
		{"transfer prefers its own and consolidates the others", func(f *PlacementFacts) {
			f.Offer.TransferTokenID = refOf(int64(40))
			f.Existing = []Subscription{sub(1, other), sub(2, mine), sub(3, direct)}
		}, false, 2, []int64{1, 3}, nil, nil},
		{"Meet migration consolidates other resellers' licences (R-MEET-2)", func(f *PlacementFacts) {
			f.Offer.MigrationID = refOf(int64(9))
			f.Existing = []Subscription{sub(1, other), sub(2, refOf(int64(9)))}
		}, false, 1, []int64{2}, nil, nil},
		{"an already consolidated one is not ended twice", func(f *PlacementFacts) {
			f.Offer.TransferTokenID = refOf(int64(40))
			done := sub(2, other)
			Suspend(&done, SuspendOther)
			f.Existing = []Subscription{sub(1, mine), done}
		}, false, 1, nil, nil, nil},
		{"transfer moves the product family", func(f *PlacementFacts) {
			f.Offer.TransferTokenID = refOf(int64(40))
			voice := sub(4, other)
			voice.ProductID = 6
			stopped := sub(5, other)
			stopped.ProductID, stopped.Status = 6, SubSuspended
			f.Family = []Subscription{voice, stopped, sub(6, mine)}
		}, true, 0, nil, nil, []int64{4}},
		{"plain offer moves no family", func(f *PlacementFacts) {
			voice := sub(4, other)
			voice.ProductID = 6
			f.Family = []Subscription{voice}
		}, true, 0, nil, nil, nil},
	}
	ids := func(chs []SubChange) []int64 {
		var out []int64
		for _, c := range chs {
			out = append(out, c.After.ID)
		}
		return out
	}
	subIDs := func(ss []Subscription) []int64 {
		var out []int64
		for _, s := range ss {
			out = append(out, s.ID)
		}
		return out
	}
	eq := func(a, b []int64) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i] != b[i] {
				return false
			}
		}
		return true
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			af := acceptFacts()
			f := PlacementFacts{Offer: af.Offer, Customer: af.Customer, Product: af.Product}
			c.change(&f)
			p := PlaceSubscription(f, t0)
			if p.Created != c.created || (!c.created && (p.Moved == nil || p.Sub.ID != c.moved)) {
				t.Fatalf("created %v, sub %d, want created %v sub %d", p.Created, p.Sub.ID, c.created, c.moved)
			}
			if !eq(ids(p.Ended), c.ended) || !eq(subIDs(p.Untouched), c.untouched) || !eq(ids(p.FamilyMoved), c.familyMove) {
				t.Errorf("ended %v untouched %v family %v", ids(p.Ended), subIDs(p.Untouched), ids(p.FamilyMoved))
			}
			s := p.Sub
			if *s.ConsoleID != 7 || s.Quantity != 12 || s.Plan != PlanFlexible || s.Channel != SubOnline || s.Status != SubActive ||
				s.RenewalOption != RenewAuto || *s.BillingAccountID != 2 || s.PONumber != "PO-1" {
				t.Errorf("offer's subscription: %+v", s)
			}
			for _, e := range p.Ended {
				if e.After.Status != SubSuspended || !e.After.HasReason(SuspendOther) || e.After.RenewalOption != CancelAtEnd || e.Before.Status != SubActive {
					t.Errorf("ended: %+v", e)
				}
			}
			for _, m := range p.FamilyMoved {
				if *m.After.ConsoleID != 7 || *m.Before.ConsoleID == 7 {
					t.Errorf("family move: %+v", m)
				}
			}
		})
	}
}

func TestPlaceSubscriptionTerms(t *testing.T) {
	cases := []struct {
		name      string
		change    func(*PlacementFacts)
		start     time.Time
		end       time.Time
		suspended bool
		invoice   bool
	}{
		{"new flexible: a month", func(*PlacementFacts) {}, day(2026, 3, 2), day(2026, 4, 1), false, false},
		{"new annual: a year", func(f *PlacementFacts) { f.Offer.Plan = PlanAnnualPrepaid }, day(2026, 3, 2), day(2027, 3, 1), false, false},
		{"same plan keeps its term", func(f *PlacementFacts) {
			f.Offer.Plan = PlanAnnualMonthly
			f.Existing = []Subscription{sub(1, f.Offer.ConsoleID)}
		}, day(2025, 6, 1), day(2026, 5, 31), false, false},
		{"offline restarts its term", func(f *PlacementFacts) {
			f.Offer.Plan = PlanAnnualMonthly
			s := sub(1, f.Offer.ConsoleID)
			s.Channel = SubOffline
			f.Existing = []Subscription{s}
		}, day(2026, 3, 2), day(2027, 3, 1), false, false},
		{"without the terms: suspended (R-OFF-5)", func(f *PlacementFacts) { f.Customer.TOSAcceptedAt = nil }, day(2026, 3, 2), day(2026, 4, 1), true, false},
		{"Meet hardware: invoiced the 1st of next month (R-MEET-5)", func(f *PlacementFacts) { f.Product.Family = FamilyMeetHardware }, day(2026, 3, 2), day(2026, 4, 1), false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			af := acceptFacts()
			f := PlacementFacts{Offer: af.Offer, Customer: af.Customer, Product: af.Product}
			c.change(&f)
			s := PlaceSubscription(f, t0).Sub
			if !s.StartDate.Equal(c.start) || !s.EndDate.Equal(c.end) {
				t.Errorf("term %s – %s", s.StartDate.Format("2006-01-02"), s.EndDate.Format("2006-01-02"))
			}
			if got := s.Status == SubSuspended && s.HasReason(SuspendPendingTOS); got != c.suspended {
				t.Errorf("suspended %v: %+v", got, s)
			}
			if got := s.FirstInvoiceDate != nil && s.FirstInvoiceDate.Equal(day(2026, 4, 1)); got != c.invoice {
				t.Errorf("first invoice %v", s.FirstInvoiceDate)
			}
		})
	}
}

func TestDecideAccept(t *testing.T) {
	token := TransferToken{ID: 40, CustomerID: 3, ConsoleID: 7, ExpiresAt: t0.Add(time.Hour)}
	by := Actor{UserID: 30, Name: "Cara Admin", OrgID: 3, OrgKind: OrgCustomer}
	cases := []struct {
		name   string
		change func(*AcceptFacts)
		ticked bool
		code   Code
		words  string
		check  func(*testing.T, Acceptance)
	}{
		{"plain offer", func(*AcceptFacts) {}, true, "", "", func(t *testing.T, d Acceptance) {
			if d.Offer.State != OfferAccepted || *d.Offer.DecidedByID != 30 || d.Token != nil || d.MoveCustomer || d.MigrationStep != 0 {
				t.Errorf("%+v", d)
			}
		}},
		{"terms not ticked", func(*AcceptFacts) {}, false, CodeInvalid, "Tick", nil},
		{"already accepted", func(f *AcceptFacts) { f.Offer.State = OfferAccepted }, true, CodeConflict, "already accepted", nil},
		{"past its expiry day", func(f *AcceptFacts) { f.Offer.ExpiresOn = day(2026, 3, 1) }, true, CodeConflict, "expired", nil},
		{"transfer consumes the token and moves the customer", func(f *AcceptFacts) {
			f.Offer.TransferTokenID, f.Token = refOf(int64(40)), &token
			f.Customer.ConsoleID = refOf(int64(8))
		}, true, "", "", func(t *testing.T, d Acceptance) {
			if d.Token == nil || d.Token.UsedAt == nil || *d.Token.UsedOfferID != 20 || !d.MoveCustomer {
				t.Errorf("%+v", d)
			}
			if token.UsedAt != nil {
				t.Error("the loaded token was changed in place")
			}
		}},
		{"token revoked since the offer", func(f *AcceptFacts) {
			revoked := token
			revoked.RevokedAt = &t0
			f.Offer.TransferTokenID, f.Token = refOf(int64(40)), &revoked
		}, true, CodeConflict, "no longer valid", nil},
		{"migration's accepted step when it is next", func(f *AcceptFacts) {
			f.Offer.MigrationID = refOf(int64(9))
			f.Migration = &MeetMigration{ID: 9, Path: PathReseller, State: MigrationOpen}
			f.StepsDone = map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true}
		}, true, "", "", func(t *testing.T, d Acceptance) {
			if d.MigrationStep != StepAccepted {
				t.Errorf("step %d", d.MigrationStep)
			}
		}},
		{"migration step out of turn is skipped", func(f *AcceptFacts) {
			f.Offer.MigrationID = refOf(int64(9))
			f.Migration = &MeetMigration{ID: 9, Path: PathDirect, State: MigrationOpen}
			f.StepsDone = map[int]bool{}
		}, true, "", "", func(t *testing.T, d Acceptance) {
			if d.MigrationStep != 0 {
				t.Errorf("step %d", d.MigrationStep)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := acceptFacts()
			c.change(&f)
			d, err := DecideAccept(f, by, c.ticked, t0)
			if c.code != "" {
				if ErrorCode(err) != c.code || !strings.Contains(err.Error(), c.words) {
					t.Fatalf("got %v, want %s with %q", err, c.code, c.words)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, d)
		})
	}
}

func TestPlacementLines(t *testing.T) {
	mine, other := refOf(int64(7)), refOf(int64(8))
	f := acceptFacts()
	f.Offer.TransferTokenID = refOf(int64(40))
	voice := sub(4, other)
	voice.ProductID = 6
	p := PlaceSubscription(PlacementFacts{Offer: f.Offer, Customer: f.Customer, Product: f.Product,
		Existing: []Subscription{sub(1, other), sub(2, mine)}, Family: []Subscription{voice}}, t0)
	got := p.Lines()
	want := []struct {
		effect PlacementEffect
		id     int64
	}{{PlaceUpdated, 2}, {PlaceEnded, 1}, {PlaceFollows, 4}}
	if len(got) != len(want) {
		t.Fatalf("%d lines", len(got))
	}
	for i, w := range want {
		t.Run(string(w.effect), func(t *testing.T) {
			if got[i].Effect != w.effect || got[i].Sub.ID != w.id || got[i].Effect.Label() == string(w.effect) {
				t.Errorf("line %d: %+v", i, got[i])
			}
		})
	}
	t.Run("shown as it is today", func(t *testing.T) {
		if *got[1].Sub.ConsoleID != 8 || got[1].Sub.Status != SubActive {
			t.Errorf("ended line shows the future: %+v", got[1].Sub)
		}
	})
}
