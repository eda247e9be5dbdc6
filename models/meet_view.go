package models

// MeetView is everything the Meet migration page shows for one customer:
// the eligibility verdict and the migration tracker with its steps.
type MeetView struct {
	Customer    Customer
	Eligibility Eligibility
	Migration   *MeetMigration
	Steps       map[int]MigrationStep
	Done        map[int]bool
	Offer       *Offer
	// Visible tells whether the migrated subscription is attached to the
	// viewing reseller (step 9) or online (direct path).
	Visible bool
	// PendingTerms tells whether the migrated subscription still waits for
	// the customer to accept the terms (suspended pending_tos_acceptance):
	// the migration cannot be confirmed until it is active.
	PendingTerms bool
	// Console is the viewing reseller (public id for step 5, tier for step 2).
	Console *Console
	// OtherResellers tells whether other resellers sell Meet hardware to the
	// customer (step 2 asks to inform them).
	OtherResellers bool
}

// NextStep is the tracker's next step, 0 when done or not started.
func (v MeetView) NextStep() int {
	if v.Migration == nil || v.Migration.State != MigrationOpen {
		return 0
	}
	return v.Migration.NextStep(v.Done)
}

// Complete tells whether the customer's migration is done: the live
// eligibility check then describes a customer already online and is no
// longer a verdict.
func (v MeetView) Complete() bool {
	return v.Migration != nil && v.Migration.State == MigrationDone
}
