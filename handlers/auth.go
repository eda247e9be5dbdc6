package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/views"
	"partnerconsole/views/auth"
)

// SignInPage shows the sign-in form; a signed-in user goes to their portal.
func (h *H) SignInPage(c echo.Context) error {
	if a := Actor(c); a != nil {
		return c.Redirect(http.StatusSeeOther, a.Role.Portal())
	}
	// Half signed in: continue with the second step, unless the person
	// chose to sign in as someone else.
	if s := AuthOf(c); s != nil && s.Step != models.StepDone && c.QueryParam("again") == "" {
		return c.Redirect(http.StatusSeeOther, stepPath(s.Step, safeNext(c.QueryParam("next"))))
	}
	f := forms.SignInForm{Next: safeNext(c.QueryParam("next"))}
	return Render(c, http.StatusOK, auth.SignIn(h.page(c, "Sign in"), f))
}

// SignIn checks the credentials, rotates the session and lands the user in
// their portal (or the page they wanted).
func (h *H) SignIn(c echo.Context) error {
	var f forms.SignInForm
	if err := bind(c, &f); err != nil {
		return err
	}
	token, u, err := h.Store.SignIn(ctx(c), f.Email, f.Password, RealIP(c), c.Request().UserAgent())
	if err != nil {
		var e *models.Error
		if !errors.As(err, &e) || (e.Code != models.CodeUnauthorized && e.Code != models.CodeTooMany) {
			return err
		}
		code := e.Code
		f.Password = ""
		f.SetErrors(models.FieldErrors{"email": e.Message})
		status := http.StatusUnprocessableEntity
		if code == models.CodeTooMany {
			status = http.StatusTooManyRequests
		}
		return Render(c, status, auth.SignIn(h.page(c, "Sign in"), f))
	}
	// Signing in over a live session (another user at the same browser)
	// ends that session too: the old token must not outlive the rotation.
	if prev, _ := c.Get(KeyToken).(string); prev != "" {
		a := Actor(c)
		if s := AuthOf(c); a == nil && s != nil {
			half := store.ActorOf(s.User, RealIP(c))
			a = &half
		}
		if a != nil {
			if err := h.Store.SignOut(ctx(c), *a, prev); err != nil {
				return err
			}
		}
	}
	if err := h.Sessions.Begin(c, token); err != nil {
		return err
	}
	// Two-factor sign-in: the new session is not signed in until its
	// second step passes (a code, or setting up an authenticator).
	as, err := h.Store.AuthSession(ctx(c), token)
	if err != nil {
		return err
	}
	if as.Step == models.StepEnrol {
		// Draw the new authenticator's seed here, so the enrolment page
		// (a GET) only reads it.
		if _, err := h.Store.EnrolmentSecret(ctx(c), u.ID, u.Email); err != nil {
			return err
		}
	}
	if as.Step != models.StepDone {
		return c.Redirect(http.StatusSeeOther, stepPath(as.Step, safeNext(f.Next)))
	}
	return c.Redirect(http.StatusSeeOther, landing(u, f.Next))
}

// safeNext keeps only local paths, so sign-in cannot redirect off-site.
// Browsers drop tabs and newlines inside a URL ("/\t/evil.example" becomes
// "//evil.example"), so any control character or space rejects the path.
func safeNext(n string) string {
	if !strings.HasPrefix(n, "/") || strings.HasPrefix(n, "//") || strings.Contains(n, "\\") {
		return ""
	}
	for _, r := range n {
		if r <= ' ' || r == 0x7f {
			return ""
		}
	}
	return n
}

// SignOut ends the session.
func (h *H) SignOut(c echo.Context) error {
	if a := Actor(c); a != nil {
		tok, _ := c.Get(KeyToken).(string)
		if err := h.Store.SignOut(ctx(c), *a, tok); err != nil {
			return err
		}
	}
	if err := h.Sessions.End(c); err != nil {
		return err
	}
	h.Sessions.Flash(c, views.Flash{Kind: "info", Text: Translator(c).T("You are signed out.")})
	return c.Redirect(http.StatusSeeOther, "/sign-in")
}

// Account shows the user's profile and sessions.
func (h *H) Account(c echo.Context) error {
	a := mustActor(c)
	tok, _ := c.Get(KeyToken).(string)
	u, err := h.Store.Session(ctx(c), tok)
	if err != nil {
		return err
	}
	sessions, err := h.Store.Sessions(ctx(c), a, tok)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, auth.Account(h.page(c, "My account"), u, sessions))
}

// EndOtherSessions signs the user out everywhere else.
func (h *H) EndOtherSessions(c echo.Context) error {
	tok, _ := c.Get(KeyToken).(string)
	n, err := h.Store.EndOtherSessions(ctx(c), mustActor(c), tok)
	if err != nil {
		return err
	}
	h.Sessions.Flash(c, views.Flash{Kind: "success", Text: Translator(c).T("{{.N}} other sessions ended.", "N", n)})
	return c.Redirect(http.StatusSeeOther, "/account")
}

// SetLocale changes the user's language and returns to the page they were on.
func (h *H) SetLocale(c echo.Context) error {
	var f forms.LocaleForm
	if err := bind(c, &f); err != nil {
		return err
	}
	if err := h.Store.SetLocale(ctx(c), mustActor(c), f.Locale); err != nil {
		return err
	}
	back := safeNext(f.Back)
	if back == "" {
		back = mustActor(c).Role.Portal()
	}
	return c.Redirect(http.StatusSeeOther, back)
}

// SetTimeZone changes the user's time zone.
func (h *H) SetTimeZone(c echo.Context) error {
	var f forms.TimeZoneForm
	if err := bind(c, &f); err != nil {
		return err
	}
	if err := h.Store.SetTimeZone(ctx(c), mustActor(c), f.TimeZone); err != nil {
		return err
	}
	return h.redirect(c, "/account", "Time zone saved.")
}
