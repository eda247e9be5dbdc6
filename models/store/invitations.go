package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// ---- A new invitation for a customer's administrator (issue 11) ----
//
// A redemption invites the new customer's administrator by email; the link
// works once for 7 days. Until they set a password, the console that made
// the customer can send a new link, which replaces the old one.

// consoleSideFacts are what a console's customer page reads besides the
// customer, in one statement: the console's cloud-essentials enrolment and,
// for its own customer, the administrators who have not set a password
// through their invitation yet, each with their newest link.
func consoleSideFacts(tx *gorm.DB, consoleID, customerID int64) (enrolled bool, pending []models.PendingInvitation, err error) {
	var row struct {
		Enrolled    bool
		Invitations []byte
	}
	err = tx.Raw(`SELECT c.cloud_essentials AS enrolled, COALESCE((
		SELECT json_agg(json_build_object('UserID', u.id, 'Name', u.name, 'Email', u.email, 'SentAt', i.created_at, 'ExpiresAt', i.expires_at) ORDER BY u.id)
		FROM customers cu JOIN users u ON u.organisation_id = cu.id
		JOIN LATERAL (SELECT created_at, expires_at, used_at FROM user_invitations WHERE user_id = u.id ORDER BY id DESC LIMIT 1) i ON true
		WHERE cu.id = ? AND cu.console_id = c.id AND u.disabled_at IS NULL AND i.used_at IS NULL), '[]') AS invitations
		FROM consoles c WHERE c.id = ?`, customerID, consoleID).Scan(&row).Error
	if err != nil {
		return false, nil, fmt.Errorf("console side of customer %d: %w", customerID, err)
	}
	if err := json.Unmarshal(row.Invitations, &pending); err != nil {
		return false, nil, fmt.Errorf("pending invitations of customer %d: %w", customerID, err)
	}
	return row.Enrolled, pending, nil
}

// ResendInvitation sends a customer's administrator a new set-password link
// and ends the old one. Only the console whose customer it is; the person is
// locked, so parallel clicks send one email (models.DecideResendInvitation).
func (s *Store) ResendInvitation(ctx context.Context, a models.Actor, customerID, userID int64) (models.User, error) {
	var u models.User
	if err := requireConsolePerm(a, models.PermRedeemKeys); err != nil {
		return u, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		c, err := ownCustomer(tx, a, customerID)
		if err != nil {
			return err
		}
		if err := forUpdate(tx).Where("id = ? AND organisation_id = ? AND disabled_at IS NULL", userID, c.ID).Take(&u).Error; err != nil {
			return notFound(err)
		}
		var latest models.UserInvitation
		if err := tx.Where("user_id = ?", u.ID).Order("id DESC").Take(&latest).Error; err != nil {
			return notFound(err)
		}
		if err := models.DecideResendInvitation(latest, now); err != nil {
			return err
		}
		if err := tx.Model(&models.UserInvitation{}).Where("user_id = ? AND used_at IS NULL AND expires_at > ?", u.ID, now).
			Update("expires_at", now).Error; err != nil {
			return fmt.Errorf("end old invitations: %w", err)
		}
		token := newToken()
		inv := models.UserInvitation{UserID: u.ID, TokenHash: hashToken(token), ExpiresAt: now.Add(models.InvitationValidity), CreatedAt: now}
		if err := tx.Create(&inv).Error; err != nil {
			return fmt.Errorf("create invitation: %w", err)
		}
		var console models.Console
		if err := tx.Take(&console, a.OrgID).Error; err != nil {
			return fmt.Errorf("load console: %w", err)
		}
		if err := queueInvitationMail(tx, u, c.Name, console.Name, token, now); err != nil {
			return err
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "user.invitation_resent", RecordType: "user", RecordID: u.ID,
			After: map[string]any{"email": u.Email, "expires_at": inv.ExpiresAt}, Orgs: []int64{a.OrgID, c.ID}})
	})
	return u, err
}
