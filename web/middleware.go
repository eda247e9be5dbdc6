package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers"
	"partnerconsole/i18n"
	"partnerconsole/models"
	"partnerconsole/models/store"
)

// contentSecurityPolicy allows only our own files: no inline script or style,
// no eval, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// uploadBodyLimit bounds a case message: five files of the documented
// maximum (MiB, binary) and 1 MiB for the rest of the form and the multipart
// framing. A byte count: the limit parser reads "52M" as decimal megabytes.
func uploadBodyLimit() string {
	return fmt.Sprintf("%dB", models.MaxAttachmentsPerMessage*models.MaxAttachmentSize+1<<20)
}

// errBadBytes refuses a form with text PostgreSQL cannot store.
func errBadBytes(field string) error {
	return &models.Error{Code: models.CodeInvalid, Field: field,
		Message: "The form contains characters that cannot be saved (a NUL character or text that is not valid UTF-8). Remove them and send it again."}
}

// storable tells whether s is text PostgreSQL can store: valid UTF-8 with
// no NUL character (error 22021 otherwise).
func storable(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// refuseBadBytes refuses, before any handler, a request whose path, query
// or form carries text that cannot be stored: 400 for the address (a link
// nobody typed in a form), 422 with a message for a form. A user agent with
// such bytes is cleaned rather than refused (it is only recorded).
func refuseBadBytes() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if !storable(r.URL.Path) {
				return echo.NewHTTPError(http.StatusBadRequest)
			}
			if r.URL.RawQuery != "" {
				q, err := url.ParseQuery(r.URL.RawQuery)
				if err != nil {
					return echo.NewHTTPError(http.StatusBadRequest)
				}
				for k, vs := range q {
					if !storable(k) {
						return echo.NewHTTPError(http.StatusBadRequest)
					}
					for _, v := range vs {
						if !storable(v) {
							return echo.NewHTTPError(http.StatusBadRequest)
						}
					}
				}
			}
			if ua := r.Header.Get("User-Agent"); !storable(ua) {
				r.Header.Set("User-Agent", strings.ReplaceAll(strings.ToValidUTF8(ua, "\uFFFD"), "\x00", ""))
			}
			if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
				return next(c)
			}
			ct := r.Header.Get(echo.HeaderContentType)
			switch {
			case strings.HasPrefix(ct, echo.MIMEMultipartForm):
				if err := r.ParseMultipartForm(32 << 20); err != nil {
					return next(c) // the handler meets the same error (too large, malformed)
				}
			case strings.HasPrefix(ct, echo.MIMEApplicationForm):
				if err := r.ParseForm(); err != nil {
					return next(c)
				}
			default:
				return next(c)
			}
			for k, vs := range r.PostForm {
				if !storable(k) {
					return errBadBytes("")
				}
				for _, v := range vs {
					if !storable(v) {
						return errBadBytes(k)
					}
				}
			}
			if r.MultipartForm != nil {
				for k, fhs := range r.MultipartForm.File {
					if !storable(k) {
						return errBadBytes("")
					}
					for _, fh := range fhs {
						if !storable(fh.Filename) {
							return errBadBytes(k)
						}
					}
				}
			}
			return next(c)
		}
	}
}

// requestLog writes one JSON line per request, with its request id.
func requestLog(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			status := c.Response().Status
			level := slog.LevelInfo
			// An outage (503) is logged as an error once per interval by
			// the error handler, not once per request.
			if status >= 500 && status != http.StatusServiceUnavailable {
				level = slog.LevelError
			}
			log.LogAttrs(c.Request().Context(), level, "request",
				slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
				slog.String("method", c.Request().Method),
				slog.String("path", c.Request().URL.Path),
				slog.String("route", c.Path()),
				slog.Int("status", status),
				slog.Duration("duration", time.Since(start)),
				slog.String("ip", c.RealIP()),
			)
			return nil
		}
	}
}

// authenticate resolves the session cookie to an actor, and picks the
// translator: the user's language, else ?lang, else the browser's.
func authenticate(st *store.Store, sess *cookieSessions, bundle *i18n.Bundle) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if strings.HasPrefix(c.Request().URL.Path, "/static/") {
				return next(c)
			}
			if f, ok := sess.TakeFlash(c); ok {
				c.Set(handlers.KeyFlash, f)
			}
			locale, zone := guestLocale(c), "UTC"
			if tok := sess.Token(c); tok != "" {
				as, err := st.AuthSession(c.Request().Context(), tok)
				if err == nil {
					// A half-signed-in session (password passed, second
					// factor not yet) has no actor: every guarded route
					// treats it as signed out; only the sign-in steps see it.
					c.Set(handlers.KeyAuth, &as)
					c.Set(handlers.KeyToken, tok)
					if as.Step == models.StepDone {
						a := store.ActorOf(as.User, c.RealIP())
						c.Set(handlers.KeyActor, &a)
						c.Set(handlers.KeyOrgName, as.OrgName)
					}
					locale, zone = as.User.Locale, as.User.TimeZone
				} else if models.ErrorCode(err) != models.CodeUnauthorized {
					return err
				}
			}
			c.Set(handlers.KeyTranslator, bundle.For(locale, zone))
			return next(c)
		}
	}
}

func guestLocale(c echo.Context) string {
	if l := c.QueryParam("lang"); models.ValidLocale(l) {
		return l
	}
	al := strings.ToLower(c.Request().Header.Get("Accept-Language"))
	for _, part := range strings.Split(al, ",") {
		tag := strings.TrimSpace(strings.SplitN(part, ";", 2)[0])
		if len(tag) >= 2 && models.ValidLocale(tag[:2]) {
			return tag[:2]
		}
	}
	return "en"
}

// Access says who may use a route.
type Access struct {
	Public bool              // no sign-in needed
	Kinds  []models.OrgKind  // portal(s): the user's organisation kind
	Perm   models.Permission // permission needed, "" for any user of the portal
	Any    bool              // any signed-in user (account pages)
	// StepUp asks for a fresh second-factor code when the last one is older
	// than models.StepUpFreshFor (issue 8 §1); StepUpWhen, when set, limits
	// it to the requests it accepts (e.g. one action of a form).
	StepUp     bool
	StepUpWhen func(c echo.Context) bool
}

// guard enforces a route's Access: signed-out users go to sign-in (GET) or
// get 401; a user of another portal or without the permission gets 403.
// The store checks again: a route that forgot its guard still cannot reach
// another tenant's rows.
func guard(acc Access) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if acc.Public {
				return next(c)
			}
			a := handlers.Actor(c)
			if a == nil {
				if c.Request().Method == http.MethodGet {
					return c.Redirect(http.StatusSeeOther, "/sign-in?next="+c.Request().URL.RequestURI())
				}
				return &models.Error{Code: models.CodeUnauthorized, Message: "Sign in to continue."}
			}
			if acc.Any {
				return next(c)
			}
			kindOK := false
			for _, k := range acc.Kinds {
				if a.OrgKind == k {
					kindOK = true
				}
			}
			if !kindOK || (acc.Perm != "" && !a.Can(acc.Perm)) {
				return models.Forbidden()
			}
			return next(c)
		}
	}
}
