package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

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

// doStep records one step of a locked migration with a plain note (the
// offer and token steps' callers); recordStep takes the note as a message.
func doStep(tx *gorm.DB, a models.Actor, now time.Time, m *models.MeetMigration, step int, note string) error {
	return writeStep(tx, a, now, m, step, note, nil)
}

// recordStep records one step of a locked migration, closing it after the
// last (MeetMigration.RecordStep), and audits it. The note is kept as a
// message for the reader's language, and in English beside it.
func recordStep(tx *gorm.DB, a models.Actor, now time.Time, m *models.MeetMigration, step int, note models.Msg) error {
	if note.Text == "" {
		return writeStep(tx, a, now, m, step, "", nil)
	}
	return writeStep(tx, a, now, m, step, note.English(), &note)
}

func writeStep(tx *gorm.DB, a models.Actor, now time.Time, m *models.MeetMigration, step int, note string, msg *models.Msg) error {
	st := models.MigrationStep{MigrationID: m.ID, Step: step, DoneAt: now, ActorName: a.Name, Note: truncate(note, 500), NoteMsg: msg}
	if a.UserID != 0 {
		uid := a.UserID
		st.ActorUserID = &uid
	}
	if st.ActorName == "" {
		st.ActorName = "system"
	}
	if err := tx.Table("meet_migration_steps").Create(&st).Error; err != nil {
		if uniqueViolation(err, "") {
			return models.StepAlreadyDone()
		}
		return fmt.Errorf("record step %d: %w", step, err)
	}
	upd := map[string]any{"updated_at": now}
	if m.RecordStep(step, now) {
		upd["state"] = m.State
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
	return audit(tx, auditEntry{Actor: a, At: now, Action: "meet_migration.step_done", RecordType: "meet_migration", RecordID: m.ID, After: map[string]any{"step": step, "note": st.Note}, Orgs: orgs})
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
func (s *Store) MeetStatus(ctx context.Context, a models.Actor, customerID int64) (models.MeetView, error) {
	var v models.MeetView
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
	v.Customer = cust.Customer
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
					v.Visible = m.MigratedVisible(sub)
					v.PendingTerms = v.Visible && models.WaitsForTerms(sub)
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
// the reseller path, a desk sales rep the direct path (R-MEET-3);
// models.StartMigration decides.
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
		var consoleID int64
		if a.OrgKind == models.OrgConsole {
			consoleID = a.OrgID
		}
		if m, err = models.StartMigration(cust, consoleID, models.CheckMeetEligibility(facts, now), now); err != nil {
			return err
		}
		if err := tx.Create(&m).Error; err != nil {
			if uniqueViolation(err, "meet_migrations_open_key") {
				return models.MigrationUnderWay()
			}
			return fmt.Errorf("start migration: %w", err)
		}
		return recordStep(tx, a, now, &m, models.StepEligible, models.Msg{})
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
			return m, nil, models.NoOpenMigration()
		}
		return m, nil, err
	}
	done, err := stepsDone(tx, m.ID)
	return m, done, err
}

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

// RecordCustomerRequest is step 2: the customer told this reseller it wants
// to migrate; other resellers, and for a two-tier reseller the distributor,
// were informed.
func (s *Store) RecordCustomerRequest(ctx context.Context, a models.Actor, customerID int64, othersInformed, distributorInformed bool) error {
	return s.onOpenMigration(ctx, a, customerID, true, func(tx *gorm.DB, now time.Time, _ models.Customer, m models.MeetMigration, done map[int]bool) error {
		var con models.Console
		if err := tx.Take(&con, a.OrgID).Error; err != nil {
			return fmt.Errorf("load console: %w", err)
		}
		var others int64
		if err := tx.Table("subscriptions").Joins("JOIN products ON products.id = subscriptions.product_id").
			Where("subscriptions.customer_id = ? AND products.family = ? AND subscriptions.console_id IS NOT NULL AND subscriptions.console_id <> ?",
				customerID, models.FamilyMeetHardware, a.OrgID).Count(&others).Error; err != nil {
			return fmt.Errorf("count other resellers: %w", err)
		}
		note, err := m.CheckCustomerRequest(done, models.CustomerRequest{OtherResellers: others > 0, Tier: con.Tier,
			OthersInformed: othersInformed, DistributorInformed: distributorInformed})
		if err != nil {
			return err
		}
		return recordStep(tx, a, now, &m, models.StepCustomerRequest, note)
	})
}

// FileMeetCase is step 3: the reseller files the support case asking to move
// the domain to an online grace plan, only between 48 and 24 hours before
// the renewal (a *models.WindowError outside it, with the window's times).
func (s *Store) FileMeetCase(ctx context.Context, a models.Actor, customerID int64) (models.SupportCase, error) {
	var c models.SupportCase
	err := s.onOpenMigration(ctx, a, customerID, true, func(tx *gorm.DB, now time.Time, cust models.Customer, m models.MeetMigration, done map[int]bool) error {
		if err := m.CheckMeetCase(done, now); err != nil {
			return err
		}
		var u models.User
		if err := tx.Take(&u, a.UserID).Error; err != nil {
			return notFound(err)
		}
		var err error
		if c, err = s.fileCase(tx, now, a, m.MeetCaseInput(cust, u.Name, u.Email)); err != nil {
			return err
		}
		if err := tx.Model(&m).Updates(map[string]any{"case_id": c.ID, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("link case: %w", err)
		}
		return recordStep(tx, a, now, &m, models.StepCaseFiled, models.CaseFiledNote(c.ID))
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
			return fmt.Errorf("load console: %w", err)
		}
		if err := notifyOrg(tx, now, customerID, customerAdmins(), Notice{Kind: models.NoticeResellerIDShared,
			Title: "{{.Reseller}} shared its public reseller id: {{.ID}}",
			Body:  "Create a transfer token for the reseller id {{.ID}} and give it to {{.Reseller}} to finish moving your Meet hardware licences online.",
			Args:  []any{"Reseller", con.Name, "ID", con.PublicResellerID}, Link: "/admin/tokens?reseller_id=" + con.PublicResellerID}); err != nil {
			return err
		}
		return recordStep(tx, a, now, &m, models.StepResellerID, models.ResellerIDNote(con.PublicResellerID))
	})
}

// ConfirmMeetMigration is the last step: the reseller (or, direct, the sales
// rep) confirms it sees the online subscription; the migration is done.
func (s *Store) ConfirmMeetMigration(ctx context.Context, a models.Actor, customerID int64) error {
	return s.onOpenMigration(ctx, a, customerID, false, func(tx *gorm.DB, now time.Time, _ models.Customer, m models.MeetMigration, done map[int]bool) error {
		var sub models.Subscription
		if m.OfferID != nil {
			err := tx.Raw(`SELECT subscriptions.* FROM subscriptions JOIN offers ON offers.subscription_id = subscriptions.id
				WHERE offers.id = ? AND offers.state = 'accepted' FOR UPDATE OF subscriptions`, *m.OfferID).Scan(&sub).Error
			if err != nil {
				return fmt.Errorf("load migrated subscription: %w", err)
			}
		}
		note, err := m.CheckConfirm(done, sub)
		if err != nil {
			return err
		}
		return recordStep(tx, a, now, &m, m.ConfirmStep(), note)
	})
}

// convertToGracePlan is the desk action of the Meet case (R-MEET-2 step 4):
// with the migration and the customer's offline Meet hardware subscriptions
// locked, models decides the conversion; the rows, the audit events, the
// step and the reseller's notice are written here.
func convertToGracePlan(tx *gorm.DB, now time.Time, a models.Actor, c *models.SupportCase) (models.Msg, error) {
	if !a.IsDesk() {
		return models.Msg{}, models.Forbidden()
	}
	var m models.MeetMigration
	if err := forUpdate(tx).Where("case_id = ?", c.ID).Take(&m).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return models.Msg{}, models.NoMigrationForCase()
		}
		return models.Msg{}, fmt.Errorf("load migration of case %d: %w", c.ID, err)
	}
	done, err := stepsDone(tx, m.ID)
	if err != nil {
		return models.Msg{}, err
	}
	var subs []models.Subscription
	if err := forUpdate(tx).Where(`customer_id = ? AND status = 'active' AND channel = 'offline'
		AND product_id IN (SELECT id FROM products WHERE family = ?)`, m.CustomerID, models.FamilyMeetHardware).Order("id").Find(&subs).Error; err != nil {
		return models.Msg{}, fmt.Errorf("load Meet subscriptions: %w", err)
	}
	befores := make([]map[string]any, len(subs))
	for i, sub := range subs {
		befores[i] = subAudit(sub)
	}
	note, err := m.ConvertToGrace(done, subs, now)
	if err != nil {
		return models.Msg{}, err
	}
	for i, sub := range subs {
		if err := tx.Model(&sub).Updates(map[string]any{"plan": sub.Plan, "channel": sub.Channel, "renewal_option": sub.RenewalOption,
			"console_id": nil, "billing_account_id": nil, "end_date": sub.EndDate, "updated_at": now}).Error; err != nil {
			return models.Msg{}, fmt.Errorf("convert subscription %d: %w", sub.ID, err)
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "subscription.grace_plan", RecordType: "subscription", RecordID: sub.ID,
			Before: befores[i], After: subAudit(sub), Orgs: []int64{m.CustomerID, c.ConsoleID}}); err != nil {
			return models.Msg{}, err
		}
	}
	if err := recordStep(tx, a, now, &m, models.StepGrace, note); err != nil {
		return models.Msg{}, err
	}
	if m.ConsoleID != nil {
		if err := notifyOrg(tx, now, *m.ConsoleID, offerRoles(), Notice{Kind: models.NoticeGraceConversion,
			Title: "{{.Customer}}: Meet hardware is on the online grace plan",
			Body:  "Support converted the subscription to a temporary online grace plan. Give the customer your public reseller id (step 5).",
			Args:  []any{"Customer", customerName(tx, m.CustomerID)}, Link: fmt.Sprintf("/console/customers/%d/meet", m.CustomerID)}); err != nil {
			return models.Msg{}, err
		}
	}
	return note, nil
}
