package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// readinessOf judges one customer of a connection's source at now (R-CON-4,
// R-CON-5) from its live subscriptions and the main's billing currencies.
func readinessOf(tx *gorm.DB, c models.ConsoleConnection, customerID int64, now time.Time) (models.CustomerMigrationState, models.NotReadyReasons, error) {
	f := models.ReadinessFacts{Connection: c, Now: now}
	err := tx.Raw(`SELECT p.name, p.family, s.plan, COALESCE(b.currency, k.default_currency) AS currency
		FROM subscriptions s JOIN products p ON p.id = s.product_id
		JOIN consoles k ON k.id = s.console_id
		LEFT JOIN billing_accounts b ON b.id = s.billing_account_id
		WHERE s.customer_id = ? AND s.console_id = ? AND s.status NOT IN ('ended', 'deleted') ORDER BY s.id`, customerID, c.SourceConsoleID).Scan(&f.Subs).Error
	if err != nil {
		return "", nil, fmt.Errorf("readiness: subscriptions: %w", err)
	}
	if err := tx.Table("billing_accounts").Where("console_id = ?", c.MainConsoleID).Distinct("currency").Pluck("currency", &f.MainCurrencies).Error; err != nil {
		return "", nil, fmt.Errorf("readiness: main currencies: %w", err)
	}
	st, rs := models.Readiness(f)
	return st, rs, nil
}

// saveReadiness writes a customer's readiness, unless its migration has
// started (a started, migrating or finished row is left as it is).
func saveReadiness(tx *gorm.DB, c models.ConsoleConnection, customerID int64, now time.Time) error {
	st, rs, err := readinessOf(tx, c, customerID, now)
	if err != nil {
		return err
	}
	reasons, err := rs.Value()
	if err != nil {
		return err
	}
	return tx.Exec(`INSERT INTO customer_migrations (connection_id, customer_id, state, reasons, computed_at, created_at, updated_at)
		VALUES (?, ?, ?, ?::jsonb, ?, ?, ?)
		ON CONFLICT (connection_id, customer_id) DO UPDATE SET state = EXCLUDED.state, reasons = EXCLUDED.reasons,
		computed_at = EXCLUDED.computed_at, updated_at = EXCLUDED.updated_at
		WHERE customer_migrations.state IN ('ready', 'not_ready')`,
		c.ID, customerID, st, reasons, now, now, now).Error
}

// sourceConnection is the accepted (or sent) connection of the actor's
// console as a source; nil when it has none.
func sourceConnection(tx *gorm.DB, consoleID int64) (*models.ConsoleConnection, error) {
	c, err := openConnection(tx, consoleID)
	if err != nil || c == nil || c.State != models.ConnAccepted {
		return nil, err
	}
	return c, nil
}

func requireAddCustomers(a models.Actor) error {
	if a.OrgKind != models.OrgConsole || !a.Can(models.PermAddCustomers) {
		return models.Forbidden()
	}
	return nil
}

// CustomerMigrations is the source console's Manage customer migrations
// list (R-CON-5): the connection and each customer's readiness. A customer
// the job has not judged yet is judged for this page only: reading the page
// writes nothing. It needs the add-customers permission (seed 002).
func (s *Store) CustomerMigrations(ctx context.Context, a models.Actor) (*models.ConnectionRow, []models.MigrationRow, error) {
	if err := requireAddCustomers(a); err != nil {
		return nil, nil, err
	}
	db := s.db.WithContext(ctx)
	now := s.Now()
	c, err := sourceConnection(db, a.OrgID)
	if err != nil || c == nil {
		return nil, nil, err
	}
	cr, err := connectionRows(db.Where("console_connections.id = ?", c.ID))
	if err != nil || len(cr) == 0 {
		return nil, nil, err
	}
	var rows []models.MigrationRow
	if err := db.Table("customer_migrations").
		Select("customer_migrations.*, customers.name AS customer_name, customers.domain AS customer_domain").
		Joins("JOIN customers ON customers.id = customer_migrations.customer_id").
		Where("customer_migrations.connection_id = ? AND customers.console_id = ?", c.ID, a.OrgID).
		Order("customers.name, customers.id").Limit(1000).Find(&rows).Error; err != nil {
		return nil, nil, fmt.Errorf("list customer migrations: %w", err)
	}
	var missing []models.Customer
	if err := db.Raw(`SELECT * FROM customers WHERE console_id = ? AND id NOT IN
		(SELECT customer_id FROM customer_migrations WHERE connection_id = ?) ORDER BY name, id LIMIT 500`, a.OrgID, c.ID).Scan(&missing).Error; err != nil {
		return nil, nil, fmt.Errorf("customers without readiness: %w", err)
	}
	for _, k := range missing {
		st, rs, err := readinessOf(db, *c, k.ID, now)
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, models.MigrationRow{CustomerMigration: models.CustomerMigration{ConnectionID: c.ID, CustomerID: k.ID,
			State: st, Reasons: rs, ComputedAt: now}, CustomerName: k.Name, CustomerDomain: k.Domain})
	}
	return &cr[0], rows, nil
}

// RefreshReadiness recomputes one customer's readiness at once (R-CON-5).
func (s *Store) RefreshReadiness(ctx context.Context, a models.Actor, customerID int64) error {
	if err := requireAddCustomers(a); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var cust models.Customer
		if err := tx.Where("id = ? AND console_id = ?", customerID, a.OrgID).Take(&cust).Error; err != nil {
			return notFound(err)
		}
		c, err := sourceConnection(tx, a.OrgID)
		if err != nil {
			return err
		}
		if c == nil {
			return &models.Error{Code: models.CodeConflict, Message: "This console is not connected to a main console."}
		}
		return saveReadiness(tx, *c, cust.ID, now)
	})
}

// RecomputeReadiness is the periodic job (R-CON-5): every customer of every
// accepted connection whose readiness is missing or older than half the
// 12-hour limit is judged again, one connection per transaction.
func (s *Store) RecomputeReadiness(ctx context.Context) (int, error) {
	var conns []models.ConsoleConnection
	if err := s.db.WithContext(ctx).Where("state = ?", models.ConnAccepted).Order("id").Find(&conns).Error; err != nil {
		return 0, fmt.Errorf("readiness job: connections: %w", err)
	}
	n := 0
	for _, c := range conns {
		err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
			if err := forUpdate(tx).Where("id = ? AND state = ?", c.ID, models.ConnAccepted).Take(&c).Error; err != nil {
				if errors.Is(err, gorm.ErrRecordNotFound) {
					return nil
				}
				return fmt.Errorf("readiness job: lock connection: %w", err)
			}
			var ids []int64
			if err := tx.Raw(`SELECT k.id FROM customers k LEFT JOIN customer_migrations m ON m.customer_id = k.id AND m.connection_id = ?
				WHERE k.console_id = ? AND (m.id IS NULL OR (m.state IN ('ready', 'not_ready') AND m.computed_at <= ?)) ORDER BY k.id`,
				c.ID, c.SourceConsoleID, now.Add(-models.ReadinessMaxAge/2)).Scan(&ids).Error; err != nil {
				return fmt.Errorf("readiness job: customers: %w", err)
			}
			for _, id := range ids {
				if err := saveReadiness(tx, c, id, now); err != nil {
					return err
				}
			}
			n += len(ids)
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
