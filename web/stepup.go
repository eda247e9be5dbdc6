package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers"
	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/views"
)

// stepUp marks a route as sensitive: it asks for a fresh code first.
func stepUp(a Access) Access { a.StepUp = true; return a }

// stepUpWhen marks a route as sensitive for the requests when accepts.
func stepUpWhen(a Access, when func(c echo.Context) bool) Access {
	a.StepUp, a.StepUpWhen = true, when
	return a
}

// stepUpCodeField carries the fresh code posted with the original form.
const stepUpCodeField = "_step_up_code"

// stepUpGuard runs after the route's guard. When the route is sensitive and
// the session's last code is older than 10 minutes:
//   - a page (GET) redirects to /step-up, which returns to it after the code;
//   - a form (POST) is answered with a code form that carries every posted
//     field as a hidden input and posts back to the same address; when it
//     comes back with a good code, the original action runs with the user's
//     input as first typed. Nothing is stored on the server meanwhile.
//
// A user without a second factor (a role where it is optional) is sent to
// set one up first.
func stepUpGuard(st *store.Store, sess *cookieSessions, acc Access) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if !acc.StepUp {
			return next
		}
		return func(c echo.Context) error {
			if acc.StepUpWhen != nil && !acc.StepUpWhen(c) {
				return next(c)
			}
			a, s := handlers.Actor(c), handlers.AuthOf(c)
			if a == nil || s == nil {
				return next(c)
			}
			tr := handlers.Translator(c)
			if !s.HasSecondFactor {
				sess.Flash(c, views.Flash{Kind: "info", Text: tr.T("This action needs two-factor sign-in. Set it up first.")})
				return hxRedirect(c, "/account/two-factor")
			}
			if !models.StepUpNeeded(s.SecondFactorAt, st.Now()) {
				return next(c)
			}
			if c.Request().Method == http.MethodGet {
				return hxRedirect(c, "/step-up?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			code := c.FormValue(stepUpCodeField)
			if code == "" {
				return handlers.RenderStepUp(c, http.StatusOK, nil)
			}
			tok, _ := c.Get(handlers.KeyToken).(string)
			if err := st.VerifyStepUp(c.Request().Context(), *a, tok, code); err != nil {
				switch models.ErrorCode(err) {
				case models.CodeInvalid:
					return handlers.RenderStepUp(c, http.StatusUnprocessableEntity, err)
				case models.CodeTooMany:
					return handlers.RenderStepUp(c, http.StatusTooManyRequests, err)
				}
				return err
			}
			return next(c)
		}
	}
}

func hxRedirect(c echo.Context, to string) error {
	if c.Request().Header.Get("HX-Request") == "true" {
		c.Response().Header().Set("HX-Redirect", to)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// isRefundApproval: approving a refund (a desk action of a refund case, or
// the refund decision panel's Approve) asks for a fresh code.
func isRefundApproval(c echo.Context) bool {
	return c.FormValue("action") == models.ActionApproveRefund || c.FormValue("decision") == "approve"
}
