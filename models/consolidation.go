package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// ConnectionState is where a console connection stands (R-CON-1, R-CON-2).
type ConnectionState string

const (
	ConnSent     ConnectionState = "sent"     // Sent, awaiting acceptance
	ConnAccepted ConnectionState = "accepted" // Invitation accepted, console connected
	ConnClosed   ConnectionState = "closed"
)

// MigrationWait is how long after acceptance customers can first be
// migrated (R-CON-4).
const MigrationWait = 7 * 24 * time.Hour

// ReadinessMaxAge is how old a customer's readiness may be before the
// periodic job recomputes it (R-CON-5).
const ReadinessMaxAge = 12 * time.Hour

// ConsoleConnection links a source console to the main console its
// customers move to (SPEC §8).
type ConsoleConnection struct {
	ID              int64
	MainConsoleID   int64
	SourceConsoleID int64
	State           ConnectionState
	InvitedBy       *int64
	AcceptedAt      *time.Time
	ClosedAt        *time.Time
	ClosedBy        *int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Open tells whether the connection is sent or accepted.
func (c ConsoleConnection) Open() bool { return c.State == ConnSent || c.State == ConnAccepted }

// MigratableFrom is when customers can first be migrated: 7 days after
// acceptance (R-CON-4). Zero when not accepted.
func (c ConsoleConnection) MigratableFrom() time.Time {
	if c.AcceptedAt == nil {
		return time.Time{}
	}
	return c.AcceptedAt.Add(MigrationWait)
}

// WaitOver tells whether the 7-day wait is over at now (R-CON-4).
func (c ConsoleConnection) WaitOver(now time.Time) bool {
	return c.State == ConnAccepted && c.AcceptedAt != nil && !now.Before(c.MigratableFrom())
}

// ConnectionStatusLabel is the status a person reads (seed 002's words).
func ConnectionStatusLabel(s ConnectionState) string {
	switch s {
	case ConnSent:
		return "Sent, awaiting acceptance"
	case ConnAccepted:
		return "Invitation accepted, console connected"
	}
	return "Connection closed"
}

// ConnectionRow is a connection as the consolidation page lists it, with the
// other console's name and account id.
type ConnectionRow struct {
	ConsoleConnection
	MainName   string
	MainRID    string `gorm:"column:main_r_id"`
	SourceName string
	SourceRID  string `gorm:"column:source_r_id"`
}

// ErrUnknownConsoleID refuses an account id no active console has.
func ErrUnknownConsoleID() *Error {
	return &Error{Code: CodeInvalid, Field: "reseller_id",
		Message: "No console has this account id. Ask the source console's super admin for its public reseller id, e.g. K7QM-4XTD."}
}

// CheckConsoleAccountID reads the account id (public reseller id) a main
// console typed to invite a source (R-CON-1, R-CON-3).
func CheckConsoleAccountID(typed string) (string, error) {
	rid, ok := NormalizePublicResellerID(typed)
	if !ok {
		if typed == "" {
			return "", &Error{Code: CodeInvalid, Field: "reseller_id", Message: "Enter the source console's account id (its public reseller id)."}
		}
		return "", ErrUnknownConsoleID()
	}
	return rid, nil
}

// InviteFacts are what the store loads, under locks, before a main console
// invites a source (R-CON-1, R-CON-3).
type InviteFacts struct {
	MainID   int64
	SourceID int64
	// SourceOpen is the source's open connection, if any (as a source).
	SourceOpen *ConsoleConnection
	// MainIsSource: the main is itself an open source of another console.
	MainIsSource bool
	// SourceIsMain: the source is the main of open connections.
	SourceIsMain bool
}

// CheckInvite decides whether the main console may invite the source.
func CheckInvite(f InviteFacts) error {
	switch {
	case f.MainID == f.SourceID:
		return &Error{Code: CodeInvalid, Field: "reseller_id", Message: "This is your own console's account id: a console cannot invite itself."}
	case f.SourceOpen != nil && f.SourceOpen.MainConsoleID == f.MainID:
		return &Error{Code: CodeInvalid, Field: "reseller_id", Message: "This console is already invited or connected to your console."}
	case f.SourceOpen != nil:
		return &Error{Code: CodeInvalid, Field: "reseller_id",
			Message: "This console is already connected to another main console, or has an invitation pending. It can be invited once that connection is closed."}
	case f.MainIsSource:
		return &Error{Code: CodeInvalid, Field: "reseller_id",
			Message: "Your console is a source console of another main console: close that connection before inviting consoles."}
	case f.SourceIsMain:
		return &Error{Code: CodeInvalid, Field: "reseller_id",
			Message: "This console is the main console of other consoles: it cannot become a source while those connections are open."}
	}
	return nil
}

// CheckAccept decides whether the source console may accept the invitation
// (R-CON-2). A lost race (already accepted or closed) is a conflict.
func CheckAccept(c ConsoleConnection, consoleID int64) error {
	if c.SourceConsoleID != consoleID {
		return Forbidden()
	}
	switch c.State {
	case ConnAccepted:
		return &Error{Code: CodeConflict, Message: "This invitation was already accepted."}
	case ConnClosed:
		return &Error{Code: CodeConflict, Message: "This invitation was cancelled: the connection is closed."}
	}
	return nil
}

// CheckClose decides whether either side may close the connection: any
// time before a customer migration completes or while one runs (R-CON-2).
func CheckClose(c ConsoleConnection, consoleID int64, migrating, done int) error {
	if c.MainConsoleID != consoleID && c.SourceConsoleID != consoleID {
		return NotFound()
	}
	if c.State == ConnClosed {
		return &Error{Code: CodeConflict, Message: "This connection is already closed."}
	}
	if migrating > 0 {
		return &Error{Code: CodeConflict, Message: "Customers are migrating over this connection: wait until they are done."}
	}
	if done > 0 {
		return &Error{Code: CodeConflict, Message: "A customer migration has completed over this connection: it can no longer be closed. Report a problem to the support desk."}
	}
	return nil
}

// CustomerMigrationState is a customer's place in a consolidation (R-CON-5..8).
type CustomerMigrationState string

const (
	MigReady     CustomerMigrationState = "ready"
	MigNotReady  CustomerMigrationState = "not_ready"
	MigStarted   CustomerMigrationState = "started"
	MigMigrating CustomerMigrationState = "migrating"
	MigDone      CustomerMigrationState = "done"
	MigFailed    CustomerMigrationState = "failed"
)

// Reasons a customer is not ready to migrate (R-CON-5).
const (
	ReasonWaiting       = "waiting"            // the 7-day wait is not over
	ReasonUnsupported   = "unsupported"        // Google Cloud contract plan or Google Voice
	ReasonNoBillingAcct = "no_billing_account" // no billing account in that currency at the main
)

// NotReadyReason is one detail of a not-ready customer.
type NotReadyReason struct {
	Code         string     `json:"code"`
	Until        *time.Time `json:"until,omitempty"`
	Subscription string     `json:"subscription,omitempty"`
	Currency     string     `json:"currency,omitempty"`
}

// NotReadyReasons is stored as jsonb.
type NotReadyReasons []NotReadyReason

// Value writes the reasons as JSON.
func (r NotReadyReasons) Value() (driver.Value, error) {
	if r == nil {
		r = NotReadyReasons{}
	}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode reasons: %w", err)
	}
	return string(b), nil
}

// Scan reads the reasons from JSON.
func (r *NotReadyReasons) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*r = nil
		return nil
	case []byte:
		return json.Unmarshal(v, r)
	case string:
		return json.Unmarshal([]byte(v), r)
	}
	return fmt.Errorf("scan reasons: unexpected %T", src)
}

// CustomerMigration is a customer's readiness and migration row.
type CustomerMigration struct {
	ID           int64
	ConnectionID int64
	CustomerID   int64
	State        CustomerMigrationState
	Reasons      NotReadyReasons `gorm:"type:jsonb"`
	ComputedAt   time.Time
	Result       string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// MigrationRow is a customer migration as the source's list shows it.
type MigrationRow struct {
	CustomerMigration
	CustomerName   string
	CustomerDomain string
}

// ReadinessSub is one live subscription of a customer as readiness sees it.
type ReadinessSub struct {
	Name     string
	Family   ProductFamily
	Plan     Plan
	Currency string
}

// ReadinessFacts are what the store loads to judge one customer (R-CON-5).
type ReadinessFacts struct {
	Connection ConsoleConnection
	Now        time.Time
	Subs       []ReadinessSub
	// MainCurrencies are the currencies of the main console's billing accounts.
	MainCurrencies []string
}

// Unsupported tells whether a subscription cannot be migrated: Google Cloud
// on a contract (annual) plan and Google Voice (seed 002).
func (s ReadinessSub) Unsupported() bool {
	if s.Family == FamilyVoice {
		return true
	}
	return s.Family == FamilyCloud && (s.Plan == PlanAnnualMonthly || s.Plan == PlanAnnualPrepaid)
}

// Readiness decides whether a customer is ready to migrate and, if not,
// every reason why (R-CON-4, R-CON-5).
func Readiness(f ReadinessFacts) (CustomerMigrationState, NotReadyReasons) {
	var reasons NotReadyReasons
	if !f.Connection.WaitOver(f.Now) {
		until := f.Connection.MigratableFrom()
		r := NotReadyReason{Code: ReasonWaiting}
		if !until.IsZero() {
			r.Until = &until
		}
		reasons = append(reasons, r)
	}
	have := map[string]bool{}
	for _, c := range f.MainCurrencies {
		have[c] = true
	}
	missing := map[string]bool{}
	for _, s := range f.Subs {
		if s.Unsupported() {
			reasons = append(reasons, NotReadyReason{Code: ReasonUnsupported, Subscription: s.Name})
			continue
		}
		if s.Currency != "" && !have[s.Currency] && !missing[s.Currency] {
			missing[s.Currency] = true
			reasons = append(reasons, NotReadyReason{Code: ReasonNoBillingAcct, Subscription: s.Name, Currency: s.Currency})
		}
	}
	if len(reasons) == 0 {
		return MigReady, NotReadyReasons{}
	}
	sort.SliceStable(reasons, func(i, j int) bool { return reasonOrder(reasons[i].Code) < reasonOrder(reasons[j].Code) })
	return MigNotReady, reasons
}

func reasonOrder(code string) int {
	switch code {
	case ReasonWaiting:
		return 0
	case ReasonUnsupported:
		return 1
	}
	return 2
}

// ConsoleFacts are the three facts the seed weighs when choosing the main
// console, for one console.
type ConsoleFacts struct {
	ConsoleID  int64
	Name       string
	RID        string   `gorm:"column:r_id"`
	CloudVoice int      // live Google Cloud contract plan and Google Voice subscriptions
	Customers  int      // customers managed
	Currencies []string `gorm:"-"` // billing account currencies
	IsThisOne  bool
}

// BulkResult is one customer's result of a bulk action (R-BULK-1): done, or
// failed with the reason; never one pass/fail for the batch.
type BulkResult struct {
	CustomerID int64
	Name       string
	OK         bool
	Message    string
}

// ErrNoCustomersSelected refuses a bulk action on nothing.
func ErrNoCustomersSelected() *Error {
	return &Error{Code: CodeInvalid, Field: "customer_ids", Message: "Select at least one customer."}
}

// CheckStartMigration decides whether the source may start a customer's
// migration (R-CON-6): the customer must be ready now (readiness judged
// again at this moment, not as last computed).
func CheckStartMigration(current CustomerMigrationState, now CustomerMigrationState) error {
	switch current {
	case MigStarted, MigMigrating:
		return &Error{Code: CodeConflict, Message: "This customer's migration has already started."}
	case MigDone:
		return &Error{Code: CodeConflict, Message: "This customer has already been migrated."}
	}
	if now != MigReady {
		return &Error{Code: CodeConflict, Message: "This customer is not ready to migrate: see the details."}
	}
	return nil
}

// CheckCancelMigration decides whether the source may cancel a started
// migration (R-CON-6): only a started one, before the main completes it.
func CheckCancelMigration(current CustomerMigrationState) error {
	switch current {
	case MigStarted:
		return nil
	case MigMigrating, MigDone:
		return &Error{Code: CodeConflict, Message: "The main console is already completing this migration: it can no longer be cancelled."}
	}
	return &Error{Code: CodeConflict, Message: "This customer's migration has not started."}
}

// MigrationSub is one live subscription of a migrating customer as the main
// console completes the migration (R-CON-7): its currency and the legal
// entity of its current billing account ("" when it has none).
type MigrationSub struct {
	ID          int64
	Name        string
	Currency    string
	LegalEntity string
}

// MigrationAccount is one billing account of the main console.
type MigrationAccount struct {
	ID          int64
	Name        string
	Currency    string
	LegalEntity string
}

// MigrationMove is where one subscription goes: the main's billing account.
type MigrationMove struct {
	SubscriptionID   int64
	BillingAccountID int64
	// LegalEntityChange: the chosen account's legal entity differs from the
	// current one (the main confirmed it).
	LegalEntityChange bool
}

// ErrNoSameCurrencyAccount fails a customer the main cannot take: a
// subscription's currency has no billing account at the main (R-CON-7).
func ErrNoSameCurrencyAccount() *Error {
	return &Error{Code: CodeConflict, Message: "The main console has no billing account in the currency of one of this customer's subscriptions: the currency cannot change. Create a billing account in that currency, then complete again."}
}

// ErrLegalEntityNotConfirmed fails a customer whose chosen billing account
// has another legal entity than the current one, unless confirmed (R-CON-7).
func ErrLegalEntityNotConfirmed() *Error {
	return &Error{Code: CodeConflict, Message: "The chosen billing account has another legal entity than the current one: confirm the change, or choose an account with the same legal entity to keep it."}
}

// CheckCompleteMigration decides whether the main may complete a customer's
// migration (R-CON-7): only a started one (a failed attempt stays started).
func CheckCompleteMigration(current CustomerMigrationState) error {
	switch current {
	case MigStarted, MigMigrating, MigFailed:
		return nil
	case MigDone:
		return &Error{Code: CodeConflict, Message: "This customer has already been migrated."}
	}
	return &Error{Code: CodeConflict, Message: "The source console has not started this customer's migration, or cancelled it."}
}

// PlanMigration chooses, for each subscription, the main's billing account
// in the same currency (R-CON-7): chosen lists the accounts the main picked
// (at most one per currency); a currency the main did not pick takes its
// only account in that currency. The currency never changes; a legal entity
// change needs confirmed.
func PlanMigration(subs []MigrationSub, accounts []MigrationAccount, chosen []int64, confirmed bool) ([]MigrationMove, error) {
	byID := map[int64]MigrationAccount{}
	inCurrency := map[string][]MigrationAccount{}
	for _, a := range accounts {
		byID[a.ID] = a
		inCurrency[a.Currency] = append(inCurrency[a.Currency], a)
	}
	pick := map[string]MigrationAccount{}
	for _, id := range chosen {
		a, ok := byID[id]
		if !ok {
			return nil, &Error{Code: CodeInvalid, Field: "account_ids", Message: "Choose billing accounts of your console."}
		}
		if p, dup := pick[a.Currency]; dup && p.ID != a.ID {
			return nil, &Error{Code: CodeInvalid, Field: "account_ids", Message: "Choose one billing account per currency."}
		}
		pick[a.Currency] = a
	}
	moves := make([]MigrationMove, 0, len(subs))
	for _, s := range subs {
		a, ok := pick[s.Currency]
		if !ok {
			if len(inCurrency[s.Currency]) != 1 {
				if len(inCurrency[s.Currency]) == 0 {
					return nil, ErrNoSameCurrencyAccount()
				}
				return nil, &Error{Code: CodeConflict, Message: "Your console has several billing accounts in this customer's currency: choose one."}
			}
			a = inCurrency[s.Currency][0]
		}
		change := s.LegalEntity != "" && a.LegalEntity != s.LegalEntity
		if change && !confirmed {
			return nil, ErrLegalEntityNotConfirmed()
		}
		moves = append(moves, MigrationMove{SubscriptionID: s.ID, BillingAccountID: a.ID, LegalEntityChange: change})
	}
	return moves, nil
}

// IncomingMigration is a started migration as the main console sees it
// (R-CON-7): the customer, its source console, and in Result the reason the
// last attempt failed.
type IncomingMigration struct {
	MigrationRow
	SourceName string
}

// SubscriptionMove is a day a subscription changed billing account through a
// customer migration or its undo (R-CON-9, R-CON-10): from the day MovedOn
// the subscription is billed to ToAccountID.
type SubscriptionMove struct {
	ID             int64
	SubscriptionID int64
	FromAccountID  *int64
	ToAccountID    *int64
	MovedOn        time.Time
	MigrationID    *int64
	CreatedAt      time.Time
}

// Batch item states of a bulk completion (R-BULK-1).
const (
	BatchPending = "pending"
	BatchDone    = "done"
	BatchFailed  = "failed"
)

// MigrationBatchItem is one customer of a bulk completion: pending, done,
// or failed with the reason.
type MigrationBatchItem struct {
	CustomerID int64
	Position   int
	State      string
	Name       string
	Message    string
}

// MigrationBatch is a bulk completion of customer migrations at the main
// console, worked by a background job (R-BULK-1), with its progress.
type MigrationBatch struct {
	ID         int64
	ConsoleID  int64
	CreatedAt  time.Time
	FinishedAt *time.Time
	Items      []MigrationBatchItem `gorm:"-"`
}

// Progress is how many customers are through (done or failed) of how many.
func (b MigrationBatch) Progress() (n, total int) {
	for _, it := range b.Items {
		if it.State != BatchPending {
			n++
		}
	}
	return n, len(b.Items)
}

// Counts are how many customers are done and how many failed.
func (b MigrationBatch) Counts() (done, failed int) {
	for _, it := range b.Items {
		switch it.State {
		case BatchDone:
			done++
		case BatchFailed:
			failed++
		}
	}
	return done, failed
}

// Finished tells whether no customer is left to work.
func (b MigrationBatch) Finished() bool {
	n, total := b.Progress()
	return n == total
}

// BatchItemOutcome turns one customer's result into its batch item state.
func BatchItemOutcome(r BulkResult) string {
	if r.OK {
		return BatchDone
	}
	return BatchFailed
}

// UndoFacts are what the desk's Undo migration action loads, under locks,
// for the customer of an "Undo a customer migration" case (R-CON-10).
type UndoFacts struct {
	// Found: the customer has a completed migration (the latest is undone).
	Found bool
	// AtMain: the customer still belongs to that migration's main console.
	AtMain bool
	// Moved are the subscriptions the migration moved, still at the main.
	Moved int
	// Others are live subscriptions at the main the migration did not move
	// (ordered since): they have no billing account at the source to go back to.
	Others int
}

// CheckUndoMigration decides whether the desk may undo a customer's
// completed migration (R-CON-10).
func CheckUndoMigration(f UndoFacts) error {
	switch {
	case !f.Found:
		return &Error{Code: CodeConflict, Message: "This case's customer has no completed migration to undo."}
	case !f.AtMain:
		return &Error{Code: CodeConflict, Message: "The customer no longer belongs to the main console of its migration: there is nothing to undo."}
	case f.Others > 0:
		return &Error{Code: CodeConflict, Message: "The customer has subscriptions ordered at the main console since the migration: end or move them first, then undo."}
	}
	return nil
}
