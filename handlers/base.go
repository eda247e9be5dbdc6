// Package handlers holds the HTTP entry points, by area. A handler binds a
// form, calls one store method with the actor, and renders; rules live in
// models and the store.
package handlers

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"partnerconsole/i18n"
	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/views"
)

// Context keys set by the web middleware.
const (
	KeyActor      = "pc.actor"
	KeyTranslator = "pc.tr"
	KeyCSRF       = "csrf" // echo's CSRF middleware default key
	KeyFlash      = "pc.flash"
	KeyToken      = "pc.token"
	KeyOrgName    = "pc.orgname"
	KeyUnread     = "pc.unread" // unread notices, for the bell
)

// Sessions is the cookie side of sessions, provided by the web package.
type Sessions interface {
	// Begin stores a new session token in the cookie (rotating any old one).
	Begin(c echo.Context, token string) error
	// End clears the cookie.
	End(c echo.Context) error
	// Flash stores a message for the next page.
	Flash(c echo.Context, f views.Flash)
}

// Deps are what handlers need.
type Deps struct {
	Store    *store.Store
	I18n     *i18n.Bundle
	Log      *slog.Logger
	Sessions Sessions
	// BaseURL is the console's public address, for links in emails.
	BaseURL string
	// Production is APP_ENV=production: local-mode conveniences (generating
	// key cards) are off.
	Production bool
}

// H holds every handler.
type H struct{ Deps }

// New returns the handlers.
func New(d Deps) *H { return &H{Deps: d} }

// Actor returns the signed-in actor, nil when signed out.
func Actor(c echo.Context) *models.Actor {
	a, _ := c.Get(KeyActor).(*models.Actor)
	return a
}

// mustActor is for routes the guard already restricted to signed-in users.
func mustActor(c echo.Context) models.Actor {
	if a := Actor(c); a != nil {
		return *a
	}
	return models.Actor{}
}

// Translator returns the request's translator.
func Translator(c echo.Context) *i18n.Translator {
	t, _ := c.Get(KeyTranslator).(*i18n.Translator)
	return t
}

// PageFor builds a view's page context from the request.
func PageFor(c echo.Context, title string) views.Page {
	tr := Translator(c)
	if tr == nil {
		tr = i18n.English()
	}
	p := views.Page{Title: tr.T(title), Actor: Actor(c), T: tr, Path: c.Request().URL.Path}
	p.CSRF, _ = c.Get(KeyCSRF).(string)
	p.Flash, _ = c.Get(KeyFlash).(views.Flash)
	p.OrgName, _ = c.Get(KeyOrgName).(string)
	p.Unread, _ = c.Get(KeyUnread).(int)
	return p
}

func (h *H) page(c echo.Context, title string) views.Page { return PageFor(c, title) }

// RenderBuffers are the buffers pages are rendered into, reused from one
// request to the next (the server makes one set and hands it to each
// request under KeyBuffers).
type RenderBuffers struct{ p sync.Pool }

// KeyBuffers holds the request's *RenderBuffers.
const KeyBuffers = "pc.buffers"

// renderBuffer is the room a page is rendered into; most pages fit.
// maxPooledBuffer bounds what goes back to the pool.
const (
	renderBuffer    = 32 << 10
	maxPooledBuffer = 256 << 10
)

func (b *RenderBuffers) get() *bytes.Buffer {
	if x, ok := b.p.Get().(*bytes.Buffer); ok {
		return x
	}
	buf := new(bytes.Buffer)
	buf.Grow(renderBuffer)
	return buf
}

func (b *RenderBuffers) put(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBuffer {
		buf.Reset()
		b.p.Put(buf)
	}
}

// Render writes a templ component with a status. The page is rendered in
// memory first and sent in one write with its length: streamed, it went out
// as ~4 KB chunks, a system call each; and a page that fails half-way now
// becomes an error page instead of a truncated one.
func Render(c echo.Context, status int, comp templ.Component) error {
	bufs, _ := c.Get(KeyBuffers).(*RenderBuffers)
	if bufs == nil {
		bufs = &RenderBuffers{}
	}
	buf := bufs.get()
	defer bufs.put(buf)
	if err := comp.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	c.Response().WriteHeader(status)
	_, err := c.Response().Write(buf.Bytes())
	return err
}

// redirect sends a flash and a 303 to url; an htmx request gets HX-Redirect.
func (h *H) redirect(c echo.Context, url string, flash string) error {
	if flash != "" {
		h.Sessions.Flash(c, views.Flash{Kind: "success", Text: Translator(c).T(flash)})
	}
	if c.Request().Header.Get("HX-Request") == "true" {
		c.Response().Header().Set("HX-Redirect", url)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, url)
}

// pathID reads a numeric path parameter; a bad one is a 404.
func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, models.NotFound()
	}
	return id, nil
}

// withQuery returns path?query with one parameter replaced.
func withQuery(path string, q url.Values, key, value string) string {
	n := url.Values{}
	for k, v := range q {
		n[k] = append([]string(nil), v...)
	}
	if value == "" {
		n.Del(key)
	} else {
		n.Set(key, value)
	}
	if len(n) == 0 {
		return path
	}
	return path + "?" + n.Encode()
}

// ctx is the request's context.
func ctx(c echo.Context) context.Context { return c.Request().Context() }

// RealIP is the client address as the trusted extractor saw it.
func RealIP(c echo.Context) string { return c.RealIP() }
