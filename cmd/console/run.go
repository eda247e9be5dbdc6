package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

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
				var v *models.ValidationError
				if errors.As(err, &v) {
					return fmt.Errorf("invalid user: %v", map[string]string(v.Fields))
				}
				return err
			}
			fmt.Fprintf(stdout, "created user %d (%s, %s)\n", u.ID, u.Email, u.Role)
			return nil
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
// works on it).
func withDBPool(ctx context.Context, cfg web.Config, log *slog.Logger, fn func(*store.Store, *gorm.DB, *pgxpool.Pool) error) error {
	dsn := cfg.DatabaseURL
	if dsn == "" {
		srv, err := startLocal(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer srv.Stop()
		dsn = srv.URL("console")
	}
	pool, db, err := store.Open(ctx, dsn, cfg.DBMaxConns)
	if err != nil {
		return err
	}
	defer pool.Close()
	sqlDB, _ := db.DB()
	defer sqlDB.Close()
	if err := store.Migrate(ctx, sqlDB); err != nil {
		return err
	}
	st := store.New(db, time.Now)
	st.SecretKey = cfg.SecretKey
	if cfg.PaymentProcessor != "" {
		if st.Payments, err = payments.New(cfg.PaymentProcessor); err != nil {
			return err
		}
	}
	return fn(st, db, pool)
}

func startLocal(ctx context.Context, cfg web.Config, log *slog.Logger) (*localpg.Server, error) {
	dir := filepath.Join(cfg.DataDir, "postgres")
	if err := os.MkdirAll(dir, 0o700); err != nil {
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
	if err := srv.EnsureDatabase(ctx, "console"); err != nil {
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
		printSignIns(stdout, signIns)
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
	return withDBPool(ctx, cfg, log, func(st *store.Store, db *gorm.DB, pool *pgxpool.Pool) error {
		if cfg.DatabaseURL == "" {
			has, err := st.HasData(ctx)
			if err != nil {
				return err
			}
			if !has {
				signIns, err := st.SeedDemo(ctx)
				if err != nil {
					return fmt.Errorf("demo data: %w", err)
				}
				printSignIns(stdout, signIns)
			} else {
				fmt.Fprintln(stdout, "\nDemo sign-ins: super@northwind.example, admin@northwind.example, sales@northwind.example,")
				fmt.Fprintln(stdout, "helpdesk@northwind.example, alice@acme-robotics.example, operator@desk.example, support@desk.example")
				fmt.Fprintln(stdout, "(password "+store.DemoPassword+")")
				keys, err := st.DemoSecondFactors(ctx)
				if err != nil {
					return err
				}
				printDemoSecrets(stdout, keys)
			}
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
		srv := &http.Server{Addr: cfg.Addr, Handler: e, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
			WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
		errc := make(chan error, 1)
		go func() { errc <- srv.ListenAndServe() }()
		fmt.Fprintf(stdout, "Partner Console listening on %s\n", cfg.BaseURL)
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
