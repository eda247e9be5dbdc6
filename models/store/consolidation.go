package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// Console consolidation (issue 12, SPEC §8, seed 002): a main console invites
// source consoles; a source accepts; either side closes. Readiness of the
// source's customers is computed here too (R-CON-4, R-CON-5).

// superAdmins are the roles told about a console connection.
func superAdmins() []models.Role { return []models.Role{models.RoleSuperAdmin} }

func requireConsolidate(a models.Actor) error {
	if a.OrgKind != models.OrgConsole || !a.Can(models.PermConsolidate) {
		return models.Forbidden()
	}
	return nil
}

func connectionAudit(c models.ConsoleConnection) map[string]any {
	return map[string]any{"main_console_id": c.MainConsoleID, "source_console_id": c.SourceConsoleID, "state": c.State}
}

// openConnectionsOf loads the open connections a console is part of, as a
// source (asSource) or as a main.
func openConnection(tx *gorm.DB, consoleID int64) (*models.ConsoleConnection, error) {
	var c models.ConsoleConnection
	err := tx.Where("source_console_id = ? AND state <> ?", consoleID, models.ConnClosed).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load open connection: %w", err)
	}
	return &c, nil
}

// InviteConsole adds a source console by its account id (public reseller
// id) and invites it (R-CON-1, R-CON-3): status Sent, awaiting acceptance.
// Two mains inviting one source at the same moment: the source console's row
// lock (and the one-open-connection index behind it) lets one win; the other
// is told on the field.
func (s *Store) InviteConsole(ctx context.Context, a models.Actor, typed string) (models.ConsoleConnection, error) {
	var c models.ConsoleConnection
	if err := requireConsolidate(a); err != nil {
		return c, err
	}
	rid, err := models.CheckConsoleAccountID(typed)
	if err != nil {
		return c, err
	}
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var source models.Console
		if err := tx.Where("public_reseller_id = ? AND status = 'active'", rid).Take(&source).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return models.ErrUnknownConsoleID()
			}
			return fmt.Errorf("find source console: %w", err)
		}
		// Both consoles are locked, in id order, so that concurrent
		// invitations touching either are decided one after the other.
		ids := []int64{a.OrgID, source.ID}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		var locked []models.Console
		if err := forUpdate(tx).Where("id IN ?", ids).Order("id").Find(&locked).Error; err != nil {
			return fmt.Errorf("lock consoles: %w", err)
		}
		var main models.Console
		for _, k := range locked {
			if k.ID == a.OrgID {
				main = k
			}
		}
		f := models.InviteFacts{MainID: a.OrgID, SourceID: source.ID}
		var err error
		if f.SourceOpen, err = openConnection(tx, source.ID); err != nil {
			return err
		}
		mainOpen, err := openConnection(tx, a.OrgID)
		if err != nil {
			return err
		}
		f.MainIsSource = mainOpen != nil
		var asMain int64
		if err := tx.Model(&models.ConsoleConnection{}).Where("main_console_id = ? AND state <> ?", source.ID, models.ConnClosed).Count(&asMain).Error; err != nil {
			return fmt.Errorf("count connections: %w", err)
		}
		f.SourceIsMain = asMain > 0
		if err := models.CheckInvite(f); err != nil {
			return err
		}
		uid := a.UserID
		c = models.ConsoleConnection{MainConsoleID: a.OrgID, SourceConsoleID: source.ID, State: models.ConnSent,
			InvitedBy: &uid, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&c).Error; err != nil {
			if uniqueViolation(err, "console_connections_one_open_idx") {
				return models.CheckInvite(models.InviteFacts{MainID: a.OrgID, SourceID: source.ID, SourceOpen: &models.ConsoleConnection{}})
			}
			return fmt.Errorf("create connection: %w", err)
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "console_connection.invited", RecordType: "console_connection",
			RecordID: c.ID, After: connectionAudit(c), Orgs: []int64{a.OrgID, source.ID}}); err != nil {
			return err
		}
		return notifyOrg(tx, now, source.ID, superAdmins(), Notice{Kind: models.NoticeInvitation,
			Title: "{{.Console}} invites your console to consolidate",
			Body:  "Review the invitation under Console consolidation. Once you accept, customers can be migrated to the main console after a 7-day wait.",
			Args:  []any{"Console", main.Name}, Link: fmt.Sprintf("/console/consolidation/%d", c.ID)})
	})
	return c, err
}

// lockConnection loads a connection the actor's console is part of, locked.
func lockConnection(tx *gorm.DB, a models.Actor, id int64) (models.ConsoleConnection, error) {
	var c models.ConsoleConnection
	err := forUpdate(tx).Where("id = ? AND (main_console_id = ? OR source_console_id = ?)", id, a.OrgID, a.OrgID).Take(&c).Error
	return c, notFound(err)
}

// AcceptConnection is the source console accepting the invitation (R-CON-2):
// Invitation accepted, console connected; the 7-day wait starts.
func (s *Store) AcceptConnection(ctx context.Context, a models.Actor, id int64) error {
	if err := requireConsolidate(a); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		c, err := lockConnection(tx, a, id)
		if err != nil {
			return err
		}
		if err := models.CheckAccept(c, a.OrgID); err != nil {
			return err
		}
		before := connectionAudit(c)
		c.State, c.AcceptedAt, c.UpdatedAt = models.ConnAccepted, &now, now
		if err := tx.Model(&c).Updates(map[string]any{"state": c.State, "accepted_at": now, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("accept connection: %w", err)
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "console_connection.accepted", RecordType: "console_connection",
			RecordID: c.ID, Before: before, After: connectionAudit(c), Orgs: []int64{c.MainConsoleID, c.SourceConsoleID}}); err != nil {
			return err
		}
		return notifyOrg(tx, now, c.MainConsoleID, superAdmins(), Notice{Kind: models.NoticeInvitation,
			Title: "{{.Console}} accepted your consolidation invitation",
			Body:  "Its customers can be migrated to your console from {{.Date}}.",
			Args:  []any{"Console", consoleName(tx, c.SourceConsoleID), "Date", c.MigratableFrom()}, Link: "/console/consolidation"})
	})
}

// CloseConnection closes a connection from either side, or cancels an
// invitation (R-CON-1, R-CON-2), before a customer migration completes.
func (s *Store) CloseConnection(ctx context.Context, a models.Actor, id int64) error {
	if err := requireConsolidate(a); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		c, err := lockConnection(tx, a, id)
		if err != nil {
			return err
		}
		var migrating, done int64
		if err := tx.Model(&models.CustomerMigration{}).Where("connection_id = ? AND state = ?", c.ID, models.MigMigrating).Count(&migrating).Error; err != nil {
			return fmt.Errorf("count migrations: %w", err)
		}
		if err := tx.Model(&models.CustomerMigration{}).Where("connection_id = ? AND state = ?", c.ID, models.MigDone).Count(&done).Error; err != nil {
			return fmt.Errorf("count migrations: %w", err)
		}
		if err := models.CheckClose(c, a.OrgID, int(migrating), int(done)); err != nil {
			return err
		}
		before := connectionAudit(c)
		uid := a.UserID
		c.State, c.ClosedAt, c.ClosedBy, c.UpdatedAt = models.ConnClosed, &now, &uid, now
		if err := tx.Model(&c).Updates(map[string]any{"state": c.State, "closed_at": now, "closed_by": uid, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("close connection: %w", err)
		}
		// Started migrations of a closed connection go no further.
		if err := tx.Where("connection_id = ? AND state IN ?", c.ID, []models.CustomerMigrationState{models.MigReady, models.MigNotReady, models.MigStarted}).
			Delete(&models.CustomerMigration{}).Error; err != nil {
			return fmt.Errorf("drop readiness: %w", err)
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "console_connection.closed", RecordType: "console_connection",
			RecordID: c.ID, Before: before, After: connectionAudit(c), Orgs: []int64{c.MainConsoleID, c.SourceConsoleID}}); err != nil {
			return err
		}
		other := c.MainConsoleID
		if other == a.OrgID {
			other = c.SourceConsoleID
		}
		return notifyOrg(tx, now, other, superAdmins(), Notice{Kind: models.NoticeInvitation,
			Title: "{{.Console}} closed the console connection",
			Body:  "Customers can no longer be migrated over this connection.",
			Args:  []any{"Console", consoleName(tx, a.OrgID)}, Link: "/console/consolidation"})
	})
}

func connectionRows(q *gorm.DB) ([]models.ConnectionRow, error) {
	var rows []models.ConnectionRow
	err := q.Table("console_connections").
		Select("console_connections.*, m.name AS main_name, m.public_reseller_id AS main_r_id, s.name AS source_name, s.public_reseller_id AS source_r_id").
		Joins("JOIN consoles m ON m.id = console_connections.main_console_id").
		Joins("JOIN consoles s ON s.id = console_connections.source_console_id").
		Order("console_connections.id DESC").Limit(200).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list connections: %w", err)
	}
	return rows, nil
}

// ListConnections lists the connections the actor's console is part of, as
// main or as source, newest first; closed ones only of the last 90 days.
func (s *Store) ListConnections(ctx context.Context, a models.Actor) ([]models.ConnectionRow, error) {
	if err := requireConsolidate(a); err != nil {
		return nil, err
	}
	since := s.Now().AddDate(0, 0, -90)
	return connectionRows(s.db.WithContext(ctx).
		Where("(console_connections.main_console_id = ? OR console_connections.source_console_id = ?) AND (console_connections.state <> ? OR console_connections.closed_at > ?)",
			a.OrgID, a.OrgID, models.ConnClosed, since))
}

// GetConnection is one connection of the actor's console (the source's
// review of an invitation); a foreign id is not found.
func (s *Store) GetConnection(ctx context.Context, a models.Actor, id int64) (models.ConnectionRow, error) {
	var r models.ConnectionRow
	if err := requireConsolidate(a); err != nil {
		return r, err
	}
	rows, err := connectionRows(s.db.WithContext(ctx).Where("console_connections.id = ? AND (console_connections.main_console_id = ? OR console_connections.source_console_id = ?)", id, a.OrgID, a.OrgID))
	if err != nil {
		return r, err
	}
	if len(rows) == 0 {
		return r, models.NotFound()
	}
	return rows[0], nil
}

// ConsolidationFacts are the seed's three facts for choosing the main
// console, for the actor's console and every console it is openly connected
// to.
func (s *Store) ConsolidationFacts(ctx context.Context, a models.Actor) ([]models.ConsoleFacts, error) {
	if err := requireConsolidate(a); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	ids := []int64{a.OrgID}
	var others []int64
	if err := db.Raw(`SELECT CASE WHEN main_console_id = ? THEN source_console_id ELSE main_console_id END
		FROM console_connections WHERE (main_console_id = ? OR source_console_id = ?) AND state <> 'closed' ORDER BY id`,
		a.OrgID, a.OrgID, a.OrgID).Scan(&others).Error; err != nil {
		return nil, fmt.Errorf("connected consoles: %w", err)
	}
	ids = append(ids, others...)
	var facts []models.ConsoleFacts
	for _, id := range ids {
		var f models.ConsoleFacts
		err := db.Raw(`SELECT c.id AS console_id, c.name, c.public_reseller_id AS r_id,
			(SELECT count(*) FROM subscriptions s JOIN products p ON p.id = s.product_id
			  WHERE s.console_id = c.id AND s.status NOT IN ('ended', 'deleted')
			  AND (p.family = 'voice' OR (p.family = 'cloud' AND s.plan IN ('annual_monthly', 'annual_prepaid')))) AS cloud_voice,
			(SELECT count(*) FROM customers WHERE console_id = c.id) AS customers
			FROM consoles c WHERE c.id = ?`, id).Scan(&f).Error
		if err != nil {
			return nil, fmt.Errorf("console facts: %w", err)
		}
		if err := db.Table("billing_accounts").Where("console_id = ?", id).Distinct("currency").Order("currency").Pluck("currency", &f.Currencies).Error; err != nil {
			return nil, fmt.Errorf("console currencies: %w", err)
		}
		f.IsThisOne = id == a.OrgID
		facts = append(facts, f)
	}
	return facts, nil
}
