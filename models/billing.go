package models

import "time"

// Money is an amount in minor units of an ISO 4217 currency (scale from
// CurrencyScale); package models/money computes with it.
type Money struct {
	Minor    int64
	Currency string
}

// InvoiceState is where an invoice stands: open → paid | void.
type InvoiceState string

const (
	InvoiceOpen InvoiceState = "open"
	InvoicePaid InvoiceState = "paid"
	InvoiceVoid InvoiceState = "void"
)

// InvoiceStates lists every invoice state in display order.
func InvoiceStates() []InvoiceState {
	return []InvoiceState{InvoiceOpen, InvoicePaid, InvoiceVoid}
}

func invoiceMoves() map[InvoiceState][]InvoiceState {
	return map[InvoiceState][]InvoiceState{
		InvoiceOpen: {InvoicePaid, InvoiceVoid},
	}
}

// Valid tells whether s is a known state.
func (s InvoiceState) Valid() bool {
	for _, x := range InvoiceStates() {
		if x == s {
			return true
		}
	}
	return false
}

// CanMoveTo tells whether an invoice in state s may move to next.
func (s InvoiceState) CanMoveTo(next InvoiceState) bool {
	for _, x := range invoiceMoves()[s] {
		if x == next {
			return true
		}
	}
	return false
}

// Invoice is one billing account's bill for one period (a month).
type Invoice struct {
	ID               int64
	Number           string
	BillingAccountID int64
	PeriodStart      time.Time // first day
	PeriodEnd        time.Time // the day after the last day (exclusive)
	Currency         string
	SubtotalMinor    int64
	CreditsMinor     int64
	TaxMinor         int64
	TotalMinor       int64
	PaidMinor        int64
	State            InvoiceState
	IssuedOn         time.Time
	DueOn            time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// BalanceMinor is what is left to pay on the invoice.
func (i Invoice) BalanceMinor() int64 {
	if i.State != InvoiceOpen {
		return 0
	}
	return i.TotalMinor - i.PaidMinor
}

// Overdue tells whether the open invoice is past its due date at now.
func (i Invoice) Overdue(now time.Time) bool {
	return i.State == InvoiceOpen && Day(now).After(Day(i.DueOn))
}

// InvoiceLine is one line of an invoice: a subscription's period or a
// one-off charge.
type InvoiceLine struct {
	ID             int64
	InvoiceID      int64
	SubscriptionID *int64
	ChargeID       *int64
	Description    string
	ProductName    string
	PeriodStart    time.Time
	PeriodEnd      time.Time // exclusive
	Quantity       int
	UnitPriceMinor int64
	AmountMinor    int64
	PONumber       string `gorm:"column:po_number"`
}

// ChargeKind says why a one-off charge was made.
type ChargeKind string

const (
	ChargeLicencesAdded ChargeKind = "licences_added"
	ChargeCancellation  ChargeKind = "cancellation"
	ChargeProration     ChargeKind = "proration"
	ChargeOther         ChargeKind = "other"
)

// BillingCharge is a one-off charge waiting for the billing account's next
// invoice (InvoiceID is set when billed).
type BillingCharge struct {
	ID               int64
	BillingAccountID int64
	SubscriptionID   *int64
	Kind             ChargeKind
	Description      string
	Quantity         int
	AmountMinor      int64
	Currency         string
	PeriodStart      *time.Time
	PeriodEnd        *time.Time
	CreatedAt        time.Time
	InvoiceID        *int64
	IdempotencyKey   *string
}

// CreditSource says where a credit comes from.
type CreditSource string

const (
	CreditCancellation   CreditSource = "cancellation"
	CreditOverPayment    CreditSource = "over_payment"
	CreditRefundApproved CreditSource = "refund_approved"
	CreditProration      CreditSource = "proration"
	CreditManual         CreditSource = "manual"
)

// CreditSources lists every credit source.
func CreditSources() []CreditSource {
	return []CreditSource{CreditCancellation, CreditOverPayment, CreditRefundApproved, CreditProration, CreditManual}
}

// Credit is a credit note: applied to the next invoices until used up.
type Credit struct {
	ID               int64
	BillingAccountID int64
	AmountMinor      int64
	RemainingMinor   int64
	Currency         string
	Reason           string
	Source           CreditSource
	CreatedBy        *int64
	CreatedAt        time.Time
	IdempotencyKey   *string
}

// PaymentMethod is a card known by its processor token; the full number is
// never stored.
type PaymentMethod struct {
	ID               int64
	BillingAccountID int64
	Processor        string
	Token            string
	Brand            string
	Last4            string `gorm:"column:last4"`
	ExpMonth         int
	ExpYear          int
	IsPrimary        bool
	CreatedAt        time.Time
	RemovedAt        *time.Time
}

// PaymentKind says who started a payment.
type PaymentKind string

const (
	PaymentManual    PaymentKind = "manual"
	PaymentAutomatic PaymentKind = "automatic"
)

// PaymentState is a payment's outcome.
type PaymentState string

const (
	PaymentSucceeded    PaymentState = "succeeded"
	PaymentDeclined     PaymentState = "declined"
	PaymentPendingRetry PaymentState = "pending_retry"
)

func paymentMoves() map[PaymentState][]PaymentState {
	return map[PaymentState][]PaymentState{
		PaymentPendingRetry: {PaymentSucceeded, PaymentDeclined},
	}
}

// CanMoveTo tells whether a payment in state s may move to next.
func (s PaymentState) CanMoveTo(next PaymentState) bool {
	for _, x := range paymentMoves()[s] {
		if x == next {
			return true
		}
	}
	return false
}

// Payment is one charge of a payment method.
type Payment struct {
	ID               int64
	BillingAccountID int64
	PaymentMethodID  *int64
	AmountMinor      int64
	Currency         string
	Kind             PaymentKind
	State            PaymentState
	ProcessorRef     string
	DeclineReason    string
	IdempotencyKey   string
	CreatedBy        *int64
	CreatedAt        time.Time
}

// BillingTerms are a billing account's invoicing settings.
type BillingTerms struct {
	BillingAccountID int64
	ConsoleID        *int64
	CustomerID       *int64
	Name             string
	Currency         string
	TaxRateBP        int `gorm:"column:tax_rate_bp"`
	PaymentTermsDays int
	SuspendAfterDays int
}

// InvoiceFilter narrows an invoices list.
type InvoiceFilter struct {
	State            InvoiceState
	Period           string // YYYY-MM: the month billed
	BillingAccountID int64
}

// PeriodStart is the first day of the filter's month, if it names one.
func (f InvoiceFilter) PeriodStart() (time.Time, bool) {
	t, err := time.Parse("2006-01", f.Period)
	return t, err == nil
}

// InvoiceRow is an invoices-list row with the billing account it bills.
type InvoiceRow struct {
	Invoice
	AccountName  string
	ConsoleName  string
	CustomerName string
}

// TableName makes InvoiceRow scan from invoices.
func (InvoiceRow) TableName() string { return "invoices" }

// InvoiceView is one invoice with its lines, who is billed and the credits
// applied.
type InvoiceView struct {
	InvoiceRow
	LegalEntity string
	Lines       []InvoiceLine   `gorm:"-"`
	Credits     []CreditApplied `gorm:"-"`
}

// CreditApplied is a credit used on an invoice.
type CreditApplied struct {
	CreditID    int64
	Reason      string
	Source      CreditSource
	AmountMinor int64
}
