package models

import "time"

// NewOfferFacts is what deciding a new offer needs, loaded by the store
// under its locks (R-OFF-1, R-TOK-2, R-MEET-2 step 7, R-MEET-3).
type NewOfferFacts struct {
	// Maker is a console partner, or a desk sales rep making a direct offer.
	Maker Actor
	// Input is the typed form, normalized.
	Input OfferInput
	// Currency of the price: typed by the desk for a direct offer; the
	// chosen billing account's for a console.
	Currency string
	// Product is the chosen catalogue product; nil when unknown.
	Product *Product
	// BillingAccount is the chosen billing account when it is the console's
	// own; nil otherwise.
	BillingAccount *BillingAccount
	// Customer is the one named by the form: by id among the customers the
	// maker may see, or (a console) by a transferring customer's domain.
	// nil when none was found.
	Customer *Customer
	// Migration is the maker's open Meet migration the form names, locked.
	Migration *MeetMigration
	// Token is the transfer token whose secret the console typed, locked;
	// nil when no token has that secret.
	Token *TransferToken
	// MeetRenewal is, for a direct Meet hardware offer, the earliest renewal
	// of the customer's offline or grace-plan Meet subscription, if any.
	MeetRenewal *time.Time
	// ListPrice is the catalogue price for the product, plan and currency.
	ListPrice *int64
	// Send says the offer goes to the customer at once.
	Send bool
}

// Direct tells whether the platform itself makes the offer.
func (f NewOfferFacts) Direct() bool { return f.Maker.OrgKind == OrgOperator }

// NewOffer is a decided offer: the row to insert, and the outcome of the
// transfer token attempt the console made with it ("" when it typed none),
// which counts towards the token throttle even when the offer is refused.
type NewOffer struct {
	Offer   Offer
	Outcome RedeemOutcome
}

// DecideNewOffer checks a new offer against the facts at now and returns the
// offer to insert (a draft, or sent when f.Send), or every field's message.
// A console offers to one of its own customers, or to another console's or
// a direct customer only with that customer's transfer token for it; a Meet
// migration's offer needs the token the customer made for the migration. A
// desk sales rep offers to direct customers only, and Meet hardware at least
// 7 days before the renewal (R-MEET-3).
func DecideNewOffer(f NewOfferFacts, now time.Time) (NewOffer, error) {
	var out NewOffer
	in := f.Input
	direct := f.Direct()
	currency := f.Currency
	if !direct && f.BillingAccount == nil {
		currency = ""
	}
	terms, verr := in.Validate(f.Product, currency, now, true)
	fe, _ := AsValidation(verr)
	if fe == nil {
		fe = FieldErrors{}
	}
	if !direct && f.BillingAccount == nil {
		fe.Add("billing_account_id", "Choose one of your billing accounts.")
	}
	if direct && !ValidCurrency(currency) {
		fe.Add("currency", "Choose a currency.")
	}
	cust := f.Customer
	switch {
	case in.CustomerID > 0:
		if cust == nil {
			fe.Add("customer_id", "Choose a customer from the list.")
		} else if direct && cust.Channel != ChannelDirect {
			fe.Add("customer_id", "Direct offers are for direct customers only.")
		}
	case in.Domain != "" && !direct:
		if _, ok := NormalizeDomain(in.Domain); ok && cust == nil {
			fe.Add("domain", ErrUnknownDomain().Message)
			out.Outcome = RedeemWrong
		}
	}
	if cust == nil && len(fe) == 0 {
		fe.Add("customer_id", "Choose a customer from the list.")
	}
	if f.Migration != nil && cust != nil && f.Migration.CustomerID != cust.ID {
		fe.Add("customer_id", "This offer belongs to another customer's migration.")
	}
	var tok *TransferToken
	switch {
	case in.Token != "" && !direct && cust != nil:
		out.Outcome = CheckRedeem(f.Token, f.Maker.OrgID, cust.ID, now)
		if out.Outcome == RedeemOK {
			tok = f.Token
		} else {
			fe.Add("token", out.Outcome.Message())
		}
	case cust != nil && !direct && cust.ConsoleID != nil && *cust.ConsoleID != f.Maker.OrgID:
		fe.Add("token", "Enter the transfer token the customer gave you.")
	case f.Migration != nil && !direct && in.Token == "":
		fe.Add("token", "Enter the transfer token the customer made for this migration (step 6).")
	}
	if direct && f.Product != nil && f.Product.Family == FamilyMeetHardware && cust != nil && len(fe) == 0 && f.MeetRenewal != nil {
		if err := CheckDirectOffer(*f.MeetRenewal, now); err != nil {
			return out, err
		}
	}
	if len(fe) > 0 {
		return out, fe.Err()
	}
	o := Offer{CustomerID: cust.ID, ProductID: f.Product.ID, Quantity: terms.Quantity, Plan: in.Plan,
		UnitPriceMinor: terms.UnitPrice, ListPriceMinor: f.ListPrice, Currency: currency,
		StartDate: terms.StartDate, ExpiresOn: terms.ExpiresOn, Message: in.Message, PONumber: in.PONumber,
		State: OfferDraft, CreatedByName: f.Maker.Name, CreatedAt: now, UpdatedAt: now}
	if !direct {
		cid, bid := f.Maker.OrgID, f.BillingAccount.ID
		o.ConsoleID, o.BillingAccountID = &cid, &bid
	}
	if f.Maker.UserID != 0 {
		uid := f.Maker.UserID
		o.CreatedByID = &uid
	}
	if tok != nil {
		id := tok.ID
		o.TransferTokenID = &id
	}
	if f.Migration != nil {
		id := f.Migration.ID
		o.MigrationID = &id
	}
	if f.Send {
		if err := o.Send(now); err != nil {
			return out, err
		}
	}
	out.Offer = o
	return out, nil
}

// OfferSentStep is the migration step a sent offer completes: step 7 of the
// reseller path, step 2 of the direct path.
func OfferSentStep(m MeetMigration) int {
	if m.Path == PathDirect {
		return DirectStepOffer
	}
	return StepOffer
}

// OfferAcceptedStep is the migration step an accepted offer completes.
func OfferAcceptedStep(m MeetMigration) int {
	if m.Path == PathDirect {
		return DirectStepAccepted
	}
	return StepAccepted
}
