// Command bench measures the customers list through the real HTTP stack
// against the same SQL run by pgbench, on a private PostgreSQL holding a
// large console (issue 2, "Speed").
//
//	go run ./cmd/bench --customers 100000 --duration 10s --concurrency 8
//
// It starts its own PostgreSQL in a temporary folder, migrates, seeds the
// demo data plus N customers in the first demo console, serves the console
// on a loopback port, signs in as the demo super admin, and for each page
// (first page, a keyset page ~1000 pages deep, searches):
//
//  1. fetches it once with a GORM callback recording every SQL statement
//     the request runs, fails if one counts the customers list without a
//     LIMIT, and prints EXPLAIN (ANALYZE, BUFFERS) of each;
//  2. loads it with keep-alive clients for the given duration;
//  3. runs the recorded read statements, as one transaction, with pgbench
//     (-M prepared, bind values as -D variables) for the same duration and
//     concurrency, and prints both side by side.
//
// Every loop is bounded by the duration; all traffic stays on loopback.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"partnerconsole/i18n"
	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/localpg"
	"partnerconsole/web"
)

type options struct {
	customers   int
	rows        int
	duration    time.Duration
	warmup      time.Duration
	concurrency int
	jobs        int
	depth       int
	search      string
	rare        string
	domain      string
	dbConns     int
	plans       string
	cpuprofile  string
	profilePage string
	hold        time.Duration
	only        string
	keep        bool
	quick       bool
}

func main() {
	var o options
	flag.IntVar(&o.customers, "customers", 100000, "generated customers in the first demo console")
	flag.IntVar(&o.rows, "rows", 10000, "rows copied into each other list (offers, audit log, cases, subscriptions, invoices, software orders)")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "how long each page is loaded (HTTP, then pgbench)")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured HTTP load before each measurement")
	flag.IntVar(&o.concurrency, "concurrency", 8, "concurrent keep-alive clients (and pgbench clients)")
	flag.IntVar(&o.jobs, "jobs", 0, "pgbench threads (-j); 0 = min(concurrency, CPUs)")
	flag.IntVar(&o.depth, "depth", 1000, "how many 'next page' links to follow for the deep page")
	flag.StringVar(&o.search, "search", "media", "a broad search (matches 1 customer in 8)")
	flag.StringVar(&o.rare, "search-rare", "0004242", "a narrow search (matches a handful)")
	flag.StringVar(&o.domain, "domain", "cust4242", "a domain prefix search")
	flag.IntVar(&o.dbConns, "db-conns", 20, "database pool size of the served console (DB_MAX_CONNS)")
	flag.StringVar(&o.plans, "plans", "", "write every EXPLAIN ANALYZE plan to this file")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the measured HTTP load of the first page (the serving process only; the load runs in a child)")
	flag.StringVar(&o.profilePage, "profile-page", "first", "the page --cpuprofile profiles")
	flag.DurationVar(&o.hold, "hold", 0, "after seeding, print the database URL and keep it up this long (for psql), then exit without measuring")
	flag.StringVar(&o.only, "pages", "", "comma-separated pages to measure (first,deep,newest,search,search-rare,domain,offers,audit,desk-cases,subscriptions,invoices,software-orders,create-customer,accept-offer); empty = all")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary database folder")
	flag.BoolVar(&o.quick, "quick", false, "a smoke run in well under a minute: 3000 customers, short loads, depth 5 (figures mean little)")
	child := flag.Bool("load-child", false, "internal: run as the load generator (spec on stdin)")
	flag.Parse()
	if *child {
		if err := loadChild(context.Background(), os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if o.quick {
		o.quickDefaults(flagsSet())
	}
	if o.jobs <= 0 {
		o.jobs = min(o.concurrency, runtime.NumCPU())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// flagsSet names the flags given on the command line.
func flagsSet() map[string]bool {
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// quickDefaults shrinks what the command line left at its default.
func (o *options) quickDefaults(set map[string]bool) {
	if !set["customers"] {
		o.customers = 3000
	}
	if !set["duration"] {
		o.duration = 600 * time.Millisecond
	}
	if !set["warmup"] {
		o.warmup = 150 * time.Millisecond
	}
	if !set["depth"] {
		o.depth = 5
	}
	if !set["rows"] {
		o.rows = 300
	}
	if !set["search-rare"] {
		o.rare = "000123"
	}
	if !set["domain"] {
		o.domain = "cust123"
	}
}

// page is one measured URL.
type page struct {
	Name   string
	Path   string
	What   string
	Desk   bool   // loaded by the desk's user instead of the console's
	Marker string // the body must hold this
}

// measured is everything learnt about one page.
type measured struct {
	page
	Stmts   []statement
	HTTP    result // the app
	Ref     result // the reference server
	AppUse  serverUse
	RefUse  serverUse
	PG      result
	Skipped []string
	Others  float64 // % of the machine's CPU other processes used meanwhile
}

func run(ctx context.Context, o options, out io.Writer) error {
	tmp, err := os.MkdirTemp("", "partnerconsole-bench-")
	if err != nil {
		return err
	}
	// When run as root, PostgreSQL runs as 'postgres' and must pass through.
	if err := os.Chmod(tmp, 0o711); err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(out, "keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	pgDir := filepath.Join(tmp, "postgres")
	workDir := filepath.Join(tmp, "pgbench")
	if err := os.MkdirAll(workDir, 0o755); err != nil {
		return err
	}
	bin, err := localpg.FindBinDir()
	if err != nil {
		return err
	}
	pgbenchBin := filepath.Join(bin, "pgbench")
	if _, err := os.Stat(pgbenchBin); err != nil {
		return fmt.Errorf("pgbench not found next to postgres (%s): %w", bin, err)
	}
	logFile, err := os.Create(filepath.Join(tmp, "postgres.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()

	t0 := time.Now()
	// Ephemeral: fsync off. The bench measures reads; only seeding writes.
	srv, err := localpg.Start(ctx, localpg.Options{Dir: pgDir, Ephemeral: true, Log: logFile})
	if err != nil {
		return err
	}
	defer srv.Stop()
	const dbName = "console"
	if err := srv.EnsureDatabase(ctx, dbName); err != nil {
		return err
	}
	pool, db, err := store.Open(ctx, srv.URL(dbName), int32(o.dbConns))
	if err != nil {
		return err
	}
	defer pool.Close()
	var capt capture
	if err := capt.register(db); err != nil {
		return err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	if err := store.Migrate(ctx, sqlDB); err != nil {
		return err
	}
	cfg, err := web.ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		return err
	}
	st := store.New(db, time.Now)
	st.SecretKey = cfg.SecretKey
	if _, err := st.SeedDemo(ctx); err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	con, err := st.FirstConsole(ctx)
	if err != nil {
		return err
	}
	tSeed := time.Now()
	if err := st.SeedBulkCustomers(ctx, con.ID, o.customers); err != nil {
		return err
	}
	missing, err := seedVolume(ctx, db, con.ID, o.rows)
	if err != nil {
		return err
	}
	seedTook := time.Since(tSeed)
	// Steady state, as autovacuum leaves a live database: the bulk insert
	// left the trigram index's pending list full and no visibility map.
	if err := db.WithContext(ctx).Exec("VACUUM (ANALYZE) customers").Error; err != nil {
		return err
	}
	var listed int64
	if err := db.WithContext(ctx).Raw("SELECT count(*) FROM customers WHERE console_id = ?", con.ID).Scan(&listed).Error; err != nil {
		return err
	}

	if o.hold > 0 {
		fmt.Fprintf(out, "database: %s (psql: %s)\nholding for %s; Ctrl-C to stop\n", srv.URL(dbName), filepath.Join(bin, "psql"), o.hold)
		select {
		case <-ctx.Done():
		case <-time.After(o.hold):
		}
		return nil
	}

	// The real server, on a loopback port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	cfg.Addr = ln.Addr().String()
	cfg.BaseURL = "http://" + cfg.Addr
	bundle, err := i18n.Load()
	if err != nil {
		return err
	}
	// Request logs are formatted as in production, then dropped.
	log := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	e := web.NewServer(cfg, web.Deps{Store: st, I18n: bundle, Log: log})
	hs := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() { _ = hs.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()

	c := newClient(cfg.BaseURL, o.concurrency)
	if err := c.signIn("super@northwind.example", store.DemoPassword); err != nil {
		return err
	}
	deskC := newClient(cfg.BaseURL, o.concurrency)
	if err := deskC.signIn("support@desk.example", store.DemoPassword); err != nil {
		return err
	}
	tDeep := time.Now()
	deepPath, err := c.follow(ctx, "/console/customers", o.depth)
	if err != nil {
		return fmt.Errorf("deep page: %w", err)
	}
	deepTook := time.Since(tDeep)
	// The other lists' deep pages: half-way through their rows.
	otherDepth := max(1, min(o.depth, o.rows/models.PageSize/2))
	type listPage struct {
		name, path, what string
		desk             bool
	}
	lists := []listPage{
		{"offers", "/console/offers", "offers", false},
		{"audit", "/console/audit", "the console's audit log", false},
		{"desk-cases", "/desk/cases", "the desk's case queue", true},
		{"subscriptions", "/console/subscriptions", "the console's subscriptions", false},
		{"invoices", "/console/invoices", "the console's invoices", false},
		{"software-orders", "/console/software-orders", "the console's software orders", false},
	}
	var listPages []page
	for _, l := range lists {
		lc := c
		if l.desk {
			lc = deskC
		}
		listPages = append(listPages, page{l.name, l.path, l.what + ", first page", l.desk, "<table"})
		dp, err := lc.follow(ctx, l.path, otherDepth)
		if err != nil {
			return fmt.Errorf("%s deep page: %w", l.name, err)
		}
		listPages = append(listPages, page{l.name + "-deep", dp, fmt.Sprintf("%s, page %d (keyset cursor)", l.what, otherDepth+1), l.desk, "<table"})
	}

	// The reference server, on another loopback port, with its own pool.
	refPool, err := openRefPool(ctx, srv.URL(dbName), int32(o.dbConns))
	if err != nil {
		return err
	}
	defer refPool.Close()
	refCookie := newRefCookie()
	ref := newRefServer(refPool, refCookie)
	refLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	refHS := &http.Server{Handler: ref, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() { _ = refHS.Serve(refLn) }()
	defer refHS.Close()
	refBase := "http://" + refLn.Addr().String()

	var pgVersion string
	conn, err := pgx.Connect(ctx, srv.URL(dbName))
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_ = conn.QueryRow(ctx, "SHOW server_version").Scan(&pgVersion)

	fmt.Fprintf(out, "# Partner Console bench\n\n")
	fmt.Fprintf(out, "- machine: %d CPUs (GOMAXPROCS %d), %s/%s, %s, PostgreSQL %s (private, fsync off, shared_buffers 128MB)\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version(), pgVersion)
	fmt.Fprintf(out, "- data: %d customers in console %q (%d generated in %s, then VACUUM ANALYZE); set-up took %s\n",
		listed, con.Name, o.customers, seedTook.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))
	fmt.Fprintf(out, "- load: %d keep-alive clients, %s per page after %s warm-up; pgbench -n -M prepared -c %d -j %d -T %d\n",
		o.concurrency, o.duration, o.warmup, o.concurrency, o.jobs, int(o.duration.Seconds()))
	fmt.Fprintf(out, "- load average at start: %s\n", loadAvg())
	fmt.Fprintf(out, "- other lists: %d rows copied into each of offers, audit_events, support_cases, subscriptions, invoices, software_orders (no source row: %v); their deep page is page %d\n",
		o.rows, missing, otherDepth+1)
	fmt.Fprintf(out, "- deep page: followed %d 'next page' links (row %d onwards) in %s\n\n",
		o.depth, o.depth*models.PageSize, deepTook.Round(time.Millisecond))

	const custMark = `data-testid="customers"`
	pages := []page{
		{"first", "/console/customers", "customers, first page, sorted by name", false, custMark},
		{"deep", deepPath, fmt.Sprintf("customers, page %d (keyset cursor)", o.depth+1), false, custMark},
		{"newest", "/console/customers?sort=created", "customers, first page, newest first", false, custMark},
		{"search", "/console/customers?q=" + o.search, fmt.Sprintf("customers, search %q (name, broad)", o.search), false, custMark},
		{"search-rare", "/console/customers?q=" + o.rare, fmt.Sprintf("customers, search %q (name, narrow)", o.rare), false, custMark},
		{"domain", "/console/customers?q=" + o.domain, fmt.Sprintf("customers, search %q (domain prefix)", o.domain), false, custMark},
	}
	pages = append(pages, listPages...)
	if o.only != "" {
		want := map[string]bool{}
		for _, n := range strings.Split(o.only, ",") {
			want[strings.TrimSpace(n)] = true
		}
		var keep []page
		for _, p := range pages {
			if want[p.Name] {
				keep = append(keep, p)
			}
		}
		pages = keep
	}
	meter := &cpuMeter{postmaster: postmasterPID(filepath.Join(pgDir, "data"))}
	var plansOut strings.Builder
	var all []measured
	var violations, otherCounts []string
	for _, p := range pages {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		m := measured{page: p}
		pc := c
		if p.Desk {
			pc = deskC
		}
		var status int
		var body []byte
		stmts, err := capt.record(func() error {
			var err error
			status, body, err = pc.get(ctx, p.Path)
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w", p.Name, err)
		}
		if status != http.StatusOK || !strings.Contains(string(body), p.Marker) {
			return fmt.Errorf("%s (%s): status %d, or no %s", p.Name, p.Path, status, p.Marker)
		}
		for _, s := range stmts {
			if uncappedCount(s.SQL) {
				if strings.Contains(s.SQL, "customers") {
					violations = append(violations, p.Name+": "+shortSQL(s.SQL, 160))
				} else {
					otherCounts = appendOnce(otherCounts, shortSQL(s.SQL, 160))
				}
			}
			if s.isRead() {
				m.Stmts = append(m.Stmts, s)
			} else {
				m.Skipped = append(m.Skipped, shortSQL(s.SQL, 100))
			}
		}
		fmt.Fprintf(out, "## %s — %s\n\n`GET %s` (%d bytes) runs %d SQL statements:\n\n", p.Name, p.What, shortSQL(p.Path, 90), len(body), len(stmts))
		for i, s := range m.Stmts {
			plan, err := explain(ctx, conn, s)
			if err != nil {
				return fmt.Errorf("explain %s: %w", shortSQL(s.SQL, 80), err)
			}
			ms, scans := planSummary(plan)
			fmt.Fprintf(out, "%d. `%s`  \n   EXPLAIN ANALYZE: %.3f ms — %s\n", i+1, shortSQL(s.SQL, 150), ms, strings.Join(scans, ", "))
			fmt.Fprintf(&plansOut, "==== %s, statement %d\n%s\n%s\n\n", p.Name, i+1, strings.Join(strings.Fields(s.SQL), " "), plan)
		}
		for _, s := range m.Skipped {
			fmt.Fprintf(out, "- (write, not in pgbench nor the reference) `%s`\n", s)
		}
		fmt.Fprintln(out)
		ref.set(p.Name, m.Stmts)
		// The reference must serve the page, or its figures mean nothing.
		if st, _, err := (&client{base: refBase, http: c.http, cookie: "ref=" + refCookie}).get(ctx, "/ref/"+p.Name); err != nil || st != http.StatusOK {
			return fmt.Errorf("%s: the reference answers %d (%v)", p.Name, st, err)
		}

		meter.start()
		appSpec := loadSpec{Base: cfg.BaseURL, Path: p.Path, Cookie: pc.cookie, Conc: o.concurrency, Warmup: o.warmup, Duration: o.duration}
		m.HTTP, m.AppUse, err = o.load(ctx, p.Name, appSpec)
		if err != nil {
			return fmt.Errorf("%s: %w", p.Name, err)
		}
		m.HTTP.Bytes = int64(len(body))
		if m.HTTP.Errors > 0 {
			return fmt.Errorf("%s: %d failed requests (last status %d)", p.Name, m.HTTP.Errors, m.HTTP.Status)
		}
		m.Ref, m.RefUse, err = loadFromChild(ctx, loadSpec{Base: refBase, Path: "/ref/" + p.Name, Cookie: "ref=" + refCookie,
			Conc: o.concurrency, Warmup: o.warmup, Duration: o.duration})
		if err != nil {
			return fmt.Errorf("%s reference: %w", p.Name, err)
		}
		if m.Ref.Errors > 0 {
			return fmt.Errorf("%s reference: %d failed requests (last status %d)", p.Name, m.Ref.Errors, m.Ref.Status)
		}
		script, defs, err := pgbenchScript(m.Stmts)
		if err != nil {
			return err
		}
		pr := pgbenchRun{Bin: pgbenchBin, Host: srv.SocketDir(), Port: srv.Port(), DB: dbName, Dir: workDir, Conc: o.concurrency, Jobs: o.jobs,
			Secs: max(1, int(o.duration.Seconds())), Name: p.Name, Script: script, Defs: defs}
		m.PG, _, err = pr.run(ctx)
		if err != nil {
			return err
		}
		m.Others = meter.others()
		all = append(all, m)
	}

	var writes []measured
	if o.only == "" || strings.Contains(o.only, "create-customer") || strings.Contains(o.only, "accept-offer") {
		wb := writeBench{o: o, out: out, capt: &capt, db: db, meter: meter, pgbenchBin: pgbenchBin, srv: srv, dbName: dbName, workDir: workDir, base: cfg.BaseURL}
		if writes, err = wb.run(ctx, c); err != nil {
			return err
		}
	}

	fmt.Fprintf(out, "## Results (%d customers, %d clients, %s each)\n\n", listed, o.concurrency, o.duration)
	fmt.Fprintln(out, "| page | SQL/req | app req/s | ref req/s | app ÷ ref | app p50 / p99 | ref p50 / p99 | server CPU/req app / ref | CPU app ÷ ref | allocs/req app / ref | KB alloc/req app | pgbench tps | app ÷ pgbench | others' CPU |")
	fmt.Fprintln(out, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, m := range all {
		appCPU, appAllocs, appBytes := m.AppUse.perReq(m.HTTP.N)
		refCPU, refAllocs, _ := m.RefUse.perReq(m.Ref.N)
		fmt.Fprintf(out, "| %s | %d | %.0f | %.0f | %.2f | %s / %s | %s / %s | %s / %s | %.2f | %.0f / %.0f | %.0f | %.0f | %.2f | %.0f %% |\n",
			m.Name, len(m.Stmts), m.HTTP.RPS, m.Ref.RPS, ratio(m.HTTP.RPS, m.Ref.RPS), ms(m.HTTP.P50), ms(m.HTTP.P99), ms(m.Ref.P50), ms(m.Ref.P99),
			ms(appCPU), ms(refCPU), ratio(float64(appCPU), float64(refCPU)), appAllocs, refAllocs, appBytes/1024, m.PG.RPS, ratio(m.HTTP.RPS, m.PG.RPS), m.Others)
	}
	fmt.Fprintln(out, "\nref: a net/http + pgx + html/template server running the same statements (same bind values, same session row) and rendering the same rows in a plain table.")
	fmt.Fprintln(out, "server CPU/req: CPU (user+system, getrusage) of the serving process only, per request; the load generator runs in a child process. allocs: Go heap allocations of the serving process per request.")
	fmt.Fprintln(out, "others' CPU: share of the machine's CPU used by processes outside this run (not this process, its children, its PostgreSQL) while the page was measured; above a few % the throughput columns are understated.")
	fmt.Fprintln(out)
	if len(writes) > 0 {
		fmt.Fprintln(out, "### The write path (goal 6: ≥ 0.5 of pgbench)")
		fmt.Fprintln(out)
		fmt.Fprintln(out, "| write | SQL/tx | app req/s | app p50 / p99 | server CPU/req | allocs/req | pgbench tps | pgbench p50 / p99 | app ÷ pgbench | others' CPU |")
		fmt.Fprintln(out, "|---|---|---|---|---|---|---|---|---|---|")
		for _, m := range writes {
			appCPU, appAllocs, _ := m.AppUse.perReq(m.HTTP.N)
			fmt.Fprintf(out, "| %s | %d | %.0f | %s / %s | %s | %.0f | %.0f | %s / %s | %.2f | %.0f %% |\n",
				m.Name, len(m.Stmts), m.HTTP.RPS, ms(m.HTTP.P50), ms(m.HTTP.P99), ms(appCPU), appAllocs, m.PG.RPS, ms(m.PG.P50), ms(m.PG.P99), ratio(m.HTTP.RPS, m.PG.RPS), m.Others)
		}
		fmt.Fprintln(out, "\npgbench runs the statements the request ran (session row included) as one transaction, with the new customer's unique values, the tenant UUID, the ids INSERT … RETURNING gave and the accepted offer's id made fresh per transaction.")
		fmt.Fprintln(out)
	}
	if f, s := find(all, "first"), find(all, "search"); f != nil && s != nil {
		fmt.Fprintf(out, "Broad search ÷ first page: app %.2f×, reference %.2f× (throughput).\n", s.HTTP.RPS/f.HTTP.RPS, ratio(s.Ref.RPS, f.Ref.RPS))
	}
	first, deep := find(all, "first"), find(all, "deep")
	if first != nil && deep != nil {
		fmt.Fprintf(out, "Deep page ÷ first page: HTTP %.2f×, pgbench %.2f× (throughput; 1.00 = same cost).\n\n",
			deep.HTTP.RPS/first.HTTP.RPS, deep.PG.RPS/first.PG.RPS)
	}
	if len(violations) == 0 {
		fmt.Fprintln(out, "No page runs an uncapped COUNT over the customers list: the list's count is over a LIMIT-ed subquery (cappedCount), or skipped when the first page holds every row.")
	} else {
		fmt.Fprintln(out, "UNCAPPED COUNT over the customers list:")
		for _, v := range violations {
			fmt.Fprintln(out, "-", v)
		}
	}
	for _, c := range otherCounts {
		fmt.Fprintf(out, "\nNote: every page also runs an uncapped count outside the list: `%s`\n", c)
	}
	fmt.Fprintln(out)

	// What the alternatives would cost on the same data, for reference.
	type refQuery struct {
		name string
		st   statement
	}
	var refs []refQuery
	if deep != nil {
		for _, s := range deep.Stmts {
			if strings.Contains(s.SQL, "console_name") {
				refs = append(refs, refQuery{"keyset page at the deep cursor (what the app runs)", s})
				break
			}
		}
	}
	refs = append(refs,
		refQuery{fmt.Sprintf("OFFSET %d page (what keyset avoids)", o.depth*models.PageSize), statement{SQL: fmt.Sprintf(
			`SELECT customers.*, coalesce(consoles.name, '') AS console_name FROM customers LEFT JOIN consoles ON consoles.id = customers.console_id WHERE customers.console_id = %d ORDER BY customers.name_key, customers.id LIMIT %d OFFSET %d`,
			con.ID, models.PageSize+1, o.depth*models.PageSize)}},
		refQuery{"capped count (what the app runs)", statement{SQL: fmt.Sprintf(
			`SELECT count(*) FROM (SELECT 1 FROM customers WHERE customers.console_id = %d LIMIT %d) AS capped`, con.ID, models.CountCap+1)}},
		refQuery{"exact COUNT(*) of the list (what the cap avoids)", statement{SQL: fmt.Sprintf(
			`SELECT count(*) FROM customers WHERE customers.console_id = %d`, con.ID)}},
	)
	fmt.Fprintln(out, "| reference query | EXPLAIN ANALYZE median of 5 |")
	fmt.Fprintln(out, "|---|---|")
	for _, r := range refs {
		var times []float64
		var plan string
		for k := 0; k < 5; k++ {
			plan, err = explain(ctx, conn, r.st)
			if err != nil {
				return fmt.Errorf("explain reference %q: %w", r.name, err)
			}
			t, _ := planSummary(plan)
			times = append(times, t)
		}
		sort.Float64s(times)
		_, scans := planSummary(plan)
		fmt.Fprintf(out, "| %s — %s | %.3f ms |\n", r.name, strings.Join(scans, ", "), times[2])
		fmt.Fprintf(&plansOut, "==== reference: %s\n%s\n%s\n\n", r.name, strings.Join(strings.Fields(r.st.SQL), " "), plan)
	}
	fmt.Fprintln(out)
	rss, hwm := memStatus()
	fmt.Fprintf(out, "Serving process after the run: RSS %s, peak RSS %s (the app, the reference's pool and the bench's bookkeeping); GOGC=%s GOMEMLIMIT=%s.\n\n",
		rss, hwm, envOr("GOGC", "100"), envOr("GOMEMLIMIT", "off"))
	if o.plans != "" {
		if err := os.WriteFile(o.plans, []byte(plansOut.String()), 0o644); err != nil {
			return err
		}
		fmt.Fprintln(out, "plans written to", o.plans)
	}
	if len(violations) > 0 {
		return errors.New("a page runs an uncapped COUNT over the customers list")
	}
	return nil
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// memStatus reads this process's resident and peak resident memory (Linux).
func memStatus() (rss, peak string) {
	rss, peak = "?", "?"
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			rss = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			peak = strings.TrimSpace(v)
		}
	}
	return
}

// newRefCookie is the reference server's session cookie value.
func newRefCookie() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

// loadAvg reads the 1-minute load average (Linux), "?" elsewhere.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func find(all []measured, name string) *measured {
	for i := range all {
		if all[i].Name == name {
			return &all[i]
		}
	}
	return nil
}

// writeAllocs writes the process's allocation profile so far; two of them,
// before and after a load, give that load's allocations.
func writeAllocs(path string) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return
	}
	defer f.Close()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
	}
}

// load runs a page's or a write's load from the child; when it is the page
// --cpuprofile names, it profiles the serving process meanwhile (CPU, and the
// allocations: read them with
// go tool pprof -sample_index=alloc_space -base FILE.allocs.base FILE.allocs).
func (o *options) load(ctx context.Context, name string, spec loadSpec) (result, serverUse, error) {
	if o.cpuprofile == "" || name != o.profilePage {
		return loadFromChild(ctx, spec)
	}
	f, err := os.Create(o.cpuprofile)
	if err != nil {
		return result{}, serverUse{}, err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return result{}, serverUse{}, err
	}
	writeAllocs(o.cpuprofile + ".allocs.base")
	r, use, err := loadFromChild(ctx, spec)
	pprof.StopCPUProfile()
	writeAllocs(o.cpuprofile + ".allocs")
	return r, use, err
}
