// Package jobs runs the background work on River over the application's
// own database (DESIGN §1): the email outbox sender, and the periodic jobs
// other areas register from their own files with AddPeriodic. River's leader
// election makes each periodic job run once across replicas.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
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

// PeriodicFunc is the work of one periodic job.
type PeriodicFunc func(ctx context.Context, st *store.Store) error

type periodic struct {
	name     string
	interval time.Duration
	run      PeriodicFunc
}

var (
	registryMu sync.Mutex
	registry   = map[string]periodic{}
)

// AddPeriodic registers a job that runs every interval, once across all
// replicas. Call it from init() in the area's own file (jobs/offers.go, ...).
// Names must be unique.
func AddPeriodic(interval time.Duration, name string, run PeriodicFunc) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[name]; dup {
		panic("jobs: periodic job registered twice: " + name)
	}
	registry[name] = periodic{name: name, interval: interval, run: run}
}

func lookup(name string) (periodic, bool) {
	registryMu.Lock()
	defer registryMu.Unlock()
	p, ok := registry[name]
	return p, ok
}

func registered() []periodic {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := make([]periodic, 0, len(registry))
	for _, p := range registry {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// PeriodicArgs names the registered periodic job a River job runs.
type PeriodicArgs struct {
	Name string `json:"name"`
}

// Kind is River's job kind.
func (PeriodicArgs) Kind() string { return "periodic" }

type periodicWorker struct {
	river.WorkerDefaults[PeriodicArgs]
	st  *store.Store
	log *slog.Logger
}

func (w *periodicWorker) Work(ctx context.Context, job *river.Job[PeriodicArgs]) error {
	p, ok := lookup(job.Args.Name)
	if !ok {
		return river.JobCancel(fmt.Errorf("no periodic job named %q", job.Args.Name))
	}
	if err := p.run(ctx, w.st); err != nil {
		w.log.Error("periodic job failed", "job", p.name, "attempt", job.Attempt, "error", err)
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

func (w *outboxWorker) Work(ctx context.Context, _ *river.Job[OutboxArgs]) error {
	sent, failed, err := w.st.SendOutbox(ctx, 200, w.deliver)
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
}

// Runner is the River client with our workers and periodic jobs.
type Runner struct {
	client  *river.Client[pgx.Tx]
	started atomic.Bool
	log     *slog.Logger
}

// uniqueWhileQueued keeps at most one pending run of a periodic job, so a
// slow run does not pile copies up.
var uniqueWhileQueued = &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled,
}}}

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
	workers := river.NewWorkers()
	river.AddWorker(workers, &periodicWorker{st: cfg.Store, log: log})
	river.AddWorker(workers, &outboxWorker{st: cfg.Store, deliver: Deliverer(cfg.I18n, cfg.BaseURL, cfg.Mail), log: log})
	pjobs := []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(interval), func() (river.JobArgs, *river.InsertOpts) {
			return OutboxArgs{}, uniqueWhileQueued
		}, &river.PeriodicJobOpts{ID: "outbox_send", RunOnStart: true}),
	}
	for _, p := range registered() {
		name := p.name
		pjobs = append(pjobs, river.NewPeriodicJob(river.PeriodicInterval(p.interval), func() (river.JobArgs, *river.InsertOpts) {
			return PeriodicArgs{Name: name}, uniqueWhileQueued
		}, &river.PeriodicJobOpts{ID: "periodic:" + name, RunOnStart: true}))
	}
	poll := time.Second
	if interval < poll {
		poll = interval
	}
	if poll < 50*time.Millisecond {
		poll = 50 * time.Millisecond
	}
	client, err := river.NewClient(riverpgxv5.New(cfg.Pool), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 5}},
		Workers:           workers,
		PeriodicJobs:      pjobs,
		Logger:            slog.New(warnOnly{log.Handler()}),
		FetchCooldown:     poll / 2,
		FetchPollInterval: poll,
		JobTimeout:        5 * time.Minute,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &Runner{client: client, log: log}, nil
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

// Ready reports whether the runner is working, for /readyz.
func (r *Runner) Ready(context.Context) error {
	if r == nil || !r.started.Load() {
		return errors.New("job runner: not started")
	}
	select {
	case <-r.client.Stopped():
		return errors.New("job runner: stopped")
	default:
		return nil
	}
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
