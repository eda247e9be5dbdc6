package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"gorm.io/gorm"

	"partnerconsole/handlers/jobs"
	"partnerconsole/handlers/mail"
	"partnerconsole/i18n"
	"partnerconsole/models"
	"partnerconsole/models/payments"
	"partnerconsole/models/store"
	"partnerconsole/models/store/localpg"
	"partnerconsole/web"
)

const usage = `usage: console [command] [flags]

commands:
  serve                      run the web console (default)
  migrate                    apply database migrations
  seed-demo [--customers N]  load demo data; with N, add N generated customers
  create-user --org ID --role ROLE --email E --name N --password P
  rotate-keys                re-encrypt the software product keys (and second-factor
                             seeds) under ENCRYPTION_KEY; ENCRYPTION_KEY_PREVIOUS names
                             the key(s) being replaced
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	cfg, err := web.ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: slog.LevelInfo}))
	switch cmd {
	case "serve":
		applyServeGC(getenv) // GOGC=200, GOMEMLIMIT=256MiB unless set (gc.go)
		return serve(ctx, cfg, log, stdout)
	case "migrate":
		return withDB(ctx, cfg, log, func(st *store.Store, _ *gorm.DB) error {
			fmt.Fprintln(stdout, "migrations applied")
			return nil
		})
	case "seed-demo":
		fs := flag.NewFlagSet("seed-demo", flag.ContinueOnError)
		n := fs.Int("customers", 0, "add this many generated customers to the first demo console")
		if err := fs.Parse(args); err != nil {
			return err
		}
		return withDB(ctx, cfg, log, func(st *store.Store, _ *gorm.DB) error {
			return seedDemo(ctx, st, *n, stdout)
		})
	case "create-user":
		fs := flag.NewFlagSet("create-user", flag.ContinueOnError)
		org := fs.Int64("org", 0, "organisation id (0: the platform operator)")
		role := fs.String("role", "operator_admin", "role")
		email := fs.String("email", "", "email")
		name := fs.String("name", "", "name")
		password := fs.String("password", "", "password (at least 12 characters)")
		if err := fs.Parse(args); err != nil {
			return err
		}
		return withDB(ctx, cfg, log, func(st *store.Store, _ *gorm.DB) error {
			id := *org
			if id == 0 {
				var err error
				if id, err = st.OperatorOrgID(ctx); err != nil {
					return err
				}
			}
			u, err := st.CreateUserInOrg(ctx, id, models.UserInput{Name: *name, Email: *email, Password: *password, Role: models.Role(*role)})
			if err != nil {
				return createUserError(err, *org)
			}
			fmt.Fprintf(stdout, "created user %d (%s, %s)\n", u.ID, u.Email, u.Role)
			return nil
		})
	case "rotate-keys":
		return withDB(ctx, cfg, log, func(st *store.Store, _ *gorm.DB) error {
			return rotateKeys(ctx, st, cfg.PreviousSecretKeys, stdout)
		})
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

// withDB opens the database (starting a private PostgreSQL when DATABASE_URL
// is unset), applies migrations and calls fn.
func withDB(ctx context.Context, cfg web.Config, log *slog.Logger, fn func(*store.Store, *gorm.DB) error) error {
	return withDBPool(ctx, cfg, log, func(st *store.Store, db *gorm.DB, _ *pgxpool.Pool) error { return fn(st, db) })
}

// withDBPool is withDB that also hands over the pgx pool (the job runner
// works on it). Migrations run as the schema owner (MIGRATE_DATABASE_URL, or
// the private server's owner role); the app then connects as its own login
// role, which only has the grants serving needs.
func withDBPool(ctx context.Context, cfg web.Config, log *slog.Logger, fn func(*store.Store, *gorm.DB, *pgxpool.Pool) error) error {
	appURL, ownerURL := cfg.DatabaseURL, cfg.MigrateDatabaseURL
	if appURL == "" {
		unlock, err := lockDataDir(cfg.DataDir)
		if err != nil {
			return err
		}
		defer unlock()
		srv, err := startLocal(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer srv.Stop()
		appURL, ownerURL = srv.URLAs(localpg.AppRole, "console"), srv.URLAs(localpg.OwnerRole, "console")
	}
	if err := migrate(ctx, ownerURL, appURL, log); err != nil {
		return err
	}
	pool, db, err := store.Open(ctx, appURL, cfg.DBMaxConns)
	if err != nil {
		return err
	}
	defer pool.Close()
	sqlDB, _ := db.DB()
	defer sqlDB.Close()
	if cfg.Production {
		var super bool
		if err := db.WithContext(ctx).Raw("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&super).Error; err == nil && super {
			log.Warn("the console serves as a database superuser, which can rewrite the audit log: give it its own login role (README, Production database)")
		}
	}
	st := store.New(db, time.Now)
	st.SecretKey = cfg.SecretKey
	bits, err := store.OpenBitsBucket(ctx, cfg.BlobURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer bits.Close()
	st.Bits = store.BlobBits{Bucket: bits}
	if cfg.PaymentProcessor != "" {
		if st.Payments, err = payments.New(cfg.PaymentProcessor); err != nil {
			return err
		}
	}
	return fn(st, db, pool)
}

// migrate applies the migrations as the owner and gives the app's role its
// grants. Without an owner URL, the app's own connection migrates (one role
// for both: it works, but then the app owns the audit log).
func migrate(ctx context.Context, ownerURL, appURL string, log *slog.Logger) error {
	if ownerURL == "" || ownerURL == appURL {
		pool, db, err := store.Open(ctx, appURL, 2)
		if err != nil {
			return err
		}
		defer pool.Close()
		sqlDB, _ := db.DB()
		defer sqlDB.Close()
		return store.Migrate(ctx, sqlDB)
	}
	appCfg, err := pgx.ParseConfig(appURL)
	if err != nil {
		return fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	ownerCfg, err := pgx.ParseConfig(ownerURL)
	if err != nil {
		return fmt.Errorf("parse MIGRATE_DATABASE_URL: %w", err)
	}
	pool, db, err := store.Open(ctx, ownerURL, 2)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	defer pool.Close()
	sqlDB, _ := db.DB()
	defer sqlDB.Close()
	if err := store.Migrate(ctx, sqlDB); err != nil {
		return err
	}
	if appCfg.User == ownerCfg.User {
		log.Warn("DATABASE_URL and MIGRATE_DATABASE_URL use the same role: the app owns the schema")
		return nil
	}
	return store.GrantApp(ctx, sqlDB, appCfg.User)
}

func startLocal(ctx context.Context, cfg web.Config, log *slog.Logger) (*localpg.Server, error) {
	dir := filepath.Join(cfg.DataDir, "postgres")
	if err := os.MkdirAll(cfg.DataDir, 0o711); err != nil {
		return nil, err
	}
	logFile, err := os.OpenFile(filepath.Join(cfg.DataDir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	log.Info("starting the console's own PostgreSQL", "dir", dir)
	srv, err := localpg.Start(ctx, localpg.Options{Dir: dir, Log: logFile})
	if err != nil {
		return nil, err
	}
	if err := srv.Provision(ctx, "console"); err != nil {
		srv.Stop()
		return nil, err
	}
	return srv, nil
}

func seedDemo(ctx context.Context, st *store.Store, n int, stdout io.Writer) error {
	has, err := st.HasData(ctx)
	if err != nil {
		return err
	}
	if !has {
		signIns, err := st.SeedDemo(ctx)
		if err != nil {
			return err
		}
		if err := writeDemoBits(ctx, st, stdout); err != nil {
			return err
		}
		printSignIns(stdout, signIns)
	} else if n == 0 {
		fmt.Fprintln(stdout, "The demo data is already there (this database has organisations): nothing was loaded.")
	}
	if n > 0 {
		con, err := st.FirstConsole(ctx)
		if err != nil {
			return err
		}
		start := time.Now()
		if err := st.SeedBulkCustomers(ctx, con.ID, n); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added %d customers to %s in %s\n", n, con.Name, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

func printSignIns(w io.Writer, s []store.DemoSignIn) {
	fmt.Fprintln(w, "\nDemo sign-ins (password for all: "+store.DemoPassword+"):")
	for _, x := range s {
		fmt.Fprintf(w, "  %-18s %s\n", x.Role, x.Email)
	}
	printDemoSecrets(w, s)
	fmt.Fprintln(w)
}

// printDemoSecrets prints the authenticator keys of the demo users whose
// role requires two-factor sign-in (local mode only): add one to an
// authenticator app, or compute the code with oathtool --totp -b KEY.
func printDemoSecrets(w io.Writer, s []store.DemoSignIn) {
	var with []store.DemoSignIn
	for _, x := range s {
		if x.TOTPSecret != "" {
			with = append(with, x)
		}
	}
	if len(with) == 0 {
		return
	}
	fmt.Fprintln(w, "\nTwo-factor sign-in (local demo keys; add one to an authenticator app, or: oathtool --totp -b KEY):")
	for _, x := range with {
		fmt.Fprintf(w, "  %-18s %-28s %s\n", x.Role, x.Email, x.TOTPSecret)
	}
}

func serve(ctx context.Context, cfg web.Config, log *slog.Logger, stdout io.Writer) error {
	// Bind the port first: a taken port is said plainly before anything
	// starts, and "listening" is printed only once it is true.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("the address %s is already in use (another console or program listens there): stop it, or set ADDR to another port, e.g. ADDR=127.0.0.1:8081", cfg.Addr)
		}
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	return withDBPool(ctx, cfg, log, func(st *store.Store, db *gorm.DB, pool *pgxpool.Pool) error {
		if cfg.DatabaseURL == "" {
			has, err := st.HasData(ctx)
			if err != nil {
				return err
			}
			var signIns []store.DemoSignIn
			if err := writeDemoBits(ctx, st, io.Discard); err != nil {
				return err
			}
			if !has {
				if signIns, err = st.SeedDemo(ctx); err != nil {
					return fmt.Errorf("demo data: %w", err)
				}
			} else {
				if signIns, err = st.DemoSignIns(ctx); err != nil {
					return err
				}
				keys, err := st.DemoSecondFactors(ctx)
				if err != nil {
					return err
				}
				secrets := map[string]string{}
				for _, k := range keys {
					secrets[k.Email] = k.TOTPSecret
				}
				for i := range signIns {
					signIns[i].TOTPSecret = secrets[signIns[i].Email]
				}
			}
			printSignIns(stdout, signIns)
		}
		bundle, err := i18n.Load()
		if err != nil {
			return err
		}
		runner, err := startJobs(ctx, cfg, st, pool, bundle, log)
		if err != nil {
			return err
		}
		defer func() {
			stopCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := runner.Stop(stopCtx); err != nil {
				log.Error("stop job runner", "error", err)
			}
		}()
		e := web.NewServer(cfg, web.Deps{Store: st, I18n: bundle, Log: log, MetricsToken: os.Getenv("METRICS_TOKEN"), Ready: runner.Ready})
		srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
			WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
		errc := make(chan error, 1)
		go func() { errc <- srv.Serve(ln) }()
		fmt.Fprintf(stdout, "Partner Console listening on http://%s\n", ln.Addr())
		select {
		case err := <-errc:
			return err
		case <-ctx.Done():
		}
		log.Info("shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		return srv.Shutdown(shutdownCtx)
	})
}

// lockDataDir makes sure one console at a time uses a data folder: it holds
// an exclusive lock on DATA_DIR/console.pid (released by the kernel however
// the process ends) and writes its PID there for the next one to name.
func lockDataDir(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o711); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "console.pid")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock the data folder: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			pid := "unknown"
			if b, _ := os.ReadFile(path); len(strings.TrimSpace(string(b))) > 0 {
				pid = strings.TrimSpace(string(b))
			}
			abs, _ := filepath.Abs(dir)
			return nil, fmt.Errorf("another console (PID %s) is using this data folder (%s): stop it first (kill %s), or set DATA_DIR to another folder", pid, abs, pid)
		}
		return nil, fmt.Errorf("lock the data folder: %w", err)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() {
		_ = f.Truncate(0)
		_ = f.Close()
	}, nil
}

// createUserError says what went wrong with create-user in words: an
// unknown organisation, or each field's message.
func createUserError(err error, org int64) error {
	if models.ErrorCode(err) == models.CodeNotFound {
		return fmt.Errorf("there is no organisation with id %d (leave --org out, or 0, for the platform operator)", org)
	}
	if fields, ok := models.AsValidation(err); ok {
		names := make([]string, 0, len(fields))
		for k := range fields {
			names = append(names, k)
		}
		sort.Strings(names)
		var b strings.Builder
		b.WriteString("invalid user:")
		for _, k := range names {
			fmt.Fprintf(&b, "\n  --%s: %s", k, fields[k])
		}
		return errors.New(b.String())
	}
	return err
}

// startJobs starts the background job runner (River) on the same pool: the
// email outbox sender and the periodic jobs. Without SMTP_URL emails are kept
// for the desk's Sent mail page only.
func startJobs(ctx context.Context, cfg web.Config, st *store.Store, pool *pgxpool.Pool, bundle *i18n.Bundle, log *slog.Logger) (*jobs.Runner, error) {
	var sender mail.Sender
	if cfg.SMTPURL != "" {
		s, err := mail.NewSMTP(cfg.SMTPURL)
		if err != nil {
			return nil, err
		}
		sender = s
	} else {
		log.Warn("SMTP_URL is not set: emails are not sent, only listed on the desk's Sent mail page")
	}
	runner, err := jobs.New(jobs.Config{Store: st, Pool: pool, I18n: bundle, Log: log, BaseURL: cfg.BaseURL, Mail: sender})
	if err != nil {
		return nil, err
	}
	if err := runner.Start(ctx); err != nil {
		return nil, err
	}
	return runner, nil
}
