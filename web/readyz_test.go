package web_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"partnerconsole/i18n"
	"partnerconsole/models/store/storetest"
	"partnerconsole/web"
	"partnerconsole/web/webtest"
)

// /readyz passes on the job runner's report (the wait of the oldest due
// job), and answers 503 with the reason when the runner is not ready.
func TestReadyzReportsTheJobRunner(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	for _, tc := range []struct {
		name   string
		ready  func(context.Context) (string, error)
		status int
		body   string
	}{
		{"runner ready", func(context.Context) (string, error) { return "oldest available job: 3s", nil },
			http.StatusOK, "ready\noldest available job: 3s"},
		{"job waited too long", func(context.Context) (string, error) {
			return "oldest available job: 5m0s", errors.New("job runner: oldest available job: 5m0s (limit 2m0s)")
		}, http.StatusServiceUnavailable, "job runner: oldest available job: 5m0s (limit 2m0s)"},
		{"no runner check", nil, http.StatusOK, "ready"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := web.NewServer(webtest.Config(), web.Deps{Store: f.Store, I18n: i18n.MustLoad(),
				Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Ready: tc.ready})
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			if rec.Code != tc.status || strings.TrimSpace(rec.Body.String()) != tc.body {
				t.Errorf("status %d body %q, want %d %q", rec.Code, rec.Body.String(), tc.status, tc.body)
			}
		})
	}
}
