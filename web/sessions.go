package web

import (
	"crypto/sha256"
	"encoding/gob"
	"net/http"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"partnerconsole/views"
)

const cookieName = "pc_session"

// cookieSessions keeps only an opaque session token (and a one-time flash)
// in a signed, encrypted cookie; who the session belongs to lives in the
// user_sessions table.
type cookieSessions struct {
	store *sessions.CookieStore
}

func newCookieSessions(key []byte, secure bool) *cookieSessions {
	// The flash travels in the cookie as a gob: name its type to gob here,
	// where the store that encodes it is built (registering twice is fine).
	gob.Register(views.Flash{})
	hash := sha256.Sum256(append([]byte("hash:"), key...))
	block := sha256.Sum256(append([]byte("block:"), key...))
	st := sessions.NewCookieStore(hash[:], block[:])
	st.Options = &sessions.Options{Path: "/", MaxAge: 12 * 3600, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
	return &cookieSessions{store: st}
}

func (s *cookieSessions) get(c echo.Context) *sessions.Session {
	sess, _ := s.store.Get(c.Request(), cookieName) // a bad cookie yields a fresh session
	return sess
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

// End forgets the token but keeps the cookie for the flash message.
func (s *cookieSessions) End(c echo.Context) error {
	sess := s.get(c)
	delete(sess.Values, "t")
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
