// Package jobs runs the background work on River over the application's
// own database (DESIGN §1): the email outbox sender, and the periodic jobs
// listed in Schedule (schedule.go). River's leader election makes each
// periodic job run once across replicas.
package jobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"partnerconsole/handlers/mail"
	"partnerconsole/i18n"
	"partnerconsole/models"
	"partnerconsole/models/store"
)

// PeriodicArgs names the periodic job (of Schedule) a River job runs.
type PeriodicArgs struct {
	Name string `json:"name"`
}

// Kind is River's job kind.
func (PeriodicArgs) Kind() string { return "periodic" }

type periodicWorker struct {
	river.WorkerDefaults[PeriodicArgs]
	byName map[string]Periodic
	log    *slog.Logger
}

func (w *periodicWorker) Work(ctx context.Context, job *river.Job[PeriodicArgs]) error {
	p, ok := w.byName[job.Args.Name]
	if !ok {
		return river.JobCancel(fmt.Errorf("no periodic job named %q", job.Args.Name))
	}
	if err := p.Run(ctx); err != nil {
		w.log.Error("periodic job failed", "job", p.Name, "attempt", job.Attempt, "error", err)
		return err
	}
	return nil
}

// OutboxArgs is one round of the email sender.
type OutboxArgs struct{}

// Kind is River's job kind.
func (OutboxArgs) Kind() string { return "outbox_send" }

type outboxWorker struct {
	river.WorkerDefaults[OutboxArgs]
	st      *store.Store
	deliver store.Deliver
	log     *slog.Logger
}

// outboxRound is the most emails one round of the sender sends.
const outboxRound = 200

// Work sends the due emails one by one, and starts none in the second half
// of the job's time: the round ends by itself before its timeout could
// cancel a send midway (an email out, its row not yet marked, sent again
// later). The next round, seconds later, goes on.
func (w *outboxWorker) Work(ctx context.Context, _ *river.Job[OutboxArgs]) error {
	deadline, hasDeadline := ctx.Deadline()
	var stopAt time.Time
	if hasDeadline {
		stopAt = time.Now().Add(time.Until(deadline) / 2)
	}
	var sent, failed int
	var err error
	for sent+failed < outboxRound && (!hasDeadline || time.Now().Before(stopAt)) {
		s, f, e := w.st.SendOutbox(ctx, 1, w.deliver)
		sent, failed, err = sent+s, failed+f, e
		if err != nil || s == 0 {
			break // an error, nothing due, or a failed send (the server is probably down)
		}
	}
	if sent > 0 || failed > 0 {
		w.log.Info("outbox round", "sent", sent, "failed", failed)
	}
	return err
}

// Config builds a Runner.
type Config struct {
	Store *store.Store
	Pool  *pgxpool.Pool
	I18n  *i18n.Bundle
	Log   *slog.Logger
	// BaseURL is the console's public address, for links in emails.
	BaseURL string
	// Mail sends email; nil keeps emails for the desk's Sent mail page only
	// (local mode without SMTP_URL).
	Mail mail.Sender
	// OutboxInterval is how often the sender runs; default 5 s.
	OutboxInterval time.Duration
	// Periodic are the periodic jobs; nil means Schedule(Store).
	Periodic []Periodic
	// JobTimeout and RescueStuckJobsAfter default to the constants of the
	// same names; tests shorten them.
	JobTimeout, RescueStuckJobsAfter time.Duration
	// MaxJobWait is how long the oldest available job may wait before
	// /readyz turns unready; default MaxJobWait.
	MaxJobWait time.Duration
}

// Crash recovery (issue 8 §4). A job whose process died (kill -9) stays
// "running" in river_job, and River inserts no new copy of a periodic job
// while one is running, so that job would stop until River rescues it. The
// leader's rescuer looks every 30 s (River's fixed interval) for jobs running
// longer than RescueStuckJobsAfter and schedules them again (first retry
// after about a second). So a job resumes at most
// RescueStuckJobsAfter + 30 s + a few seconds after it started: under two
// minutes. A job that takes longer than JobTimeout has its context cancelled
// and is retried, so no healthy job runs long enough to be rescued twice.
const (
	JobTimeout           = 40 * time.Second
	RescueStuckJobsAfter = time.Minute
	// MaxJobWait: past this wait for a worker, /readyz reports unready.
	MaxJobWait = 2 * time.Minute
)

// Runner is the River client with our workers and periodic jobs.
type Runner struct {
	client  *river.Client[pgx.Tx]
	pool    *pgxpool.Pool
	maxWait time.Duration
	started atomic.Bool
	log     *slog.Logger
}

// uniqueWhileQueued keeps at most one pending run of a periodic job, so a
// slow run does not pile copies up.
func uniqueWhileQueued() *river.InsertOpts {
	return &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled,
	}}}
}

// New builds the runner; Start starts it.
func New(cfg Config) (*Runner, error) {
	if cfg.Store == nil || cfg.Pool == nil || cfg.I18n == nil {
		return nil, errors.New("jobs: store, pool and translations are required")
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	interval := cfg.OutboxInterval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	periodic := cfg.Periodic
	if periodic == nil {
		periodic = Schedule(cfg.Store)
	}
	byName := make(map[string]Periodic, len(periodic))
	pjobs := []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(interval), func() (river.JobArgs, *river.InsertOpts) {
			return OutboxArgs{}, uniqueWhileQueued()
		}, &river.PeriodicJobOpts{ID: "outbox_send", RunOnStart: true}),
	}
	for _, p := range periodic {
		if _, dup := byName[p.Name]; dup || p.Name == "" || p.Every <= 0 || p.Run == nil {
			return nil, fmt.Errorf("jobs: periodic job %q is unnamed, has no interval or work, or is listed twice", p.Name)
		}
		byName[p.Name] = p
		name := p.Name
		pjobs = append(pjobs, river.NewPeriodicJob(river.PeriodicInterval(p.Every), func() (river.JobArgs, *river.InsertOpts) {
			return PeriodicArgs{Name: name}, uniqueWhileQueued()
		}, &river.PeriodicJobOpts{ID: "periodic:" + name, RunOnStart: true}))
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &periodicWorker{byName: byName, log: log})
	river.AddWorker(workers, &outboxWorker{st: cfg.Store, deliver: Deliverer(cfg.I18n, cfg.BaseURL, cfg.Mail), log: log})
	poll := time.Second
	if interval < poll {
		poll = interval
	}
	if poll < 50*time.Millisecond {
		poll = 50 * time.Millisecond
	}
	client, err := river.NewClient(riverpgxv5.New(cfg.Pool), &river.Config{
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 5}},
		Workers:              workers,
		PeriodicJobs:         pjobs,
		Logger:               slog.New(warnOnly{log.Handler()}),
		FetchCooldown:        poll / 2,
		FetchPollInterval:    poll,
		JobTimeout:           cmp.Or(cfg.JobTimeout, JobTimeout),
		RescueStuckJobsAfter: cmp.Or(cfg.RescueStuckJobsAfter, RescueStuckJobsAfter),
		// The console serves as a role that does not own River's tables and,
		// before PostgreSQL 17, may not REINDEX them: the nightly reindex is
		// maintenance for the owner role, not for the app.
		ReindexerIndexNames: []string{},
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &Runner{client: client, pool: cfg.Pool, maxWait: cmp.Or(cfg.MaxJobWait, MaxJobWait), log: log}, nil
}

// Deliverer renders an outbox row in the recipient's language and sends it;
// with no sender it records the email as logged (local mode).
func Deliverer(bundle *i18n.Bundle, baseURL string, sender mail.Sender) store.Deliver {
	return func(ctx context.Context, m models.OutboxMessage) (models.OutboxStatus, error) {
		msg, err := mail.Render(ctx, bundle, baseURL, m)
		if err != nil {
			return "", err
		}
		if sender == nil {
			return models.OutboxLogged, nil
		}
		if err := sender.Send(ctx, msg); err != nil {
			return "", err
		}
		return models.OutboxSent, nil
	}
}

// Start starts working jobs.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.client.Start(ctx); err != nil {
		return fmt.Errorf("start job runner: %w", err)
	}
	r.started.Store(true)
	return nil
}

// Stop finishes running jobs (until ctx ends) and stops.
func (r *Runner) Stop(ctx context.Context) error {
	if !r.started.Load() {
		return nil
	}
	err := r.client.Stop(ctx)
	r.started.Store(false)
	return err
}

// Ready reports whether the runner is working, for /readyz: started, not
// stopped, and no job has waited for a worker longer than MaxJobWait. The
// report names the wait of the oldest available job.
func (r *Runner) Ready(ctx context.Context) (string, error) {
	if r == nil || !r.started.Load() {
		return "", errors.New("job runner: not started")
	}
	select {
	case <-r.client.Stopped():
		return "", errors.New("job runner: stopped")
	default:
	}
	wait, err := r.OldestAvailableJob(ctx)
	if err != nil {
		return "", fmt.Errorf("job runner: %w", err)
	}
	report := "oldest available job: " + wait.Round(time.Second).String()
	if wait > r.maxWait {
		return report, fmt.Errorf("job runner: %s (limit %s)", report, r.maxWait)
	}
	return report, nil
}

// OldestAvailableJob is how long the oldest job due to run has waited for a
// worker (0 when none waits). Scheduled and retryable jobs past their time
// count too: River's leader makes them available every few seconds, so one
// that waits long means no leader, or no worker, is there.
func (r *Runner) OldestAvailableJob(ctx context.Context) (time.Duration, error) {
	var secs float64
	err := r.pool.QueryRow(ctx, `SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(scheduled_at)), 0)::float8
		FROM river_job WHERE state IN ('available', 'scheduled', 'retryable') AND scheduled_at <= now()`).Scan(&secs)
	if err != nil {
		return 0, fmt.Errorf("oldest available job: %w", err)
	}
	return time.Duration(secs * float64(time.Second)), nil
}

// Client exposes the River client (tests subscribe to its events).
func (r *Runner) Client() *river.Client[pgx.Tx] { return r.client }

// warnOnly keeps River's own logging to warnings and errors (it reports job
// counts at info level every few seconds).
type warnOnly struct{ slog.Handler }

func (w warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && w.Handler.Enabled(ctx, l)
}

func (w warnOnly) WithAttrs(a []slog.Attr) slog.Handler { return warnOnly{w.Handler.WithAttrs(a)} }

func (w warnOnly) WithGroup(n string) slog.Handler { return warnOnly{w.Handler.WithGroup(n)} }
