package models

import (
	"strings"
	"time"
	"unicode/utf8"
)

// OfferState is where an offer is (R-OFF-1).
type OfferState string

const (
	OfferDraft     OfferState = "draft"
	OfferSent      OfferState = "sent"
	OfferAccepted  OfferState = "accepted"
	OfferDeclined  OfferState = "declined"
	OfferExpired   OfferState = "expired"
	OfferWithdrawn OfferState = "withdrawn"
)

// OfferStates lists the states in display order.
func OfferStates() []OfferState {
	return []OfferState{OfferDraft, OfferSent, OfferAccepted, OfferDeclined, OfferExpired, OfferWithdrawn}
}

// offerMoves is the transition table: draft → sent → accepted | declined |
// expired | withdrawn; a draft may also be withdrawn (discarded).
func offerMoves() map[OfferState][]OfferState {
	return map[OfferState][]OfferState{
		OfferDraft: {OfferSent, OfferWithdrawn},
		OfferSent:  {OfferAccepted, OfferDeclined, OfferExpired, OfferWithdrawn},
	}
}

// Valid tells whether s is a known state.
func (s OfferState) Valid() bool {
	for _, x := range OfferStates() {
		if x == s {
			return true
		}
	}
	return false
}

// CanMoveTo tells whether the table allows s → t.
func (s OfferState) CanMoveTo(t OfferState) bool {
	for _, x := range offerMoves()[s] {
		if x == t {
			return true
		}
	}
	return false
}

// Final tells whether nothing can happen to the offer any more.
func (s OfferState) Final() bool { return len(offerMoves()[s]) == 0 }

// Label is the state's English label.
func (s OfferState) Label() string {
	switch s {
	case OfferDraft:
		return "Draft"
	case OfferSent:
		return "Sent"
	case OfferAccepted:
		return "Accepted"
	case OfferDeclined:
		return "Declined"
	case OfferExpired:
		return "Expired"
	case OfferWithdrawn:
		return "Withdrawn"
	}
	return string(s)
}

// OfferLifetimeDays is the default expiry of a new offer.
const OfferLifetimeDays = 30

// ReminderDays is how long before expiry the customer is reminded.
const ReminderDays = 3

// Offer is a reseller's (or, direct, the platform's) proposal to a customer.
type Offer struct {
	ID               int64
	ConsoleID        *int64 // nil: a direct offer by the platform's sales staff
	CustomerID       int64
	ProductID        int64
	Quantity         int
	Plan             Plan
	UnitPriceMinor   int64
	ListPriceMinor   *int64
	Currency         string
	BillingAccountID *int64
	StartDate        time.Time
	ExpiresOn        time.Time
	Message          string
	PONumber         string `gorm:"column:po_number"`
	State            OfferState
	TransferTokenID  *int64
	MigrationID      *int64
	SubscriptionID   *int64
	CreatedByID      *int64
	CreatedByName    string
	SentAt           *time.Time
	DecidedAt        *time.Time
	DecidedByID      *int64
	DecidedByName    string
	DeclineReason    string
	RemindedAt       *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time

	Product *Product `gorm:"foreignKey:ProductID"`
}

// Direct tells whether the platform itself makes the offer.
func (o Offer) Direct() bool { return o.ConsoleID == nil }

// Total is the price of one billing period for the whole quantity.
func (o Offer) Total() int64 { return o.UnitPriceMinor * int64(o.Quantity) }

// Day is the calendar day (UTC) of an instant.
func Day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// ExpiredAt tells whether the offer's expiry day has passed at now: an offer
// is valid through its expiry day (UTC).
func (o Offer) ExpiredAt(now time.Time) bool { return Day(now).After(Day(o.ExpiresOn)) }

// DueForReminder tells whether a sent offer should be reminded at now: its
// expiry is ReminderDays or fewer days away and nobody reminded yet.
func (o Offer) DueForReminder(now time.Time) bool {
	return o.State == OfferSent && o.RemindedAt == nil && !o.ExpiredAt(now) &&
		!Day(o.ExpiresOn).After(Day(now).AddDate(0, 0, ReminderDays))
}

func (o *Offer) move(to OfferState, now time.Time) error {
	if !o.State.CanMoveTo(to) {
		return o.stateConflict()
	}
	o.State = to
	o.UpdatedAt = now
	return nil
}

// stateConflict says plainly why the offer can no longer change.
func (o Offer) stateConflict() error {
	switch o.State {
	case OfferAccepted:
		return &Error{Code: CodeConflict, Message: "This offer is already accepted."}
	case OfferDeclined:
		return &Error{Code: CodeConflict, Message: "This offer was declined."}
	case OfferExpired:
		return &Error{Code: CodeConflict, Message: "This offer has expired."}
	case OfferWithdrawn:
		return &Error{Code: CodeConflict, Message: "This offer was withdrawn by the reseller."}
	case OfferDraft:
		return &Error{Code: CodeConflict, Message: "This offer has not been sent yet."}
	}
	return &Error{Code: CodeConflict, Message: "This offer cannot change from its current state."}
}

// ManagedBy tells whether a maker may send or withdraw the offer: a
// console partner with offers permission its own console's offers (the
// store scopes them), a desk sales rep only direct offers.
func (o Offer) ManagedBy(a Actor) bool {
	switch a.OrgKind {
	case OrgConsole:
		return a.Can(PermOffers) && o.ConsoleID != nil && *o.ConsoleID == a.OrgID
	case OrgOperator:
		return a.Can(PermDirectOffers) && o.ConsoleID == nil
	}
	return false
}

// Send sends a draft to the customer; its expiry must still be ahead.
func (o *Offer) Send(now time.Time) error {
	if o.State == OfferDraft && o.ExpiredAt(now) {
		return &Error{Code: CodeInvalid, Field: "expires_on", Message: "The expiry date is in the past. Choose a later date."}
	}
	if err := o.move(OfferSent, now); err != nil {
		return err
	}
	o.SentAt = &now
	return nil
}

// Withdraw takes back a draft or a sent offer.
func (o *Offer) Withdraw(now time.Time) error { return o.move(OfferWithdrawn, now) }

// Expire marks a sent offer past its date as expired.
func (o *Offer) Expire(now time.Time) error {
	if o.State == OfferSent && !o.ExpiredAt(now) {
		return &Error{Code: CodeConflict, Message: "This offer has not reached its expiry date."}
	}
	return o.move(OfferExpired, now)
}

// checkOpen refuses any customer decision on an offer that is not sent or
// is past its date (R-OFF-4), whatever the form claims.
func (o Offer) checkOpen(now time.Time) error {
	if o.State == OfferSent && o.ExpiredAt(now) {
		return &Error{Code: CodeConflict, Message: "This offer has expired."}
	}
	if o.State != OfferSent {
		return o.stateConflict()
	}
	return nil
}

// CheckOpen refuses a customer decision on an offer that is not open.
func (o Offer) CheckOpen(now time.Time) error { return o.checkOpen(now) }

// Accept records the customer's acceptance; the terms must be ticked.
func (o *Offer) Accept(by Actor, termsTicked bool, now time.Time) error {
	if err := o.checkOpen(now); err != nil {
		return err
	}
	if !termsTicked {
		return &Error{Code: CodeInvalid, Field: "terms", Message: "Tick the box to accept the terms of the offer."}
	}
	o.decided(by, now)
	return o.move(OfferAccepted, now)
}

// Decline records the customer's refusal with a reason.
func (o *Offer) Decline(by Actor, reason string, now time.Time) error {
	if err := o.checkOpen(now); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return &Error{Code: CodeInvalid, Field: "reason", Message: "Tell the reseller why you decline."}
	case n > 1000:
		return &Error{Code: CodeInvalid, Field: "reason", Message: "The reason is at most 1,000 characters."}
	}
	o.DeclineReason = reason
	o.decided(by, now)
	return o.move(OfferDeclined, now)
}

func (o *Offer) decided(by Actor, now time.Time) {
	o.DecidedAt = &now
	if by.UserID != 0 {
		id := by.UserID
		o.DecidedByID = &id
	}
	o.DecidedByName = by.Name
}

// OfferInput is what a partner (or desk sales rep) types to make an offer.
type OfferInput struct {
	CustomerID       int64  // an existing customer of the console …
	Domain           string // … or a transferring customer's domain
	Token            string // … with its transfer token
	ProductID        int64
	Quantity         string
	Plan             Plan
	UnitPrice        string // typed, in the billing account's currency
	BillingAccountID int64
	StartDate        string // YYYY-MM-DD
	ExpiresOn        string // YYYY-MM-DD; empty: OfferLifetimeDays from today
	Message          string
	PONumber         string
	MigrationID      int64
}

// Normalize trims the typed fields.
func (in *OfferInput) Normalize() {
	in.Domain = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(in.Domain)), ".")
	in.Token = NormalizeTransferToken(in.Token)
	in.Quantity = strings.TrimSpace(in.Quantity)
	in.UnitPrice = strings.TrimSpace(in.UnitPrice)
	in.StartDate = strings.TrimSpace(in.StartDate)
	in.ExpiresOn = strings.TrimSpace(in.ExpiresOn)
	in.Message = strings.TrimSpace(in.Message)
	in.PONumber = strings.TrimSpace(in.PONumber)
}

// OfferTerms are the checked values of an offer form.
type OfferTerms struct {
	Quantity  int
	UnitPrice int64
	StartDate time.Time
	ExpiresOn time.Time
}

// Validate checks the form against the product and the currency the price is
// typed in, at now (R-OFF-4: quantity 1..max, price ≥ 0, expiry not past).
// needCustomer says the form must name a customer (existing or by domain).
func (in OfferInput) Validate(p *Product, currency string, now time.Time, needCustomer bool) (OfferTerms, error) {
	var t OfferTerms
	f := FieldErrors{}
	if needCustomer && in.CustomerID <= 0 {
		if in.Domain == "" {
			f.Add("customer_id", "Choose a customer, or type a transferring customer's domain and transfer token.")
		} else if _, ok := NormalizeDomain(in.Domain); !ok {
			f.Add("domain", "Enter a valid domain name, e.g. example.com.")
		}
		if in.Domain != "" && in.Token == "" {
			f.Add("token", "Enter the transfer token the customer gave you.")
		}
	}
	if p == nil {
		f.Add("product_id", "Choose a product from the catalogue.")
	}
	switch q, ok := parseInt(in.Quantity); {
	case in.Quantity == "":
		f.Add("quantity", "Enter how many licences.")
	case !ok:
		f.Add("quantity", "Enter a whole number of licences.")
	case q < 1:
		f.Add("quantity", "The quantity must be at least 1.")
	case p != nil && q > p.MaxQuantity:
		f.Add("quantity", "This quantity is above the product's maximum.")
	default:
		t.Quantity = q
	}
	switch in.Plan {
	case PlanFlexible, PlanAnnualMonthly, PlanAnnualPrepaid, PlanTrial:
	default:
		f.Add("plan", "Choose a plan.")
	}
	if !ValidCurrency(currency) {
		f.Add("billing_account_id", "Choose a billing account.")
	}
	switch {
	case in.UnitPrice == "":
		f.Add("unit_price", "Enter the unit price.")
	case strings.HasPrefix(in.UnitPrice, "-"):
		f.Add("unit_price", "The price cannot be below zero.")
	default:
		if v, ok := ParseCaseAmount(in.UnitPrice, currency); !ok {
			f.Add("unit_price", "Enter a price in the billing account's currency, e.g. 12.50.")
		} else {
			t.UnitPrice = v
		}
	}
	today := Day(now)
	t.StartDate = today
	if in.StartDate != "" {
		if d, err := time.Parse("2006-01-02", in.StartDate); err != nil {
			f.Add("start_date", "Enter a date as YYYY-MM-DD.")
		} else if d.Before(today) {
			f.Add("start_date", "The start date cannot be in the past.")
		} else {
			t.StartDate = d
		}
	}
	t.ExpiresOn = today.AddDate(0, 0, OfferLifetimeDays)
	if in.ExpiresOn != "" {
		if d, err := time.Parse("2006-01-02", in.ExpiresOn); err != nil {
			f.Add("expires_on", "Enter a date as YYYY-MM-DD.")
		} else if d.Before(today) {
			f.Add("expires_on", "The expiry date is in the past. Choose a later date.")
		} else {
			t.ExpiresOn = d
		}
	}
	if utf8.RuneCountInString(in.Message) > 2000 {
		f.Add("message", "The message is at most 2,000 characters.")
	}
	if utf8.RuneCountInString(in.PONumber) > 80 {
		f.Add("po_number", "The purchase order number is at most 80 characters.")
	}
	return t, f.Err()
}

func parseInt(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

// OfferFilter narrows an offers list.
type OfferFilter struct {
	State      OfferState
	CustomerID int64
	ProductID  int64
	Query      string // customer name, domain or PO number
}

// FirstInvoiceDate is when an online Meet hardware subscription is first
// invoiced: the 1st of the month after its start (R-MEET-5, deferred prepay).
func FirstInvoiceDate(start time.Time) time.Time {
	d := Day(start)
	return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
}

// OfferRow is an offers-list row with the names it shows.
type OfferRow struct {
	Offer
	CustomerName   string
	CustomerDomain string
	ConsoleName    string
	ProductName    string
	ProductSKU     string
	ProductFamily  ProductFamily
}

// TableName makes OfferRow scan from offers.
func (OfferRow) TableName() string { return "offers" }
