package store

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// notifyDeskExcept notifies the support desk's case workers, except the
// acting user.
func notifyDeskExcept(tx *gorm.DB, now time.Time, except int64, n Notice) error {
	var ids []int64
	err := tx.Table("users").Joins("JOIN organisations o ON o.id = users.organisation_id AND o.kind = ?", models.OrgOperator).
		Where("users.disabled_at IS NULL AND users.role IN ?", []models.Role{models.RoleSupportEngineer, models.RoleOperatorAdmin}).
		Where("users.id <> ?", except).Order("users.id").Pluck("users.id", &ids).Error
	if err != nil {
		return fmt.Errorf("find case workers: %w", err)
	}
	return notifyUsers(tx, now, ids, n)
}

// partnerFollowers are the console users to tell about a case: the one who
// filed it and every partner who commented on it.
func partnerFollowers(tx *gorm.DB, c models.SupportCase) ([]int64, error) {
	var ids []int64
	err := tx.Raw(`SELECT u.id FROM users u WHERE u.organisation_id = ? AND u.disabled_at IS NULL AND (u.id = ? OR u.id IN
		(SELECT author_id FROM case_comments WHERE case_id = ? AND NOT from_desk AND author_id IS NOT NULL)) ORDER BY u.id`,
		c.ConsoleID, ptrOr(c.FiledByID), c.ID).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("case followers: %w", err)
	}
	return ids, nil
}

// notifyPartner tells the case's partner followers (not the actor).
func notifyPartner(tx *gorm.DB, now time.Time, a models.Actor, c models.SupportCase, n Notice) error {
	ids, err := partnerFollowers(tx, c)
	if err != nil {
		return err
	}
	n.Link = fmt.Sprintf("/console/cases/%d", c.ID)
	return notifyUsers(tx, now, without(ids, a.UserID), n)
}

// notifyCaseDesk tells the case's assignee, or every case worker when
// nobody has it yet (not the actor).
func notifyCaseDesk(tx *gorm.DB, now time.Time, a models.Actor, c models.SupportCase, n Notice) error {
	n.Link = fmt.Sprintf("/desk/cases/%d", c.ID)
	if c.AssigneeID != nil {
		return notifyUsers(tx, now, without([]int64{*c.AssigneeID}, a.UserID), n)
	}
	return notifyDeskExcept(tx, now, a.UserID, n)
}

func filedNotice(tx *gorm.DB, c models.SupportCase) Notice {
	return Notice{Kind: models.NoticeCaseFiled,
		Title: "New case #{{.ID}}: {{.Title}}",
		Body:  "{{.Console}} filed a case of type {{.Type}} with {{.Impact}} impact.",
		Args:  []any{"ID", c.ID, "Title", c.Title, "Console", consoleName(tx, c.ConsoleID), "Type", c.Type.Label(), "Impact", c.Impact.Label()},
		Link:  fmt.Sprintf("/desk/cases/%d", c.ID)}
}

func commentNotice(c models.SupportCase, author, body string) Notice {
	return Notice{Kind: models.NoticeCaseCommented, Title: "New comment on case #{{.ID}}: {{.Title}}",
		Body: "{{.Author}} wrote: {{.Excerpt}}", Args: []any{"ID", c.ID, "Title", c.Title, "Author", author, "Excerpt", excerpt(body, 300)}}
}

func stateNotice(c models.SupportCase, from models.CaseState, note string) Notice {
	body := "The case moved from {{.From}} to {{.To}}."
	if note != "" {
		body = "The case moved from {{.From}} to {{.To}}: {{.Note}}"
	}
	return Notice{Kind: models.NoticeCaseStateChanged, Title: "Case #{{.ID}} is now {{.To}}: {{.Title}}", Body: body,
		Args: []any{"ID", c.ID, "Title", c.Title, "From", from.Label(), "To", c.State.Label(), "Note", excerpt(note, 500)}}
}
