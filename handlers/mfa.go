package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/pquerna/otp"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/views"
	"partnerconsole/views/auth"
)

// Context keys of two-factor sign-in, set by the web middleware.
const (
	// KeyAuth holds the request's *store.AuthSession, for a signed-in and for
	// a half-signed-in session alike.
	KeyAuth = "pc.auth"
)

// AuthOf returns the session of the request (signed in or half signed in),
// nil without one.
func AuthOf(c echo.Context) *store.AuthSession {
	s, _ := c.Get(KeyAuth).(*store.AuthSession)
	return s
}

// pendingAt returns the half-signed-in session waiting at step, nil otherwise.
func pendingAt(c echo.Context, step models.SignInStep) *store.AuthSession {
	if s := AuthOf(c); s != nil && Actor(c) == nil && s.Step == step {
		return s
	}
	return nil
}

func token(c echo.Context) string { t, _ := c.Get(KeyToken).(string); return t }

// stepPath is where a half-signed-in session continues.
func stepPath(step models.SignInStep, next string) string {
	p := "/sign-in/code"
	if step == models.StepEnrol {
		p = "/sign-in/enrol"
	}
	if next != "" {
		p += "?next=" + url.QueryEscape(next)
	}
	return p
}

// landing is where a user goes once fully signed in: the page they wanted
// when it is in their portal, else the portal.
func landing(u models.User, next string) string {
	dest := u.Role.Portal()
	if n := safeNext(next); n != "" && strings.HasPrefix(n, dest) {
		dest = n
	}
	return dest
}

// notPending answers a step page asked outside its step: a signed-in user
// goes to their portal, anyone else to the sign-in page.
func (h *H) notPending(c echo.Context) error {
	if a := Actor(c); a != nil {
		return c.Redirect(http.StatusSeeOther, a.Role.Portal())
	}
	if s := AuthOf(c); s != nil && s.Step != models.StepDone {
		return c.Redirect(http.StatusSeeOther, stepPath(s.Step, ""))
	}
	if c.Request().Method != http.MethodGet {
		h.Sessions.Flash(c, views.Flash{Kind: "error", Text: Translator(c).T("Your sign-in has expired. Sign in again.")})
	}
	return c.Redirect(http.StatusSeeOther, "/sign-in")
}

// SignInCodePage asks for the second factor's code.
func (h *H) SignInCodePage(c echo.Context) error {
	if pendingAt(c, models.StepCode) == nil {
		return h.notPending(c)
	}
	f := forms.CodeForm{Next: safeNext(c.QueryParam("next"))}
	return Render(c, http.StatusOK, auth.SignInCode(h.page(c, "Two-factor sign-in"), f))
}

// SignInCode checks the code and completes the sign-in.
func (h *H) SignInCode(c echo.Context) error {
	if pendingAt(c, models.StepCode) == nil {
		return h.notPending(c)
	}
	f := forms.CodeForm{Next: c.FormValue("next")}
	tok, u, err := h.Store.VerifySignInCode(ctx(c), token(c), c.FormValue("code"), RealIP(c))
	if err != nil {
		return h.codeRefused(c, err, f, func(f forms.CodeForm) templ.Component {
			return auth.SignInCode(h.page(c, "Two-factor sign-in"), f)
		})
	}
	if err := h.Sessions.Begin(c, tok); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, landing(u, f.Next))
}

// codeRefused re-renders a code form with the message on the field (422,
// 429 when throttled); an expired sign-in starts over.
func (h *H) codeRefused(c echo.Context, err error, f forms.CodeForm, page func(forms.CodeForm) templ.Component) error {
	var e *models.Error
	if !errors.As(err, &e) || (e.Code != models.CodeInvalid && e.Code != models.CodeTooMany) {
		if models.ErrorCode(err) == models.CodeUnauthorized {
			return h.notPending(c)
		}
		return err
	}
	f.SetErrors(models.FieldErrors{"code": e.Message})
	status := http.StatusUnprocessableEntity
	if e.Code == models.CodeTooMany {
		status = http.StatusTooManyRequests
	}
	return Render(c, status, page(f))
}

// SignInEnrolPage shows a user whose role requires a second factor how to
// set one up before anything else.
func (h *H) SignInEnrolPage(c echo.Context) error {
	s := pendingAt(c, models.StepEnrol)
	if s == nil {
		return h.notPending(c)
	}
	secret, err := h.Store.PendingEnrolmentSecret(ctx(c), s.User.ID)
	if models.ErrorCode(err) == models.CodeNotFound {
		// A signed-in user whose role came to require a second factor
		// arrives here without a seed: draw one.
		secret, err = h.Store.EnrolmentSecret(ctx(c), s.User.ID, s.User.Email)
	}
	if err != nil {
		return err
	}
	f := forms.CodeForm{Next: safeNext(c.QueryParam("next"))}
	return Render(c, http.StatusOK, auth.SignInEnrol(h.page(c, "Set up two-factor sign-in"), f, secret))
}

// SignInEnrol confirms the new authenticator with a code, completes the
// sign-in and shows the recovery codes once.
func (h *H) SignInEnrol(c echo.Context) error {
	s := pendingAt(c, models.StepEnrol)
	if s == nil {
		return h.notPending(c)
	}
	f := forms.CodeForm{Next: c.FormValue("next")}
	codes, tok, err := h.Store.ConfirmEnrolment(ctx(c), s.User, token(c), c.FormValue("code"), RealIP(c))
	if err != nil {
		secret, serr := h.Store.PendingEnrolmentSecret(ctx(c), s.User.ID)
		if serr != nil {
			return err
		}
		return h.codeRefused(c, err, f, func(f forms.CodeForm) templ.Component {
			return auth.SignInEnrol(h.page(c, "Set up two-factor sign-in"), f, secret)
		})
	}
	if err := h.Sessions.Begin(c, tok); err != nil {
		return err
	}
	return Render(c, http.StatusOK, auth.RecoveryCodes(h.page(c, "Recovery codes"), codes, landing(s.User, f.Next)))
}

// EnrolmentQR draws the QR code of the enrolment in progress as a PNG, here
// rather than by an outside service; it is never cached.
func (h *H) EnrolmentQR(c echo.Context) error {
	s := AuthOf(c)
	if s == nil || (Actor(c) == nil && s.Step != models.StepEnrol) {
		return h.notPending(c)
	}
	secret, err := h.Store.PendingEnrolmentSecret(ctx(c), s.User.ID)
	if models.ErrorCode(err) == models.CodeNotFound {
		return c.Redirect(http.StatusSeeOther, "/account/two-factor")
	} else if err != nil {
		return err
	}
	key, err := otp.NewKeyFromURL(store.OTPAuthURL(s.User.Email, secret))
	if err != nil {
		return fmt.Errorf("enrolment QR: %w", err)
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return fmt.Errorf("enrolment QR: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("enrolment QR: %w", err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "image/png", buf.Bytes())
}

// twoFactorState reads the account page's two-factor section.
func (h *H) twoFactorState(c echo.Context) (auth.SecondFactor, error) {
	a := mustActor(c)
	on, left, err := h.Store.SecondFactorStatus(ctx(c), a.UserID)
	if err != nil {
		return auth.SecondFactor{}, err
	}
	st := auth.SecondFactor{On: on, CodesLeft: left, CanTurnOff: models.CanTurnOffSecondFactor(a.Role) == nil, Required: models.SecondFactorRequired(a.Role)}
	if !on {
		if secret, err := h.Store.PendingEnrolmentSecret(ctx(c), a.UserID); err == nil {
			st.Secret = secret
		} else if models.ErrorCode(err) != models.CodeNotFound {
			return st, err
		}
	}
	return st, nil
}

// TwoFactor shows the account's two-factor sign-in: on (recovery codes,
// turn off) or off (set up, then confirm with a code).
func (h *H) TwoFactor(c echo.Context) error {
	st, err := h.twoFactorState(c)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, auth.TwoFactor(h.page(c, "Two-factor sign-in"), forms.CodeForm{}, st))
}

// StartTwoFactor draws a new seed for the account and shows it.
func (h *H) StartTwoFactor(c echo.Context) error {
	s := AuthOf(c)
	if _, err := h.Store.EnrolmentSecret(ctx(c), s.User.ID, s.User.Email); err != nil {
		return h.twoFactorFailure(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/account/two-factor")
}

// twoFactorFailure re-renders the two-factor page with a conflict's message.
func (h *H) twoFactorFailure(c echo.Context, err error) error {
	if models.ErrorCode(err) != models.CodeConflict {
		return err
	}
	st, serr := h.twoFactorState(c)
	if serr != nil {
		return serr
	}
	var e *models.Error
	errors.As(err, &e) // a conflict is always a *models.Error
	f := forms.CodeForm{Messages: forms.Messages{Errors: models.FieldErrors{"_form": e.Message}}}
	return Render(c, http.StatusConflict, auth.TwoFactor(h.page(c, "Two-factor sign-in"), f, st))
}

// ConfirmTwoFactor switches the account's second factor on with a code and
// shows the recovery codes once.
func (h *H) ConfirmTwoFactor(c echo.Context) error {
	s := AuthOf(c)
	codes, _, err := h.Store.ConfirmEnrolment(ctx(c), s.User, token(c), c.FormValue("code"), RealIP(c))
	if err != nil {
		if models.ErrorCode(err) == models.CodeConflict {
			return h.twoFactorFailure(c, err)
		}
		st, serr := h.twoFactorState(c)
		if serr != nil {
			return serr
		}
		return h.codeRefused(c, err, forms.CodeForm{}, func(f forms.CodeForm) templ.Component {
			return auth.TwoFactor(h.page(c, "Two-factor sign-in"), f, st)
		})
	}
	return Render(c, http.StatusOK, auth.RecoveryCodes(h.page(c, "Recovery codes"), codes, "/account/two-factor"))
}

// RegenerateRecoveryCodes voids the old recovery codes and shows ten new ones.
func (h *H) RegenerateRecoveryCodes(c echo.Context) error {
	codes, err := h.Store.RegenerateRecoveryCodes(ctx(c), mustActor(c))
	if err != nil {
		return h.twoFactorFailure(c, err)
	}
	return Render(c, http.StatusOK, auth.RecoveryCodes(h.page(c, "Recovery codes"), codes, "/account/two-factor"))
}

// TurnOffTwoFactor removes the account's second factor where the role allows.
func (h *H) TurnOffTwoFactor(c echo.Context) error {
	if err := h.Store.TurnOffSecondFactor(ctx(c), mustActor(c)); err != nil {
		return h.twoFactorFailure(c, err)
	}
	return h.redirect(c, "/account/two-factor", "Two-factor sign-in is off.")
}

// StepUpPage asks for a fresh code before a sensitive page; the code posts
// to /step-up, which returns to the page.
func (h *H) StepUpPage(c echo.Context) error {
	next := safeNext(c.QueryParam("next"))
	return Render(c, http.StatusOK, auth.StepUp(h.page(c, "Confirm it is you"), forms.CodeForm{}, "/step-up", [][2]string{{"next", next}}))
}

// StepUp takes the fresh code and returns to the page that asked for it.
func (h *H) StepUp(c echo.Context) error {
	next := safeNext(c.FormValue("next"))
	if err := h.Store.VerifyStepUp(ctx(c), mustActor(c), token(c), c.FormValue("_step_up_code")); err != nil {
		return h.codeRefused(c, err, forms.CodeForm{}, func(f forms.CodeForm) templ.Component {
			return auth.StepUp(h.page(c, "Confirm it is you"), f, "/step-up", [][2]string{{"next", next}})
		})
	}
	if next == "" {
		next = mustActor(c).Role.Portal()
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// RenderStepUp asks for a fresh code in place of a sensitive POST: the
// posted fields are kept in the page and the form posts back to the same
// address with the code, so the action continues with the user's input.
func RenderStepUp(c echo.Context, status int, codeErr error) error {
	form, _ := c.FormParams()
	var fields [][2]string
	for k, vs := range form {
		if k == "_csrf" || k == "_step_up_code" {
			continue
		}
		for _, v := range vs {
			fields = append(fields, [2]string{k, v})
		}
	}
	sort.Slice(fields, func(i, j int) bool { return fields[i][0] < fields[j][0] })
	var f forms.CodeForm
	if codeErr != nil {
		var e *models.Error
		if errors.As(codeErr, &e) {
			f.SetErrors(models.FieldErrors{"code": e.Message})
		}
	}
	if c.Request().Header.Get("HX-Request") == "true" {
		// An htmx form swaps a fragment: take the whole page instead.
		c.Response().Header().Set("HX-Retarget", "body")
		c.Response().Header().Set("HX-Reswap", "outerHTML")
	}
	return Render(c, status, auth.StepUp(PageFor(c, "Confirm it is you"), f, c.Request().URL.RequestURI(), fields))
}

// ResetUserTwoFactor lets a super admin reset a user's second factor.
func (h *H) ResetUserTwoFactor(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.Store.ResetSecondFactor(ctx(c), mustActor(c), id); err != nil {
		return err
	}
	return h.redirect(c, fmt.Sprintf("/console/users/%d/edit", id), "Two-factor sign-in reset. The user sets it up again at their next sign-in.")
}

// DeskTwoFactorPage is the desk's form to reset a user's second factor.
func (h *H) DeskTwoFactorPage(c echo.Context) error {
	return Render(c, http.StatusOK, auth.DeskResetSecondFactor(h.page(c, "Reset two-factor sign-in"), forms.ResetSecondFactorForm{}))
}

// DeskResetTwoFactor resets the second factor of the user with the email.
func (h *H) DeskResetTwoFactor(c echo.Context) error {
	f := forms.ResetSecondFactorForm{Email: strings.TrimSpace(c.FormValue("email"))}
	if _, err := h.Store.ResetSecondFactorByEmail(ctx(c), mustActor(c), f.Email); err != nil {
		var e *models.Error
		if errors.As(err, &e) && e.Code == models.CodeInvalid {
			f.SetErrors(models.FieldErrors{e.Field: e.Message})
			return Render(c, http.StatusUnprocessableEntity, auth.DeskResetSecondFactor(h.page(c, "Reset two-factor sign-in"), f))
		}
		return err
	}
	return h.redirect(c, "/desk/two-factor", "Two-factor sign-in reset. The user sets it up again at their next sign-in.")
}
