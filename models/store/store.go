// Package store persists the domain in PostgreSQL. Each exported method is
// one use case in one transaction: it scopes rows to the actor's tenant
// (a foreign id is not_found), applies the domain rule, and writes the audit
// event in the same transaction.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"partnerconsole/migrations"
	"partnerconsole/models"
	"partnerconsole/models/payments"
)

// Store is the persistence layer.
type Store struct {
	db  *gorm.DB
	now func() time.Time
	// SecretKey encrypts secrets at rest (AES-256-GCM); 32 bytes.
	SecretKey []byte
	// Payments is the card processor (nil: the built-in test mode).
	Payments payments.Processor
	// Fulfilment issues software product keys (nil: LocalFulfilment).
	Fulfilment Fulfilment
	// Bits holds the software downloads (nil: generated in memory).
	Bits SoftwareBits
	// actions are the desk actions of support cases, by name.
	actions map[string]CaseAction
	// Pause waits out a throttle's delay; nil sleeps (tests record instead).
	Pause func(ctx context.Context, d time.Duration) error
}

// New wraps an open GORM handle. clock is read once per transaction.
func New(db *gorm.DB, clock func() time.Time) *Store {
	if clock == nil {
		clock = time.Now
	}
	return &Store{db: db, now: clock, actions: caseActions()}
}

// DB exposes the handle for health checks and tests.
func (s *Store) DB() *gorm.DB { return s.db }

// Now reads the store's clock.
func (s *Store) Now() time.Time { return s.now().UTC() }

// Open connects a pgx pool and a GORM handle over it.
func Open(ctx context.Context, dsn string, maxConns int32) (*pgxpool.Pool, *gorm.DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("parse database url: %w", err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	// The console's statements read a page or write a few rows: compiling
	// them with PostgreSQL's JIT costs more than it saves, and it kicks in
	// on a plan's estimated cost alone. At a million subscriptions in one
	// customer the session statement's estimate passed the threshold and
	// every request paid 14–26 ms of compilation (issue 13). An operator's
	// jit setting in the URL wins.
	if _, set := cfg.ConnConfig.RuntimeParams["jit"]; !set {
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("connect database: %w", err)
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		PrepareStmt:            false,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		pool.Close()
		return nil, nil, fmt.Errorf("open gorm: %w", err)
	}
	db.ClauseBuilders["LIMIT"] = literalLimit
	return pool, db, nil
}

// literalLimit writes LIMIT and OFFSET as integer literals instead of bind
// parameters. With LIMIT $n PostgreSQL cannot cost a generic plan for a
// prepared statement and re-plans a list's page query on every call; with
// a constant it keeps one plan (docs/BENCH.md).
func literalLimit(c clause.Clause, b clause.Builder) {
	l, ok := c.Expression.(clause.Limit)
	if !ok {
		c.Build(b)
		return
	}
	if l.Limit != nil && *l.Limit >= 0 {
		b.WriteString("LIMIT ")
		b.WriteString(strconv.Itoa(*l.Limit))
	}
	if l.Offset > 0 {
		if l.Limit != nil && *l.Limit >= 0 {
			b.WriteByte(' ')
		}
		b.WriteString("OFFSET ")
		b.WriteString(strconv.Itoa(l.Offset))
	}
}

// Migrate applies every pending migration.
func Migrate(ctx context.Context, db *sql.DB) error {
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return migrateRiver(ctx, db)
}

// tx runs fn in one transaction with the clock read once.
// within is the store reading and writing through tx: the store's read
// methods, called on it, run inside that transaction.
func (s *Store) within(tx *gorm.DB) *Store {
	in := *s
	in.db = tx
	return &in
}

func (s *Store) tx(ctx context.Context, fn func(tx *gorm.DB, now time.Time) error) error {
	now := s.Now()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return fn(tx, now) })
}

// auditEntry is one audited change: who did what to which record, its state
// before and after, and the organisations whose audit log shows it.
type auditEntry struct {
	Actor         models.Actor
	At            time.Time
	Action        string
	RecordType    string
	RecordID      int64
	Before, After any
	Orgs          []int64
}

// audit writes one audit event per organisation whose log shows it.
func audit(tx *gorm.DB, e auditEntry) error {
	var b, af []byte
	var err error
	if e.Before != nil {
		if b, err = json.Marshal(e.Before); err != nil {
			return fmt.Errorf("audit %s: encode before: %w", e.Action, err)
		}
	}
	if e.After != nil {
		if af, err = json.Marshal(e.After); err != nil {
			return fmt.Errorf("audit %s: encode after: %w", e.Action, err)
		}
	}
	var actor *int64
	if e.Actor.UserID != 0 {
		uid := e.Actor.UserID
		actor = &uid
	}
	// One row per organisation, written in one INSERT: most actions are
	// audited on two sides, and each round trip costs the write path as
	// much as PostgreSQL's work on the row (issue 13, goal 6).
	events := make([]models.AuditEvent, 0, len(e.Orgs))
	for _, org := range e.Orgs {
		if org == 0 || slices.ContainsFunc(events, func(ev models.AuditEvent) bool { return ev.OrganisationID == org }) {
			continue
		}
		events = append(events, models.AuditEvent{OrganisationID: org, ActorUserID: actor, ActorName: e.Actor.Name, Action: e.Action,
			RecordType: e.RecordType, RecordID: e.RecordID, Before: b, After: af, IP: e.Actor.IP, At: e.At})
	}
	if len(events) == 0 {
		return nil
	}
	if err := tx.Create(&events).Error; err != nil {
		return fmt.Errorf("write audit %s: %w", e.Action, err)
	}
	return nil
}

// notFound turns gorm's record-not-found into the domain's not_found.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.NotFound()
	}
	return err
}

// uniqueViolation tells whether err is a unique-constraint violation of the
// named constraint (any when name is "").
func uniqueViolation(err error, name string) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" {
		return name == "" || pg.ConstraintName == name
	}
	return false
}

// forUpdate locks the selected rows until the transaction ends.
func forUpdate(tx *gorm.DB) *gorm.DB { return tx.Clauses(clause.Locking{Strength: "UPDATE"}) }

// newestFirst loads one keyset page of q ordered by id, newest first: the
// rows after the cursor's id, and the cursor of the next page. id reads a
// row's id. Lists that only ever sort by age (audit, notices, outbox) share it.
func newestFirst[T any](q *gorm.DB, cursor string, id func(T) int64) (models.Page[T], error) {
	var page models.Page[T]
	if c, ok := models.DecodeCursor(cursor); ok {
		q = q.Where("id < ?", c.ID)
	}
	rows, err := findRows[T](q.Order("id DESC").Limit(models.PageSize+1), models.PageSize+1)
	if err != nil {
		return page, err
	}
	if len(rows) > models.PageSize {
		rows = rows[:models.PageSize]
		last := id(rows[len(rows)-1])
		page.Next = models.Cursor{Key: strconv.FormatInt(last, 10), ID: last}.Encode()
	}
	page.Items = rows
	return page, nil
}
