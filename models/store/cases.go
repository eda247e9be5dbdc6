package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// CaseAction is a desk action a case type offers (grace conversion, refund,
// migration undo). It runs in the transaction that holds the case locked; it
// may change the case (its state, say) and returns a note for the thread,
// which the partner reads.
type CaseAction func(tx *gorm.DB, now time.Time, a models.Actor, c *models.SupportCase) (note string, err error)

var (
	caseActionsMu sync.RWMutex
	caseActions   = map[string]CaseAction{}
)

// RegisterCaseAction wires an action name of models.CaseTypes to its code.
// Other files call it from init().
func RegisterCaseAction(name string, fn CaseAction) {
	caseActionsMu.Lock()
	defer caseActionsMu.Unlock()
	caseActions[name] = fn
}

func caseAction(name string) (CaseAction, bool) {
	caseActionsMu.RLock()
	defer caseActionsMu.RUnlock()
	fn, ok := caseActions[name]
	return fn, ok
}

// CaseActions lists the registered actions a case type offers, for the
// case page's buttons.
func CaseActions(t models.CaseType) []string {
	var out []string
	for _, name := range t.Spec().Actions {
		if _, ok := caseAction(name); ok {
			out = append(out, name)
		}
	}
	return out
}

// CaseRow is a cases-list row with the names the list shows.
type CaseRow struct {
	models.SupportCase
	CustomerName string
	ConsoleName  string
	AssigneeName string
}

// CaseView is one case's page: the case, its visible thread and attachments.
type CaseView struct {
	CaseRow
	Comments    []models.CaseComment
	Attachments []models.Attachment
}

// AttachmentsOf returns the attachments of one comment (0: of the filing).
func (v CaseView) AttachmentsOf(commentID int64) []models.Attachment {
	var out []models.Attachment
	for _, at := range v.Attachments {
		if (commentID == 0 && at.CommentID == nil) || (at.CommentID != nil && *at.CommentID == commentID) {
			out = append(out, at)
		}
	}
	return out
}

// errCaseChanged is the answer to a writer that lost the race.
var errCaseChanged = &models.Error{Code: models.CodeConflict,
	Message: "Someone else changed this case while you were looking at it. Its current state is shown; nothing was changed."}

// scopeCases limits a cases query to what the actor may see (R-ROLE-6): a
// console its own cases, the desk every case, anyone else nothing.
func scopeCases(a models.Actor) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		switch {
		case a.OrgKind == models.OrgConsole && a.Can(models.PermFileCases):
			return db.Where("support_cases.console_id = ?", a.OrgID)
		case a.IsDesk() && a.Can(models.PermWorkCases):
			return db
		}
		return db.Where("false")
	}
}

func canSeeCases(a models.Actor) error {
	if a.Can(models.PermFileCases) || a.Can(models.PermWorkCases) {
		return nil
	}
	return models.Forbidden()
}

// fileCase files a case for the actor's console inside the caller's
// transaction (the Meet migration files its case in its own transaction).
// It validates the type's fields, checks the customer belongs to the
// console, audits and notifies the desk.
func (s *Store) fileCase(tx *gorm.DB, now time.Time, a models.Actor, in models.CaseInput) (models.SupportCase, error) {
	var c models.SupportCase
	if a.OrgKind != models.OrgConsole || !a.Can(models.PermFileCases) {
		return c, models.Forbidden()
	}
	var currency string
	if err := tx.Table("consoles").Select("default_currency").Where("id = ?", a.OrgID).Scan(&currency).Error; err != nil {
		return c, fmt.Errorf("file case: load console: %w", err)
	}
	if currency == "" {
		return c, models.NotFound()
	}
	in.Normalize()
	if err := in.Validate(currency); err != nil {
		return c, err
	}
	if in.CustomerID > 0 {
		var n int64
		if err := tx.Table("customers").Where("id = ? AND console_id = ?", in.CustomerID, a.OrgID).Count(&n).Error; err != nil {
			return c, fmt.Errorf("file case: check customer: %w", err)
		}
		if n == 0 {
			return c, models.NotFound()
		}
		cid := in.CustomerID
		c.CustomerID = &cid
	}
	fields, _ := json.Marshal(in.Fields)
	c.ConsoleID, c.Type, c.State, c.Impact = a.OrgID, in.Type, models.CaseOpen, in.Impact
	c.Title, c.Description, c.Fields, c.Currency = in.Title, in.Description, fields, strings.TrimSpace(currency)
	if amt, ok := in.Amount(currency); ok {
		c.AmountMinor = &amt
	}
	c.ContactName, c.ContactEmail, c.ContactPhone = in.ContactName, in.ContactEmail, in.ContactPhone
	if a.UserID != 0 {
		uid := a.UserID
		c.FiledByID = &uid
	}
	c.FiledByName, c.Version, c.CreatedAt, c.UpdatedAt = a.Name, 1, now, now
	if err := tx.Create(&c).Error; err != nil {
		return c, fmt.Errorf("file case: %w", err)
	}
	if err := audit(tx, auditEntry{Actor: a, At: now, Action: "case.filed", RecordType: "support_case", RecordID: c.ID, Before: nil, After: caseAudit(c), Orgs: []int64{a.OrgID}}); err != nil {
		return c, err
	}
	err := notifyDeskExcept(tx, now, a.UserID, Notice{Kind: models.NoticeCaseFiled,
		Title: "New case #{{.ID}}: {{.Title}}",
		Body:  "{{.Console}} filed a case of type {{.Type}} with {{.Impact}} impact.",
		Args:  []any{"ID", c.ID, "Title", c.Title, "Console", consoleName(tx, c.ConsoleID), "Type", c.Type.Label(), "Impact", c.Impact.Label()},
		Link:  fmt.Sprintf("/desk/cases/%d", c.ID)})
	return c, err
}

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

func consoleName(tx *gorm.DB, id int64) string {
	var name string
	tx.Table("consoles").Select("name").Where("id = ?", id).Scan(&name)
	return name
}

// FileCase files a support case with its attachments in one transaction.
func (s *Store) FileCase(ctx context.Context, a models.Actor, in models.CaseInput, files ...models.Upload) (models.SupportCase, error) {
	var c models.SupportCase
	checked, err := checkUploads(files)
	if err != nil {
		// Report every bad field at once: the form's and the files'.
		fe, ok := models.AsValidation(err)
		if !ok {
			return c, err
		}
		in2 := in
		in2.Normalize()
		if fe2, ok := models.AsValidation(in2.Validate(s.ConsoleCurrency(ctx, a))); ok {
			for k, v := range fe2 {
				fe.Add(k, v)
			}
		}
		return c, fe.Err()
	}
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		if c, err = s.fileCase(tx, now, a, in); err != nil {
			return err
		}
		return saveAttachments(tx, now, a, c.ID, nil, checked)
	})
	return c, err
}

func caseAudit(c models.SupportCase) map[string]any {
	m := map[string]any{"type": c.Type, "state": c.State, "impact": c.Impact, "title": c.Title, "version": c.Version}
	if c.CustomerID != nil {
		m["customer_id"] = *c.CustomerID
	}
	if c.AssigneeID != nil {
		m["assignee_id"] = *c.AssigneeID
	}
	return m
}

// caseQuery applies the actor's scope and the filter.
func (s *Store) caseQuery(ctx context.Context, a models.Actor, f models.CaseFilter, now time.Time) *gorm.DB {
	q := s.db.WithContext(ctx).Table("support_cases").Scopes(scopeCases(a))
	if t := strings.TrimSpace(f.Query); t != "" {
		if n, err := strconv.ParseInt(strings.TrimPrefix(t, "#"), 10, 64); err == nil && n > 0 {
			q = q.Where("support_cases.id = ?", n)
		} else {
			q = q.Where("lower(support_cases.title) LIKE ?", "%"+escapeLike(strings.ToLower(t))+"%")
		}
	}
	switch {
	case f.State.Valid():
		q = q.Where("support_cases.state = ?", f.State)
	case f.Open:
		q = q.Where("support_cases.state NOT IN ?", []models.CaseState{models.CaseResolved, models.CaseRejected})
	}
	if f.Type.Valid() {
		q = q.Where("support_cases.type = ?", f.Type)
	}
	if f.Impact.Valid() {
		q = q.Where("support_cases.impact = ?", f.Impact)
	}
	if f.CustomerID > 0 {
		q = q.Where("support_cases.customer_id = ?", f.CustomerID)
	}
	if f.ConsoleID > 0 && a.IsDesk() {
		q = q.Where("support_cases.console_id = ?", f.ConsoleID)
	}
	if f.OlderThan > 0 {
		q = q.Where("support_cases.created_at <= ?", now.Add(-time.Duration(f.OlderThan)*24*time.Hour))
	}
	switch f.Assigned {
	case "me":
		q = q.Where("support_cases.assignee_id = ?", a.UserID)
	case "none":
		q = q.Where("support_cases.assignee_id IS NULL")
	}
	return q
}

func caseKeyset(q *gorm.DB, sort string, after models.Cursor, has bool) *gorm.DB {
	var t time.Time
	if has {
		var err error
		if t, err = time.Parse(time.RFC3339Nano, after.Key); err != nil {
			has = false
		}
	}
	if sort == "oldest" {
		if has {
			q = q.Where("(support_cases.created_at, support_cases.id) > (?, ?)", t, after.ID)
		}
		return q.Order("support_cases.created_at, support_cases.id")
	}
	if has {
		q = q.Where("(support_cases.created_at, support_cases.id) < (?, ?)", t, after.ID)
	}
	return q.Order("support_cases.created_at DESC, support_cases.id DESC")
}

const caseRowSelect = "support_cases.*, coalesce(customers.name, '') AS customer_name, consoles.name AS console_name, coalesce(assignee.name, '') AS assignee_name"

func caseRowJoins(q *gorm.DB) *gorm.DB {
	return q.Select(caseRowSelect).
		Joins("LEFT JOIN customers ON customers.id = support_cases.customer_id").
		Joins("JOIN consoles ON consoles.id = support_cases.console_id").
		Joins("LEFT JOIN users assignee ON assignee.id = support_cases.assignee_id")
}

// ListCases returns a keyset page of the cases the actor may see: the
// console's own, or the desk's queue across all consoles.
func (s *Store) ListCases(ctx context.Context, a models.Actor, f models.CaseFilter, cursor string) (models.Page[CaseRow], error) {
	var page models.Page[CaseRow]
	if err := canSeeCases(a); err != nil {
		return page, err
	}
	now := s.Now()
	after, has := models.DecodeCursor(cursor)
	var rows []CaseRow
	q := caseRowJoins(caseKeyset(s.caseQuery(ctx, a, f, now), f.Sort, after, has)).Limit(models.PageSize + 1)
	if err := q.Find(&rows).Error; err != nil {
		return page, fmt.Errorf("list cases: %w", err)
	}
	if len(rows) > models.PageSize {
		rows = rows[:models.PageSize]
		last := rows[len(rows)-1]
		page.Next = models.Cursor{Key: last.CreatedAt.UTC().Format(time.RFC3339Nano), ID: last.ID}.Encode()
	}
	page.Items = rows
	total, many, err := cappedCount(s.caseQuery(ctx, a, f, now))
	if err != nil {
		return page, err
	}
	page.Total, page.Many = total, many
	return page, nil
}

// ExportCases streams every case of the filter, in batches, and audits the
// export.
func (s *Store) ExportCases(ctx context.Context, a models.Actor, f models.CaseFilter, emit func(CaseRow) error) error {
	if err := canSeeCases(a); err != nil {
		return err
	}
	now := s.Now()
	var after models.Cursor
	has := false
	for {
		var rows []CaseRow
		if err := caseRowJoins(caseKeyset(s.caseQuery(ctx, a, f, now), f.Sort, after, has)).Limit(1000).Find(&rows).Error; err != nil {
			return fmt.Errorf("export cases: %w", err)
		}
		for _, r := range rows {
			if err := emit(r); err != nil {
				return err
			}
		}
		if len(rows) < 1000 {
			break
		}
		last := rows[len(rows)-1]
		after, has = models.Cursor{Key: last.CreatedAt.UTC().Format(time.RFC3339Nano), ID: last.ID}, true
	}
	return s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		return audit(tx, auditEntry{Actor: a, At: now, Action: "cases.exported", RecordType: "organisation", RecordID: a.OrgID, Before: nil, After: f, Orgs: []int64{a.OrgID}})
	})
}

// GetCase loads a case the actor may see with its thread. Internal notes,
// and files attached to them, are left out of the query for anyone but the
// desk.
func (s *Store) GetCase(ctx context.Context, a models.Actor, id int64) (CaseView, error) {
	var v CaseView
	if err := canSeeCases(a); err != nil {
		return v, err
	}
	db := s.db.WithContext(ctx)
	err := caseRowJoins(db.Table("support_cases").Scopes(scopeCases(a))).Where("support_cases.id = ?", id).Take(&v.CaseRow).Error
	if err != nil {
		return v, notFound(err)
	}
	cq := db.Where("case_id = ?", id)
	if !a.IsDesk() {
		cq = cq.Where("NOT internal")
	}
	if err := cq.Order("id").Limit(2000).Find(&v.Comments).Error; err != nil {
		return v, fmt.Errorf("load case comments: %w", err)
	}
	aq := db.Table("case_attachments").Select("case_attachments.id, case_attachments.case_id, case_attachments.comment_id, case_attachments.file_name, case_attachments.content_type, case_attachments.size, case_attachments.uploaded_by, case_attachments.created_at").
		Where("case_attachments.case_id = ?", id)
	if !a.IsDesk() {
		aq = aq.Joins("LEFT JOIN case_comments cc ON cc.id = case_attachments.comment_id").Where("cc.id IS NULL OR NOT cc.internal")
	}
	if err := aq.Order("case_attachments.id").Find(&v.Attachments).Error; err != nil {
		return v, fmt.Errorf("load case attachments: %w", err)
	}
	return v, nil
}

// lockCase loads a case the actor may see FOR UPDATE.
func lockCase(tx *gorm.DB, a models.Actor, id int64) (models.SupportCase, error) {
	var c models.SupportCase
	err := forUpdate(tx).Scopes(scopeCases(a)).Where("support_cases.id = ?", id).Take(&c).Error
	return c, notFound(err)
}

// saveCase writes a changed case; the version check guards against a writer
// that loaded it before another's change.
func saveCase(tx *gorm.DB, c models.SupportCase) error {
	res := tx.Model(&models.SupportCase{}).Where("id = ?", c.ID).Updates(map[string]any{
		"state": c.State, "assignee_id": c.AssigneeID, "version": c.Version, "closed_at": c.ClosedAt, "updated_at": c.UpdatedAt,
	})
	if res.Error != nil {
		return fmt.Errorf("save case %d: %w", c.ID, res.Error)
	}
	return nil
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

func ptrOr(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func without(ids []int64, x int64) []int64 {
	out := ids[:0:0]
	for _, id := range ids {
		if id != x {
			out = append(out, id)
		}
	}
	return out
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

// AddComment adds a comment with attachments to a case. The desk may write
// an internal note the partner never sees; a partner's comment on a case
// waiting on them hands it back to the desk.
func (s *Store) AddComment(ctx context.Context, a models.Actor, caseID int64, in models.CommentInput, files ...models.Upload) (models.CaseComment, error) {
	var cm models.CaseComment
	if err := canSeeCases(a); err != nil {
		return cm, err
	}
	in.Body = strings.TrimSpace(in.Body)
	if !a.IsDesk() {
		in.Internal = false
	}
	fe := models.FieldErrors{}
	if err := models.ValidateComment(in.Body); err != nil {
		fe2, _ := models.AsValidation(err)
		for k, v := range fe2 {
			fe.Add(k, v)
		}
	}
	checked, err := checkUploads(files)
	if err != nil {
		fe2, ok := models.AsValidation(err)
		if !ok {
			return cm, err
		}
		for k, v := range fe2 {
			fe.Add(k, v)
		}
	}
	if err := fe.Err(); err != nil {
		// Still a 404 for a case the actor cannot see.
		if _, gerr := s.GetCase(ctx, a, caseID); gerr != nil {
			return cm, gerr
		}
		return cm, err
	}
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		c, err := lockCase(tx, a, caseID)
		if err != nil {
			return err
		}
		if !a.IsDesk() && c.State.Closed() {
			return &models.Error{Code: models.CodeConflict, Message: "This case is closed. Reopen it to add a comment."}
		}
		cm = models.CaseComment{CaseID: c.ID, AuthorName: a.Name, FromDesk: a.IsDesk(), Body: in.Body, Internal: in.Internal, CreatedAt: now}
		if a.UserID != 0 {
			uid := a.UserID
			cm.AuthorID = &uid
		}
		before := c.State
		if !a.IsDesk() && c.PartnerReplied(now) {
			cm.StateFrom, cm.StateTo = string(before), string(c.State)
		}
		if err := tx.Create(&cm).Error; err != nil {
			return fmt.Errorf("add comment: %w", err)
		}
		if err := saveAttachments(tx, now, a, c.ID, &cm.ID, checked); err != nil {
			return err
		}
		if c.State != before {
			if err := saveCase(tx, c); err != nil {
				return err
			}
		} else if err := tx.Model(&models.SupportCase{}).Where("id = ?", c.ID).Update("updated_at", now).Error; err != nil {
			return fmt.Errorf("touch case: %w", err)
		}
		action := "case.commented"
		if in.Internal {
			action = "case.internal_note"
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: action, RecordType: "support_case", RecordID: c.ID, Before: nil, After: map[string]any{"comment_id": cm.ID, "files": len(checked)}, Orgs: orgsOfCase(a, c)}); err != nil {
			return err
		}
		if in.Internal {
			return nil
		}
		n := Notice{Kind: models.NoticeCaseCommented, Title: "New comment on case #{{.ID}}: {{.Title}}",
			Body: "{{.Author}} wrote: {{.Excerpt}}", Args: []any{"ID", c.ID, "Title", c.Title, "Author", a.Name, "Excerpt", excerpt(in.Body, 300)}}
		if a.IsDesk() {
			return notifyPartner(tx, now, a, c, n)
		}
		return notifyCaseDesk(tx, now, a, c, n)
	})
	return cm, err
}

// orgsOfCase are the audit logs a case event goes to: the console's, and the
// operator's when the desk acts.
func orgsOfCase(a models.Actor, c models.SupportCase) []int64 {
	if a.IsDesk() {
		return []int64{c.ConsoleID, a.OrgID}
	}
	return []int64{c.ConsoleID}
}

func excerpt(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}

// ChangeCaseState moves a case (desk only). version is the version the
// engineer saw: if someone changed the case since, nothing is written and
// the answer is a conflict.
func (s *Store) ChangeCaseState(ctx context.Context, a models.Actor, id int64, version int, to models.CaseState, note string) (models.SupportCase, error) {
	var c models.SupportCase
	if err := a.Require(models.PermWorkCases); err != nil {
		return c, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		if c, err = lockCase(tx, a, id); err != nil {
			return err
		}
		if c.Version != version {
			return errCaseChanged
		}
		before := caseAudit(c)
		from := c.State
		note = strings.TrimSpace(note)
		if err := c.Move(to, note, now); err != nil {
			return err
		}
		if err := models.ValidateComment(note); note != "" && err != nil {
			return err
		}
		if err := saveCase(tx, c); err != nil {
			return err
		}
		if err := addStateComment(tx, now, a, c.ID, from, c.State, note); err != nil {
			return err
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "case.state_changed", RecordType: "support_case", RecordID: c.ID, Before: before, After: caseAudit(c), Orgs: orgsOfCase(a, c)}); err != nil {
			return err
		}
		return notifyPartner(tx, now, a, c, stateNotice(c, from, note))
	})
	return c, err
}

func stateNotice(c models.SupportCase, from models.CaseState, note string) Notice {
	body := "The case moved from {{.From}} to {{.To}}."
	if note != "" {
		body = "The case moved from {{.From}} to {{.To}}: {{.Note}}"
	}
	return Notice{Kind: models.NoticeCaseStateChanged, Title: "Case #{{.ID}} is now {{.To}}: {{.Title}}", Body: body,
		Args: []any{"ID", c.ID, "Title", c.Title, "From", from.Label(), "To", c.State.Label(), "Note", excerpt(note, 500)}}
}

func addStateComment(tx *gorm.DB, now time.Time, a models.Actor, caseID int64, from, to models.CaseState, note string) error {
	cm := models.CaseComment{CaseID: caseID, AuthorName: a.Name, FromDesk: a.IsDesk(), Body: note, StateFrom: string(from), StateTo: string(to), CreatedAt: now}
	if a.UserID != 0 {
		uid := a.UserID
		cm.AuthorID = &uid
	}
	if err := tx.Create(&cm).Error; err != nil {
		return fmt.Errorf("record state change: %w", err)
	}
	return nil
}

// AssignCaseToMe gives the case to the acting engineer; an open case moves
// to in progress.
func (s *Store) AssignCaseToMe(ctx context.Context, a models.Actor, id int64, version int) (models.SupportCase, error) {
	var c models.SupportCase
	if err := a.Require(models.PermWorkCases); err != nil {
		return c, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		if c, err = lockCase(tx, a, id); err != nil {
			return err
		}
		if c.Version != version {
			return errCaseChanged
		}
		before := caseAudit(c)
		from := c.State
		uid := a.UserID
		c.AssigneeID = &uid
		if c.State == models.CaseOpen {
			_ = c.Move(models.CaseInProgress, "", now)
		} else {
			c.Version++
			c.UpdatedAt = now
		}
		if err := saveCase(tx, c); err != nil {
			return err
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "case.assigned", RecordType: "support_case", RecordID: c.ID, Before: before, After: caseAudit(c), Orgs: orgsOfCase(a, c)}); err != nil {
			return err
		}
		if c.State != from {
			if err := addStateComment(tx, now, a, c.ID, from, c.State, ""); err != nil {
				return err
			}
			return notifyPartner(tx, now, a, c, stateNotice(c, from, ""))
		}
		return nil
	})
	return c, err
}

// ReopenCase reopens a resolved or rejected case for its partner, within
// 14 days of its closing.
func (s *Store) ReopenCase(ctx context.Context, a models.Actor, id int64) (models.SupportCase, error) {
	var c models.SupportCase
	if a.OrgKind != models.OrgConsole {
		return c, models.Forbidden()
	}
	if err := a.Require(models.PermFileCases); err != nil {
		return c, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		if c, err = lockCase(tx, a, id); err != nil {
			return err
		}
		before := caseAudit(c)
		from := c.State
		if err := c.Reopen(now); err != nil {
			return err
		}
		if err := saveCase(tx, c); err != nil {
			return err
		}
		if err := addStateComment(tx, now, a, c.ID, from, c.State, ""); err != nil {
			return err
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "case.reopened", RecordType: "support_case", RecordID: c.ID, Before: before, After: caseAudit(c), Orgs: []int64{c.ConsoleID}}); err != nil {
			return err
		}
		return notifyCaseDesk(tx, now, a, c, stateNotice(c, from, ""))
	})
	return c, err
}

// RunCaseAction runs one of the case type's desk actions (the Meet grace
// conversion, a refund, a migration undo) with the case locked, records its
// note in the thread, audits and tells the partner.
func (s *Store) RunCaseAction(ctx context.Context, a models.Actor, id int64, version int, name string) (models.SupportCase, error) {
	var c models.SupportCase
	if err := a.Require(models.PermWorkCases); err != nil {
		return c, err
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		if c, err = lockCase(tx, a, id); err != nil {
			return err
		}
		if c.Version != version {
			return errCaseChanged
		}
		fn, ok := caseAction(name)
		if !c.Type.Offers(name) || !ok {
			return &models.Error{Code: models.CodeConflict, Message: "This kind of case does not offer that action."}
		}
		if c.State.Closed() {
			return &models.Error{Code: models.CodeConflict, Message: "This case is closed; reopen it before acting on it."}
		}
		before := caseAudit(c)
		from := c.State
		note, err := fn(tx, now, a, &c)
		if err != nil {
			return err
		}
		if c.State.Closed() && c.ClosedAt == nil {
			t := now
			c.ClosedAt = &t
		} else if !c.State.Closed() {
			c.ClosedAt = nil
		}
		c.Version = version + 1
		c.UpdatedAt = now
		if err := saveCase(tx, c); err != nil {
			return err
		}
		if note = strings.TrimSpace(note); note != "" || c.State != from {
			cm := models.CaseComment{CaseID: c.ID, AuthorName: a.Name, FromDesk: true, Body: excerpt(note, 10000), CreatedAt: now}
			if c.State != from {
				cm.StateFrom, cm.StateTo = string(from), string(c.State)
			}
			if a.UserID != 0 {
				uid := a.UserID
				cm.AuthorID = &uid
			}
			if err := tx.Create(&cm).Error; err != nil {
				return fmt.Errorf("record action note: %w", err)
			}
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: "case.action." + name, RecordType: "support_case", RecordID: c.ID, Before: before, After: caseAudit(c), Orgs: orgsOfCase(a, c)}); err != nil {
			return err
		}
		if c.State != from {
			return notifyPartner(tx, now, a, c, stateNotice(c, from, note))
		}
		return notifyPartner(tx, now, a, c, Notice{Kind: models.NoticeCaseCommented, Title: "New comment on case #{{.ID}}: {{.Title}}",
			Body: "{{.Author}} wrote: {{.Excerpt}}", Args: []any{"ID", c.ID, "Title", c.Title, "Author", a.Name, "Excerpt", excerpt(note, 300)}})
	})
	return c, err
}

// CaseCustomers lists the console's customers for the case form's picker.
func (s *Store) CaseCustomers(ctx context.Context, a models.Actor) ([]models.Customer, error) {
	if a.OrgKind != models.OrgConsole {
		return nil, nil
	}
	var out []models.Customer
	if err := s.db.WithContext(ctx).Where("console_id = ?", a.OrgID).Order("name_key, id").Limit(500).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list customers for cases: %w", err)
	}
	return out, nil
}

// ConsoleCurrency is the actor's console's currency, for the case form.
func (s *Store) ConsoleCurrency(ctx context.Context, a models.Actor) string {
	var cur string
	s.db.WithContext(ctx).Table("consoles").Select("default_currency").Where("id = ?", a.OrgID).Scan(&cur)
	return strings.TrimSpace(cur)
}

// seedDemoCases files two cases as the demo console's helpdesk agent and
// has the desk answer one, so the queue, the thread and the bell have
// something to show.
func (s *Store) seedDemoCases(ctx context.Context, cust models.Customer) error {
	var agent, engineer models.User
	db := s.db.WithContext(ctx)
	if err := db.Where("email = ?", "helpdesk@northwind.example").Take(&agent).Error; err != nil {
		return err
	}
	if err := db.Where("email = ?", "support@desk.example").Take(&engineer).Error; err != nil {
		return err
	}
	a := actorOf(agent, "")
	refund, err := s.FileCase(ctx, a, models.CaseInput{Type: models.CaseCSPRefund, Impact: models.ImpactHigh,
		Title: "Refund a Windows Server order bought by mistake", Description: "The customer ordered the wrong edition; please cancel and refund.",
		CustomerID: cust.ID, ContactName: agent.Name, ContactEmail: agent.Email,
		Fields: map[string]string{"customer_name": cust.Name, "tenant_or_domain": cust.Domain, "order_or_subscription_id": "ORD-1001",
			"refund_reason": "Wrong edition ordered.", "amount_requested": "1100.00"}},
		models.Upload{Name: "order-summary.txt", Data: []byte("Order ORD-1001\nWindows Server Standard 2025, 1 licence\n")})
	if err != nil {
		return err
	}
	if _, err := s.FileCase(ctx, a, models.CaseInput{Type: models.CaseBillingQuestion, Impact: models.ImpactLow,
		Title: "Invoice shows two currencies", Description: "Our March invoice lists amounts in EUR and GBP. Is that expected?",
		ContactName: agent.Name, ContactEmail: agent.Email, Fields: map[string]string{"invoice_number": "INV-2026-03-118"}}); err != nil {
		return err
	}
	e := actorOf(engineer, "")
	if _, err := s.AssignCaseToMe(ctx, e, refund.ID, refund.Version); err != nil {
		return err
	}
	_, err = s.AddComment(ctx, e, refund.ID, models.CommentInput{Body: "Thanks, we are checking the order with the billing team."})
	return err
}
