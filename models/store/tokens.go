package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

func requireCustomerAdmin(a models.Actor, p models.Permission) error {
	if a.OrgKind != models.OrgCustomer || !a.Can(p) {
		return models.Forbidden()
	}
	return nil
}

// CreateTransferToken makes a token for the console with a public reseller
// id (R-TOK-1). It returns the secret, to be shown once.
func (s *Store) CreateTransferToken(ctx context.Context, a models.Actor, resellerID string) (string, models.TransferToken, error) {
	var t models.TransferToken
	if err := requireCustomerAdmin(a, models.PermTokens); err != nil {
		return "", t, err
	}
	rid, err := models.CheckResellerID(resellerID)
	if err != nil {
		return "", t, err
	}
	secret := models.NewTransferToken()
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var con models.Console
		if err := tx.Where("public_reseller_id = ? AND status = 'active'", rid).Take(&con).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return models.ErrUnknownReseller()
			}
			return fmt.Errorf("find reseller: %w", err)
		}
		var err error
		t, err = insertToken(tx, a, con.ID, secret, now)
		return err
	})
	return secret, t, err
}

func insertToken(tx *gorm.DB, a models.Actor, consoleID int64, secret string, now time.Time) (models.TransferToken, error) {
	t := models.IssueTransferToken(a, consoleID, secret, now)
	if err := tx.Create(&t).Error; err != nil {
		return t, fmt.Errorf("create transfer token: %w", err)
	}
	after := map[string]any{"console_id": consoleID, "expires_at": t.ExpiresAt}
	if err := audit(tx, auditEntry{Actor: a, At: now, Action: "transfer_token.created", RecordType: "transfer_token", RecordID: t.ID, Before: nil, After: after, Orgs: []int64{a.OrgID}}); err != nil {
		return t, err
	}
	// R-MEET-2 step 6: the customer made the token the migrating reseller
	// waits for.
	var m models.MeetMigration
	err := forUpdate(tx).Where("customer_id = ? AND console_id = ? AND state = ?", a.OrgID, consoleID, models.MigrationOpen).Take(&m).Error
	if err == nil {
		done, err := stepsDone(tx, m.ID)
		if err != nil {
			return t, err
		}
		if m.CheckStep(done, models.StepToken) == nil {
			if err := doStep(tx, a, now, &m, models.StepToken, ""); err != nil {
				return t, err
			}
			m.TokenID = &t.ID
			if err := tx.Model(&m).Updates(map[string]any{"token_id": t.ID, "updated_at": now}).Error; err != nil {
				return t, fmt.Errorf("link token to migration: %w", err)
			}
			if err := notifyOrg(tx, now, consoleID, offerRoles(), Notice{Kind: models.NoticeMigrationStep,
				Title: "{{.Customer}} created a transfer token for you",
				Body:  "Ask the customer for the token, then send the offer for the total quantity.",
				Args:  []any{"Customer", customerName(tx, a.OrgID)}, Link: fmt.Sprintf("/console/customers/%d/meet", a.OrgID)}); err != nil {
				return t, err
			}
		}
	} else if !errors.Is(err, gorm.ErrRecordNotFound) {
		return t, fmt.Errorf("find migration: %w", err)
	}
	return t, nil
}

// ListTransferTokens lists the customer's tokens, newest first.
func (s *Store) ListTransferTokens(ctx context.Context, a models.Actor) ([]models.TokenRow, error) {
	if err := requireCustomerAdmin(a, models.PermTokens); err != nil {
		return nil, err
	}
	var rows []models.TokenRow
	err := s.db.WithContext(ctx).Table("transfer_tokens").
		Select("transfer_tokens.*, consoles.name AS console_name, consoles.public_reseller_id").
		Joins("JOIN consoles ON consoles.id = transfer_tokens.console_id").
		Where("transfer_tokens.customer_id = ?", a.OrgID).
		Order("transfer_tokens.created_at DESC, transfer_tokens.id DESC").Limit(200).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list transfer tokens: %w", err)
	}
	return rows, nil
}

func (s *Store) lockToken(tx *gorm.DB, a models.Actor, id int64) (models.TransferToken, error) {
	var t models.TransferToken
	err := forUpdate(tx).Where("id = ? AND customer_id = ?", id, a.OrgID).Take(&t).Error
	return t, notFound(err)
}

// RevokeTransferToken revokes one of the customer's tokens.
func (s *Store) RevokeTransferToken(ctx context.Context, a models.Actor, id int64) error {
	if err := requireCustomerAdmin(a, models.PermTokens); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		t, err := s.lockToken(tx, a, id)
		if err != nil {
			return err
		}
		if err := t.Revoke(now); err != nil {
			return err
		}
		if err := tx.Model(&t).Update("revoked_at", now).Error; err != nil {
			return fmt.Errorf("revoke token %d: %w", id, err)
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "transfer_token.revoked", RecordType: "transfer_token", RecordID: t.ID, Before: nil, After: map[string]any{"revoked_at": now}, Orgs: []int64{a.OrgID}})
	})
}

// RegenerateTransferToken revokes a token (when still active) and makes a
// new one for the same reseller; it returns the new secret, shown once.
func (s *Store) RegenerateTransferToken(ctx context.Context, a models.Actor, id int64) (string, models.TransferToken, error) {
	var nt models.TransferToken
	if err := requireCustomerAdmin(a, models.PermTokens); err != nil {
		return "", nt, err
	}
	secret := models.NewTransferToken()
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		t, err := s.lockToken(tx, a, id)
		if err != nil {
			return err
		}
		if err := t.Regenerate(now); err != nil {
			return err
		}
		nt, err = insertToken(tx, a, t.ConsoleID, secret, now)
		if err != nil {
			return err
		}
		if err := tx.Model(&t).Updates(map[string]any{"revoked_at": t.RevokedAt, "replaced_by_id": nt.ID}).Error; err != nil {
			return fmt.Errorf("replace token %d: %w", id, err)
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "transfer_token.regenerated", RecordType: "transfer_token", RecordID: t.ID, Before: nil, After: map[string]any{"replaced_by": nt.ID}, Orgs: []int64{a.OrgID}})
	})
	return secret, nt, err
}

// tokenThrottled decides one token attempt of the actor's console
// atomically (throttled): refused when the console used up its failed
// attempts, else reserved as a failure until recordAttempt settles it. It
// returns the reserved attempt's id.
func (s *Store) tokenThrottled(ctx context.Context, a models.Actor) (int64, error) {
	var id int64
	err := s.throttled(ctx, []string{fmt.Sprint("token-redeem:", a.OrgID)}, func(tx *gorm.DB, now time.Time) error {
		var n int64
		err := tx.Table("token_redemption_attempts").
			Where("console_id = ? AND outcome <> 'ok' AND at > ?", a.OrgID, now.Add(-models.TokenThrottleWindow)).Count(&n).Error
		if err != nil {
			return fmt.Errorf("count token attempts: %w", err)
		}
		if err := models.CheckTokenThrottle(n); err != nil {
			return err
		}
		var uid *int64
		if a.UserID != 0 {
			u := a.UserID
			uid = &u
		}
		return tx.Raw("INSERT INTO token_redemption_attempts (console_id, user_id, outcome, at) VALUES (?, ?, 'wrong', ?) RETURNING id",
			a.OrgID, uid, now).Scan(&id).Error
	})
	return id, err
}

// recordAttempt settles a reserved attempt with its outcome, outside the
// caller's transaction: a failed attempt counts even though nothing else
// changes. No outcome (the token was never checked) gives the attempt back.
func (s *Store) recordAttempt(ctx context.Context, attempt int64, outcome models.RedeemOutcome) {
	db := s.db.WithContext(context.WithoutCancel(ctx))
	if outcome == "" {
		_ = db.Exec("DELETE FROM token_redemption_attempts WHERE id = ?", attempt).Error
		return
	}
	_ = db.Exec("UPDATE token_redemption_attempts SET outcome = ? WHERE id = ?", string(outcome), attempt).Error
}

// lockTokenBySecret finds the token a console typed, locking its row; nil
// when no token has that secret. Whether the console may use it is
// models.CheckRedeem's to decide.
func lockTokenBySecret(tx *gorm.DB, secret string) (*models.TransferToken, error) {
	if models.NormalizeTransferToken(secret) == "" {
		return nil, nil
	}
	var t models.TransferToken
	err := forUpdate(tx).Where("token_hash = ?", models.HashTransferToken(secret)).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find token: %w", err)
	}
	return &t, nil
}

// CheckTransferToken lets a console check a customer's token (by domain)
// without changing anything but the attempt count; it names the customer
// when the token is good.
func (s *Store) CheckTransferToken(ctx context.Context, a models.Actor, domain, secret string) (CustomerRow, error) {
	var c CustomerRow
	if a.OrgKind != models.OrgConsole || !a.Can(models.PermOffers) {
		return c, models.Forbidden()
	}
	attempt, err := s.tokenThrottled(ctx, a)
	if err != nil {
		return c, err
	}
	d, err := models.CheckTokenDomain(domain)
	if err != nil {
		s.recordAttempt(ctx, attempt, "")
		return c, err
	}
	outcome := models.RedeemOK
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var cust models.Customer
		if err := tx.Where("domain = ?", d).Take(&cust).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				outcome = models.RedeemWrong
				return models.ErrUnknownDomain()
			}
			return err
		}
		t, err := lockTokenBySecret(tx, secret)
		if err != nil {
			return err
		}
		o := models.CheckRedeem(t, a.OrgID, cust.ID, now)
		outcome = o
		c = CustomerRow{Customer: cust}
		return o.Err()
	})
	s.recordAttempt(ctx, attempt, outcome)
	return c, err
}
