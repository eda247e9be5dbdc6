package web

import (
	"crypto/subtle"
	"net/http"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers"
	"partnerconsole/models"
)

// errCSRF refuses a state-changing request without the session's token.
func errCSRF() *models.Error {
	return &models.Error{Code: models.CodeForbidden, Message: "This form has expired. Reload the page and try again."}
}

// boundCSRF protects every state-changing request (issue 8 §3). echo's CSRF
// middleware compared a cookie with the form, so whoever could plant a cookie
// chose the token. Here the token is an HMAC of the server-side session id
// (or, before sign-in, of a pre-session id) held in the encrypted session
// cookie: it cannot be chosen, and it rotates at sign-in and sign-out.
//
// Fetch metadata first: a browser that says Sec-Fetch-Site: same-origin (or
// none: typed by the user) needs no token; cross-site is refused outright;
// same-site (a sibling subdomain) and older browsers must send the token, in
// the _csrf form field or the X-CSRF-Token header (htmx).
func boundCSRF(sess *cookieSessions) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p := c.Request().URL.Path
			if p == "/healthz" || p == "/readyz" || p == "/metrics" || len(p) > 7 && p[:8] == "/static/" {
				return next(c)
			}
			want := sess.CSRFToken(c)
			switch c.Request().Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
				if want == "" {
					want = sess.BeginPre(c)
				}
				c.Set(handlers.KeyCSRF, want)
				return next(c)
			}
			switch c.Request().Header.Get(echo.HeaderSecFetchSite) {
			case "same-origin", "none":
				c.Set(handlers.KeyCSRF, want)
				return next(c)
			case "cross-site":
				return errCSRF()
			}
			got := c.Request().Header.Get("X-CSRF-Token")
			if got == "" {
				got = c.FormValue("_csrf")
			}
			if want == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
				return errCSRF()
			}
			c.Set(handlers.KeyCSRF, want)
			return next(c)
		}
	}
}
