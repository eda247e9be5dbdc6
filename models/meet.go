package models

import (
	"fmt"
	"sort"
	"time"
)

// PlanGrace is the temporary online grace plan support parks an offline
// Meet hardware subscription on while it moves online (R-MEET-2 step 4).
const PlanGrace Plan = "grace"

// GraceDays is how long the temporary grace plan lasts.
const GraceDays = 30

// MeetCountries are the countries where Meet hardware can move online
// (R-MEET-1 criterion 3), in the article's order.
func MeetCountries() []string {
	return []string{"US", "FR", "GB", "JP", "SE", "CA", "CH", "AU", "DE", "NL"}
}

// MeetCountry tells whether code is in MeetCountries.
func MeetCountry(code string) bool {
	for _, c := range MeetCountries() {
		if c == code {
			return true
		}
	}
	return false
}

// Meet timing rules (R-MEET-1..3).
const (
	// MeetEligibleDays: the Meet renewal must be within this many days.
	MeetEligibleDays = 7
	// CaseWindowOpens / CaseWindowCloses: the grace-plan case is filed
	// between 48 and 24 hours before the renewal.
	CaseWindowOpens  = 48 * time.Hour
	CaseWindowCloses = 24 * time.Hour
	// DirectOfferLead: a direct offer is made at least 7 days before renewal.
	DirectOfferLead = 7 * 24 * time.Hour
)

// RenewalInstant is the moment a renewal date begins (00:00 UTC).
func RenewalInstant(renewal time.Time) time.Time { return Day(renewal) }

// WindowError refuses an action outside its time window; the handler shows
// the window's times in the user's time zone. It carries a code like every
// domain error (conflict: the request was fine, the moment is not), and
// unwraps to an *Error so ErrorCode and errors.As see it.
type WindowError struct {
	Code          Code
	Opens, Closes time.Time
	Message       string // English message id with {{.Opens}} and {{.Closes}}
}

func (e *WindowError) Error() string {
	return fmt.Sprintf("%s: outside window %s – %s", e.code(), e.Opens.Format(time.RFC3339), e.Closes.Format(time.RFC3339))
}

func (e *WindowError) code() Code {
	if e.Code == "" {
		return CodeConflict
	}
	return e.Code
}

// Unwrap gives the coded error behind the window.
func (e *WindowError) Unwrap() error { return &Error{Code: e.code(), Message: e.Message} }

// CaseWindow is when the grace-plan support case may be filed: from 48 to
// 24 hours before the renewal, both ends included.
func CaseWindow(renewal time.Time) (opens, closes time.Time) {
	r := RenewalInstant(renewal)
	return r.Add(-CaseWindowOpens), r.Add(-CaseWindowCloses)
}

// CheckCaseWindow refuses filing the case outside CaseWindow.
func CheckCaseWindow(renewal, now time.Time) error {
	opens, closes := CaseWindow(renewal)
	if now.Before(opens) || now.After(closes) {
		return &WindowError{Code: CodeConflict, Opens: opens, Closes: closes,
			Message: "The support case can be filed only between 48 and 24 hours before the renewal: from {{.Opens}} to {{.Closes}}."}
	}
	return nil
}

// DirectOfferDeadline is the last moment a direct offer can be made.
func DirectOfferDeadline(renewal time.Time) time.Time {
	return RenewalInstant(renewal).Add(-DirectOfferLead)
}

// CheckDirectOffer refuses a direct offer later than 7 days before renewal.
func CheckDirectOffer(renewal, now time.Time) error {
	d := DirectOfferDeadline(renewal)
	if now.After(d) {
		return &WindowError{Code: CodeConflict, Closes: d,
			Message: "A direct offer must be made at least 7 days before the renewal; the last moment was {{.Closes}}."}
	}
	return nil
}

// Msg is a translatable message with name/value arguments. Values of type
// time.Time are shown as dates, CountryCode as a country name.
type Msg struct {
	Text string
	Args []any
}

// CountryCode is a country argument of a Msg.
type CountryCode string

func msg(text string, args ...any) Msg { return Msg{Text: text, Args: args} }

// MeetSub is what eligibility needs to know about one subscription.
type MeetSub struct {
	ID              int64
	Family          ProductFamily
	ConsoleID       *int64
	Channel         SubChannel
	Plan            Plan
	Quantity        int
	EndDate         time.Time
	DistributorName string
}

// MeetConsole is a console that sells to the customer. Name is empty when
// the viewer may not know it (another reseller).
type MeetConsole struct {
	ID              int64
	Name            string
	Country         string
	Tier            Tier
	DistributorName string
}

// MeetFacts are the facts eligibility is decided on.
type MeetFacts struct {
	Customer Customer
	Consoles map[int64]MeetConsole
	Subs     []MeetSub
}

// Criterion is one eligibility criterion's verdict.
type Criterion struct {
	N      int
	Title  string
	Pass   bool
	Facts  []Msg
	Remedy Msg
}

// Eligibility is the verdict on all five criteria (R-MEET-1).
type Eligibility struct {
	Criteria []Criterion
	// The offline Meet hardware subscription that renews first, if any.
	Meet        *MeetSub
	RenewalDate time.Time
	// MeetQuantity is the customer's total Meet hardware licences across
	// every reseller (R-MEET-2 step 7).
	MeetQuantity int
}

// Passed tells whether every criterion passed.
func (e Eligibility) Passed() bool {
	for _, c := range e.Criteria {
		if !c.Pass {
			return false
		}
	}
	return len(e.Criteria) > 0
}

// PassedExcept tells whether every criterion but n passed.
func (e Eligibility) PassedExcept(n int) bool {
	for _, c := range e.Criteria {
		if c.N != n && !c.Pass {
			return false
		}
	}
	return len(e.Criteria) > 0
}

// Failed lists the numbers of the failed criteria.
func (e Eligibility) Failed() []int {
	var out []int
	for _, c := range e.Criteria {
		if !c.Pass {
			out = append(out, c.N)
		}
	}
	return out
}

// seller is a subscription's channel: a console id, 0 for direct.
func seller(s MeetSub) int64 {
	if s.ConsoleID == nil {
		return 0
	}
	return *s.ConsoleID
}

func (f MeetFacts) sellerMsg(id int64) Msg {
	if id == 0 {
		return msg("directly from the platform")
	}
	if c, ok := f.Consoles[id]; ok && c.Name != "" {
		return msg("through {{.Reseller}}", "Reseller", c.Name)
	}
	return msg("through another reseller")
}

// CheckMeetEligibility decides the five criteria at now.
func CheckMeetEligibility(f MeetFacts, now time.Time) Eligibility {
	var e Eligibility
	var ws, meet, offline []MeetSub
	wsQty := 0
	for _, s := range f.Subs {
		switch s.Family {
		case FamilyWorkspace:
			ws = append(ws, s)
			wsQty += s.Quantity
		case FamilyMeetHardware:
			meet = append(meet, s)
			e.MeetQuantity += s.Quantity
			if s.Channel == SubOffline || s.Plan == PlanGrace {
				offline = append(offline, s)
			}
		}
	}
	sort.Slice(offline, func(i, j int) bool {
		if !offline[i].EndDate.Equal(offline[j].EndDate) {
			return offline[i].EndDate.Before(offline[j].EndDate)
		}
		return offline[i].ID < offline[j].ID
	})
	if len(offline) > 0 {
		m := offline[0]
		e.Meet = &m
		e.RenewalDate = Day(m.EndDate)
	}
	today := Day(now)

	// 1. Google Workspace, directly or through a reseller.
	c1 := Criterion{N: 1, Title: "The customer already has Google Workspace", Pass: len(ws) > 0}
	if c1.Pass {
		c1.Facts = append(c1.Facts, msg("{{.N}} Google Workspace licences in {{.Subs}} subscriptions.", "N", wsQty, "Subs", len(ws)))
	} else {
		c1.Facts = append(c1.Facts, msg("No Google Workspace subscription."))
		c1.Remedy = msg("Buy Google Workspace, directly or through a reseller, before moving Meet hardware online.")
	}

	// 2. Meet hardware, renewing within the next 7 days.
	c2 := Criterion{N: 2, Title: "Meet hardware renews within the next 7 days"}
	switch {
	case len(meet) == 0:
		c2.Facts = append(c2.Facts, msg("No Google Meet hardware subscription."))
		c2.Remedy = msg("There is nothing to migrate: buy Meet hardware licences online in the console instead.")
	case e.Meet == nil:
		c2.Facts = append(c2.Facts, msg("Every Meet hardware subscription is already online."))
		c2.Remedy = msg("Nothing to migrate: the licences are already managed online.")
	default:
		last := today.AddDate(0, 0, MeetEligibleDays)
		c2.Facts = append(c2.Facts, msg("{{.N}} Meet hardware licences; the first offline renewal is on {{.Date}}.", "N", e.MeetQuantity, "Date", e.RenewalDate))
		switch {
		case e.RenewalDate.Before(today):
			c2.Remedy = msg("The renewal date has passed; wait for the next renewal date.")
		case e.RenewalDate.After(last):
			c2.Remedy = msg("Come back on or after {{.Date}}, 7 days before the renewal.", "Date", e.RenewalDate.AddDate(0, 0, -MeetEligibleDays))
		default:
			c2.Pass = true
		}
	}

	// 3. The declared country: the customer's when direct, the reseller's when indirect.
	c3 := Criterion{N: 3, Title: "The declared country is one where Meet hardware can move online"}
	country := f.Customer.Country
	if f.Customer.Channel == ChannelReseller && f.Customer.ConsoleID != nil {
		rc := f.Consoles[*f.Customer.ConsoleID]
		country = rc.Country
		c3.Facts = append(c3.Facts, msg("Indirect customer: the reseller's declared country counts, {{.Country}}.", "Country", CountryCode(country)))
	} else {
		c3.Facts = append(c3.Facts, msg("Direct customer: the customer's declared country counts, {{.Country}}.", "Country", CountryCode(country)))
	}
	c3.Pass = MeetCountry(country)
	if !c3.Pass {
		c3.Remedy = msg("Only US, FR, GB, JP, SE, CA, CH, AU, DE and NL qualify; the licences stay offline.")
	}

	// 4. Meet hardware bought through the same channel as Workspace.
	c4 := Criterion{N: 4, Title: "Meet hardware is bought through the same channel as Workspace"}
	wsSellers, meetSellers := map[int64]bool{}, map[int64]bool{}
	for _, s := range ws {
		wsSellers[seller(s)] = true
	}
	for _, s := range meet {
		if s.Plan == PlanGrace {
			continue // parked on the grace plan by support: in transit, no seller
		}
		meetSellers[seller(s)] = true
	}
	all := map[int64]bool{}
	for k := range wsSellers {
		all[k] = true
	}
	for k := range meetSellers {
		all[k] = true
	}
	if len(ws) == 0 || len(meet) == 0 {
		c4.Facts = append(c4.Facts, msg("Nothing to compare yet: criteria 1 and 2 need Workspace and Meet hardware."))
	}
	for _, id := range sortedIDs(wsSellers) {
		m := f.sellerMsg(id)
		c4.Facts = append(c4.Facts, Msg{Text: "Workspace is bought " + m.Text + ".", Args: m.Args})
	}
	for _, id := range sortedIDs(meetSellers) {
		m := f.sellerMsg(id)
		c4.Facts = append(c4.Facts, Msg{Text: "Meet hardware is bought " + m.Text + ".", Args: m.Args})
	}
	c4.Pass = len(all) == 1 || len(ws) == 0 || len(meet) == 0
	if len(meetSellers) == 0 && len(meet) > 0 && len(wsSellers) == 1 {
		c4.Pass = true
	}
	if !c4.Pass {
		switch {
		case wsSellers[0] && len(wsSellers) == 1:
			c4.Remedy = msg("Workspace is bought directly: ask the Google sales representative to sell the Meet hardware licences directly too.")
		default:
			c4.Remedy = msg("Consolidate the Meet hardware and Workspace purchases with one reseller at or before the renewal date on {{.Date}}.", "Date", e.RenewalDate)
		}
	}

	// 5. Two-tier: the Meet order goes through the Workspace distributor.
	c5 := Criterion{N: 5, Title: "Two-tier: the Meet order goes through the same distributor as Workspace", Pass: true}
	var rc *MeetConsole
	if f.Customer.ConsoleID != nil {
		if c, ok := f.Consoles[*f.Customer.ConsoleID]; ok {
			rc = &c
		}
	}
	if rc == nil || rc.Tier != TierTwoTier {
		c5.Facts = append(c5.Facts, msg("Not bought through a two-tier reseller: nothing to check."))
	} else {
		dist := rc.DistributorName
		for _, s := range ws {
			if s.DistributorName != "" && seller(s) == rc.ID {
				dist = s.DistributorName
				break
			}
		}
		c5.Facts = append(c5.Facts, msg("Workspace goes through the distributor {{.Distributor}}.", "Distributor", dist))
		for _, s := range meet {
			d := s.DistributorName
			if d == "" {
				d = "—"
			}
			c5.Facts = append(c5.Facts, msg("Meet hardware subscription {{.ID}} goes through {{.Distributor}}.", "ID", s.ID, "Distributor", d))
			if s.DistributorName != dist {
				c5.Pass = false
			}
		}
		if !c5.Pass {
			c5.Remedy = msg("The reseller must order Meet hardware through {{.Distributor}}, the distributor of the Workspace subscription.", "Distributor", dist)
		}
	}
	e.Criteria = []Criterion{c1, c2, c3, c4, c5}
	return e
}

func sortedIDs(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// MigrationPath is the reseller path (9 steps) or the direct path (4 steps).
type MigrationPath string

const (
	PathReseller MigrationPath = "reseller"
	PathDirect   MigrationPath = "direct"
)

// MigrationState is where a Meet migration is.
type MigrationState string

const (
	MigrationOpen      MigrationState = "open"
	MigrationDone      MigrationState = "done"
	MigrationCancelled MigrationState = "cancelled"
)

// MeetMigration tracks one customer's move of Meet hardware online (R-MEET-2).
type MeetMigration struct {
	ID             int64
	CustomerID     int64
	ConsoleID      *int64
	Path           MigrationPath
	State          MigrationState
	SubscriptionID int64
	RenewalDate    time.Time
	CaseID         *int64
	TokenID        *int64
	OfferID        *int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// MigrationStep is one done step with its date and actor.
type MigrationStep struct {
	MigrationID int64
	Step        int
	DoneAt      time.Time
	ActorUserID *int64
	ActorName   string
	Note        string
	// NoteMsg, when set, is the note as a message in the reader's language;
	// Note keeps its English text.
	NoteMsg *Msg `gorm:"column:note_msg"`
}

// StepActor says who takes a step.
type StepActor string

const (
	ByReseller StepActor = "reseller"
	ByDesk     StepActor = "desk"
	ByCustomer StepActor = "customer"
)

// StepSpec describes one step of a path.
type StepSpec struct {
	N     int
	Title string
	By    StepActor
}

// Step numbers of the reseller path (R-MEET-2).
const (
	StepEligible        = 1
	StepCustomerRequest = 2
	StepCaseFiled       = 3
	StepGrace           = 4
	StepResellerID      = 5
	StepToken           = 6
	StepOffer           = 7
	StepAccepted        = 8
	StepConfirmed       = 9
)

// Step numbers of the direct path (R-MEET-3).
const (
	DirectStepEligible  = 1
	DirectStepOffer     = 2
	DirectStepAccepted  = 3
	DirectStepConfirmed = 4
)

// ResellerSteps are the nine steps of the article's reseller path.
func ResellerSteps() []StepSpec {
	return []StepSpec{
		{StepEligible, "Eligibility passed", ByReseller},
		{StepCustomerRequest, "The customer asked this reseller to migrate; other resellers (and the distributor) informed", ByReseller},
		{StepCaseFiled, "Support case filed, 48 to 24 hours before the renewal", ByReseller},
		{StepGrace, "Support converted the subscription to a temporary online grace plan", ByDesk},
		{StepResellerID, "Public reseller id given to the customer", ByReseller},
		{StepToken, "The customer created a transfer token", ByCustomer},
		{StepOffer, "Offer for the total quantity sent", ByReseller},
		{StepAccepted, "The customer accepted the offer; the subscription is online", ByCustomer},
		{StepConfirmed, "The reseller confirmed it sees the subscription", ByReseller},
	}
}

// DirectSteps are the direct path's steps.
func DirectSteps() []StepSpec {
	return []StepSpec{
		{DirectStepEligible, "Eligibility passed", ByDesk},
		{DirectStepOffer, "Direct offer sent, at least 7 days before the renewal", ByDesk},
		{DirectStepAccepted, "The customer accepted the offer; the subscription is online", ByCustomer},
		{DirectStepConfirmed, "The sales representative confirmed the migration is complete", ByDesk},
	}
}

// Steps lists the migration's path.
func (m MeetMigration) Steps() []StepSpec {
	if m.Path == PathDirect {
		return DirectSteps()
	}
	return ResellerSteps()
}

// NextStep is the first step not done, 0 when all are.
func (m MeetMigration) NextStep(done map[int]bool) int {
	for _, s := range m.Steps() {
		if !done[s.N] {
			return s.N
		}
	}
	return 0
}

// CheckStep refuses a step out of order or on a closed migration.
func (m MeetMigration) CheckStep(done map[int]bool, n int) error {
	if m.State != MigrationOpen {
		return &Error{Code: CodeConflict, Message: "This migration is closed."}
	}
	if done[n] {
		return &Error{Code: CodeConflict, Message: "This step is already done."}
	}
	if next := m.NextStep(done); next != n {
		return &Error{Code: CodeConflict, Message: "Do the steps in order: an earlier step comes first."}
	}
	return nil
}

// RenewalResult says what the renewal job did to a subscription.
type RenewalResult string

const (
	RenewalNone      RenewalResult = ""
	RenewalRenewed   RenewalResult = "renewed"
	RenewalEnded     RenewalResult = "ended"
	RenewalGraceOver RenewalResult = "grace_over"
)

// termOf is a plan's renewal term: online flexible plans roll monthly,
// annual plans yearly; offline subscriptions always renew yearly (R-MEET-4).
func termOf(s Subscription) (years, months int) {
	if s.Channel == SubOffline {
		return 1, 0
	}
	if s.Plan == PlanFlexible {
		return 0, 1
	}
	return 1, 0
}

// ApplyRenewal applies R-MEET-4 to a subscription on day today: an online
// subscription set to auto-renew renews, term after term, until cancelled;
// one cancelled at its end stays active until its end date and is then
// suspended (renewal_with_cancel); an offline one renews yearly. Trials,
// grace plans and manual renewals are left to people. The end date is the
// last day of the term: renewal is due the day after.
func ApplyRenewal(s *Subscription, today time.Time) RenewalResult {
	today = Day(today)
	end := Day(s.EndDate)
	if !today.After(end) || s.Status != SubActive {
		return RenewalNone
	}
	switch {
	case s.Plan == PlanGrace:
		s.Status = SubSuspended
		s.SuspensionReasons = appendReason(s.SuspensionReasons, SuspendOther)
		return RenewalGraceOver
	case s.RenewalOption == CancelAtEnd:
		s.Status = SubSuspended
		s.SuspensionReasons = appendReason(s.SuspensionReasons, SuspendRenewalWithCancel)
		return RenewalEnded
	case s.Plan == PlanTrial || s.RenewalOption == RenewManually:
		return RenewalNone
	}
	y, m := termOf(*s)
	next := end
	for k := 1; next.Before(today); k++ {
		next = end.AddDate(k*y, k*m, 0)
	}
	s.EndDate = next
	return RenewalRenewed
}

func appendReason(rs TextArray, r SuspensionReason) TextArray {
	for _, x := range rs {
		if x == string(r) {
			return rs
		}
	}
	return append(append(TextArray{}, rs...), string(r))
}

// RemoveReason drops one suspension reason and reactivates the subscription
// when none is left (R-OFF-5: accepting the terms lifts pending_tos_acceptance).
func RemoveReason(s *Subscription, r SuspensionReason) bool {
	out := TextArray{}
	found := false
	for _, x := range s.SuspensionReasons {
		if x == string(r) {
			found = true
			continue
		}
		out = append(out, x)
	}
	if !found {
		return false
	}
	s.SuspensionReasons = out
	if len(out) == 0 {
		s.Status = SubActive
	}
	return true
}

// Suspend adds a suspension reason.
func Suspend(s *Subscription, r SuspensionReason) {
	s.Status = SubSuspended
	s.SuspensionReasons = appendReason(s.SuspensionReasons, r)
}
