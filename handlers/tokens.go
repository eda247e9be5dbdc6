package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
	"partnerconsole/views"
	"partnerconsole/views/tokens"
)

func (h *H) tokensPage(c echo.Context, status int, v tokens.View) error {
	list, err := h.Store.ListTransferTokens(ctx(c), mustActor(c))
	if err != nil {
		return err
	}
	v.Tokens, v.Now = list, h.Store.Now()
	// A page that shows a secret must never be cached.
	c.Response().Header().Set("Cache-Control", "no-store")
	return Render(c, status, tokens.Page(h.page(c, "Transfer tokens"), v))
}

// Tokens lists the customer's transfer tokens (R-TOK-1).
func (h *H) Tokens(c echo.Context) error {
	f := forms.TokenForm{ResellerID: strings.TrimSpace(c.QueryParam("reseller_id"))}
	return h.tokensPage(c, http.StatusOK, tokens.View{Form: f})
}

// CreateToken makes a token and shows it once, on this response only.
func (h *H) CreateToken(c echo.Context) error {
	var f forms.TokenForm
	if err := bind(c, &f); err != nil {
		return err
	}
	secret, t, err := h.Store.CreateTransferToken(ctx(c), mustActor(c), f.ResellerID)
	if status, fe, ok := formFailure(err); ok {
		f.SetErrors(fe)
		return h.tokensPage(c, status, tokens.View{Form: f})
	}
	if err != nil {
		return err
	}
	return h.tokensPage(c, http.StatusOK, tokens.View{NewSecret: secret, NewFor: h.consoleLabel(c, t.ConsoleID)})
}

func (h *H) consoleLabel(c echo.Context, consoleID int64) string {
	list, err := h.Store.ListTransferTokens(ctx(c), mustActor(c))
	if err == nil {
		for _, t := range list {
			if t.ConsoleID == consoleID {
				return t.ConsoleName + " (" + t.PublicResellerID + ")"
			}
		}
	}
	return ""
}

// RevokeToken revokes a token.
func (h *H) RevokeToken(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Store.RevokeTransferToken(ctx(c), mustActor(c), id); err != nil {
		return h.tokenConflict(c, err)
	}
	return h.redirect(c, "/admin/tokens", "Transfer token revoked.")
}

// RegenerateToken replaces a token with a new one, shown once.
func (h *H) RegenerateToken(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	secret, t, err := h.Store.RegenerateTransferToken(ctx(c), mustActor(c), id)
	if err != nil {
		return h.tokenConflict(c, err)
	}
	return h.tokensPage(c, http.StatusOK, tokens.View{NewSecret: secret, NewFor: h.consoleLabel(c, t.ConsoleID)})
}

// tokenConflict turns a lost race on a token (already revoked, used or
// replaced, e.g. from an out-of-date tab) into a message on the tokens page;
// other errors go to the error page.
func (h *H) tokenConflict(c echo.Context, err error) error {
	var e *models.Error
	if !errors.As(err, &e) || e.Code != models.CodeConflict {
		return err
	}
	h.Sessions.Flash(c, views.Flash{Kind: "error", Text: Translator(c).T(e.Message)})
	return c.Redirect(http.StatusSeeOther, "/admin/tokens")
}
