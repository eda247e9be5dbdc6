package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/gob"
	"net/http"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"partnerconsole/views"
)

// cookieName is the session cookie's name. In production it carries the
// __Host- prefix: the browser then accepts it only from this exact host,
// over HTTPS, with Path=/ and no Domain, so a sibling subdomain or a
// plain-HTTP answer cannot plant one.
func cookieName(secure bool) string {
	if secure {
		return "__Host-pc_session"
	}
	return "pc_session"
}

// cookieSessions keeps only an opaque session token (and a one-time flash)
// in a signed, encrypted cookie; who the session belongs to lives in the
// user_sessions table.
type cookieSessions struct {
	store *sessions.CookieStore
	name  string
	// csrfKey signs CSRF tokens: HMAC of the session (or pre-session) id.
	csrfKey []byte
}

func newCookieSessions(key []byte, secure bool) *cookieSessions {
	// Cookies are written as JSON (cookieSerializer); one written as a gob
	// before that is still read, and its flash type must be named to gob
	// (registering twice is fine).
	gob.Register(views.Flash{})
	hash := sha256.Sum256(append([]byte("hash:"), key...))
	block := sha256.Sum256(append([]byte("block:"), key...))
	st := sessions.NewCookieStore(hash[:], block[:])
	for _, c := range st.Codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.SetSerializer(cookieSerializer{})
		}
	}
	st.Options = &sessions.Options{Path: "/", MaxAge: 12 * 3600, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
	csrf := sha256.Sum256(append([]byte("csrf:"), key...))
	return &cookieSessions{store: st, name: cookieName(secure), csrfKey: csrf[:]}
}

func (s *cookieSessions) get(c echo.Context) *sessions.Session {
	sess, _ := s.store.Get(c.Request(), s.name) // a bad cookie yields a fresh session
	return sess
}

// CSRFToken is the CSRF token bound to this browser's session: an HMAC of
// the session token when signed in (or half signed in), else of the
// pre-session id kept for the sign-in form; "" when the cookie has neither.
// The session and pre-session ids change at sign-in and sign-out, so the
// token rotates with them; a planted cookie of the attacker's choosing does
// not decrypt, and the attacker's own session yields their own token only.
func (s *cookieSessions) CSRFToken(c echo.Context) string {
	v := s.get(c).Values
	if t, _ := v["t"].(string); t != "" {
		return s.mac("session:" + t)
	}
	if p, _ := v["p"].(string); p != "" {
		return s.mac("pre:" + p)
	}
	return ""
}

func (s *cookieSessions) mac(msg string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// BeginPre gives a signed-out browser a pre-session id (for the sign-in
// form's CSRF token) and returns the token.
func (s *cookieSessions) BeginPre(c echo.Context) string {
	sess := s.get(c)
	p := newPreID()
	sess.Values["p"] = p
	_ = sess.Save(c.Request(), c.Response())
	return s.mac("pre:" + p)
}

func newPreID() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Token returns the session token in the cookie, "" when none.
func (s *cookieSessions) Token(c echo.Context) string {
	t, _ := s.get(c).Values["t"].(string)
	return t
}

// Begin replaces the cookie's whole content with a new token: the session
// id rotates at every sign-in.
func (s *cookieSessions) Begin(c echo.Context, token string) error {
	sess := s.get(c)
	sess.Values = map[any]any{"t": token}
	return sess.Save(c.Request(), c.Response())
}

// End forgets the token but keeps the cookie for the flash message, with a
// new pre-session id: the CSRF token rotates at sign-out too.
func (s *cookieSessions) End(c echo.Context) error {
	sess := s.get(c)
	delete(sess.Values, "t")
	sess.Values["p"] = newPreID()
	return sess.Save(c.Request(), c.Response())
}

// Flash stores a message shown on the next page.
func (s *cookieSessions) Flash(c echo.Context, f views.Flash) {
	sess := s.get(c)
	sess.AddFlash(f)
	_ = sess.Save(c.Request(), c.Response())
}

// TakeFlash reads and clears the pending flash message.
func (s *cookieSessions) TakeFlash(c echo.Context) (views.Flash, bool) {
	sess := s.get(c)
	fl := sess.Flashes()
	if len(fl) == 0 {
		return views.Flash{}, false
	}
	_ = sess.Save(c.Request(), c.Response())
	f, ok := fl[len(fl)-1].(views.Flash)
	return f, ok
}
