package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// Notice is something to tell users, in the app and by email. Title and Body
// are English message ids with {{.X}} placeholders; Args are name/value
// pairs filling them. They are rendered in each recipient's language when
// the notice is shown or the email is sent. Link is a path inside the
// console ("/console/cases/12").
type Notice struct {
	Kind  models.NoticeKind
	Title string
	Body  string
	Args  []any
	Link  string
}

type noticeRecipient struct {
	ID       int64
	Email    string
	Name     string
	Locale   string
	OptedOut bool // turned this kind's email off
}

// notifyUsers writes an in-app notice for each active user of userIDs and,
// for those who did not turn this kind's email off, an outbox row, in the
// caller's transaction: if the change rolls back, so do its notices.
func notifyUsers(tx *gorm.DB, now time.Time, userIDs []int64, n Notice) error {
	ids := uniqueIDs(userIDs)
	if len(ids) == 0 {
		return nil
	}
	return notifyRecipients(tx, now, tx.Table("users").Where("id IN ? AND disabled_at IS NULL", ids), n)
}

// notifyOrg notifies the active users of an organisation holding one of
// roles (nil: every active user), in the caller's transaction.
func notifyOrg(tx *gorm.DB, now time.Time, orgID int64, roles []models.Role, n Notice) error {
	q := tx.Table("users").Where("organisation_id = ? AND disabled_at IS NULL", orgID)
	if roles != nil {
		if len(roles) == 0 {
			return nil
		}
		q = q.Where("role IN ?", roles)
	}
	if err := notifyRecipients(tx, now, q, n); err != nil {
		return fmt.Errorf("notify organisation %d: %w", orgID, err)
	}
	return nil
}

// notifyRecipients notifies the users q selects. The recipients and their
// email settings are read in one statement, and the notices and the emails
// written in one each: a notice costs the change that sends it three round
// trips, whoever and however many it reaches (issue 13, goal 6).
func notifyRecipients(tx *gorm.DB, now time.Time, q *gorm.DB, n Notice) error {
	if n.Kind == "" {
		n.Kind = models.NoticeGeneral
	}
	var users []noticeRecipient
	if err := q.Select(`users.id, users.email, users.name, users.locale, EXISTS (SELECT 1 FROM notification_email_optouts o
		WHERE o.user_id = users.id AND o.kind = ?) AS opted_out`, n.Kind).Order("users.id").Find(&users).Error; err != nil {
		return fmt.Errorf("notify: load recipients: %w", err)
	}
	if len(users) == 0 {
		return nil
	}
	args := models.ArgsFromPairs(n.Args).JSON()
	notes := make([]models.Notification, 0, len(users))
	var mails []models.OutboxMessage
	for _, u := range users {
		notes = append(notes, models.Notification{UserID: u.ID, Kind: n.Kind, Title: n.Title, Body: n.Body, Args: args,
			Link: n.Link, CreatedAt: now})
		if u.OptedOut {
			continue
		}
		uid := u.ID
		locale := u.Locale
		if !models.ValidLocale(locale) {
			locale = "en"
		}
		mails = append(mails, models.OutboxMessage{UserID: &uid, ToEmail: u.Email, ToName: u.Name, Locale: locale,
			Kind: n.Kind, Title: n.Title, Body: n.Body, Args: args, Link: n.Link, Status: models.OutboxQueued,
			NextAttemptAt: now, CreatedAt: now})
	}
	if err := tx.Create(&notes).Error; err != nil {
		return fmt.Errorf("notify: write notices: %w", err)
	}
	if len(mails) > 0 {
		if err := tx.Create(&mails).Error; err != nil {
			return fmt.Errorf("notify: write outbox: %w", err)
		}
	}
	return nil
}

func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// UnreadCap is how far the bell counts unread notices.
const UnreadCap = 99

// unreadLimit is UnreadCap+1 as an SQL literal (a constant LIMIT lets
// PostgreSQL keep one generic plan for the session's query).
const unreadLimit = "100"

// UnreadCount is the number of the actor's unread notices, for the bell,
// at most UnreadCap+1.
func (s *Store) UnreadCount(ctx context.Context, a models.Actor) (int, error) {
	if a.UserID == 0 {
		return 0, nil
	}
	// Counted up to UnreadCap only: the bell shows "99+" past it, and the
	// query stays bounded on every page whatever the backlog.
	var n int64
	err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM (SELECT 1 FROM notifications WHERE user_id = ? AND read_at IS NULL LIMIT ?) x`,
		a.UserID, UnreadCap+1).Scan(&n).Error
	if err != nil {
		return 0, fmt.Errorf("count unread notices: %w", err)
	}
	return int(n), nil
}

// ListNotifications is a keyset page of the actor's own notices, newest first.
func (s *Store) ListNotifications(ctx context.Context, a models.Actor, unreadOnly bool, cursor string) (models.Page[models.Notification], error) {
	q := s.db.WithContext(ctx).Where("user_id = ?", a.UserID)
	if unreadOnly {
		q = q.Where("read_at IS NULL")
	}
	page, err := newestFirst(q, cursor, func(n models.Notification) int64 { return n.ID })
	if err != nil {
		return page, fmt.Errorf("list notices: %w", err)
	}
	return page, nil
}

// MarkNotificationRead marks one of the actor's notices read and returns it
// (for its link). Another user's notice is not found.
func (s *Store) MarkNotificationRead(ctx context.Context, a models.Actor, id int64) (models.Notification, error) {
	var n models.Notification
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := forUpdate(tx).Where("id = ? AND user_id = ?", id, a.UserID).Take(&n).Error; err != nil {
			return notFound(err)
		}
		if n.ReadAt != nil {
			return nil
		}
		n.ReadAt = &now
		return tx.Model(&n).Update("read_at", now).Error
	})
	return n, err
}

// MarkAllNotificationsRead marks every notice of the actor read.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, a models.Actor) (int64, error) {
	var count int64
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		res := tx.Model(&models.Notification{}).Where("user_id = ? AND read_at IS NULL", a.UserID).Update("read_at", now)
		count = res.RowsAffected
		return res.Error
	})
	return count, err
}

// EmailSettings tells, for every notice kind, whether the actor receives its
// email.
func (s *Store) EmailSettings(ctx context.Context, a models.Actor) (map[models.NoticeKind]bool, error) {
	var off []string
	if err := s.db.WithContext(ctx).Table("notification_email_optouts").Where("user_id = ?", a.UserID).Pluck("kind", &off).Error; err != nil {
		return nil, fmt.Errorf("load email settings: %w", err)
	}
	out := map[models.NoticeKind]bool{}
	for _, k := range models.NoticeKinds() {
		out[k] = true
	}
	for _, k := range off {
		out[models.NoticeKind(k)] = false
	}
	return out, nil
}

// SetEmailSettings stores which kinds' emails the actor receives; kinds not
// in on are turned off.
func (s *Store) SetEmailSettings(ctx context.Context, a models.Actor, on map[models.NoticeKind]bool) error {
	if a.UserID == 0 {
		return models.Forbidden()
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := tx.Exec("DELETE FROM notification_email_optouts WHERE user_id = ?", a.UserID).Error; err != nil {
			return fmt.Errorf("save email settings: %w", err)
		}
		var off []string
		for _, k := range models.NoticeKinds() {
			if !on[k] {
				off = append(off, string(k))
				if err := tx.Exec("INSERT INTO notification_email_optouts (user_id, kind) VALUES (?, ?)", a.UserID, k).Error; err != nil {
					return fmt.Errorf("save email settings: %w", err)
				}
			}
		}
		return audit(tx, auditEntry{Actor: a, At: now, Action: "user.email_settings_changed", RecordType: "user", RecordID: a.UserID, Before: nil, After: map[string]any{"emails_off": off}, Orgs: []int64{a.OrgID}})
	})
}
