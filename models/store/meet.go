package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"partnerconsole/models"
)

// MeetView is everything the Meet migration page shows for one customer:
// the eligibility verdict and the migration tracker with its steps.
type MeetView struct {
	Customer    CustomerRow
	Eligibility models.Eligibility
	Migration   *models.MeetMigration
	Steps       map[int]models.MigrationStep
	Done        map[int]bool
	Offer       *models.Offer
	// Visible tells whether the migrated subscription is attached to the
	// viewing reseller (step 9) or online (direct path).
	Visible bool
	// Console is the viewing reseller (public id for step 5, tier for step 2).
	Console *models.Console
	// OtherResellers tells whether other resellers sell Meet hardware to the
	// customer (step 2 asks to inform them).
	OtherResellers bool
}

// NextStep is the tracker's next step, 0 when done or not started.
func (v MeetView) NextStep() int {
	if v.Migration == nil || v.Migration.State != models.MigrationOpen {
		return 0
	}
	return v.Migration.NextStep(v.Done)
}

func stepsDone(tx *gorm.DB, migrationID int64) (map[int]bool, error) {
	var steps []int
	if err := tx.Table("meet_migration_steps").Where("migration_id = ?", migrationID).Pluck("step", &steps).Error; err != nil {
		return nil, fmt.Errorf("load migration steps: %w", err)
	}
	out := map[int]bool{}
	for _, s := range steps {
		out[s] = true
	}
	return out, nil
}

// doStep records one step of a locked migration, closing it after the last.
func doStep(tx *gorm.DB, a models.Actor, now time.Time, m *models.MeetMigration, step int, note string) error {
	st := models.MigrationStep{MigrationID: m.ID, Step: step, DoneAt: now, ActorName: a.Name, Note: truncate(note, 500)}
	if a.UserID != 0 {
		uid := a.UserID
		st.ActorUserID = &uid
	}
	if st.ActorName == "" {
		st.ActorName = "system"
	}
	if err := tx.Table("meet_migration_steps").Create(&st).Error; err != nil {
		if uniqueViolation(err, "") {
			return &models.Error{Code: models.CodeConflict, Message: "This step is already done."}
		}
		return fmt.Errorf("record step %d: %w", step, err)
	}
	last := m.Steps()[len(m.Steps())-1].N
	upd := map[string]any{"updated_at": now}
	if step == last {
		m.State = models.MigrationDone
		upd["state"] = models.MigrationDone
	}
	if err := tx.Model(m).Updates(upd).Error; err != nil {
		return fmt.Errorf("update migration: %w", err)
	}
	orgs := []int64{m.CustomerID}
	if m.ConsoleID != nil {
		orgs = append(orgs, *m.ConsoleID)
	} else if op := operatorOrg(tx); op != 0 {
		orgs = append(orgs, op)
	}
	return audit(tx, auditEntry{Actor: a, At: now, Action: "meet_migration.step_done", RecordType: "meet_migration", RecordID: m.ID, Before: nil, After: map[string]any{"step": step, "note": note}, Orgs: orgs})
}

// meetFacts loads what eligibility needs: the customer and every
// subscription of it, whoever sells them. Other resellers stay unnamed for
// a console.
func meetFacts(tx *gorm.DB, a models.Actor, cust models.Customer) (models.MeetFacts, error) {
	f := models.MeetFacts{Customer: cust, Consoles: map[int64]models.MeetConsole{}}
	err := tx.Table("subscriptions").
		Select("subscriptions.id, products.family, subscriptions.console_id, subscriptions.channel, subscriptions.plan, subscriptions.quantity, subscriptions.end_date, subscriptions.distributor_name").
		Joins("JOIN products ON products.id = subscriptions.product_id").
		Where("subscriptions.customer_id = ? AND subscriptions.status = 'active' AND products.family IN ?", cust.ID,
			[]models.ProductFamily{models.FamilyWorkspace, models.FamilyMeetHardware}).
		Order("subscriptions.id").Scan(&f.Subs).Error
	if err != nil {
		return f, fmt.Errorf("load subscriptions: %w", err)
	}
	ids := map[int64]bool{}
	if cust.ConsoleID != nil {
		ids[*cust.ConsoleID] = true
	}
	for _, s := range f.Subs {
		if s.ConsoleID != nil {
			ids[*s.ConsoleID] = true
		}
	}
	if len(ids) > 0 {
		var cons []models.Console
		if err := tx.Where("id IN ?", sortedIDs(ids)).Find(&cons).Error; err != nil {
			return f, fmt.Errorf("load consoles: %w", err)
		}
		for _, c := range cons {
			mc := models.MeetConsole{ID: c.ID, Name: c.Name, Country: c.Country, Tier: c.Tier, DistributorName: c.DistributorName}
			if a.OrgKind == models.OrgConsole && c.ID != a.OrgID {
				mc.Name = ""
			}
			f.Consoles[c.ID] = mc
		}
	}
	return f, nil
}

func sortedIDs(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func canSeeMeet(a models.Actor) error {
	switch a.OrgKind {
	case models.OrgConsole:
		return a.Require(models.PermOffers)
	case models.OrgOperator:
		return a.Require(models.PermDeskCustomers)
	case models.OrgCustomer:
		return a.Require(models.PermViewOwnOrg)
	}
	return models.Forbidden()
}

// migrationScope is the migration a viewer may see: a console its own
// reseller-path migrations, the desk all, the customer its own.
func migrationScope(a models.Actor) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		if a.OrgKind == models.OrgConsole {
			return db.Where("console_id = ?", a.OrgID)
		}
		return db
	}
}

// MeetStatus is the eligibility check (R-MEET-1) and the migration tracker
// (R-MEET-2) of one customer the actor may see.
func (s *Store) MeetStatus(ctx context.Context, a models.Actor, customerID int64) (MeetView, error) {
	var v MeetView
	if err := canSeeMeet(a); err != nil {
		return v, err
	}
	if a.OrgKind == models.OrgCustomer && customerID != a.OrgID {
		return v, models.NotFound()
	}
	cust, err := s.GetCustomer(ctx, a, customerID)
	if err != nil {
		return v, err
	}
	v.Customer = cust
	db := s.db.WithContext(ctx)
	facts, err := meetFacts(db, a, cust.Customer)
	if err != nil {
		return v, err
	}
	now := s.Now()
	v.Eligibility = models.CheckMeetEligibility(facts, now)
	for _, sub := range facts.Subs {
		if sub.Family == models.FamilyMeetHardware && sub.ConsoleID != nil && (a.OrgKind != models.OrgConsole || *sub.ConsoleID != a.OrgID) {
			v.OtherResellers = true
		}
	}
	if a.OrgKind == models.OrgConsole {
		con, err := s.MyConsole(ctx, a)
		if err != nil {
			return v, err
		}
		v.Console = &con
	}
	var m models.MeetMigration
	err = db.Scopes(migrationScope(a)).Where("customer_id = ?", customerID).Order("state = 'open' DESC, id DESC").Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return v, nil
	}
	if err != nil {
		return v, fmt.Errorf("load migration: %w", err)
	}
	v.Migration = &m
	if m.ConsoleID != nil && v.Console == nil {
		var con models.Console
		if db.Take(&con, *m.ConsoleID).Error == nil {
			v.Console = &con
		}
	}
	var steps []models.MigrationStep
	if err := db.Table("meet_migration_steps").Where("migration_id = ?", m.ID).Order("step").Find(&steps).Error; err != nil {
		return v, fmt.Errorf("load steps: %w", err)
	}
	v.Steps, v.Done = map[int]models.MigrationStep{}, map[int]bool{}
	for _, st := range steps {
		v.Steps[st.Step] = st
		v.Done[st.Step] = true
	}
	if m.OfferID != nil {
		var o models.Offer
		if db.Take(&o, *m.OfferID).Error == nil {
			v.Offer = &o
			if o.SubscriptionID != nil {
				var sub models.Subscription
				if db.Take(&sub, *o.SubscriptionID).Error == nil {
					v.Visible = sub.Channel == models.SubOnline &&
						((m.ConsoleID == nil && sub.ConsoleID == nil) || (m.ConsoleID != nil && sub.ConsoleID != nil && *sub.ConsoleID == *m.ConsoleID))
				}
			}
		}
	}
	return v, nil
}

// lockCustomerFor loads a customer the actor may see, locked.
func lockCustomerFor(tx *gorm.DB, a models.Actor, id int64) (models.Customer, error) {
	var c models.Customer
	err := forUpdate(tx).Scopes(scopeCustomers(a)).Where("customers.id = ?", id).Take(&c).Error
	return c, notFound(err)
}

func canRunMigration(a models.Actor) error {
	switch a.OrgKind {
	case models.OrgConsole:
		return a.Require(models.PermOffers)
	case models.OrgOperator:
		return a.Require(models.PermDirectOffers)
	}
	return models.Forbidden()
}

// StartMeetMigration opens the tracker with step 1 done. A console starts
// the reseller path when all five criteria pass; a desk sales rep starts the
// direct path for a direct customer (R-MEET-3), whose timing rule is the
// 7-day one checked when the offer is made.
func (s *Store) StartMeetMigration(ctx context.Context, a models.Actor, customerID int64) (models.MeetMigration, error) {
	var m models.MeetMigration
	if err := canRunMigration(a); err != nil {
		return m, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		cust, err := lockCustomerFor(tx, a, customerID)
		if err != nil {
			return err
		}
		facts, err := meetFacts(tx, a, cust)
		if err != nil {
			return err
		}
		e := models.CheckMeetEligibility(facts, now)
		path := models.PathReseller
		if a.OrgKind == models.OrgOperator {
			path = models.PathDirect
			if cust.Channel != models.ChannelDirect {
				return &models.Error{Code: models.CodeConflict, Message: "This customer buys through a reseller: the reseller runs its migration."}
			}
			if e.Meet == nil || !e.PassedExcept(2) {
				return &models.Error{Code: models.CodeConflict, Message: "The customer does not meet the eligibility criteria."}
			}
		} else if !e.Passed() {
			return &models.Error{Code: models.CodeConflict, Message: "The customer does not meet the eligibility criteria."}
		}
		m = models.MeetMigration{CustomerID: cust.ID, Path: path, State: models.MigrationOpen, SubscriptionID: e.Meet.ID,
			RenewalDate: e.RenewalDate, CreatedAt: now, UpdatedAt: now}
		if path == models.PathReseller {
			cid := a.OrgID
			m.ConsoleID = &cid
		}
		if err := tx.Create(&m).Error; err != nil {
			if uniqueViolation(err, "meet_migrations_open_key") {
				return &models.Error{Code: models.CodeConflict, Message: "A migration is already under way for this customer."}
			}
			return fmt.Errorf("start migration: %w", err)
		}
		return doStep(tx, a, now, &m, models.StepEligible, "")
	})
	return m, err
}

// lockOpenMigration loads the customer's open migration the actor runs.
func lockOpenMigration(tx *gorm.DB, a models.Actor, customerID int64) (models.MeetMigration, map[int]bool, error) {
	var m models.MeetMigration
	q := forUpdate(tx).Where("customer_id = ? AND state = ?", customerID, models.MigrationOpen)
	if a.OrgKind == models.OrgConsole {
		q = q.Where("console_id = ?", a.OrgID)
	} else {
		q = q.Where("console_id IS NULL")
	}
	if err := q.Take(&m).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return m, nil, &models.Error{Code: models.CodeConflict, Message: "No migration is under way for this customer. Start one from the eligibility check."}
		}
		return m, nil, err
	}
	done, err := stepsDone(tx, m.ID)
	return m, done, err
}

// RecordCustomerRequest is step 2: the customer told this reseller it wants
// to migrate; other resellers, and for a two-tier reseller the distributor,
// were informed.
func (s *Store) RecordCustomerRequest(ctx context.Context, a models.Actor, customerID int64, othersInformed, distributorInformed bool) error {
	return s.onOpenMigration(ctx, a, customerID, true, func(tx *gorm.DB, now time.Time, _ models.Customer, m models.MeetMigration, done map[int]bool) error {
		if err := m.CheckStep(done, models.StepCustomerRequest); err != nil {
			return err
		}
		var con models.Console
		if err := tx.Take(&con, a.OrgID).Error; err != nil {
			return err
		}
		var others int64
		if err := tx.Table("subscriptions").Joins("JOIN products ON products.id = subscriptions.product_id").
			Where("subscriptions.customer_id = ? AND products.family = ? AND subscriptions.console_id IS NOT NULL AND subscriptions.console_id <> ?",
				customerID, models.FamilyMeetHardware, a.OrgID).Count(&others).Error; err != nil {
			return err
		}
		fe := models.FieldErrors{}
		if others > 0 && !othersInformed {
			fe.Add("others_informed", "Confirm the customer informed its other resellers.")
		}
		if con.Tier == models.TierTwoTier && !distributorInformed {
			fe.Add("distributor_informed", "Confirm you informed your distributor.")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		note := ""
		if others > 0 {
			note = "other resellers informed"
		}
		if con.Tier == models.TierTwoTier {
			note += "; distributor informed"
		}
		return doStep(tx, a, now, &m, models.StepCustomerRequest, note)
	})
}

// MeetCaseInput builds the support case of step 3.
func meetCaseInput(cust models.Customer, m models.MeetMigration, contactName, contactEmail string) models.CaseInput {
	return models.CaseInput{
		Type:   models.CaseMeetOfflineToOnline,
		Impact: models.ImpactHigh,
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

func init() { RegisterCaseAction(models.ActionConvertToGracePlan, convertToGracePlan) }

// onOpenMigration runs fn in one transaction on the customer's open
// migration, with the customer and the migration locked: the checks every
// step shares (who may run it, on which customer) are made here once.
func (s *Store) onOpenMigration(ctx context.Context, a models.Actor, customerID int64, consoleOnly bool,
	fn func(tx *gorm.DB, now time.Time, cust models.Customer, m models.MeetMigration, done map[int]bool) error) error {
	if consoleOnly && a.OrgKind != models.OrgConsole {
		return models.Forbidden()
	}
	if err := canRunMigration(a); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		cust, err := lockCustomerFor(tx, a, customerID)
		if err != nil {
			return err
		}
		m, done, err := lockOpenMigration(tx, a, customerID)
		if err != nil {
			return err
		}
		return fn(tx, now, cust, m, done)
	})
}

// FileMeetCase is step 3: the reseller files the support case asking to move
// the domain to an online grace plan, only between 48 and 24 hours before
// the renewal (a *models.WindowError outside it, with the window's times).
func (s *Store) FileMeetCase(ctx context.Context, a models.Actor, customerID int64) (models.SupportCase, error) {
	var c models.SupportCase
	err := s.onOpenMigration(ctx, a, customerID, true, func(tx *gorm.DB, now time.Time, cust models.Customer, m models.MeetMigration, done map[int]bool) error {
		if err := m.CheckStep(done, models.StepCaseFiled); err != nil {
			return err
		}
		if err := models.CheckCaseWindow(m.RenewalDate, now); err != nil {
			return err
		}
		var u models.User
		if err := tx.Take(&u, a.UserID).Error; err != nil {
			return notFound(err)
		}
		var err error
		if c, err = s.fileCase(tx, now, a, meetCaseInput(cust, m, u.Name, u.Email)); err != nil {
			return err
		}
		if err := tx.Model(&m).Updates(map[string]any{"case_id": c.ID, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("link case: %w", err)
		}
		return doStep(tx, a, now, &m, models.StepCaseFiled, fmt.Sprintf("case #%d", c.ID))
	})
	return c, err
}

// ShareResellerID is step 5: the reseller gives the customer its public
// reseller id, by email and notice, so the customer can make a token.
func (s *Store) ShareResellerID(ctx context.Context, a models.Actor, customerID int64) error {
	return s.onOpenMigration(ctx, a, customerID, true, func(tx *gorm.DB, now time.Time, _ models.Customer, m models.MeetMigration, done map[int]bool) error {
		if err := m.CheckStep(done, models.StepResellerID); err != nil {
			return err
		}
		var con models.Console
		if err := tx.Take(&con, a.OrgID).Error; err != nil {
			return err
		}
		if err := notifyOrg(tx, now, customerID, customerAdmins, Notice{Kind: models.NoticeResellerIDShared,
			Title: "{{.Reseller}} shared its public reseller id: {{.ID}}",
			Body:  "Create a transfer token for the reseller id {{.ID}} and give it to {{.Reseller}} to finish moving your Meet hardware licences online.",
			Args:  []any{"Reseller", con.Name, "ID", con.PublicResellerID}, Link: "/admin/tokens?reseller_id=" + con.PublicResellerID}); err != nil {
			return err
		}
		return doStep(tx, a, now, &m, models.StepResellerID, con.PublicResellerID)
	})
}

// ConfirmMeetMigration is the last step: the reseller (or, direct, the sales
// rep) confirms it sees the online subscription; the migration is done.
func (s *Store) ConfirmMeetMigration(ctx context.Context, a models.Actor, customerID int64) error {
	return s.onOpenMigration(ctx, a, customerID, false, func(tx *gorm.DB, now time.Time, _ models.Customer, m models.MeetMigration, done map[int]bool) error {
		step := models.StepConfirmed
		if m.Path == models.PathDirect {
			step = models.DirectStepConfirmed
		}
		if err := m.CheckStep(done, step); err != nil {
			return err
		}
		var sub models.Subscription
		err := tx.Raw(`SELECT subscriptions.* FROM subscriptions JOIN offers ON offers.subscription_id = subscriptions.id
			WHERE offers.id = ? AND offers.state = 'accepted'`, m.OfferID).Scan(&sub).Error
		if err != nil {
			return err
		}
		visible := sub.ID != 0 && sub.Channel == models.SubOnline &&
			((m.ConsoleID == nil && sub.ConsoleID == nil) || (m.ConsoleID != nil && sub.ConsoleID != nil && *sub.ConsoleID == *m.ConsoleID))
		if !visible {
			return &models.Error{Code: models.CodeConflict, Message: "The subscription is not visible yet: the customer has to accept the offer first."}
		}
		return doStep(tx, a, now, &m, step, fmt.Sprintf("subscription #%d", sub.ID))
	})
}

// convertToGracePlan is the desk action of the Meet case (R-MEET-2 step 4):
// the customer's offline Meet hardware subscriptions move to a temporary
// online grace plan, detached from any reseller until the transfer; the
// reseller is emailed.
func convertToGracePlan(tx *gorm.DB, now time.Time, a models.Actor, c *models.SupportCase) (string, error) {
	if !a.IsDesk() {
		return "", models.Forbidden()
	}
	var m models.MeetMigration
	if err := forUpdate(tx).Where("case_id = ?", c.ID).Take(&m).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return "", &models.Error{Code: models.CodeConflict, Message: "No Meet hardware migration is linked to this case."}
		}
		return "", err
	}
	done, err := stepsDone(tx, m.ID)
	if err != nil {
		return "", err
	}
	if err := m.CheckStep(done, models.StepGrace); err != nil {
		return "", err
	}
	var subs []models.Subscription
	if err := forUpdate(tx).Where(`customer_id = ? AND status = 'active' AND channel = 'offline'
		AND product_id IN (SELECT id FROM products WHERE family = ?)`, m.CustomerID, models.FamilyMeetHardware).Order("id").Find(&subs).Error; err != nil {
		return "", fmt.Errorf("load Meet subscriptions: %w", err)
	}
	if len(subs) == 0 {
		return "", &models.Error{Code: models.CodeConflict, Message: "The customer has no offline Meet hardware subscription left to convert."}
	}
	graceEnd := models.Day(now).AddDate(0, 0, models.GraceDays)
	var ids []int64
	for _, sub := range subs {
		before := subAudit(sub)
		sub.Plan, sub.Channel, sub.RenewalOption = models.PlanGrace, models.SubOnline, models.RenewManually
		sub.ConsoleID, sub.BillingAccountID = nil, nil
		if sub.EndDate.Before(graceEnd) {
			sub.EndDate = graceEnd
		}
		if err := tx.Model(&sub).Updates(map[string]any{"plan": sub.Plan, "channel": sub.Channel, "renewal_option": sub.RenewalOption,
			"console_id": nil, "billing_account_id": nil, "end_date": sub.EndDate, "updated_at": now}).Error; err != nil {
			return "", fmt.Errorf("convert subscription %d: %w", sub.ID, err)
		}
		orgs := []int64{m.CustomerID, c.ConsoleID}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "subscription.grace_plan", RecordType: "subscription", RecordID: sub.ID, Before: before, After: subAudit(sub), Orgs: orgs}); err != nil {
			return "", err
		}
		ids = append(ids, sub.ID)
	}
	note := fmt.Sprintf("Converted %d Meet hardware subscription(s) to the temporary online grace plan until %s.", len(ids), graceEnd.Format("2006-01-02"))
	if err := doStep(tx, a, now, &m, models.StepGrace, note); err != nil {
		return "", err
	}
	if m.ConsoleID != nil {
		if err := notifyOrg(tx, now, *m.ConsoleID, offerRoles, Notice{Kind: models.NoticeGraceConversion,
			Title: "{{.Customer}}: Meet hardware is on the online grace plan",
			Body:  "Support converted the subscription to a temporary online grace plan. Give the customer your public reseller id (step 5).",
			Args:  []any{"Customer", customerName(tx, m.CustomerID)}, Link: fmt.Sprintf("/console/customers/%d/meet", m.CustomerID)}); err != nil {
			return "", err
		}
	}
	return note, nil
}

// seedOffersDemo puts demo customers at each stage of the offers and Meet
// flows, so a newcomer can walk them: Acme is eligible with nothing started;
// Delta Studios has its migration at step 3, inside the 48–24 h window;
// Contoso Pharma has a sent offer to accept; Blue Harbour buys Meet hardware
// from another reseller (criterion 4 fails); Fjord Direct is a direct
// customer for the desk's direct path.
func (s *Store) seedOffersDemo(ctx context.Context, con models.Console, nw models.Actor) ([]DemoSignIn, error) {
	var out []DemoSignIn
	admin := func(custID int64, name, email string) error {
		_, err := s.CreateUserInOrg(ctx, custID, models.UserInput{Name: name, Email: email, Password: DemoPassword, Role: models.RoleCustomerAdmin})
		if err == nil {
			out = append(out, DemoSignIn{Role: models.RoleCustomerAdmin, Email: email})
		}
		return err
	}
	byDomain := func(d string) (models.Customer, error) {
		var c models.Customer
		return c, s.db.WithContext(ctx).Where("domain = ?", d).Take(&c).Error
	}
	var meetID, ceuID int64
	s.db.WithContext(ctx).Table("products").Select("id").Where("sku = 'MEET-HW'").Scan(&meetID)
	s.db.WithContext(ctx).Table("products").Select("id").Where("sku = 'CEU'").Scan(&ceuID)
	now := s.Now()
	// Delta Studios: renewal the day after tomorrow, steps 1 and 2 done.
	delta, err := byDomain("delta-studios.example")
	if err != nil {
		return nil, err
	}
	if err := s.db.WithContext(ctx).Exec("UPDATE subscriptions SET end_date = ? WHERE customer_id = ? AND product_id = ?",
		models.Day(now).AddDate(0, 0, 2), delta.ID, meetID).Error; err != nil {
		return nil, err
	}
	if _, err := s.StartMeetMigration(ctx, nw, delta.ID); err != nil {
		return nil, fmt.Errorf("demo migration: %w", err)
	}
	if err := s.RecordCustomerRequest(ctx, nw, delta.ID, true, true); err != nil {
		return nil, fmt.Errorf("demo migration step 2: %w", err)
	}
	if err := admin(delta.ID, "Dana Delta", "dana@delta-studios.example"); err != nil {
		return nil, err
	}
	// Contoso Pharma: a sent offer waiting for its admin.
	contoso, err := byDomain("contoso-pharma.example")
	if err != nil {
		return nil, err
	}
	var ba int64
	s.db.WithContext(ctx).Raw("SELECT id FROM billing_accounts WHERE console_id = ? ORDER BY id LIMIT 1", con.ID).Scan(&ba)
	if _, err := s.CreateOffer(ctx, nw, models.OfferInput{CustomerID: contoso.ID, ProductID: ceuID, Quantity: "20", Plan: models.PlanFlexible,
		UnitPrice: "5.20", BillingAccountID: ba, Message: "Chrome Enterprise Upgrade for your new laptops, with a 7% discount.", PONumber: "PO-2026-117"}, "", true); err != nil {
		return nil, fmt.Errorf("demo offer: %w", err)
	}
	if err := admin(contoso.ID, "Clara Weber", "clara@contoso-pharma.example"); err != nil {
		return nil, err
	}
	// Blue Harbour: Meet hardware through another reseller.
	blue, err := byDomain("blueharbour.example")
	if err != nil {
		return nil, err
	}
	var other int64
	s.db.WithContext(ctx).Raw("SELECT id FROM consoles WHERE id <> ? ORDER BY id LIMIT 1", con.ID).Scan(&other)
	if other != 0 {
		s.db.WithContext(ctx).Exec("UPDATE subscriptions SET console_id = ?, billing_account_id = NULL WHERE customer_id = ? AND product_id = ?", other, blue.ID, meetID)
	}
	// Fjord Direct: a direct customer, Meet renewing in 10 days.
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		id, err := newOrganisation(tx, models.OrgCustomer, now)
		if err != nil {
			return err
		}
		c := models.Customer{ID: id, Name: "Fjord Direct AB", Domain: "fjord-direct.example", TenantID: uuid.New(), Country: "SE",
			Channel: models.ChannelDirect, ContactName: "Frida Fjord", ContactEmail: "frida@fjord-direct.example", CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		var ws int64
		tx.Table("products").Select("id").Where("sku = 'GWS-BSD'").Scan(&ws)
		today := models.Day(now)
		for _, sub := range []models.Subscription{
			{ProductID: ws, Quantity: 40, Plan: models.PlanAnnualMonthly, Channel: models.SubOnline, EndDate: today.AddDate(0, 6, 0)},
			{ProductID: meetID, Quantity: 6, Plan: models.PlanAnnualPrepaid, Channel: models.SubOffline, EndDate: today.AddDate(0, 0, 10)},
		} {
			sub.CustomerID, sub.Status, sub.SuspensionReasons, sub.RenewalOption = c.ID, models.SubActive, models.TextArray{}, models.RenewAuto
			sub.StartDate, sub.CreatedAt, sub.UpdatedAt = today.AddDate(-1, 0, 0), now, now
			if err := tx.Omit("Product").Create(&sub).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("demo direct customer: %w", err)
	}
	fjord, err := byDomain("fjord-direct.example")
	if err != nil {
		return nil, err
	}
	if err := admin(fjord.ID, "Frida Fjord", "frida@fjord-direct.example"); err != nil {
		return nil, err
	}
	return out, nil
}
