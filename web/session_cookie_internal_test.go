package web

import (
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/securecookie"
	"github.com/labstack/echo/v4"

	"partnerconsole/views"
)

// The session cookie round-trips its token, pre-session id and flash through
// the JSON serializer, and a cookie written as gob before it is still read.
func TestSessionCookieRoundTripsAndReadsGobCookies(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	s := newCookieSessions(key, false)
	e := echo.New()
	read := func(value string) echo.Context {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.AddCookie(&http.Cookie{Name: s.name, Value: value})
		return e.NewContext(req, httptest.NewRecorder())
	}

	rec := httptest.NewRecorder()
	c := e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
	if err := s.Begin(c, "tok-123"); err != nil {
		t.Fatal(err)
	}
	s.Flash(c, views.Flash{Kind: "success", Text: "Customer created."})
	cookies := rec.Result().Cookies()
	value := cookies[len(cookies)-1].Value

	c2 := read(value)
	if got := s.Token(c2); got != "tok-123" {
		t.Fatalf("token %q", got)
	}
	if f, ok := s.TakeFlash(c2); !ok || f.Text != "Customer created." || f.Kind != "success" {
		t.Fatalf("flash %+v %v", f, ok)
	}

	// Inside the signature and encryption the values are JSON, not gob.
	hash := sha256.Sum256(append([]byte("hash:"), key...))
	block := sha256.Sum256(append([]byte("block:"), key...))
	var plain []byte
	raw := securecookie.New(hash[:], block[:]).SetSerializer(securecookie.NopEncoder{})
	if err := raw.Decode(s.name, value, &plain); err != nil || !strings.HasPrefix(string(plain), `{"t":"tok-123"`) {
		t.Fatalf("cookie holds %q (%v)", plain, err)
	}

	// A cookie written as gob (before the JSON form) is still read.
	old, err := securecookie.New(hash[:], block[:]).Encode(s.name, map[any]any{"t": "old-token"})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Token(read(old)); got != "old-token" {
		t.Fatalf("gob cookie gave token %q", got)
	}

	// Something else in the values is refused rather than dropped.
	if _, err := (cookieSerializer{}).Serialize(map[any]any{"x": 1}); err == nil {
		t.Fatal("an unknown value was serialised")
	}
}
