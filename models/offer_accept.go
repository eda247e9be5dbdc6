package models

import (
	"fmt"
	"time"
)

// AcceptFacts is what deciding a customer's acceptance needs, loaded by the
// store under its locks (R-OFF-3).
type AcceptFacts struct {
	Offer    Offer    // locked
	Customer Customer // locked
	Product  Product
	// Token is the offer's transfer token, locked; nil for a plain offer.
	Token *TransferToken
	// Existing and Family: see PlacementFacts.
	Existing []Subscription
	Family   []Subscription
	// Migration is the offer's Meet migration while open, locked, with
	// the steps it has done.
	Migration *MeetMigration
	StepsDone map[int]bool
}

// Acceptance is what accepting an offer changes.
type Acceptance struct {
	Offer Offer // accepted, with who decided
	// Token is the consumed transfer token; nil for a plain offer.
	Token     *TransferToken
	Placement Placement
	// MoveCustomer says the customer now buys through the offering console
	// (a transfer, R-TOK-1).
	MoveCustomer bool
	// MigrationStep is the Meet migration step the acceptance completes; 0
	// when none (no migration, or it is not that step's turn).
	MigrationStep int
}

// DecideAccept decides a customer admin's acceptance of an offer at now:
// the offer must be sent and not past its date and the terms ticked
// (R-OFF-4); its transfer token, if any, must still be valid and is
// consumed; the subscription is placed by PlaceSubscription; a transfer
// moves the customer to the offering console; an open Meet migration moves
// to its "accepted" step when that step is next.
func DecideAccept(f AcceptFacts, by Actor, termsTicked bool, now time.Time) (Acceptance, error) {
	var d Acceptance
	o := f.Offer
	if err := o.Accept(by, termsTicked, now); err != nil {
		return d, err
	}
	if o.TransferTokenID != nil {
		if f.Token == nil || f.Token.ID != *o.TransferTokenID {
			return d, fmt.Errorf("accept offer %d: its transfer token was not loaded", o.ID)
		}
		t := *f.Token
		if err := t.Consume(o.ID, now); err != nil {
			return d, err
		}
		d.Token = &t
		d.MoveCustomer = o.ConsoleID != nil && (f.Customer.ConsoleID == nil || *f.Customer.ConsoleID != *o.ConsoleID)
	}
	d.Placement = PlaceSubscription(PlacementFacts{Offer: o, Customer: f.Customer, Product: f.Product,
		Existing: f.Existing, Family: f.Family}, now)
	if f.Migration != nil && o.MigrationID != nil && f.Migration.ID == *o.MigrationID {
		step := OfferAcceptedStep(*f.Migration)
		if f.Migration.CheckStep(f.StepsDone, step) == nil {
			d.MigrationStep = step
		}
	}
	d.Offer = o
	return d, nil
}
