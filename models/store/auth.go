package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// Session timeouts (DESIGN §1).
const (
	SessionIdle     = 30 * time.Minute
	SessionAbsolute = 12 * time.Hour
	// lastSeenEvery bounds how often a request writes last_seen_at.
	lastSeenEvery = time.Minute
)

// UserSession is a server-side session row; the cookie holds only the token.
type UserSession struct {
	IDHash     []byte `gorm:"primaryKey;column:id_hash"`
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	IP         string `gorm:"column:ip"`
	UserAgent  string
	RevokedAt  *time.Time
}

// SessionView is models.SessionView (moved so views need not import the store).
type SessionView = models.SessionView

func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func errBadSignIn() *models.Error {
	return &models.Error{Code: models.CodeUnauthorized, Field: "email", Message: "Email or password is not right."}
}

// ErrThrottled is returned when too many sign-ins failed recently.
func ErrThrottled() *models.Error {
	return &models.Error{Code: models.CodeTooMany, Field: "email", Message: "Too many failed attempts. Wait a few minutes and try again."}
}

// SignIn checks the password and opens a new session. The failure message is
// the same for an unknown email, a wrong password and a disabled user.
func (s *Store) SignIn(ctx context.Context, email, password, ip, ua string) (token string, u models.User, err error) {
	email = models.NormalizeEmail(email)
	delay, err := s.signInPrecheck(ctx, email, ip)
	if err != nil {
		return "", u, err
	}
	if err := s.pause(ctx, delay); err != nil {
		return "", u, err
	}
	db := s.db.WithContext(ctx)
	found := db.Where("email = ?", email).Take(&u).Error == nil
	hash := models.DummyPasswordHash()
	if found {
		hash = u.PasswordHash
	}
	ok := models.CheckPassword(hash, password) && found && u.DisabledAt == nil
	if err := s.settleSignIn(ctx, email, ip, ok); err != nil {
		return "", models.User{}, err
	}
	// R-PK-4: while the customer's subscriptions are disabled, only its
	// administrators sign in.
	if blocked, err := termBlocked(db, u); err != nil || blocked {
		if err == nil {
			err = errTermAdminsOnly()
		}
		return "", models.User{}, err
	}
	token = newToken()
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := tx.Create(&UserSession{IDHash: hashToken(token), UserID: u.ID, CreatedAt: now, LastSeenAt: now, IP: ip, UserAgent: truncate(ua, 300)}).Error; err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		if err := markSignInStep(tx, hashToken(token), u); err != nil {
			return err
		}
		// This address's failures for the account and the account's
		// expired ones; failures from other addresses keep counting against
		// those addresses.
		if err := tx.Exec("DELETE FROM sign_in_failures WHERE email = ? AND (ip = ? OR at <= ?)", email, ip, now.Add(-ThrottleWindow)).Error; err != nil {
			return err
		}
		a := actorOf(u, ip)
		return audit(tx, auditEntry{Actor: a, At: now, Action: "user.sign_in", RecordType: "user", RecordID: u.ID, Before: nil, After: map[string]any{"ip": ip}, Orgs: []int64{u.OrganisationID}})
	})
	return token, u, err
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// Session resolves a session token to its user. It enforces the idle and
// absolute timeouts, revocation and disabled users, and refreshes last seen.
func (s *Store) Session(ctx context.Context, token string) (models.User, error) {
	u, _, err := s.SessionWithOrg(ctx, token)
	return u, err
}

// SessionWithOrg is Session plus the name of the user's organisation, for
// the top bar, read in the same single query.
func (s *Store) SessionWithOrg(ctx context.Context, token string) (models.User, string, error) {
	as, err := s.AuthSession(ctx, token)
	if err != nil {
		return models.User{}, "", err
	}
	if as.Step != models.StepDone {
		// Half signed in: the second factor has not passed yet.
		return models.User{}, "", &models.Error{Code: models.CodeUnauthorized, Message: "Sign in to continue."}
	}
	return as.User, as.OrgName, nil
}

// SignOut ends the session of this token.
func (s *Store) SignOut(ctx context.Context, a models.Actor, token string) error {
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := tx.Model(&UserSession{}).Where("id_hash = ? AND revoked_at IS NULL", hashToken(token)).Update("revoked_at", now).Error; err != nil {
			return err
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "user.sign_out", RecordType: "user", RecordID: a.UserID, Before: nil, After: nil, Orgs: []int64{a.OrgID}})
	})
}

// Sessions lists the actor's live sessions, newest first.
func (s *Store) Sessions(ctx context.Context, a models.Actor, currentToken string) ([]SessionView, error) {
	var rows []UserSession
	now := s.Now()
	err := s.db.WithContext(ctx).Where("user_id = ? AND revoked_at IS NULL AND last_seen_at > ? AND created_at > ?",
		a.UserID, now.Add(-SessionIdle), now.Add(-SessionAbsolute)).Order("created_at DESC").Limit(100).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	cur := hashToken(currentToken)
	out := make([]SessionView, 0, len(rows))
	for _, r := range rows {
		out = append(out, SessionView{Ref: base64.RawURLEncoding.EncodeToString(r.IDHash[:12]), CreatedAt: r.CreatedAt,
			LastSeenAt: r.LastSeenAt, IP: r.IP, UserAgent: r.UserAgent, Current: string(r.IDHash) == string(cur)})
	}
	return out, nil
}

// EndOtherSessions revokes every session of the actor but the current one.
func (s *Store) EndOtherSessions(ctx context.Context, a models.Actor, currentToken string) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		res := tx.Model(&UserSession{}).Where("user_id = ? AND id_hash <> ? AND revoked_at IS NULL", a.UserID, hashToken(currentToken)).Update("revoked_at", now)
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		return audit(tx, auditEntry{Actor: a, At: now, Action: "user.sessions_ended", RecordType: "user", RecordID: a.UserID, Before: nil, After: map[string]any{"ended": n}, Orgs: []int64{a.OrgID}})
	})
	return n, err
}

// SetLocale changes the actor's interface language.
func (s *Store) SetLocale(ctx context.Context, a models.Actor, locale string) error {
	if !models.ValidLocale(locale) {
		return &models.Error{Code: models.CodeInvalid, Field: "locale", Message: "Choose a language from the list."}
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := tx.Model(&models.User{}).Where("id = ?", a.UserID).Updates(map[string]any{"locale": locale, "updated_at": now}).Error; err != nil {
			return err
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "user.locale_changed", RecordType: "user", RecordID: a.UserID, Before: map[string]any{"locale": a.Locale}, After: map[string]any{"locale": locale}, Orgs: []int64{a.OrgID}})
	})
}

// ActorOf builds the actor of a signed-in user for one request.
func ActorOf(u models.User, ip string) models.Actor { return actorOf(u, ip) }

func actorOf(u models.User, ip string) models.Actor {
	return models.Actor{UserID: u.ID, Name: u.Name, OrgID: u.OrganisationID, OrgKind: u.Role.Kind(), Role: u.Role,
		CanAddCustomers: u.CanAddCustomers, CanMigrateCustomers: u.CanMigrateCustomers, IP: ip, Locale: u.Locale, TimeZone: u.TimeZone}
}

// SetTimeZone changes the actor's time zone (an IANA name), in which dates
// and times, such as a migration window, are shown to them.
func (s *Store) SetTimeZone(ctx context.Context, a models.Actor, zone string) error {
	if _, err := time.LoadLocation(zone); err != nil || zone == "" || zone == "Local" {
		return &models.Error{Code: models.CodeInvalid, Field: "time_zone", Message: "Choose a time zone from the list."}
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := tx.Model(&models.User{}).Where("id = ?", a.UserID).Updates(map[string]any{"time_zone": zone, "updated_at": now}).Error; err != nil {
			return err
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "user.time_zone_changed", RecordType: "user", RecordID: a.UserID, Before: map[string]any{"time_zone": a.TimeZone}, After: map[string]any{"time_zone": zone}, Orgs: []int64{a.OrgID}})
	})
}
