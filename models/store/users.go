package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

func errEmailTaken() *models.Error {
	return &models.Error{Code: models.CodeInvalid, Field: "email", Message: "A user with this email already exists."}
}

// ListUsers returns a keyset page of the actor's organisation's users, by name.
func (s *Store) ListUsers(ctx context.Context, a models.Actor, query, cursor string) (models.Page[models.User], error) {
	var page models.Page[models.User]
	if err := a.Require(models.PermManageUsers); err != nil {
		return page, err
	}
	base := func() *gorm.DB {
		q := s.db.WithContext(ctx).Model(&models.User{}).Where("organisation_id = ?", a.OrgID)
		if t := strings.ToLower(strings.TrimSpace(query)); t != "" {
			q = q.Where("(lower(name) LIKE ? OR email LIKE ?)", "%"+escapeLike(t)+"%", "%"+escapeLike(t)+"%")
		}
		return q
	}
	q := base()
	if c, ok := models.DecodeCursor(cursor); ok {
		q = q.Where("(lower(name), id) > (?, ?)", c.Key, c.ID)
	}
	var rows []models.User
	if err := q.Order("lower(name), id").Limit(models.PageSize + 1).Find(&rows).Error; err != nil {
		return page, fmt.Errorf("list users: %w", err)
	}
	if len(rows) > models.PageSize {
		rows = rows[:models.PageSize]
		last := rows[len(rows)-1]
		page.Next = models.Cursor{Key: strings.ToLower(last.Name), ID: last.ID}.Encode()
	}
	page.Items = rows
	// The whole list's size, not this page's (capped like every list).
	var err error
	page.Total, page.Many, err = cappedCount(base())
	return page, err
}

// GetUser loads a user of the actor's organisation.
func (s *Store) GetUser(ctx context.Context, a models.Actor, id int64) (models.User, error) {
	var u models.User
	if err := a.Require(models.PermManageUsers); err != nil {
		return u, err
	}
	err := s.db.WithContext(ctx).Where("organisation_id = ? AND id = ?", a.OrgID, id).Take(&u).Error
	return u, notFound(err)
}

// CreateUser adds a user to the actor's organisation (R-ROLE-1).
func (s *Store) CreateUser(ctx context.Context, a models.Actor, in models.UserInput) (models.User, error) {
	var u models.User
	if err := a.Require(models.PermManageUsers); err != nil {
		return u, err
	}
	in.Normalize()
	if err := in.Validate(a.OrgKind, true); err != nil {
		return u, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		u, err = insertUser(tx, a.OrgID, in, now)
		if err != nil {
			return err
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "user.created", RecordType: "user", RecordID: u.ID, Before: nil, After: userAudit(u), Orgs: []int64{a.OrgID}})
	})
	return u, err
}

func insertUser(tx *gorm.DB, orgID int64, in models.UserInput, now time.Time) (models.User, error) {
	hash, err := models.HashPassword(in.Password)
	if err != nil {
		return models.User{}, err
	}
	u := models.User{OrganisationID: orgID, Email: in.Email, Name: in.Name, PasswordHash: hash, Role: in.Role,
		CanAddCustomers: in.CanAddCustomers, CanMigrateCustomers: in.CanMigrateCustomers, Locale: "en", TimeZone: "UTC",
		CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&u).Error; err != nil {
		if uniqueViolation(err, "users_email_key") {
			return u, errEmailTaken()
		}
		return u, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

func errSelfChange() *models.Error {
	return &models.Error{Code: models.CodeInvalid, Field: "role", Message: "You cannot change your own role or disable yourself; ask another super admin."}
}

// UpdateUser changes a user's name, role and permission flags.
func (s *Store) UpdateUser(ctx context.Context, a models.Actor, id int64, in models.UserInput) (models.User, error) {
	var u models.User
	if err := a.Require(models.PermManageUsers); err != nil {
		return u, err
	}
	in.Normalize()
	if err := in.Validate(a.OrgKind, false); err != nil {
		return u, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := forUpdate(tx).Where("organisation_id = ? AND id = ?", a.OrgID, id).Take(&u).Error; err != nil {
			return notFound(err)
		}
		if u.ID == a.UserID && u.Role != in.Role {
			return errSelfChange()
		}
		before := userAudit(u)
		u.Name, u.Role, u.CanAddCustomers, u.CanMigrateCustomers, u.UpdatedAt = in.Name, in.Role, in.CanAddCustomers, in.CanMigrateCustomers, now
		if err := tx.Save(&u).Error; err != nil {
			return fmt.Errorf("update user %d: %w", id, err)
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "user.updated", RecordType: "user", RecordID: u.ID, Before: before, After: userAudit(u), Orgs: []int64{a.OrgID}})
	})
	return u, err
}

// SetUserDisabled disables a user (ending all their sessions) or enables one.
func (s *Store) SetUserDisabled(ctx context.Context, a models.Actor, id int64, disabled bool) (models.User, error) {
	var u models.User
	if err := a.Require(models.PermManageUsers); err != nil {
		return u, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := forUpdate(tx).Where("organisation_id = ? AND id = ?", a.OrgID, id).Take(&u).Error; err != nil {
			return notFound(err)
		}
		if u.ID == a.UserID {
			return errSelfChange()
		}
		before := userAudit(u)
		action := "user.enabled"
		if disabled {
			action = "user.disabled"
			if u.DisabledAt == nil {
				u.DisabledAt = &now
			}
			if err := tx.Model(&UserSession{}).Where("user_id = ? AND revoked_at IS NULL", u.ID).Update("revoked_at", now).Error; err != nil {
				return fmt.Errorf("end sessions of user %d: %w", id, err)
			}
		} else {
			u.DisabledAt = nil
		}
		u.UpdatedAt = now
		if err := tx.Save(&u).Error; err != nil {
			return fmt.Errorf("save user %d: %w", id, err)
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: action, RecordType: "user", RecordID: u.ID, Before: before, After: userAudit(u), Orgs: []int64{a.OrgID}})
	})
	return u, err
}

func userAudit(u models.User) map[string]any {
	return map[string]any{"name": u.Name, "email": u.Email, "role": u.Role, "customers.add": u.CanAddCustomers,
		"customers.migrate": u.CanMigrateCustomers, "disabled": u.DisabledAt != nil}
}

// CreateUserInOrg is for the create-user command and demo data: it adds a
// user to any organisation, audited as the system.
func (s *Store) CreateUserInOrg(ctx context.Context, orgID int64, in models.UserInput) (models.User, error) {
	var u models.User
	in.Normalize()
	var kind string
	if err := s.db.WithContext(ctx).Raw("SELECT kind FROM organisations WHERE id = ?", orgID).Scan(&kind).Error; err != nil || kind == "" {
		return u, models.NotFound()
	}
	if err := in.Validate(models.OrgKind(kind), true); err != nil {
		return u, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		if u, err = insertUser(tx, orgID, in, now); err != nil {
			return err
		}
		return audit(tx, auditEntry{Actor: models.System(), At: now, Action: "user.created", RecordType: "user", RecordID: u.ID, Before: nil, After: userAudit(u), Orgs: []int64{orgID}})
	})
	return u, err
}

// OperatorOrgID returns the platform operator's organisation, creating it once.
func (s *Store) OperatorOrgID(ctx context.Context) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := tx.Raw("SELECT id FROM organisations WHERE kind = 'operator' ORDER BY id LIMIT 1").Scan(&id).Error; err != nil {
			return err
		}
		if id != 0 {
			return nil
		}
		var err error
		id, err = newOrganisation(tx, models.OrgOperator, now)
		return err
	})
	return id, err
}
