package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// MyConsole returns the actor's own console.
func (s *Store) MyConsole(ctx context.Context, a models.Actor) (models.Console, error) {
	var c models.Console
	if a.OrgKind != models.OrgConsole {
		return c, models.NotFound()
	}
	err := s.db.WithContext(ctx).Take(&c, a.OrgID).Error
	return c, notFound(err)
}

// ConsoleFilter is models.ConsoleFilter (moved so views need not import the store).
type ConsoleFilter = models.ConsoleFilter

// ListConsoles is the desk's platform-wide list of consoles, keyset paged.
func (s *Store) ListConsoles(ctx context.Context, a models.Actor, f ConsoleFilter, cursor string) (models.Page[models.Console], error) {
	var page models.Page[models.Console]
	if err := a.Require(models.PermDeskConsoles); err != nil {
		return page, err
	}
	base := func() *gorm.DB {
		q := s.db.WithContext(ctx).Model(&models.Console{})
		if t := strings.TrimSpace(f.Query); t != "" {
			if rid, ok := models.NormalizePublicResellerID(t); ok {
				q = q.Where("(public_reseller_id = ? OR lower(name) LIKE ?)", rid, "%"+escapeLike(strings.ToLower(t))+"%")
			} else {
				q = q.Where("lower(name) LIKE ?", "%"+escapeLike(strings.ToLower(t))+"%")
			}
		}
		return q
	}
	q := base()
	c, has := models.DecodeCursor(cursor)
	if f.Sort == models.SortByCreated {
		if has {
			if t, err := time.Parse(time.RFC3339Nano, c.Key); err == nil {
				q = q.Where("(created_at, id) < (?, ?)", t, c.ID)
			}
		}
		q = q.Order("created_at DESC, id DESC")
	} else {
		if has {
			q = q.Where("(lower(name), id) > (?, ?)", c.Key, c.ID)
		}
		q = q.Order("lower(name), id")
	}
	var rows []models.Console
	if err := q.Limit(models.PageSize + 1).Find(&rows).Error; err != nil {
		return page, fmt.Errorf("list consoles: %w", err)
	}
	if len(rows) > models.PageSize {
		rows = rows[:models.PageSize]
		last := rows[len(rows)-1]
		key := strings.ToLower(last.Name)
		if f.Sort == models.SortByCreated {
			key = last.CreatedAt.UTC().Format(time.RFC3339Nano)
		}
		page.Next = models.Cursor{Key: key, ID: last.ID}.Encode()
	}
	page.Items = rows
	var err error
	page.Total, page.Many, err = cappedCount(base())
	return page, err
}

// GetConsole loads a console for the desk.
func (s *Store) GetConsole(ctx context.Context, a models.Actor, id int64) (models.Console, error) {
	var c models.Console
	if !a.Can(models.PermDeskConsoles) {
		if a.OrgKind == models.OrgConsole && a.OrgID == id {
			return s.MyConsole(ctx, a)
		}
		return c, models.NotFound()
	}
	return c, notFound(s.db.WithContext(ctx).Take(&c, id).Error)
}

// ConsoleByResellerID finds a console by its public reseller id.
func (s *Store) ConsoleByResellerID(ctx context.Context, rid string) (models.Console, error) {
	var c models.Console
	norm, ok := models.NormalizePublicResellerID(rid)
	if !ok {
		return c, models.NotFound()
	}
	return c, notFound(s.db.WithContext(ctx).Where("public_reseller_id = ?", norm).Take(&c).Error)
}

// OnboardConsole creates a reseller console and its first super admin
// (desk operator_admin only). The public reseller id is generated.
func (s *Store) OnboardConsole(ctx context.Context, a models.Actor, in models.ConsoleInput) (models.Console, models.User, error) {
	var c models.Console
	var u models.User
	if err := a.Require(models.PermOnboardConsole); err != nil {
		return c, u, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return c, u, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		orgID, err := newOrganisation(tx, models.OrgConsole, now)
		if err != nil {
			return err
		}
		c = models.Console{ID: orgID, Name: in.Name, Country: in.Country, DefaultCurrency: in.DefaultCurrency,
			Tier: in.Tier, DistributorName: in.DistributorName, Status: "active", CreatedAt: now, UpdatedAt: now}
		// About 40 bits of id space: a collision is rare; retry a few times
		// inside a savepoint when one happens.
		for i := 0; ; i++ {
			c.PublicResellerID = models.NewPublicResellerID()
			err := tx.Transaction(func(sp *gorm.DB) error { return sp.Create(&c).Error })
			if err == nil {
				break
			}
			if !uniqueViolation(err, "consoles_public_reseller_id_key") || i >= 5 {
				return fmt.Errorf("create console: %w", err)
			}
		}
		u, err = insertUser(tx, orgID, models.UserInput{Name: in.AdminName, Email: in.AdminEmail, Password: in.AdminPassword,
			Role: models.RoleSuperAdmin, CanAddCustomers: true, CanMigrateCustomers: true}, now)
		if err != nil {
			if e, ok := err.(*models.Error); ok && e.Field == "email" {
				return &models.Error{Code: e.Code, Field: "admin_email", Message: e.Message}
			}
			return err
		}
		after := map[string]any{"name": c.Name, "public_reseller_id": c.PublicResellerID, "country": c.Country,
			"default_currency": c.DefaultCurrency, "tier": c.Tier, "distributor_name": c.DistributorName, "super_admin": u.Email}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "console.onboarded", RecordType: "console", RecordID: c.ID, Before: nil, After: after, Orgs: []int64{a.OrgID, c.ID}})
	})
	return c, u, err
}

// ListBillingAccounts lists the actor's console's billing accounts.
func (s *Store) ListBillingAccounts(ctx context.Context, a models.Actor) ([]models.BillingAccount, error) {
	if a.OrgKind != models.OrgConsole || !(a.Can(models.PermViewSettings) || a.Can(models.PermManageBilling)) {
		return nil, models.Forbidden()
	}
	var rows []models.BillingAccount
	err := s.db.WithContext(ctx).Where("console_id = ?", a.OrgID).Order("lower(name), id").Limit(500).Find(&rows).Error
	return rows, err
}

// GetBillingAccount loads one of the actor's console's billing accounts.
func (s *Store) GetBillingAccount(ctx context.Context, a models.Actor, id int64) (models.BillingAccount, error) {
	var b models.BillingAccount
	if err := a.Require(models.PermManageBilling); err != nil {
		return b, err
	}
	return b, notFound(s.db.WithContext(ctx).Where("console_id = ? AND id = ?", a.OrgID, id).Take(&b).Error)
}

// SaveBillingAccount creates (id 0) or edits a billing account (R-ROLE-1).
func (s *Store) SaveBillingAccount(ctx context.Context, a models.Actor, id int64, in models.BillingAccountInput) (models.BillingAccount, error) {
	var b models.BillingAccount
	if err := a.Require(models.PermManageBilling); err != nil {
		return b, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return b, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var before any
		action := "billing_account.created"
		if id != 0 {
			if err := forUpdate(tx).Where("console_id = ? AND id = ?", a.OrgID, id).Take(&b).Error; err != nil {
				return notFound(err)
			}
			before = billingAudit(b)
			action = "billing_account.updated"
		} else {
			b = models.BillingAccount{ConsoleID: a.OrgID, CreatedAt: now}
		}
		b.Name, b.Currency, b.LegalEntity, b.UpdatedAt = in.Name, in.Currency, in.LegalEntity, now
		if err := tx.Save(&b).Error; err != nil {
			return fmt.Errorf("save billing account: %w", err)
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: action, RecordType: "billing_account", RecordID: b.ID, Before: before, After: billingAudit(b), Orgs: []int64{a.OrgID}})
	})
	return b, err
}

func billingAudit(b models.BillingAccount) map[string]any {
	return map[string]any{"name": b.Name, "currency": b.Currency, "legal_entity": b.LegalEntity}
}

// ConsoleCustomers is the first page of a console's customers, for the desk.
func (s *Store) ConsoleCustomers(ctx context.Context, a models.Actor, consoleID int64) ([]models.Customer, error) {
	if err := a.Require(models.PermDeskCustomers); err != nil {
		return nil, err
	}
	var rows []models.Customer
	err := s.db.WithContext(ctx).Where("console_id = ?", consoleID).Order("name_key, id").Limit(models.PageSize).Find(&rows).Error
	return rows, err
}

// FirstConsole returns the oldest console (demo data's first).
func (s *Store) FirstConsole(ctx context.Context) (models.Console, error) {
	var c models.Console
	return c, notFound(s.db.WithContext(ctx).Order("id").Take(&c).Error)
}
