package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	smtpmock "github.com/mocktools/go-smtp-mock/v2"
	"github.com/riverqueue/river"

	"partnerconsole/handlers/jobs"
	hmail "partnerconsole/handlers/mail"
	"partnerconsole/i18n"
	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// waitFor polls cond until it holds; the deadline only stops a hung test.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func startRunner(t *testing.T, f *storetest.Fixture, sender hmail.Sender, periodic ...jobs.Periodic) *jobs.Runner {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), f.URL)
	if err != nil {
		t.Fatal(err)
	}
	r, err := jobs.New(jobs.Config{Store: f.Store, Pool: pool, I18n: i18n.MustLoad(), Log: quiet, BaseURL: "https://console.test",
		Mail: sender, OutboxInterval: 100 * time.Millisecond, Periodic: append(jobs.Schedule(f.Store), periodic...)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Ready(context.Background()); err == nil {
		t.Fatal("ready before start")
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = r.Stop(ctx)
		pool.Close()
	})
	if _, err := r.Ready(context.Background()); err != nil {
		t.Fatal(err)
	}
	return r
}

// jobsDone returns a function that waits until n more jobs of kind have
// finished on r (River's event stream), counted from now.
func jobsDone(t *testing.T, r *jobs.Runner, kind string) func(n int) {
	t.Helper()
	events, cancel := r.Client().Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	t.Cleanup(cancel)
	return func(n int) {
		t.Helper()
		timeout := time.After(20 * time.Second)
		for n > 0 {
			select {
			case ev := <-events:
				if ev.Job != nil && ev.Job.Kind == kind {
					n--
				}
			case <-timeout:
				t.Fatalf("timed out waiting for %d more %s jobs", n, kind)
			}
		}
	}
}

func smtpServer(t *testing.T, port int) *smtpmock.Server {
	t.Helper()
	srv := smtpmock.New(smtpmock.ConfigurationAttr{HostAddress: "127.0.0.1", PortNumber: port, MultipleMessageReceiving: true})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	return srv
}

// parsed is a received email, decoded.
type parsed struct {
	to, subject, text, html string
}

func parse(t *testing.T, raw string) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("parse email: %v\n%q", err, raw)
	}
	dec := new(mime.WordDecoder)
	var p parsed
	p.subject, _ = dec.DecodeHeader(msg.Header.Get("Subject"))
	p.to, _ = dec.DecodeHeader(msg.Header.Get("To"))
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		t.Fatalf("content type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			break
		}
		b, _ := io.ReadAll(part) // multipart.Reader decodes quoted-printable
		ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			p.text = string(b)
		case "text/html":
			p.html = string(b)
		}
	}
	return p
}

func refundCase(f *storetest.Fixture) models.CaseInput {
	return models.CaseInput{Type: models.CaseCSPRefund, Impact: models.ImpactCritical, Title: "Refund order ORD-7",
		Description: "Wrong product.", CustomerID: f.CustomerA.ID, ContactName: "Agent", ContactEmail: "agent@a.test", ContactPhone: "+33 1 23 45 67 89",
		Fields: map[string]string{"customer_name": "Customer A", "tenant_or_domain": "customer-a.example",
			"order_or_subscription_id": "ORD-7", "refund_reason": "Wrong product", "amount_requested": "99.00"}}
}

func TestOutboxSentThroughTheJobRunner(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ctx := context.Background()
	// The support engineer reads French, the operator admin English.
	if err := f.Store.SetLocale(ctx, f.Actor("desk:support_engineer"), "fr"); err != nil {
		t.Fatal(err)
	}
	srv := smtpServer(t, 0)
	defer srv.Stop()
	sender, err := hmail.NewSMTP(fmt.Sprintf("smtp://127.0.0.1:%d?tls=none&helo=console.test&from=Console%%20%%3Cconsole@platform.test%%3E", srv.PortNumber()))
	if err != nil {
		t.Fatal(err)
	}
	startRunner(t, f, sender)
	c, err := f.Store.FileCase(ctx, f.Actor("A:admin_agent"), refundCase(f))
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := srv.WaitForMessages(2, 20*time.Second)
	if err != nil {
		var rows []map[string]any
		f.Gorm.Raw("SELECT id, status, attempts, last_error, next_attempt_at FROM outbox").Scan(&rows)
		var jobsRows []map[string]any
		f.Gorm.Raw("SELECT id, kind, state, attempt, errors::text FROM river_job").Scan(&jobsRows)
		var leader []map[string]any
		f.Gorm.Raw("SELECT * FROM river_leader").Scan(&leader)
		t.Fatalf("mail: %v\n%v\n%v\n%v", err, rows, jobsRows, leader)
	}
	byTo := map[string]parsed{}
	for _, m := range msgs {
		p := parse(t, m.MsgRequest())
		byTo[p.to] = p
		if !strings.Contains(m.MailfromRequest(), "console@platform.test") {
			t.Errorf("mail from %q", m.MailfromRequest())
		}
	}
	link := fmt.Sprintf("https://console.test/desk/cases/%d", c.ID)
	fr, ok := byTo[`"User desk:support_engineer" <support_engineer@desk.test>`]
	if !ok {
		t.Fatalf("no mail to the support engineer: %v", keys(byTo))
	}
	if want := fmt.Sprintf("Nouveau dossier n° %d : Refund order ORD-7", c.ID); fr.subject != want {
		t.Errorf("French subject %q, want %q", fr.subject, want)
	}
	if !strings.Contains(fr.text, "Bonjour User desk:support_engineer,") || !strings.Contains(fr.text, "Console A a ouvert un dossier") ||
		!strings.Contains(fr.text, link) || !strings.Contains(fr.html, `href="`+link+`"`) || !strings.Contains(fr.html, `lang="fr"`) {
		t.Errorf("French body:\n%s\n%s", fr.text, fr.html)
	}
	en, ok := byTo[`"User desk:operator_admin" <operator_admin@desk.test>`]
	if !ok {
		t.Fatalf("no mail to the operator admin: %v", keys(byTo))
	}
	if want := fmt.Sprintf("New case #%d: Refund order ORD-7", c.ID); en.subject != want || !strings.Contains(en.text, "Hello User desk:operator_admin,") ||
		!strings.Contains(en.text, "with Critical impact") {
		t.Errorf("English mail %q\n%s", en.subject, en.text)
	}
	waitFor(t, "rows marked sent", func() bool {
		var n int64
		f.Gorm.Table("outbox").Where("status = 'sent' AND attempts = 1 AND sent_at IS NOT NULL").Count(&n)
		return n == 2
	})
	// Nobody else was mailed.
	if got := len(srv.Messages()); got != 2 {
		t.Fatalf("%d emails", got)
	}
}

// queueMail writes an outbox row for A's super admin, as a change would.
func queueMail(t *testing.T, f *storetest.Fixture, m models.OutboxMessage) {
	t.Helper()
	u := f.Users["A:super_admin"]
	m.UserID, m.ToEmail, m.ToName, m.Locale = &u.ID, u.Email, u.Name, "en"
	m.Status, m.NextAttemptAt, m.CreatedAt = models.OutboxQueued, f.Clock.Now(), f.Clock.Now()
	if m.Args == nil {
		m.Args = []byte("{}")
	}
	if err := f.Gorm.Create(&m).Error; err != nil {
		t.Fatal(err)
	}
}

func keys(m map[string]parsed) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestOutboxSurvivesAnSMTPOutage(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	port := freePort(t) // nothing listens there yet: the server is down
	sender, err := hmail.NewSMTP(fmt.Sprintf("smtp://127.0.0.1:%d?tls=none&helo=console.test", port))
	if err != nil {
		t.Fatal(err)
	}
	r := startRunner(t, f, sender)
	queueMail(t, f, models.OutboxMessage{Kind: models.NoticeOfferAccepted, Title: "Offer {{.N}} accepted", Body: "Good news.",
		Args: models.NoticeArgs{"N": "42"}.JSON(), Link: "/console/offers/42"})
	var row models.OutboxMessage
	waitFor(t, "a failed attempt", func() bool {
		f.Gorm.Take(&row)
		return row.Attempts >= 1
	})
	if row.Status != models.OutboxQueued || row.LastError == "" || row.SentAt != nil {
		t.Fatalf("after outage: %+v", row)
	}
	// Backoff: not retried before the next attempt is due (the store clock
	// stands still, so the runner keeps finding it not due).
	if !row.NextAttemptAt.After(f.Clock.Now()) {
		t.Fatalf("next attempt %s not after now %s", row.NextAttemptAt, f.Clock.Now())
	}
	jobsDone(t, r, jobs.OutboxArgs{}.Kind())(3) // three more sender rounds
	f.Gorm.Take(&row)
	if row.Attempts != 1 || row.Status != models.OutboxQueued {
		t.Fatalf("retried before due: %+v", row)
	}
	// The server comes back and the backoff passes: the email goes out.
	srv := smtpServer(t, port)
	defer srv.Stop()
	f.Clock.Advance(models.MailBackoff(1) + time.Second)
	msgs, err := srv.WaitForMessages(1, 20*time.Second)
	if err != nil {
		t.Fatalf("mail after outage: %v", err)
	}
	p := parse(t, msgs[0].MsgRequest())
	if p.subject != "Offer 42 accepted" || !strings.Contains(p.text, "https://console.test/console/offers/42") {
		t.Fatalf("mail %+v", p)
	}
	waitFor(t, "row marked sent", func() bool {
		f.Gorm.Take(&row)
		return row.Status == models.OutboxSent
	})
	if row.Attempts != 2 || row.LastError != "" {
		t.Fatalf("sent row %+v", row)
	}
}

func TestOutboxGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ctx := context.Background()
	queueMail(t, f, models.OutboxMessage{Kind: models.NoticeRenewal, Title: "Renewal"})
	var calls atomic.Int32
	down := func(context.Context, models.OutboxMessage) (models.OutboxStatus, error) {
		calls.Add(1)
		return "", fmt.Errorf("dial tcp: connection refused")
	}
	for i := 0; i < models.MaxMailAttempts+2; i++ {
		if _, _, err := f.Store.SendOutbox(ctx, 10, down); err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(2 * time.Hour)
	}
	var row models.OutboxMessage
	f.Gorm.Take(&row)
	if row.Status != models.OutboxFailed || row.Attempts != models.MaxMailAttempts || int(calls.Load()) != models.MaxMailAttempts {
		t.Fatalf("row %+v after %d calls", row, calls.Load())
	}
	n, _ := f.Store.OutboxFailures(ctx)
	if n != 1 {
		t.Fatalf("failures %d", n)
	}
	// The desk sends it again.
	if err := f.Store.RetryOutbox(ctx, f.Actor("desk:support_engineer"), row.ID); err != nil {
		t.Fatal(err)
	}
	ok := func(context.Context, models.OutboxMessage) (models.OutboxStatus, error) {
		return models.OutboxSent, nil
	}
	if sent, _, err := f.Store.SendOutbox(ctx, 10, ok); err != nil || sent != 1 {
		t.Fatalf("resend %d %v", sent, err)
	}
	if err := f.Store.RetryOutbox(ctx, f.Actor("A:super_admin"), row.ID); models.ErrorCode(err) != models.CodeForbidden {
		t.Fatalf("partner retries: %v", err)
	}
}

func TestLocalModeKeepsMailForTheDesk(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	startRunner(t, f, nil)
	if _, err := f.Store.FileCase(context.Background(), f.Actor("A:admin_agent"), refundCase(f)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "rows logged", func() bool {
		var n int64
		f.Gorm.Table("outbox").Where("status = 'logged' AND sent_at IS NOT NULL").Count(&n)
		return n == 2
	})
	page, err := f.Store.ListOutbox(context.Background(), f.Actor("desk:operator_admin"), store.OutboxFilter{Status: models.OutboxLogged}, "")
	if err != nil || len(page.Items) != 2 {
		t.Fatalf("sent mail page: %d %v", len(page.Items), err)
	}
}

func TestListedPeriodicJobRuns(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	var runs atomic.Int32
	startRunner(t, f, nil, jobs.Periodic{Name: "test.counter", Every: 100 * time.Millisecond, Run: func(context.Context) error {
		runs.Add(1)
		return nil
	}})
	waitFor(t, "periodic runs", func() bool { return runs.Load() >= 2 })
}
