package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// Profiles are served to the bearer of the metrics token only: not without
// it, not with another, and not at all (loopback included) when no token is
// configured.
func TestPprofNeedsTheMetricsToken(t *testing.T) {
	for _, c := range []struct {
		name, token, auth string
		want              int
	}{
		{"no token given", "s3cret", "", http.StatusNotFound},
		{"a wrong token", "s3cret", "Bearer guess", http.StatusNotFound},
		{"the token without Bearer", "s3cret", "s3cret", http.StatusNotFound},
		{"no token configured, from loopback", "", "Bearer ", http.StatusNotFound},
		{"the token", "s3cret", "Bearer s3cret", http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := echo.New()
			e.GET("/debug/pprof/*", pprofHandler(c.token))
			req := httptest.NewRequest(http.MethodGet, "/debug/pprof/", nil)
			req.RemoteAddr = "127.0.0.1:5555"
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != c.want {
				t.Fatalf("status %d, want %d", rec.Code, c.want)
			}
			if c.want == http.StatusOK && !strings.Contains(rec.Body.String(), "goroutine") {
				t.Error("the index lists no profile")
			}
		})
	}
}
