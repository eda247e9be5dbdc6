package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

var casePDF = []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n")

func refundInput(f *storetest.Fixture) models.CaseInput {
	return models.CaseInput{Type: models.CaseCSPRefund, Impact: models.ImpactHigh, Title: "Refund a wrong order",
		Description: "Ordered the wrong edition.", CustomerID: f.CustomerA.ID, ContactName: "Helpdesk A", ContactEmail: "help@a.test", ContactPhone: "+33 1 23 45 67 89",
		Fields: map[string]string{"customer_name": "Customer A", "tenant_or_domain": "customer-a.example",
			"order_or_subscription_id": "ORD-1", "refund_reason": "Wrong edition", "amount_requested": "250.00"}}
}

func fileRefund(t *testing.T, f *storetest.Fixture, files ...models.Upload) models.SupportCase {
	t.Helper()
	c, err := f.Store.FileCase(context.Background(), f.Actor("A:admin_agent"), refundInput(f), files...)
	if err != nil {
		t.Fatalf("file case: %v", err)
	}
	return c
}

func caseCount(t *testing.T, db *gorm.DB, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.Table(table).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func caseCode(t *testing.T, what string, err error, code models.Code) {
	t.Helper()
	if got := models.ErrorCode(err); err == nil || got != code {
		t.Errorf("%s: %v, want %s", what, err, code)
	}
}

func TestFileCaseStoresFieldsMoneyAndAttachments(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ctx := context.Background()
	c := fileRefund(t, f, models.Upload{Name: "invoice.pdf", Data: casePDF})
	if c.State != models.CaseOpen || c.Version != 1 || c.ConsoleID != f.ConsoleA.ID || c.Currency != "EUR" ||
		c.AmountMinor == nil || *c.AmountMinor != 25000 || c.FieldValues()["order_or_subscription_id"] != "ORD-1" {
		t.Fatalf("case %+v", c)
	}
	v, err := f.Store.GetCase(ctx, f.Actor("A:sales_agent"), c.ID)
	if err != nil || len(v.Attachments) != 1 || v.Attachments[0].ContentType != "application/pdf" || v.CustomerName != "Customer A" {
		t.Fatalf("view %+v %v", v, err)
	}
	if n := caseCount(t, f.Gorm, "audit_events", "action = 'case.filed' AND record_id = ?", c.ID); n != 1 {
		t.Fatalf("audit rows %d", n)
	}
	// Required type fields, with messages on their form fields.
	in := refundInput(f)
	in.Fields["refund_reason"] = ""
	in.Fields["amount_requested"] = "-3"
	_, err = f.Store.FileCase(ctx, f.Actor("A:admin_agent"), in)
	fe, ok := models.AsValidation(err)
	if !ok || fe["cf_refund_reason"] == "" || fe["cf_amount_requested"] == "" {
		t.Fatalf("bad refund: %v", err)
	}
	// Yen console: no decimals.
	in = refundInput(f)
	in.CustomerID = f.CustomerB.ID
	in.Fields["amount_requested"] = "12.50"
	_, err = f.Store.FileCase(ctx, f.Actor("B:admin_agent"), in)
	if fe, _ := models.AsValidation(err); fe["cf_amount_requested"] == "" {
		t.Fatalf("yen decimals: %v", err)
	}
	// A customer of another console is not found.
	in = refundInput(f)
	in.CustomerID = f.CustomerB.ID
	_, err = f.Store.FileCase(ctx, f.Actor("A:admin_agent"), in)
	caseCode(t, "foreign customer", err, models.CodeNotFound)
	// Customers and the desk do not file partner cases.
	_, err = f.Store.FileCase(ctx, f.Actor("custA:customer_admin"), refundInput(f))
	caseCode(t, "customer files", err, models.CodeForbidden)
	if n := caseCount(t, f.Gorm, "support_cases", "true"); n != 1 {
		t.Fatalf("cases %d", n)
	}
}

func TestCasesTenantIsolation(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ctx := context.Background()
	c := fileRefund(t, f, models.Upload{Name: "a.txt", Data: []byte("hello")})
	v, _ := f.Store.GetCase(ctx, f.Actor("A:admin_agent"), c.ID)
	attID := v.Attachments[0].ID

	for _, key := range []string{"A:super_admin", "A:admin_agent", "A:sales_agent", "A:admin_agent", "desk:support_engineer", "desk:operator_admin"} {
		page, err := f.Store.ListCases(ctx, f.Actor(key), models.CaseFilter{}, "")
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != c.ID {
			t.Errorf("%s list: %v %d", key, err, len(page.Items))
		}
		if _, err := f.Store.GetAttachment(ctx, f.Actor(key), c.ID, attID); err != nil {
			t.Errorf("%s download: %v", key, err)
		}
	}
	for _, key := range []string{"B:super_admin", "B:helpdesk_agent"} {
		a := f.Actor(key)
		page, err := f.Store.ListCases(ctx, a, models.CaseFilter{}, "")
		if err != nil || len(page.Items) != 0 {
			t.Errorf("%s sees %d cases (%v)", key, len(page.Items), err)
		}
		_, err = f.Store.GetCase(ctx, a, c.ID)
		caseCode(t, key+" get", err, models.CodeNotFound)
		_, err = f.Store.AddComment(ctx, a, c.ID, models.CommentInput{Body: "hi"})
		caseCode(t, key+" comment", err, models.CodeNotFound)
		_, err = f.Store.AddComment(ctx, a, c.ID, models.CommentInput{Body: ""})
		caseCode(t, key+" bad comment", err, models.CodeNotFound)
		_, err = f.Store.ReopenCase(ctx, a, c.ID)
		caseCode(t, key+" reopen", err, models.CodeNotFound)
		_, err = f.Store.GetAttachment(ctx, a, c.ID, attID)
		caseCode(t, key+" download", err, models.CodeNotFound)
	}
	for _, key := range []string{"custA:customer_admin", "desk:sales_rep"} {
		_, err := f.Store.ListCases(ctx, f.Actor(key), models.CaseFilter{}, "")
		caseCode(t, key+" list", err, models.CodeForbidden)
		_, err = f.Store.GetAttachment(ctx, f.Actor(key), c.ID, attID)
		caseCode(t, key+" download", err, models.CodeForbidden)
	}
	// A partner cannot move a case, only the desk.
	_, err := f.Store.ChangeCaseState(ctx, f.Actor("A:super_admin"), c.ID, c.Version, models.CaseResolved, "done")
	caseCode(t, "partner moves", err, models.CodeForbidden)
	// The attachment id must belong to the case in the path.
	c2 := fileRefund(t, f)
	_, err = f.Store.GetAttachment(ctx, f.Actor("A:admin_agent"), c2.ID, attID)
	caseCode(t, "attachment of another case", err, models.CodeNotFound)
}

func TestInternalNotesNeverReachThePartner(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ctx := context.Background()
	c := fileRefund(t, f)
	eng := f.Actor("desk:support_engineer")
	if _, err := f.Store.AddComment(ctx, eng, c.ID, models.CommentInput{Body: "Customer looks dodgy, check the order first.", Internal: true},
		models.Upload{Name: "internal.txt", Data: []byte("secret notes")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.AddComment(ctx, eng, c.ID, models.CommentInput{Body: "We are on it."}); err != nil {
		t.Fatal(err)
	}
	// A partner cannot write an internal note either: the flag is dropped.
	if _, err := f.Store.AddComment(ctx, f.Actor("A:admin_agent"), c.ID, models.CommentInput{Body: "Thanks", Internal: true}); err != nil {
		t.Fatal(err)
	}
	partner, err := f.Store.GetCase(ctx, f.Actor("A:admin_agent"), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(partner.Comments) != 2 || len(partner.Attachments) != 0 {
		t.Fatalf("partner sees %d comments, %d files", len(partner.Comments), len(partner.Attachments))
	}
	for _, cm := range partner.Comments {
		if cm.Internal || cm.Body == "Customer looks dodgy, check the order first." {
			t.Fatalf("internal note leaked: %+v", cm)
		}
	}
	desk, _ := f.Store.GetCase(ctx, eng, c.ID)
	if len(desk.Comments) != 3 || len(desk.Attachments) != 1 {
		t.Fatalf("desk sees %d comments, %d files", len(desk.Comments), len(desk.Attachments))
	}
	_, err = f.Store.GetAttachment(ctx, f.Actor("A:admin_agent"), c.ID, desk.Attachments[0].ID)
	caseCode(t, "partner downloads internal file", err, models.CodeNotFound)
	if _, err := f.Store.GetAttachment(ctx, eng, c.ID, desk.Attachments[0].ID); err != nil {
		t.Fatalf("desk download: %v", err)
	}
	// No notice or email about the internal note reached the partner.
	notes, _ := f.Store.ListNotifications(ctx, f.Actor("A:admin_agent"), false, "")
	if len(notes.Items) != 1 {
		t.Fatalf("partner notices %d", len(notes.Items))
	}
	if n := caseCount(t, f.Gorm, "outbox", "body LIKE '%dodgy%' OR args::text LIKE '%dodgy%'"); n != 0 {
		t.Fatalf("internal note in %d emails", n)
	}
}

func TestOutboxRowsBelongToTheChangesTransaction(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ctx := context.Background()
	a := f.Actor("A:admin_agent")
	// A case filed inside a transaction that fails leaves no case, notice or email.
	boom := errors.New("later step failed")
	_, err := f.Store.FileCaseThenFail(ctx, a, refundInput(f), boom)
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	for _, table := range []string{"support_cases", "notifications", "outbox"} {
		if n := caseCount(t, f.Gorm, table, "true"); n != 0 {
			t.Fatalf("%s has %d rows after rollback", table, n)
		}
	}
	err = f.Store.NotifyThenFail(ctx, []int64{f.Users["A:super_admin"].ID}, store.Notice{Kind: models.NoticeOfferSent, Title: "x"}, boom)
	if !errors.Is(err, boom) || caseCount(t, f.Gorm, "outbox", "true") != 0 || caseCount(t, f.Gorm, "notifications", "true") != 0 {
		t.Fatalf("notify rollback left rows: %v", err)
	}
	// Committed: every desk case worker gets a notice and an email.
	c := fileRefund(t, f)
	workers := []int64{f.Users["desk:support_engineer"].ID, f.Users["desk:operator_admin"].ID}
	if n := caseCount(t, f.Gorm, "notifications", "kind = 'case_filed' AND user_id IN ?", workers); n != 2 {
		t.Fatalf("notices %d", n)
	}
	if n := caseCount(t, f.Gorm, "outbox", "kind = 'case_filed' AND status = 'queued' AND link = ?", "/desk/cases/"+itoaCase(c.ID)); n != 2 {
		t.Fatalf("emails %d", n)
	}
	if n := caseCount(t, f.Gorm, "notifications", "user_id = ?", f.Users["desk:sales_rep"].ID); n != 0 {
		t.Fatalf("sales rep notified")
	}
	// Turning an email kind off keeps the in-app notice and drops the email.
	sa := f.Actor("A:super_admin")
	on, _ := f.Store.EmailSettings(ctx, sa)
	on[models.NoticeOfferSent] = false
	if err := f.Store.SetEmailSettings(ctx, sa, on); err != nil {
		t.Fatal(err)
	}
	if err := f.Store.NotifyOrgThenFail(ctx, f.ConsoleA.ID, []models.Role{models.RoleSuperAdmin, models.RoleAdminAgent},
		store.Notice{Kind: models.NoticeOfferSent, Title: "Offer {{.N}} sent", Args: []any{"N", 3}}, nil); err != nil {
		t.Fatal(err)
	}
	if n := caseCount(t, f.Gorm, "notifications", "kind = 'offer_sent'"); n != 2 {
		t.Fatalf("offer notices %d", n)
	}
	if n := caseCount(t, f.Gorm, "outbox", "kind = 'offer_sent'"); n != 1 {
		t.Fatalf("offer emails %d", n)
	}
	if n := caseCount(t, f.Gorm, "outbox", "kind = 'offer_sent' AND user_id = ?", sa.UserID); n != 0 {
		t.Fatal("opted-out user was emailed")
	}
	if got, _ := f.Store.EmailSettings(ctx, sa); got[models.NoticeOfferSent] || !got[models.NoticeCaseFiled] {
		t.Fatalf("settings %v", got)
	}
}

func itoaCase(n int64) string {
	b := []byte{}
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func TestCaseStateChangesAndOptimisticLocking(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ctx := context.Background()
	c := fileRefund(t, f)
	e1, e2 := f.Actor("desk:support_engineer"), f.Actor("desk:operator_admin")
	seen := c.Version
	c1, err := f.Store.AssignCaseToMe(ctx, e1, c.ID, seen)
	if err != nil || c1.State != models.CaseInProgress || c1.AssigneeID == nil || *c1.AssigneeID != e1.UserID {
		t.Fatalf("assign: %+v %v", c1, err)
	}
	// The second engineer still holds the old version: told, nothing written.
	_, err = f.Store.ChangeCaseState(ctx, e2, c.ID, seen, models.CaseRejected, "Not eligible")
	caseCode(t, "stale write", err, models.CodeConflict)
	v, _ := f.Store.GetCase(ctx, e2, c.ID)
	if v.State != models.CaseInProgress || v.Version != c1.Version {
		t.Fatalf("stale write changed the case: %s v%d", v.State, v.Version)
	}
	// Resolving needs a note.
	_, err = f.Store.ChangeCaseState(ctx, e1, c.ID, c1.Version, models.CaseResolved, " ")
	if fe, _ := models.AsValidation(err); fe["note"] == "" {
		t.Fatalf("resolve without note: %v", err)
	}
	// Two engineers at once on the same version: exactly one wins.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, a := range []models.Actor{e1, e2} {
		wg.Add(1)
		go func(i int, a models.Actor) {
			defer wg.Done()
			_, errs[i] = f.Store.ChangeCaseState(ctx, a, c.ID, c1.Version, models.CaseWaitingOnPartner, "Please send the invoice.")
		}(i, a)
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else if models.ErrorCode(err) != models.CodeConflict {
			t.Fatalf("loser error %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d writers won", wins)
	}
	// The partner answers: the case goes back to the desk.
	if _, err := f.Store.AddComment(ctx, f.Actor("A:super_admin"), c.ID, models.CommentInput{Body: "Invoice attached."},
		models.Upload{Name: "invoice.pdf", Data: casePDF}); err != nil {
		t.Fatal(err)
	}
	v, _ = f.Store.GetCase(ctx, e1, c.ID)
	if v.State != models.CaseInProgress {
		t.Fatalf("after partner reply: %s", v.State)
	}
	done, err := f.Store.ChangeCaseState(ctx, e1, c.ID, v.Version, models.CaseResolved, "Refund issued.")
	if err != nil || done.ClosedAt == nil {
		t.Fatalf("resolve: %v", err)
	}
	// The filer and the partner who commented are told; the desk's own
	// actions do not notify the actor.
	for _, key := range []string{"A:admin_agent", "A:super_admin"} {
		if n := caseCount(t, f.Gorm, "notifications", "user_id = ? AND kind = 'case_state_changed' AND args->>'To' = 'Resolved'", f.Users[key].ID); n != 1 {
			t.Errorf("%s resolution notices %d", key, n)
		}
	}
	if n := caseCount(t, f.Gorm, "notifications", "user_id = ? AND kind = 'case_state_changed'", f.Users["A:sales_agent"].ID); n != 0 {
		t.Error("bystander notified")
	}
	// Closed: a partner can no longer comment, the desk can.
	_, err = f.Store.AddComment(ctx, f.Actor("A:admin_agent"), c.ID, models.CommentInput{Body: "one more thing"})
	caseCode(t, "comment on closed", err, models.CodeConflict)
	if _, err := f.Store.AddComment(ctx, e1, c.ID, models.CommentInput{Body: "closing note", Internal: true}); err != nil {
		t.Fatal(err)
	}
	// Every change left an audit row in the console's log.
	if n := caseCount(t, f.Gorm, "audit_events", "record_type = 'support_case' AND record_id = ? AND organisation_id = ?", c.ID, f.ConsoleA.ID); n < 5 {
		t.Fatalf("audit rows %d", n)
	}
}

func TestCaseReopenWithinFourteenDays(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ctx := context.Background()
	eng := f.Actor("desk:support_engineer")
	agent := f.Actor("A:admin_agent")
	resolve := func(c models.SupportCase) models.SupportCase {
		t.Helper()
		c, err := f.Store.ChangeCaseState(ctx, eng, c.ID, c.Version, models.CaseResolved, "Fixed.")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	early := resolve(fileRefund(t, f))
	late := resolve(fileRefund(t, f))
	f.Clock.Advance(13 * 24 * time.Hour)
	re, err := f.Store.ReopenCase(ctx, agent, early.ID)
	if err != nil || re.State != models.CaseOpen || re.ClosedAt != nil {
		t.Fatalf("reopen on day 13: %+v %v", re, err)
	}
	f.Clock.Advance(2 * 24 * time.Hour)
	_, err = f.Store.ReopenCase(ctx, agent, late.ID)
	caseCode(t, "reopen on day 15", err, models.CodeConflict)
	_, err = f.Store.ReopenCase(ctx, eng, late.ID)
	caseCode(t, "desk reopens", err, models.CodeForbidden)
	// The reopened case went back to the desk with a notice.
	if n := caseCount(t, f.Gorm, "notifications", "user_id = ? AND kind = 'case_state_changed'", eng.UserID); n != 1 {
		t.Fatalf("desk reopen notices %d", n)
	}
}

func TestCaseListFiltersSearchAndKeyset(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ctx := context.Background()
	agent := f.Actor("A:admin_agent")
	var ids []int64
	for i := 0; i < models.PageSize+5; i++ {
		in := refundInput(f)
		if i%2 == 0 {
			in = models.CaseInput{Type: models.CaseOther, Impact: models.ImpactLow, Title: "Question number", Description: "d",
				ContactName: "n", ContactEmail: "n@a.test"}
		}
		c, err := f.Store.FileCase(ctx, agent, in)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		f.Clock.Advance(time.Hour)
	}
	eng := f.Actor("desk:support_engineer")
	seen := map[int64]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		page, err := f.Store.ListCases(ctx, eng, models.CaseFilter{Sort: "oldest"}, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Items {
			if seen[r.ID] {
				t.Fatalf("row %d twice", r.ID)
			}
			seen[r.ID] = true
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	if len(seen) != len(ids) {
		t.Fatalf("paged %d of %d", len(seen), len(ids))
	}
	page, _ := f.Store.ListCases(ctx, eng, models.CaseFilter{Type: models.CaseOther}, "")
	if page.Total != int64((len(ids)+1)/2) {
		t.Fatalf("type filter total %d", page.Total)
	}
	page, _ = f.Store.ListCases(ctx, agent, models.CaseFilter{Query: "#" + itoaCase(ids[3])}, "")
	if len(page.Items) != 1 || page.Items[0].ID != ids[3] {
		t.Fatalf("search by number: %d", len(page.Items))
	}
	page, _ = f.Store.ListCases(ctx, agent, models.CaseFilter{Query: "REFUND"}, "")
	if page.Total != int64(len(ids)/2) {
		t.Fatalf("title search %d", page.Total)
	}
	// Age: the first case is now older than two days, the last is not.
	page, _ = f.Store.ListCases(ctx, eng, models.CaseFilter{OlderThan: 2}, "")
	if page.Total == 0 || page.Total == int64(len(ids)) {
		t.Fatalf("age filter %d", page.Total)
	}
	page, _ = f.Store.ListCases(ctx, eng, models.CaseFilter{Impact: models.ImpactCritical}, "")
	if page.Total != 0 {
		t.Fatalf("impact filter %d", page.Total)
	}
	var exported int
	if err := f.Store.ExportCases(ctx, agent, models.CaseFilter{}, func(models.CaseRow) error { exported++; return nil }); err != nil || exported != len(ids) {
		t.Fatalf("export %d %v", exported, err)
	}
}

func TestAttachmentLimitsSaveNothing(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ctx := context.Background()
	agent := f.Actor("A:admin_agent")
	six := make([]models.Upload, 6)
	for i := range six {
		six[i] = models.Upload{Name: "f.txt", Data: []byte("x")}
	}
	_, err := f.Store.FileCase(ctx, agent, refundInput(f), six...)
	if fe, _ := models.AsValidation(err); fe["files"] == "" {
		t.Fatalf("six files: %v", err)
	}
	big := make([]byte, models.MaxAttachmentSize+1)
	copy(big, casePDF)
	_, err = f.Store.FileCase(ctx, agent, refundInput(f), models.Upload{Name: "ok.pdf", Data: casePDF}, models.Upload{Name: "big.pdf", Data: big})
	if fe, _ := models.AsValidation(err); fe["files"] == "" {
		t.Fatalf("big file: %v", err)
	}
	_, err = f.Store.FileCase(ctx, agent, refundInput(f), models.Upload{Name: "page.pdf", Data: []byte("<html><body>hi</body></html>")})
	if fe, _ := models.AsValidation(err); fe["files"] == "" {
		t.Fatalf("html as pdf: %v", err)
	}
	for _, table := range []string{"support_cases", "case_attachments", "outbox"} {
		if n := caseCount(t, f.Gorm, table, "true"); n != 0 {
			t.Fatalf("%s has %d rows", table, n)
		}
	}
	c := fileRefund(t, f)
	_, err = f.Store.AddComment(ctx, agent, c.ID, models.CommentInput{Body: "more"}, six...)
	if fe, _ := models.AsValidation(err); fe["files"] == "" {
		t.Fatalf("six files on a comment: %v", err)
	}
	if n := caseCount(t, f.Gorm, "case_comments", "true"); n != 0 {
		t.Fatalf("comment saved: %d", n)
	}
	five := six[:5]
	if _, err := f.Store.AddComment(ctx, agent, c.ID, models.CommentInput{Body: "five files"}, five...); err != nil {
		t.Fatal(err)
	}
	at, err := f.Store.GetAttachment(ctx, f.Actor("desk:support_engineer"), c.ID, firstAttachment(t, f, c.ID))
	if err != nil || string(at.Data) != "x" || at.ContentType != "text/plain" {
		t.Fatalf("download %+v %v", at, err)
	}
}

func firstAttachment(t *testing.T, f *storetest.Fixture, caseID int64) int64 {
	t.Helper()
	var id int64
	f.Gorm.Table("case_attachments").Select("min(id)").Where("case_id = ?", caseID).Scan(&id)
	return id
}

// TestCaseActionRunsInTheCaseTransaction registers a stand-in for a type's
// desk action (the real ones come with the refund and migration features)
// on its own store's actions map.
func TestCaseActionRunsInTheCaseTransaction(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ctx := context.Background()
	calls := 0
	f.Store.SetCaseAction(models.ActionUndoMigration, func(tx *gorm.DB, now time.Time, a models.Actor, c *models.SupportCase) (models.Msg, error) {
		calls++
		if c.Title == "fail" {
			return models.Msg{}, &models.Error{Code: models.CodeConflict, Message: "The migration can no longer be undone."}
		}
		c.State = models.CaseResolved
		return models.Msg{Text: "Migration undone."}, nil
	})
	in := models.CaseInput{Type: models.CaseUndoMigration, Impact: models.ImpactMedium, Title: "Undo", Description: "d", CustomerID: f.CustomerA.ID,
		ContactName: "n", ContactEmail: "n@a.test", Fields: map[string]string{"migration_reference": "MIG-1", "undo_reason": "mistake"}}
	c, err := f.Store.FileCase(ctx, f.Actor("A:super_admin"), in)
	if err != nil {
		t.Fatal(err)
	}
	if acts := f.Store.CaseActions(c.Type); len(acts) != 1 || acts[0] != models.ActionUndoMigration {
		t.Fatalf("actions %v", acts)
	}
	eng := f.Actor("desk:support_engineer")
	// Refund cases do not offer the undo action.
	r := fileRefund(t, f)
	_, err = f.Store.RunCaseAction(ctx, eng, r.ID, r.Version, models.ActionUndoMigration)
	caseCode(t, "action of another type", err, models.CodeConflict)
	_, err = f.Store.RunCaseAction(ctx, eng, c.ID, c.Version+1, models.ActionUndoMigration)
	caseCode(t, "stale action", err, models.CodeConflict)
	_, err = f.Store.RunCaseAction(ctx, f.Actor("A:super_admin"), c.ID, c.Version, models.ActionUndoMigration)
	caseCode(t, "partner runs action", err, models.CodeForbidden)
	done, err := f.Store.RunCaseAction(ctx, eng, c.ID, c.Version, models.ActionUndoMigration)
	if err != nil || done.State != models.CaseResolved || done.ClosedAt == nil || done.Version != c.Version+1 || calls != 1 {
		t.Fatalf("action: %+v %v calls %d", done, err, calls)
	}
	v, _ := f.Store.GetCase(ctx, f.Actor("A:super_admin"), c.ID)
	if len(v.Comments) != 1 || v.Comments[0].Body != "Migration undone." || v.Comments[0].StateTo != "resolved" {
		t.Fatalf("thread %+v", v.Comments)
	}
	if n := caseCount(t, f.Gorm, "audit_events", "action = 'case.action.undo_migration'"); n == 0 {
		t.Fatal("action not audited")
	}
	// A failing action writes nothing.
	in.Title = "fail"
	c2, _ := f.Store.FileCase(ctx, f.Actor("A:super_admin"), in)
	_, err = f.Store.RunCaseAction(ctx, eng, c2.ID, c2.Version, models.ActionUndoMigration)
	caseCode(t, "failing action", err, models.CodeConflict)
	v, _ = f.Store.GetCase(ctx, eng, c2.ID)
	if v.Version != c2.Version || v.State != models.CaseOpen || len(v.Comments) != 0 {
		t.Fatalf("failed action changed the case: %+v", v.SupportCase)
	}
}

func TestNotificationsReadAndIsolation(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ctx := context.Background()
	fileRefund(t, f)
	eng := f.Actor("desk:support_engineer")
	if n, _ := f.Store.UnreadCount(ctx, eng); n != 1 {
		t.Fatalf("unread %d", n)
	}
	page, _ := f.Store.ListNotifications(ctx, eng, true, "")
	id := page.Items[0].ID
	_, err := f.Store.MarkNotificationRead(ctx, f.Actor("desk:operator_admin"), id)
	caseCode(t, "someone else's notice", err, models.CodeNotFound)
	n, err := f.Store.MarkNotificationRead(ctx, eng, id)
	if err != nil || n.ReadAt == nil || n.Link == "" {
		t.Fatalf("read %+v %v", n, err)
	}
	if c, _ := f.Store.UnreadCount(ctx, eng); c != 0 {
		t.Fatalf("unread after read %d", c)
	}
	if c, _ := f.Store.UnreadCount(ctx, f.Actor("desk:operator_admin")); c != 1 {
		t.Fatalf("other user's unread %d", c)
	}
	if k, _ := f.Store.MarkAllNotificationsRead(ctx, f.Actor("desk:operator_admin")); k != 1 {
		t.Fatalf("read all %d", k)
	}
}

// The desk's queue counts once, on the first page; a later page shows the
// count its cursor carries (as the customers list does), so a case filed
// meanwhile does not change it until the agent goes back to the first page.
func TestCaseListLaterPageCarriesTheCount(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ctx := context.Background()
	agent := f.Actor("A:admin_agent")
	file := func() {
		if _, err := f.Store.FileCase(ctx, agent, refundInput(f)); err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(time.Minute)
	}
	for i := 0; i < models.PageSize+3; i++ {
		file()
	}
	eng := f.Actor("desk:support_engineer")
	first, err := f.Store.ListCases(ctx, eng, models.CaseFilter{Sort: "oldest"}, "")
	if err != nil || first.Next == "" {
		t.Fatalf("first page: next %q, %v", first.Next, err)
	}
	file()
	later, err := f.Store.ListCases(ctx, eng, models.CaseFilter{Sort: "oldest"}, first.Next)
	if err != nil {
		t.Fatal(err)
	}
	if later.Total != first.Total || later.Many != first.Many {
		t.Fatalf("later page counts %d/%v, the first page carried %d/%v", later.Total, later.Many, first.Total, first.Many)
	}
	again, _ := f.Store.ListCases(ctx, eng, models.CaseFilter{Sort: "oldest"}, "")
	if again.Total != first.Total+1 {
		t.Fatalf("first page again counts %d, want %d", again.Total, first.Total+1)
	}
}
