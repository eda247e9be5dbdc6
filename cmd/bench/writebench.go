package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"gorm.io/gorm"

	"partnerconsole/models/store"
	"partnerconsole/models/store/localpg"
)

// writeBench measures the write path: creating a customer (a console's
// super admin) and accepting an offer (a customer admin), each over HTTP
// and as the equivalent pgbench transaction (see write.go).
type writeBench struct {
	o          options
	out        io.Writer
	capt       *capture
	db         *gorm.DB
	meter      *cpuMeter
	pgbenchBin string
	srv        *localpg.Server
	dbName     string
	workDir    string
	base       string
}

// acceptor is the demo customer admin whose offers the bench accepts.
const acceptor = "alice@acme-robotics.example"

func (w writeBench) run(ctx context.Context, super *client) ([]measured, error) {
	var all []measured
	want := func(n string) bool { return w.o.only == "" || strings.Contains(w.o.only, n) }
	if want("create-customer") {
		csrf, err := super.csrf(ctx, "/console/customers/new")
		if err != nil {
			return nil, err
		}
		form := url.Values{"name": {"Bench {u}"}, "domain": {"{u}.bench.example"}, "country": {"FR"},
			"contact_name": {"Bench Contact"}, "contact_email": {"ops@{u}.bench.example"}, "contact_phone": {""}}
		spec := loadSpec{Base: w.base, Path: "/console/customers", Cookie: super.cookie, Method: http.MethodPost,
			Form: strings.ReplaceAll(form.Encode(), "%7Bu%7D", "{u}"), CSRF: csrf}
		m, err := w.measure(ctx, page{Name: "create-customer", Path: spec.Path, What: "POST a new customer (console super admin)"}, spec, 0, 0, 0)
		if err != nil {
			return nil, err
		}
		all = append(all, m)
	}
	if want("accept-offer") {
		alice := newClient(w.base, w.o.concurrency)
		if err := alice.signIn(acceptor, store.DemoPassword); err != nil {
			return nil, err
		}
		csrf, err := alice.csrf(ctx, "/admin/offers")
		if err != nil {
			return nil, err
		}
		// Enough sent offers for the warm-up and the run at a few hundred
		// a second; pgbench draws from the same range (re-accepting in SQL).
		n := max(2000, int(400*(w.o.duration+w.o.warmup).Seconds()))
		ids, err := seedSentOffers(ctx, w.db, acceptor, n)
		if err != nil {
			return nil, err
		}
		spec := loadSpec{Base: w.base, Path: "/admin/offers/{id}/accept", Cookie: alice.cookie, Method: http.MethodPost,
			Form: "terms=on", CSRF: csrf, IDs: ids[1:]}
		m, err := w.measure(ctx, page{Name: "accept-offer", Path: spec.Path, What: "POST accept a sent offer (customer admin)"}, spec, ids[0], ids[1], ids[len(ids)-1])
		if err != nil {
			return nil, err
		}
		all = append(all, m)
	}
	return all, nil
}

// measure captures one request of spec (its first ID, or the token
// "benchcapture"), loads it from a child, then runs its pgbench transaction.
func (w writeBench) measure(ctx context.Context, p page, spec loadSpec, first, lo, hi int64) (measured, error) {
	m := measured{page: p}
	const token = "benchcapture"
	capSpec := spec
	capSpec.IDs = []int64{first}
	q := newRequester(capSpec)
	q.nonce = token
	var status int
	var loc string
	stmts, err := w.capt.record(func() error {
		req, _ := q.next(ctx, w.base, spec.Cookie)
		// Take the nonce whole: the first request's counter is "x0".
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		status, loc = res.StatusCode, res.Header.Get("Location")
		if status != http.StatusSeeOther {
			return fmt.Errorf("status %d: %s", status, shortSQL(string(b), 300))
		}
		return nil
	})
	if err != nil {
		return m, fmt.Errorf("%s: %w", p.Name, err)
	}
	// A raw INSERT … RETURNING id scanned into a variable is not seen by
	// the capture (the scan happens after GORM's callbacks): the row is the
	// table's newest, as nothing else writes meanwhile.
	for i, st := range stmts {
		if st.Returned != 0 || !strings.Contains(strings.ToUpper(st.SQL), "RETURNING") {
			continue
		}
		if t := insertTable.FindStringSubmatch(st.SQL); t != nil {
			if err := w.db.WithContext(ctx).Raw(fmt.Sprintf(`SELECT coalesce(max(id), 0) FROM %q`, t[1])).Scan(&stmts[i].Returned).Error; err != nil {
				return m, err
			}
		}
	}
	m.Stmts = stmts
	fmt.Fprintf(w.out, "## %s — %s\n\n`POST %s` (→ %d %s) runs %d SQL statements in one transaction after the session's:\n\n", p.Name, p.What, p.Path, status, loc, len(stmts))
	for i, s := range stmts {
		fmt.Fprintf(w.out, "%d. `%s`\n", i+1, shortSQL(s.SQL, 150))
	}
	fmt.Fprintln(w.out)

	w.meter.start()
	spec.Conc, spec.Warmup, spec.Duration = w.o.concurrency, w.o.warmup, w.o.duration
	m.HTTP, m.AppUse, err = w.o.load(ctx, p.Name, spec)
	if err != nil {
		return m, fmt.Errorf("%s: %w", p.Name, err)
	}
	if m.HTTP.Errors > 0 {
		return m, fmt.Errorf("%s: %d failed requests (last status %d)", p.Name, m.HTTP.Errors, m.HTTP.Status)
	}
	script, defs, err := writeScript(stmts, writeSubst{Token: token + "x0", RotateID: first, RotateLo: lo, RotateHi: hi})
	if err != nil {
		return m, err
	}
	pr := pgbenchRun{Bin: w.pgbenchBin, Host: w.srv.SocketDir(), Port: w.srv.Port(), DB: w.dbName, Dir: w.workDir, Conc: w.o.concurrency,
		Jobs: w.o.jobs, Secs: max(1, int(w.o.duration.Seconds())), Name: p.Name, Script: script, Defs: defs}
	m.PG, _, err = pr.run(ctx)
	if err != nil {
		return m, err
	}
	m.Others = w.meter.others()
	return m, nil
}

var insertTable = regexp.MustCompile(`(?i)^\s*INSERT INTO "?(\w+)"?`)

// csrf reads the CSRF token of the signed-in session from a page.
func (c *client) csrf(ctx context.Context, path string) (string, error) {
	status, body, err := c.get(ctx, path)
	if err != nil {
		return "", err
	}
	mt := csrfMeta.FindSubmatch(body)
	if status != http.StatusOK || mt == nil {
		return "", fmt.Errorf("%s: status %d, no CSRF token", path, status)
	}
	return html.UnescapeString(string(mt[1])), nil
}

// seedSentOffers adds n sent offers to the customer of the given customer
// admin, copied from a demo offer of its console (no transfer token, no Meet
// migration, not a trial), and returns their ids in order.
func seedSentOffers(ctx context.Context, db *gorm.DB, admin string, n int) ([]int64, error) {
	var ids []int64
	// Ids far from any other id in the data, so that the pgbench script
	// can tell the offer's id from a console's or a product's.
	if err := db.WithContext(ctx).Exec(`SELECT setval(pg_get_serial_sequence('offers', 'id'), greatest((SELECT max(id) FROM offers), 900000000))`).Error; err != nil {
		return nil, err
	}
	err := db.WithContext(ctx).Raw(`
WITH a AS (SELECT organisation_id AS cid FROM users WHERE email = ?),
src AS (SELECT o.* FROM offers o, a WHERE o.console_id IS NOT NULL AND o.transfer_token_id IS NULL AND o.migration_id IS NULL AND o.plan <> 'trial'
        ORDER BY (o.customer_id = a.cid) DESC, o.id LIMIT 1)
INSERT INTO offers (console_id, customer_id, product_id, quantity, plan, unit_price_minor, list_price_minor, currency, billing_account_id,
                    start_date, expires_on, message, po_number, state, created_by_id, created_by_name, sent_at, created_at, updated_at)
SELECT src.console_id, a.cid, src.product_id, 1, src.plan, src.unit_price_minor, src.list_price_minor, src.currency, src.billing_account_id,
       current_date, current_date + 30, 'bench', '', 'sent', src.created_by_id, src.created_by_name, now(), now(), now()
FROM src, a, generate_series(1, ?)
RETURNING id`, admin, n).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("seed sent offers: %w", err)
	}
	if len(ids) < 2 {
		return nil, fmt.Errorf("seed sent offers: %d made (no offer to copy?)", len(ids))
	}
	return ids, nil
}
