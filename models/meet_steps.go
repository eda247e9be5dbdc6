package models

import (
	"fmt"
	"time"
)

// The rules of each Meet migration step (R-MEET-2, R-MEET-3). The store
// loads the customer, the migration and its facts locked, asks these, and
// writes the step, the audit event and the notices.

// StepAlreadyDone refuses a step recorded twice.
func StepAlreadyDone() *Error {
	return &Error{Code: CodeConflict, Message: "This step is already done."}
}

// NoOpenMigration refuses a step when no migration is under way.
func NoOpenMigration() *Error {
	return &Error{Code: CodeConflict, Message: "No migration is under way for this customer. Start one from the eligibility check."}
}

// MigrationUnderWay refuses a second open migration for one customer.
func MigrationUnderWay() *Error {
	return &Error{Code: CodeConflict, Message: "A migration is already under way for this customer."}
}

// criterionRenewal is R-MEET-1's criterion 2 (Meet hardware renews within
// 7 days), which the direct path replaces with the 7-day offer lead.
const criterionRenewal = 2

func notEligible() *Error {
	return &Error{Code: CodeConflict, Message: "The customer does not meet the eligibility criteria."}
}

// StartMigration decides whether a migration may start and builds it. A
// reseller (consoleID > 0) starts the reseller path when all five criteria
// pass; the desk (consoleID 0) starts the direct path for a direct
// customer, whose timing rule (criterion 2) is the 7-day offer lead,
// checked when the offer is made.
func StartMigration(cust Customer, consoleID int64, e Eligibility, now time.Time) (MeetMigration, error) {
	var m MeetMigration
	path := PathReseller
	if consoleID == 0 {
		path = PathDirect
		if cust.Channel != ChannelDirect {
			return m, &Error{Code: CodeConflict, Message: "This customer buys through a reseller: the reseller runs its migration."}
		}
		if e.Meet == nil || !e.PassedExcept(criterionRenewal) {
			return m, notEligible()
		}
	} else if !e.Passed() || e.Meet == nil {
		return m, notEligible()
	}
	m = MeetMigration{CustomerID: cust.ID, Path: path, State: MigrationOpen, SubscriptionID: e.Meet.ID,
		RenewalDate: e.RenewalDate, CreatedAt: now, UpdatedAt: now}
	if path == PathReseller {
		cid := consoleID
		m.ConsoleID = &cid
	}
	return m, nil
}

// RecordStep marks step n done on the migration; after the path's last
// step the migration is complete. It tells whether it closed.
func (m *MeetMigration) RecordStep(n int, now time.Time) (closed bool) {
	m.UpdatedAt = now
	steps := m.Steps()
	if n == steps[len(steps)-1].N {
		m.State = MigrationDone
		return true
	}
	return false
}

// CustomerRequest is what step 2 is decided on: whether other resellers
// sell the customer Meet hardware, the reseller's tier, and what the
// reseller confirmed.
type CustomerRequest struct {
	OtherResellers      bool
	Tier                Tier
	OthersInformed      bool
	DistributorInformed bool
}

// CheckCustomerRequest is step 2: the customer asked this reseller to
// migrate; its other resellers, and for a two-tier reseller the
// distributor, were informed. It returns the step's note.
func (m MeetMigration) CheckCustomerRequest(done map[int]bool, r CustomerRequest) (Msg, error) {
	if err := m.CheckStep(done, StepCustomerRequest); err != nil {
		return Msg{}, err
	}
	fe := FieldErrors{}
	if r.OtherResellers && !r.OthersInformed {
		fe.Add("others_informed", "Confirm the customer informed its other resellers.")
	}
	if r.Tier == TierTwoTier && !r.DistributorInformed {
		fe.Add("distributor_informed", "Confirm you informed your distributor.")
	}
	if err := fe.Err(); err != nil {
		return Msg{}, err
	}
	switch {
	case r.OtherResellers && r.Tier == TierTwoTier:
		return msg("Other resellers and the distributor informed."), nil
	case r.OtherResellers:
		return msg("Other resellers informed."), nil
	case r.Tier == TierTwoTier:
		return msg("Distributor informed."), nil
	}
	return Msg{}, nil
}

// CheckMeetCase is step 3: in order, and inside the 48–24 h window before
// the renewal the migration started on.
func (m MeetMigration) CheckMeetCase(done map[int]bool, now time.Time) error {
	if err := m.CheckStep(done, StepCaseFiled); err != nil {
		return err
	}
	return CheckCaseWindow(m.RenewalDate, now)
}

// MeetCaseInput builds the support case of step 3.
func (m MeetMigration) MeetCaseInput(cust Customer, contactName, contactEmail string) CaseInput {
	return CaseInput{
		Type:   CaseMeetOfflineToOnline,
		Impact: ImpactHigh,
		Title:  "Offline Google Meet hardware subscription to online: " + cust.Domain,
		Description: fmt.Sprintf("The customer %s (%s) is migrating its Google Meet hardware subscription online. "+
			"Please move the domain %s to a temporary online grace plan before the renewal on %s.",
			cust.Name, cust.Domain, cust.Domain, m.RenewalDate.Format("2006-01-02")),
		CustomerID: cust.ID,
		Fields: map[string]string{"domain": cust.Domain, "subscription_id": fmt.Sprint(m.SubscriptionID),
			"renewal_date": m.RenewalDate.Format("2006-01-02")},
		ContactName:  contactName,
		ContactEmail: contactEmail,
	}
}

// NoMigrationForCase refuses the grace conversion on a case no migration
// points to.
func NoMigrationForCase() *Error {
	return &Error{Code: CodeConflict, Message: "No Meet hardware migration is linked to this case."}
}

// ConvertToGrace is step 4, the desk's action on the Meet case: every
// offline Meet hardware subscription given moves to the temporary online
// grace plan, detached from any reseller until the transfer, lasting at
// least GraceDays. It changes subs in place and returns the step's note.
func (m MeetMigration) ConvertToGrace(done map[int]bool, subs []Subscription, now time.Time) (Msg, error) {
	if err := m.CheckStep(done, StepGrace); err != nil {
		return Msg{}, err
	}
	if len(subs) == 0 {
		return Msg{}, &Error{Code: CodeConflict, Message: "The customer has no offline Meet hardware subscription left to convert."}
	}
	graceEnd := Day(now).AddDate(0, 0, GraceDays)
	for i := range subs {
		s := &subs[i]
		s.Plan, s.Channel, s.RenewalOption = PlanGrace, SubOnline, RenewManually
		s.ConsoleID, s.BillingAccountID = nil, nil
		if s.EndDate.Before(graceEnd) {
			s.EndDate = graceEnd
		}
		s.UpdatedAt = now
	}
	return GraceConversionNote(len(subs), graceEnd), nil
}

// MigratedVisible tells whether the subscription the migration's offer
// created is online and attached where the migration expects it: to the
// migrating reseller, or to no reseller on the direct path.
func (m MeetMigration) MigratedVisible(sub Subscription) bool {
	if sub.ID == 0 || sub.Channel != SubOnline {
		return false
	}
	if m.ConsoleID == nil {
		return sub.ConsoleID == nil
	}
	return sub.ConsoleID != nil && *sub.ConsoleID == *m.ConsoleID
}

// WaitsForTerms tells whether the subscription is still suspended until
// the customer accepts the terms (R-OFF-5).
func WaitsForTerms(sub Subscription) bool {
	for _, r := range sub.SuspensionReasons {
		if r == string(SuspendPendingTOS) {
			return true
		}
	}
	return false
}

// ConfirmStep is the path's last step number.
func (m MeetMigration) ConfirmStep() int {
	if m.Path == PathDirect {
		return DirectStepConfirmed
	}
	return StepConfirmed
}

// CheckConfirm is the last step: the reseller (or, direct, the sales rep)
// confirms it sees the online subscription. It is refused until the
// customer accepted the offer and, when the subscription waits for the
// customer's terms, until they are accepted: a suspended subscription is
// not a finished migration. It returns the step's note.
func (m MeetMigration) CheckConfirm(done map[int]bool, sub Subscription) (Msg, error) {
	if err := m.CheckStep(done, m.ConfirmStep()); err != nil {
		return Msg{}, err
	}
	if !m.MigratedVisible(sub) {
		return Msg{}, &Error{Code: CodeConflict, Message: "The subscription is not visible yet: the customer has to accept the offer first."}
	}
	if WaitsForTerms(sub) {
		return Msg{}, &Error{Code: CodeConflict, Message: "The subscription is suspended until the customer accepts the terms: the migration can be confirmed once it is active."}
	}
	return SubscriptionNote(sub.ID), nil
}
