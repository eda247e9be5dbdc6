// The desk's Sent mail: the outbox, one email, retrying a failed one.

package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"partnerconsole/models"
	mailviews "partnerconsole/views/mail"
	"partnerconsole/views/notifications"
)

// SentMail is the desk's view of the outbox: what was sent, what waits,
// what failed (and, in local mode without SMTP, what would have been sent).
func (h *H) SentMail(c echo.Context) error {
	a := mustActor(c)
	f := models.OutboxFilter{Status: models.OutboxStatus(c.QueryParam("status")), To: strings.TrimSpace(c.QueryParam("to"))}
	cursor := c.QueryParam("after")
	page, err := h.Store.ListOutbox(ctx(c), a, f, cursor)
	if err != nil {
		return err
	}
	failures, _ := h.Store.OutboxFailures(ctx(c))
	q := c.QueryParams()
	v := notifications.MailListView{Filter: f, Page: page, Failures: failures, OnFirst: cursor == "", FirstURL: withQuery("/desk/mail", q, "after", "")}
	if page.Next != "" {
		v.NextURL = withQuery("/desk/mail", q, "after", page.Next)
	}
	return Render(c, http.StatusOK, notifications.MailList(h.page(c, "Sent mail"), v))
}

// SentMailItem shows one email as its recipient reads it.
func (h *H) SentMailItem(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	m, err := h.Store.GetOutbox(ctx(c), mustActor(c), id)
	if err != nil {
		return err
	}
	tr := h.I18n.For(m.Locale, "UTC")
	args := mailviews.Args(tr, m.Args)
	v := notifications.MailView{Message: m, Subject: tr.T(m.Title, args...), Body: tr.T(m.Body, args...), Link: strings.TrimSuffix(h.BaseURL, "/") + m.DeskLink()}
	return Render(c, http.StatusOK, notifications.MailItem(h.page(c, "Email"), v))
}

// RetryMail queues a failed email again.
func (h *H) RetryMail(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Store.RetryOutbox(ctx(c), mustActor(c), id); err != nil {
		return err
	}
	return h.redirect(c, "/desk/mail/"+strconv.FormatInt(id, 10), "The email is queued again.")
}
