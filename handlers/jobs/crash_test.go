package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"partnerconsole/handlers/jobs"
	hmail "partnerconsole/handlers/mail"
	"partnerconsole/i18n"
	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

// hangingSender is an SMTP server that accepts the connection and never
// answers: the send waits until its context ends.
type hangingSender struct {
	once    sync.Once
	started chan struct{}
}

func (h *hangingSender) Send(ctx context.Context, _ hmail.Message) error {
	h.once.Do(func() { close(h.started) })
	<-ctx.Done()
	return ctx.Err()
}

// crashable is a console process whose death we can stage: kill drops its
// database connections and refuses new ones, so whatever it was doing is
// left as a kill -9 leaves it (the River job "running", its transaction
// rolled back).
type crashable struct {
	store *store.Store
	pool  *pgxpool.Pool
	kill  func()
}

func crashableProcess(t *testing.T, f *storetest.Fixture) crashable {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(f.URL)
	if err != nil {
		t.Fatal(err)
	}
	const app = "console_to_crash"
	cfg.ConnConfig.RuntimeParams["application_name"] = app
	var dead atomic.Bool
	cfg.BeforeConnect = func(context.Context, *pgx.ConnConfig) error {
		if dead.Load() {
			return errors.New("the process is gone")
		}
		return nil
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: stdlib.OpenDBFromPool(pool)}),
		&gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true})
	if err != nil {
		t.Fatal(err)
	}
	kill := func() {
		dead.Store(true)
		err := f.Gorm.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE application_name = ? AND datname = current_database()`, app).Error
		if err != nil {
			t.Fatal(err)
		}
	}
	return crashable{store: store.New(db, f.Clock.Now), pool: pool, kill: kill}
}

// Issue 8 §4: the console was killed while outbox_send ran; the job stayed
// "running" and, as River inserts no periodic copy while one runs, no email
// went out for an hour. With the rescue set, another console (or the
// restarted one) resumes the job, and the email goes out exactly once.
func TestOutboxJobResumesAfterACrash(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ctx := context.Background()
	queueMail(t, f, models.OutboxMessage{Kind: models.NoticeOfferAccepted, Title: "Offer {{.N}} accepted", Body: "Good news.",
		Args: models.NoticeArgs{"N": "7"}.JSON(), Link: "/console/offers/7"})
	bundle := i18n.MustLoad()
	short := func(st *store.Store, pool *pgxpool.Pool, sender hmail.Sender) jobs.Config {
		return jobs.Config{Store: st, Pool: pool, I18n: bundle, Log: quiet, BaseURL: "https://console.test", Mail: sender,
			OutboxInterval: 100 * time.Millisecond, Periodic: []jobs.Periodic{},
			JobTimeout: time.Second, RescueStuckJobsAfter: 2 * time.Second}
	}

	// The first console starts sending; its SMTP server hangs; it dies.
	doomed := crashableProcess(t, f)
	hang := &hangingSender{started: make(chan struct{})}
	first, err := jobs.New(short(doomed.store, doomed.pool, hang))
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-hang.started:
	case <-time.After(20 * time.Second):
		t.Fatal("the first console never started sending")
	}
	doomed.kill()
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = first.Client().StopAndCancel(stopCtx)
		doomed.pool.Close()
	})
	waitFor(t, "the job left running by the dead console", func() bool {
		var n int64
		f.Gorm.Table("river_job").Where("kind = 'outbox_send' AND state = 'running'").Count(&n)
		return n == 1
	})
	var row models.OutboxMessage
	f.Gorm.Take(&row)
	if row.Status != models.OutboxQueued || row.Attempts != 0 {
		t.Fatalf("the dead console's attempt should have rolled back: %+v", row)
	}

	// Another console (a replica, or the same one restarted) takes over.
	srv := smtpServer(t, 0)
	defer srv.Stop()
	sender, err := hmail.NewSMTP(fmt.Sprintf("smtp://127.0.0.1:%d?tls=none&helo=console.test", srv.PortNumber()))
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, f.URL)
	if err != nil {
		t.Fatal(err)
	}
	second, err := jobs.New(short(f.Store, pool, sender))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan *river.Event, 100)
	events, cancelEvents := second.Client().Subscribe(river.EventKindJobCompleted)
	defer cancelEvents()
	go func() {
		for ev := range events {
			done <- ev
		}
	}()
	if err := second.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = second.Stop(stopCtx)
		pool.Close()
	})
	if _, err := srv.WaitForMessages(1, 60*time.Second); err != nil {
		var jobsRows []map[string]any
		f.Gorm.Raw("SELECT id, kind, state, attempt, attempted_at, errors::text FROM river_job").Scan(&jobsRows)
		t.Fatalf("no email after the crash: %v\n%v", err, jobsRows)
	}
	// Several more rounds of the sender pass: still one email.
	for n := 0; n < 3; {
		select {
		case ev := <-done:
			if ev.Job.Kind == "outbox_send" {
				n++
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the sender stopped running")
		}
	}
	if got := len(srv.Messages()); got != 1 {
		t.Fatalf("%d emails, want exactly 1", got)
	}
	f.Gorm.Take(&row)
	if row.Status != models.OutboxSent || row.Attempts != 1 {
		t.Fatalf("outbox row after the crash: %+v", row)
	}
}

// The production settings resume a crashed periodic job within two minutes
// of its start: River's rescuer looks every 30 s for jobs running longer than
// RescueStuckJobsAfter, then retries them after about a second; a new
// leader takes over after River's 15 s leadership lease.
func TestCrashRecoveryBound(t *testing.T) {
	const rescuerInterval, leaderLease, retryAndFetch = 30 * time.Second, 15 * time.Second, 7 * time.Second
	if jobs.RescueStuckJobsAfter < jobs.JobTimeout+10*time.Second {
		t.Errorf("RescueStuckJobsAfter %s leaves a job that times out no time to finish (timeout %s)", jobs.RescueStuckJobsAfter, jobs.JobTimeout)
	}
	worst := max(jobs.RescueStuckJobsAfter, leaderLease) + rescuerInterval + retryAndFetch
	if worst > 2*time.Minute {
		t.Errorf("a crashed job may wait %s before it resumes, want at most 2m", worst)
	}
}

// /readyz turns unready when a job has waited for a worker too long, and
// says how long.
func TestReadyReportsTheOldestAvailableJob(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, f.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	r, err := jobs.New(jobs.Config{Store: f.Store, Pool: pool, I18n: i18n.MustLoad(), Log: quiet, Periodic: []jobs.Periodic{},
		MaxJobWait: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Stop(ctx) }()
	if report, err := r.Ready(ctx); err != nil || report != "oldest available job: 0s" {
		t.Fatalf("idle runner: %q %v", report, err)
	}
	// A job in a queue nobody works has waited ten minutes.
	if _, err := r.Client().Insert(ctx, jobs.OutboxArgs{}, &river.InsertOpts{Queue: "nobody_works_this",
		ScheduledAt: time.Now().Add(-10 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	report, err := r.Ready(ctx)
	if err == nil || report != "oldest available job: 10m0s" {
		var rows []map[string]any
		f.Gorm.Raw("SELECT id, kind, queue, state, scheduled_at, now() AS now FROM river_job").Scan(&rows)
		t.Fatalf("stalled queue: %q %v\n%v", report, err, rows)
	}
}

// slowSender takes a while per email, as a slow SMTP server does.
type slowSender struct {
	each time.Duration
	sent sync.Map // subject → times sent
}

func (s *slowSender) Send(ctx context.Context, m hmail.Message) error {
	select {
	case <-time.After(s.each):
	case <-ctx.Done():
		return ctx.Err()
	}
	n, _ := s.sent.LoadOrStore(m.Subject, new(atomic.Int32))
	n.(*atomic.Int32).Add(1)
	return nil
}

// A backlog that takes longer than one job's time to send is sent over
// several rounds, none cut off by its timeout, each email once.
func TestOutboxRoundEndsBeforeItsTimeout(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	const backlog = 15
	for i := range backlog {
		queueMail(t, f, models.OutboxMessage{Kind: models.NoticeRenewal, Title: fmt.Sprintf("Backlog %d", i)})
	}
	pool, err := pgxpool.New(context.Background(), f.URL)
	if err != nil {
		t.Fatal(err)
	}
	sender := &slowSender{each: 150 * time.Millisecond}
	r, err := jobs.New(jobs.Config{Store: f.Store, Pool: pool, I18n: i18n.MustLoad(), Log: quiet, Mail: sender,
		OutboxInterval: 100 * time.Millisecond, Periodic: []jobs.Periodic{}, JobTimeout: time.Second, RescueStuckJobsAfter: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	failures, cancel := r.Client().Subscribe(river.EventKindJobFailed)
	defer cancel()
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = r.Stop(ctx)
		pool.Close()
	})
	waitFor(t, "the backlog sent", func() bool {
		var n int64
		f.Gorm.Table("outbox").Where("status = 'sent'").Count(&n)
		return n == backlog
	})
	select {
	case ev := <-failures:
		t.Fatalf("a sender round failed: %+v", ev.Job.Errors)
	default:
	}
	for i := range backlog {
		n, ok := sender.sent.Load(fmt.Sprintf("Backlog %d", i))
		if !ok || n.(*atomic.Int32).Load() != 1 {
			t.Errorf("Backlog %d sent %v times", i, n)
		}
	}
}
