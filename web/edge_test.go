package web_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"partnerconsole/i18n"
	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/web"
	"partnerconsole/web/webtest"
)

// Text PostgreSQL cannot store (error 22021): a NUL character, invalid UTF-8.
var badBytes = []string{"\x00", "ok\x00ok", "caf\xe9", "\xff\xfe"}

// Query parameters the list pages filter, sort and page by (and a few more).
var filterNames = []string{"q", "status", "state", "sort", "dir", "cursor", "after", "page", "action", "actor", "record_type",
	"record_id", "type", "impact", "from", "to", "lang", "next", "product", "console", "customer", "plan", "domain", "email", "kind"}

// Fields of the console's forms, sent to every POST route besides its own.
var formFields = []string{"name", "email", "password", "domain", "title", "description", "body", "reason", "token", "q", "contact_name"}

// TestBadBytesNeverGive500: every route of the matrix, asked as a user it
// allows, with a NUL byte or invalid UTF-8 in each list filter (400) and in
// each form field (422 with a message); nothing is changed.
func TestBadBytesNeverGive500(t *testing.T) {
	t.Parallel()
	m := newMatrixEnv(t)
	clients := map[string]*webtest.Client{}
	client := func(r matrixRow) *webtest.Client {
		key := firstAllowed(m, r)
		if r.public() {
			key = ""
		}
		if c, ok := clients[key]; ok {
			return c
		}
		c := m.Client(t)
		if key != "" {
			c = m.SignedIn(t, key)
		}
		c.Get("/notifications") // a CSRF token
		clients[key] = c
		return c
	}
	rows := servedRows(m)
	for _, r := range rows {
		client(r)
	}
	agent := client(matrixRow{Allow: []string{"A:helpdesk_agent"}})
	before := dbFingerprint(t, m.Gorm)
	for _, r := range rows {
		c := client(r)
		tenant := "A"
		if k := firstAllowed(m, r); k != "" && !r.public() {
			tenant, _ = tenantOf(k)
		}
		path := r.path(t, m, tenant)
		if r.Method == http.MethodGet {
			for _, name := range filterNames {
				for _, v := range badBytes[:2] {
					res := c.Get(path + "?" + url.Values{name: {v}}.Encode())
					if res.Status != http.StatusBadRequest {
						t.Errorf("GET %s?%s=%q: %d, want 400", r.Path, name, v, res.Status)
					}
				}
			}
			// Invalid UTF-8 typed raw into the address.
			if res := c.Get(path + "?q=caf%E9&status=%FF"); res.Status != http.StatusBadRequest {
				t.Errorf("GET %s with invalid UTF-8: %d", r.Path, res.Status)
			}
			continue
		}
		fields := append([]string(nil), formFields...)
		for k := range r.Form {
			fields = append(fields, k)
		}
		for i, name := range fields {
			form := url.Values{}
			for k, v := range r.Form {
				form[k] = append([]string(nil), v...)
			}
			form.Set(name, badBytes[i%len(badBytes)])
			res := c.Post(path, form)
			if res.Status != http.StatusUnprocessableEntity || !res.Has("characters that cannot be saved") {
				t.Errorf("POST %s with %s=%q: %d, want 422 with a message", r.Path, name, badBytes[i%len(badBytes)], res.Status)
			}
		}
	}
	// A file whose name is not valid UTF-8.
	if res := postMultipart(t, m.Server, agent, "/console/cases", refundForm(m.Server), map[string][]byte{"inv\xffoice.pdf": webPDF}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("file name with invalid UTF-8: %d", res.Status)
	}
	if changed := changedTables(before, dbFingerprint(t, m.Gorm)); len(changed) > 0 {
		t.Errorf("refused requests changed %v", changed)
	}
	// A user agent with such bytes is cleaned, not refused: sign-in works.
	c := m.Client(t)
	c.Header.Set("User-Agent", "Bot/1.0 \xff\xfe")
	if r := c.SignIn(m.Email("A:sales_agent"), "fixture-password-1"); r.Status != http.StatusSeeOther {
		t.Errorf("sign-in with a bad user agent: %d", r.Status)
	}
}

// TestFiveLargestAttachments: a case message with five files of the
// documented maximum (10 MiB each) is accepted, not refused with 413.
func TestFiveLargestAttachments(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	agent := s.SignedIn(t, "A:admin_agent")
	files := map[string][]byte{}
	for i := range models.MaxAttachmentsPerMessage {
		f := make([]byte, models.MaxAttachmentSize)
		copy(f, webPDF)
		files[fmt.Sprintf("part%d.pdf", i)] = f
	}
	r := postMultipart(t, s, agent, "/console/cases", refundForm(s), files)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("five 10 MiB files: %d", r.Status)
	}
	// One byte more than the five files and the form may carry is refused.
	files["part0.pdf"] = make([]byte, models.MaxAttachmentSize+2<<20)
	if r := postMultipart(t, s, agent, "/console/cases", refundForm(s), files); r.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("over the limit: %d", r.Status)
	}
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDatabaseDownAnswers503: with PostgreSQL unreachable, pages that need
// it answer 503 with a friendly page, and the outage is logged once, not
// once per request.
func TestDatabaseDownAnswers503(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig("postgres://console_app@/console?host=/nonexistent/console-socket&sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: stdlib.OpenDBFromPool(pool)}), &gorm.Config{DisableAutomaticPing: true, Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	e := web.NewServer(webtest.Config(), web.Deps{Store: store.New(db, nil), I18n: i18n.MustLoad(), Log: slog.New(slog.NewJSONHandler(&logs, nil))})
	hs := httptest.NewServer(e)
	t.Cleanup(hs.Close)
	s := &webtest.Server{Echo: e, URL: hs.URL, HTTP: hs}
	c := s.Client(t)
	if r := c.Get("/sign-in"); r.Status != http.StatusOK {
		t.Fatalf("sign-in page without a database: %d", r.Status)
	}
	for i := 0; i < 20; i++ {
		r := c.Post("/sign-in", url.Values{"email": {"someone@example.com"}, "password": {"a password"}})
		if r.Status != http.StatusServiceUnavailable || !r.Has("Temporarily unavailable") || r.Has("request id") {
			t.Fatalf("request %d: %d", i, r.Status)
		}
	}
	if r := c.Get("/readyz"); r.Status != http.StatusServiceUnavailable {
		t.Fatalf("readyz: %d", r.Status)
	}
	out := logs.String()
	if n := strings.Count(out, `"level":"ERROR"`) + strings.Count(out, `"level":"WARN"`); n != 1 || !strings.Contains(out, "database unavailable") {
		t.Fatalf("%d ERROR/WARN lines for one outage, want 1:\n%s", n, out)
	}
}
