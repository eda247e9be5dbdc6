package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"partnerconsole/models"
	"partnerconsole/views/notifications"
)

// Notifications lists the signed-in user's notices, newest first.
func (h *H) Notifications(c echo.Context) error {
	a := mustActor(c)
	unread := c.QueryParam("show") == "unread"
	cursor := c.QueryParam("after")
	page, err := h.Store.ListNotifications(ctx(c), a, unread, cursor)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	v := notifications.ListView{Page: page, UnreadOnly: unread, OnFirst: cursor == "", FirstURL: withQuery("/notifications", q, "after", "")}
	if page.Next != "" {
		v.NextURL = withQuery("/notifications", q, "after", page.Next)
	}
	return Render(c, http.StatusOK, notifications.List(h.page(c, "Notifications"), v))
}

// ReadNotification marks a notice read and opens its link.
func (h *H) ReadNotification(c echo.Context) error {
	id, err := strconv.ParseInt(c.FormValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return &models.Error{Code: models.CodeInvalid, Field: "id", Message: "Choose a notification."}
	}
	n, err := h.Store.MarkNotificationRead(ctx(c), mustActor(c), id)
	if err != nil {
		return err
	}
	to := "/notifications"
	if c.FormValue("open") == "1" && strings.HasPrefix(n.Link, "/") && !strings.HasPrefix(n.Link, "//") {
		to = n.Link
	}
	return h.redirect(c, to, "")
}

// ReadAllNotifications marks every notice read.
func (h *H) ReadAllNotifications(c echo.Context) error {
	if _, err := h.Store.MarkAllNotificationsRead(ctx(c), mustActor(c)); err != nil {
		return err
	}
	return h.redirect(c, "/notifications", "All notifications marked as read.")
}

// NotificationSettings shows which emails the user receives.
func (h *H) NotificationSettings(c echo.Context) error {
	on, err := h.Store.EmailSettings(ctx(c), mustActor(c))
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, notifications.Settings(h.page(c, "Email notifications"), on))
}

// SaveNotificationSettings stores the email choices: a ticked box keeps a
// kind's email on.
func (h *H) SaveNotificationSettings(c echo.Context) error {
	on := map[models.NoticeKind]bool{}
	for _, k := range models.NoticeKinds() {
		on[k] = c.FormValue("email_"+string(k)) == "on"
	}
	if err := h.Store.SetEmailSettings(ctx(c), mustActor(c), on); err != nil {
		return err
	}
	return h.redirect(c, "/notifications/settings", "Email settings saved.")
}
