package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"partnerconsole/models"
)

// TOTPIssuer names the console in authenticator apps.
const TOTPIssuer = "Partner Console"

// AuthSession is a session as the request sees it: its user, where it
// stands in the two-step sign-in, and when a code last passed in it.
type AuthSession struct {
	User    models.User
	OrgName string
	// Step is what the session still needs: StepDone for a fully signed-in
	// session, StepCode or StepEnrol while half signed in.
	Step            models.SignInStep
	HasSecondFactor bool
	SecondFactorAt  *time.Time
	// Unread is the user's unread notices for the bell, counted up to
	// UnreadCap+1 in the session's own query (one round trip per request).
	Unread int
}

// secondFactorRow is a user's authenticator.
type secondFactorRow struct {
	UserID      int64
	TOTPSeed    []byte `gorm:"column:totp_seed"`
	ConfirmedAt *time.Time
	LastStep    int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (secondFactorRow) TableName() string { return "user_second_factors" }

func seedBinding(userID int64) string { return "totp:user:" + strconv.FormatInt(userID, 10) }

func errSignInExpired() *models.Error {
	return &models.Error{Code: models.CodeUnauthorized, Message: "Your sign-in has expired. Sign in again."}
}

func errSessionEnded() *models.Error {
	return &models.Error{Code: models.CodeUnauthorized, Message: "Your session has ended. Sign in again."}
}

func errNoFactor() *models.Error {
	return &models.Error{Code: models.CodeConflict, Message: "Two-factor sign-in is not on."}
}

func errFactorOn() *models.Error {
	return &models.Error{Code: models.CodeConflict, Message: "Two-factor sign-in is already on."}
}

// sessionRow is what AuthSession reads about a session in one statement.
type sessionRow struct {
	models.User
	SessCreatedAt      time.Time
	SessLastSeenAt     time.Time
	SessRevokedAt      *time.Time
	SessPending        string
	SessSecondFactorAt *time.Time
	HasSecondFactor    bool
	OrgName            string
	TermAdminsOnly     bool // R-PK-4: the customer's subscriptions are disabled
	Unread             int
}

// AuthSession resolves a session token: the idle and absolute timeouts,
// revocation and disabled users as for any session, and the 5-minute limit
// on the half-signed-in state. It refreshes last seen.
func (s *Store) AuthSession(ctx context.Context, token string) (AuthSession, error) {
	if token == "" {
		return AuthSession{}, &models.Error{Code: models.CodeUnauthorized, Message: "Sign in to continue."}
	}
	now := s.Now()
	h := hashToken(token)
	// One round trip: the session, its user, the user's organisation name
	// for the top bar, and the bell's unread count (bounded, as UnreadCount).
	rows, err := findRows[sessionRow](s.db.WithContext(ctx).Raw(`SELECT u.*, s.created_at AS sess_created_at, s.last_seen_at AS sess_last_seen_at,
		s.revoked_at AS sess_revoked_at, s.pending AS sess_pending, s.second_factor_at AS sess_second_factor_at,
		(f.confirmed_at IS NOT NULL) AS has_second_factor, coalesce(c.name, cu.name, '') AS org_name,
		`+termAdminsOnlySQL+` AS term_admins_only,
		(SELECT count(*) FROM (SELECT 1 FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL LIMIT `+unreadLimit+`) x) AS unread
		FROM user_sessions s JOIN users u ON u.id = s.user_id
		LEFT JOIN user_second_factors f ON f.user_id = u.id
		LEFT JOIN consoles c ON c.id = u.organisation_id
		LEFT JOIN customers cu ON cu.id = u.organisation_id
		WHERE s.id_hash = ?`, h), 1)
	if err != nil {
		return AuthSession{}, fmt.Errorf("load session: %w", err)
	}
	if len(rows) == 0 {
		return AuthSession{}, errSessionEnded()
	}
	row := rows[0]
	if row.SessRevokedAt != nil || now.Sub(row.SessLastSeenAt) > SessionIdle ||
		now.Sub(row.SessCreatedAt) > SessionAbsolute || row.DisabledAt != nil || models.TermSignInBlocked(row.Role, row.TermAdminsOnly) {
		return AuthSession{}, errSessionEnded()
	}
	stored := models.SignInStep(row.SessPending)
	if stored != models.StepDone && models.PendingExpired(row.SessCreatedAt, now) {
		return AuthSession{}, errSignInExpired()
	}
	if now.Sub(row.SessLastSeenAt) > lastSeenEvery {
		s.db.WithContext(ctx).Model(&UserSession{}).Where("id_hash = ?", h).Update("last_seen_at", now)
	}
	return AuthSession{User: row.User, OrgName: row.OrgName, Step: models.SessionStep(stored, row.Role, row.HasSecondFactor),
		HasSecondFactor: row.HasSecondFactor, SecondFactorAt: row.SessSecondFactorAt, Unread: row.Unread}, nil
}

// markSignInStep records, in the sign-in's transaction, what the new session
// still needs after the password.
func markSignInStep(tx *gorm.DB, idHash []byte, u models.User) error {
	var has bool
	if err := tx.Raw("SELECT EXISTS (SELECT 1 FROM user_second_factors WHERE user_id = ? AND confirmed_at IS NOT NULL)", u.ID).Scan(&has).Error; err != nil {
		return fmt.Errorf("load second factor: %w", err)
	}
	step := models.NextSignInStep(u.Role, has)
	if step == models.StepDone {
		return nil
	}
	return tx.Model(&UserSession{}).Where("id_hash = ?", idHash).Update("pending", string(step)).Error
}

// pendingSession locks a half-signed-in session at the given step.
func pendingSession(tx *gorm.DB, token string, step models.SignInStep, now time.Time) (UserSession, models.User, error) {
	var sess struct {
		UserSession
		Pending string
	}
	err := tx.Table("user_sessions").Clauses(clause.Locking{Strength: "UPDATE"}).Where("id_hash = ?", hashToken(token)).Take(&sess).Error
	if err != nil || sess.RevokedAt != nil || sess.Pending != string(step) || models.PendingExpired(sess.CreatedAt, now) {
		return UserSession{}, models.User{}, errSignInExpired()
	}
	var u models.User
	if err := tx.Where("id = ?", sess.UserID).Take(&u).Error; err != nil || u.DisabledAt != nil {
		return UserSession{}, models.User{}, errSignInExpired()
	}
	return sess.UserSession, u, nil
}

// checkCode checks a typed code (TOTP or recovery) for a user under the lock
// of their authenticator row, and throttles wrong codes per account. A wrong
// code is recorded in tx; the caller commits tx and then returns the error.
func (s *Store) checkCode(tx *gorm.DB, u models.User, code string, now time.Time, ip string) error {
	var f secondFactorRow
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("user_id = ? AND confirmed_at IS NOT NULL", u.ID).Take(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return errNoFactor()
	} else if err != nil {
		return fmt.Errorf("load second factor: %w", err)
	}
	kind, norm, err := models.ParseCode(code)
	if err != nil {
		return err
	}
	var failures int64
	if err := tx.Table("second_factor_failures").Where("user_id = ? AND at > ?", u.ID, now.Add(-models.CodeFailureWindow)).Count(&failures).Error; err != nil {
		return fmt.Errorf("count code failures: %w", err)
	}
	if failures >= models.CodeFailureLimit {
		return models.ErrCodeThrottled()
	}
	ok := false
	switch kind {
	case models.CodeKindTOTP:
		seed, err := s.Open(f.TOTPSeed, seedBinding(u.ID))
		if err != nil {
			return err
		}
		if step, err := models.CheckTOTP(string(seed), norm, now, f.LastStep); err == nil {
			if err := tx.Model(&secondFactorRow{}).Where("user_id = ?", u.ID).Updates(map[string]any{"last_step": step, "updated_at": now}).Error; err != nil {
				return err
			}
			ok = true
		}
	case models.CodeKindRecovery:
		res := tx.Exec("UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL", now, u.ID, models.HashRecoveryCode(norm))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			ok = true
			var left int64
			tx.Table("recovery_codes").Where("user_id = ? AND used_at IS NULL", u.ID).Count(&left)
			if err := audit(tx, auditEntry{Actor: actorOf(u, ip), At: now, Action: "user.recovery_code_used", RecordType: "user", RecordID: u.ID,
				After: map[string]any{"codes_left": left}, Orgs: []int64{u.OrganisationID}}); err != nil {
				return err
			}
		}
	}
	if !ok {
		if err := tx.Exec("INSERT INTO second_factor_failures (user_id, at) VALUES (?, ?)", u.ID, now).Error; err != nil {
			return fmt.Errorf("record code failure: %w", err)
		}
		return models.ErrCodeWrong()
	}
	return tx.Exec("DELETE FROM second_factor_failures WHERE user_id = ?", u.ID).Error
}

// isCodeRefusal tells whether checkCode refused the code (the transaction
// still commits, to keep the failure count).
func isCodeRefusal(err error) bool {
	var e *models.Error
	return errors.As(err, &e) && (e.Code == models.CodeInvalid || e.Code == models.CodeTooMany || e.Code == models.CodeConflict)
}

// VerifySignInCode completes a half-signed-in session with a code from the
// authenticator or a recovery code. The session id rotates once more: the
// half-signed-in token is revoked and a new one returned.
func (s *Store) VerifySignInCode(ctx context.Context, token, code, ip string) (string, models.User, error) {
	var refused error
	var user models.User
	var newTok string
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		sess, u, err := pendingSession(tx, token, models.StepCode, now)
		if err != nil {
			return err
		}
		if err := s.checkCode(tx, u, code, now, ip); err != nil {
			if isCodeRefusal(err) {
				refused = err
				return nil
			}
			return err
		}
		if newTok, err = promoteSession(tx, sess, now); err != nil {
			return err
		}
		user = u
		return audit(tx, auditEntry{Actor: actorOf(u, ip), At: now, Action: "user.second_factor_passed", RecordType: "user", RecordID: u.ID, Orgs: []int64{u.OrganisationID}})
	})
	if err != nil {
		return "", models.User{}, err
	}
	if refused != nil {
		return "", models.User{}, refused
	}
	return newTok, user, nil
}

// promoteSession ends a half-signed-in session and opens its fully signed-in
// successor under a new token, with a code that has just passed.
func promoteSession(tx *gorm.DB, half UserSession, now time.Time) (string, error) {
	tok := newToken()
	next := UserSession{IDHash: hashToken(tok), UserID: half.UserID, CreatedAt: now, LastSeenAt: now, IP: half.IP, UserAgent: half.UserAgent}
	if err := tx.Create(&next).Error; err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	if err := tx.Model(&UserSession{}).Where("id_hash = ?", next.IDHash).Update("second_factor_at", now).Error; err != nil {
		return "", err
	}
	if err := tx.Model(&UserSession{}).Where("id_hash = ?", half.IDHash).Update("revoked_at", now).Error; err != nil {
		return "", err
	}
	return tok, nil
}

// VerifyStepUp takes a fresh code in a signed-in session before a sensitive
// action: the session's second_factor_at moves to now.
func (s *Store) VerifyStepUp(ctx context.Context, a models.Actor, token, code string) error {
	var refused error
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var u models.User
		if err := tx.Where("id = ?", a.UserID).Take(&u).Error; err != nil {
			return errSessionEnded()
		}
		if err := s.checkCode(tx, u, code, now, a.IP); err != nil {
			if isCodeRefusal(err) {
				refused = err
				return nil
			}
			return err
		}
		return tx.Model(&UserSession{}).Where("id_hash = ? AND user_id = ? AND pending = ''", hashToken(token), a.UserID).
			Update("second_factor_at", now).Error
	})
	if err != nil {
		return err
	}
	return refused
}

// EnrolmentSecret returns the seed a user is enrolling with, creating one on
// the first call; it is shown as a QR code and as text until a code confirms
// it. A user whose second factor is on gets a conflict.
func (s *Store) EnrolmentSecret(ctx context.Context, userID int64, email string) (string, error) {
	var secret string
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var f secondFactorRow
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("user_id = ?", userID).Take(&f).Error
		switch {
		case err == nil && f.ConfirmedAt != nil:
			return errFactorOn()
		case err == nil:
			plain, err := s.Open(f.TOTPSeed, seedBinding(userID))
			secret = string(plain)
			return err
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return fmt.Errorf("load second factor: %w", err)
		}
		key, err := totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: email, SecretSize: 20})
		if err != nil {
			return fmt.Errorf("new TOTP seed: %w", err)
		}
		sealed, err := s.Seal([]byte(key.Secret()), seedBinding(userID))
		if err != nil {
			return err
		}
		secret = key.Secret()
		return tx.Create(&secondFactorRow{UserID: userID, TOTPSeed: sealed, CreatedAt: now, UpdatedAt: now}).Error
	})
	return secret, err
}

// PendingEnrolmentSecret reads the seed of an enrolment in progress without
// creating one (for the QR image); not found when there is none.
func (s *Store) PendingEnrolmentSecret(ctx context.Context, userID int64) (string, error) {
	var f secondFactorRow
	err := s.db.WithContext(ctx).Where("user_id = ? AND confirmed_at IS NULL", userID).Take(&f).Error
	if err != nil {
		return "", notFound(err)
	}
	plain, err := s.Open(f.TOTPSeed, seedBinding(userID))
	return string(plain), err
}

// OTPAuthURL is the otpauth:// address an authenticator app reads from the
// QR code.
func OTPAuthURL(email, secret string) string {
	label := url.PathEscape(TOTPIssuer + ":" + email)
	q := url.Values{"secret": {secret}, "issuer": {TOTPIssuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// ConfirmEnrolment switches the second factor on once a code from the new
// authenticator matches, and returns ten fresh recovery codes (shown once).
// The session it happens in counts as having just passed a code; a session
// that was waiting for enrolment becomes fully signed in.
func (s *Store) ConfirmEnrolment(ctx context.Context, u models.User, token, code, ip string) ([]string, string, error) {
	var refused error
	var codes []string
	newTok := token
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var f secondFactorRow
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("user_id = ?", u.ID).Take(&f).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return &models.Error{Code: models.CodeConflict, Message: "Start again: the set-up has expired."}
		} else if err != nil {
			return fmt.Errorf("load second factor: %w", err)
		}
		if f.ConfirmedAt != nil {
			return errFactorOn()
		}
		kind, norm, err := models.ParseCode(code)
		if err != nil || kind != models.CodeKindTOTP {
			refused = &models.Error{Code: models.CodeInvalid, Field: "code", Message: "Enter the 6-digit code from your authenticator app."}
			return nil
		}
		var failures int64
		if err := tx.Table("second_factor_failures").Where("user_id = ? AND at > ?", u.ID, now.Add(-models.CodeFailureWindow)).Count(&failures).Error; err != nil {
			return err
		}
		if failures >= models.CodeFailureLimit {
			refused = models.ErrCodeThrottled()
			return nil
		}
		seed, err := s.Open(f.TOTPSeed, seedBinding(u.ID))
		if err != nil {
			return err
		}
		step, err := models.CheckTOTP(string(seed), norm, now, 0)
		if err != nil {
			refused = err
			return tx.Exec("INSERT INTO second_factor_failures (user_id, at) VALUES (?, ?)", u.ID, now).Error
		}
		if err := tx.Model(&secondFactorRow{}).Where("user_id = ?", u.ID).Updates(map[string]any{"confirmed_at": now, "last_step": step, "updated_at": now}).Error; err != nil {
			return err
		}
		if codes, err = replaceRecoveryCodes(tx, u.ID, now); err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM second_factor_failures WHERE user_id = ?", u.ID).Error; err != nil {
			return err
		}
		var sess struct {
			UserSession
			Pending string
		}
		if err := tx.Table("user_sessions").Clauses(clause.Locking{Strength: "UPDATE"}).Where("id_hash = ? AND user_id = ? AND revoked_at IS NULL", hashToken(token), u.ID).
			Take(&sess).Error; err != nil {
			return errSignInExpired()
		}
		if sess.Pending != "" {
			// Enrolment was the second step of a sign-in: the session rotates.
			if newTok, err = promoteSession(tx, sess.UserSession, now); err != nil {
				return err
			}
		} else if err := tx.Model(&UserSession{}).Where("id_hash = ?", sess.IDHash).Update("second_factor_at", now).Error; err != nil {
			return err
		}
		return audit(tx, auditEntry{Actor: actorOf(u, ip), At: now, Action: "user.second_factor_enabled", RecordType: "user", RecordID: u.ID, Orgs: []int64{u.OrganisationID}})
	})
	if err != nil {
		return nil, "", err
	}
	if refused != nil {
		return nil, "", refused
	}
	return codes, newTok, nil
}

// replaceRecoveryCodes voids a user's recovery codes and stores ten new ones
// (hashed); it returns them in clear, to be shown once.
func replaceRecoveryCodes(tx *gorm.DB, userID int64, now time.Time) ([]string, error) {
	codes, err := models.NewRecoveryCodes(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("recovery codes: %w", err)
	}
	if err := tx.Exec("DELETE FROM recovery_codes WHERE user_id = ?", userID).Error; err != nil {
		return nil, err
	}
	for _, c := range codes {
		if err := tx.Exec("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)", userID, models.HashRecoveryCode(c), now).Error; err != nil {
			return nil, fmt.Errorf("store recovery code: %w", err)
		}
	}
	return codes, nil
}

// RegenerateRecoveryCodes voids the actor's recovery codes and returns ten
// new ones.
func (s *Store) RegenerateRecoveryCodes(ctx context.Context, a models.Actor) ([]string, error) {
	var codes []string
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var f secondFactorRow
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("user_id = ? AND confirmed_at IS NOT NULL", a.UserID).Take(&f).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return errNoFactor()
			}
			return err
		}
		var err error
		if codes, err = replaceRecoveryCodes(tx, a.UserID, now); err != nil {
			return err
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "user.recovery_codes_regenerated", RecordType: "user", RecordID: a.UserID, Orgs: []int64{a.OrgID}})
	})
	return codes, err
}

// SecondFactorStatus tells whether a user's second factor is on and how many
// unused recovery codes are left.
func (s *Store) SecondFactorStatus(ctx context.Context, userID int64) (on bool, codesLeft int64, err error) {
	db := s.db.WithContext(ctx)
	if err = db.Raw("SELECT EXISTS (SELECT 1 FROM user_second_factors WHERE user_id = ? AND confirmed_at IS NOT NULL)", userID).Scan(&on).Error; err != nil {
		return false, 0, fmt.Errorf("second factor status: %w", err)
	}
	err = db.Table("recovery_codes").Where("user_id = ? AND used_at IS NULL", userID).Count(&codesLeft).Error
	return on, codesLeft, err
}

// TurnOffSecondFactor removes the actor's own authenticator and recovery
// codes, where their role allows signing in with a password alone.
func (s *Store) TurnOffSecondFactor(ctx context.Context, a models.Actor) error {
	if err := models.CanTurnOffSecondFactor(a.Role); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := deleteSecondFactor(tx, a.UserID); err != nil {
			return err
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "user.second_factor_disabled", RecordType: "user", RecordID: a.UserID, Orgs: []int64{a.OrgID}})
	})
}

func deleteSecondFactor(tx *gorm.DB, userID int64) error {
	if err := tx.Exec("DELETE FROM recovery_codes WHERE user_id = ?", userID).Error; err != nil {
		return err
	}
	return tx.Exec("DELETE FROM user_second_factors WHERE user_id = ?", userID).Error
}

// ResetSecondFactor removes a user's authenticator and recovery codes (they
// lost their phone) and ends their sessions: their next sign-in enrols anew
// where the role requires it. A super admin resets users of their console,
// the desk's operator admin anyone; audited in both organisations' logs.
func (s *Store) ResetSecondFactor(ctx context.Context, a models.Actor, userID int64) (models.User, error) {
	var target models.User
	if err := a.Require(models.PermResetSecondFactor); err != nil {
		return target, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", userID).Take(&target).Error; err != nil {
			return notFound(err)
		}
		if err := models.CanResetSecondFactor(a, target); err != nil {
			return err
		}
		var had bool
		tx.Raw("SELECT EXISTS (SELECT 1 FROM user_second_factors WHERE user_id = ?)", userID).Scan(&had)
		if err := deleteSecondFactor(tx, userID); err != nil {
			return err
		}
		if err := tx.Model(&UserSession{}).Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", now).Error; err != nil {
			return err
		}
		orgs := []int64{a.OrgID}
		if target.OrganisationID != a.OrgID {
			orgs = append(orgs, target.OrganisationID)
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "user.second_factor_reset", RecordType: "user", RecordID: userID,
			Before: map[string]any{"second_factor": had}, After: map[string]any{"second_factor": false, "email": target.Email}, Orgs: orgs})
	})
	return target, err
}

// ResetSecondFactorByEmail is ResetSecondFactor for the desk, which names the
// user by email.
func (s *Store) ResetSecondFactorByEmail(ctx context.Context, a models.Actor, email string) (models.User, error) {
	if err := a.Require(models.PermResetSecondFactor); err != nil {
		return models.User{}, err
	}
	var u models.User
	err := s.db.WithContext(ctx).Where("email = ?", models.NormalizeEmail(email)).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, &models.Error{Code: models.CodeInvalid, Field: "email", Message: "No user has this email."}
	} else if err != nil {
		return u, fmt.Errorf("find user: %w", err)
	}
	return s.ResetSecondFactor(ctx, a, u.ID)
}

// DemoTOTPSecret is the known TOTP seed of a demo or fixture user, derived
// from the email: local mode prints it, tests compute codes from it. Never
// use it for a real account.
func DemoTOTPSecret(email string) string {
	h := sha256.Sum256([]byte("partner-console demo totp:" + email))
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h[:20])
}

// EnrolKnownSecret switches a user's second factor on with a given seed and
// no recovery codes (demo data and test fixtures only).
func (s *Store) EnrolKnownSecret(ctx context.Context, userID int64, secret string) error {
	sealed, err := s.Seal([]byte(secret), seedBinding(userID))
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "user_id"}}, UpdateAll: true}).
			Create(&secondFactorRow{UserID: userID, TOTPSeed: sealed, ConfirmedAt: &now, CreatedAt: now, UpdatedAt: now}).Error
	})
}

// LastCodeStep is the time-step of the user's last accepted code (tests use
// it to pick a code that is not a replay).
func (s *Store) LastCodeStep(ctx context.Context, userID int64) (int64, error) {
	var step int64
	err := s.db.WithContext(ctx).Raw("SELECT coalesce(max(last_step), 0) FROM user_second_factors WHERE user_id = ?", userID).Scan(&step).Error
	return step, err
}

// enrolDemoUsers gives the demo users whose role requires two-factor sign-in
// a known seed (DemoTOTPSecret): local mode prints it, tests compute codes.
func (s *Store) enrolDemoUsers(ctx context.Context, signIns []DemoSignIn) error {
	for i, d := range signIns {
		if !models.SecondFactorRequired(d.Role) {
			continue
		}
		var id int64
		if err := s.db.WithContext(ctx).Raw("SELECT id FROM users WHERE email = ?", d.Email).Scan(&id).Error; err != nil || id == 0 {
			return fmt.Errorf("demo user %s: %w", d.Email, err)
		}
		signIns[i].TOTPSecret = DemoTOTPSecret(d.Email)
		if err := s.EnrolKnownSecret(ctx, id, signIns[i].TOTPSecret); err != nil {
			return err
		}
	}
	return nil
}

// DemoSecondFactors lists the users whose authenticator still holds the demo
// seed (DemoTOTPSecret of their email), for printing at a later local start.
func (s *Store) DemoSecondFactors(ctx context.Context) ([]DemoSignIn, error) {
	var rows []struct {
		ID       int64
		Email    string
		Role     models.Role
		TOTPSeed []byte `gorm:"column:totp_seed"`
	}
	err := s.db.WithContext(ctx).Raw(`SELECT u.id, u.email, u.role, f.totp_seed FROM users u
		JOIN user_second_factors f ON f.user_id = u.id AND f.confirmed_at IS NOT NULL
		WHERE u.disabled_at IS NULL ORDER BY u.id LIMIT 200`).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("demo second factors: %w", err)
	}
	var out []DemoSignIn
	for _, r := range rows {
		seed, err := s.Open(r.TOTPSeed, seedBinding(r.ID))
		if err == nil && string(seed) == DemoTOTPSecret(r.Email) {
			out = append(out, DemoSignIn{Role: r.Role, Email: r.Email, TOTPSecret: string(seed)})
		}
	}
	return out, nil
}
