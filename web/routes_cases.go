package web

import (
	"net/http"
	"regexp"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers"
	"partnerconsole/models"
	"partnerconsole/models/store"
)

// Support cases, the desk's queue, attachments, notices and the Sent mail
// page (issue 3).
func init() {
	areaRoutes = append(areaRoutes, func(h *handlers.H) []Route {
		const GET, POST = http.MethodGet, http.MethodPost
		return []Route{
			// Partner console: file and follow the console's cases.
			{GET, "/console/cases", h.Cases, console(models.PermFileCases)},
			{GET, "/console/cases.csv", h.CasesCSV, console(models.PermFileCases)},
			{GET, "/console/cases/new", h.NewCase, console(models.PermFileCases)},
			{POST, "/console/cases", h.CreateCase, console(models.PermFileCases)},
			{GET, "/console/cases/:id", h.Case, console(models.PermFileCases)},
			{POST, "/console/cases/:id/comments", h.CommentCase, console(models.PermFileCases)},
			{POST, "/console/cases/:id/reopen", h.ReopenCase, console(models.PermFileCases)},
			{GET, "/console/cases/:id/attachments/:aid", h.DownloadAttachment, console(models.PermFileCases)},

			// Support desk: the queue across all consoles.
			{GET, "/desk/cases", h.Cases, desk(models.PermWorkCases)},
			{GET, "/desk/cases.csv", h.CasesCSV, desk(models.PermWorkCases)},
			{GET, "/desk/cases/:id", h.Case, desk(models.PermWorkCases)},
			{POST, "/desk/cases/:id/comments", h.CommentCase, desk(models.PermWorkCases)},
			{POST, "/desk/cases/:id/state", h.ChangeCaseState, desk(models.PermWorkCases)},
			{POST, "/desk/cases/:id/assign", h.AssignCase, desk(models.PermWorkCases)},
			{POST, "/desk/cases/:id/action", h.RunCaseAction, desk(models.PermWorkCases)},
			{GET, "/desk/cases/:id/attachments/:aid", h.DownloadAttachment, desk(models.PermWorkCases)},
			{GET, "/desk/mail", h.SentMail, desk(models.PermDeskMail)},
			{GET, "/desk/mail/:id", h.SentMailItem, desk(models.PermDeskMail)},
			{POST, "/desk/mail/:id/retry", h.RetryMail, desk(models.PermDeskMail)},

			// Every signed-in user: the bell's notices and email settings.
			{GET, "/notifications", h.Notifications, anyUser},
			{POST, "/notifications/read-all", h.ReadAllNotifications, anyUser},
			{POST, "/notifications/read", h.ReadNotification, anyUser},
			{GET, "/notifications/settings", h.NotificationSettings, anyUser},
			{POST, "/notifications/settings", h.SaveNotificationSettings, anyUser},
		}
	})
}

var uploadPath = regexp.MustCompile(`^/(console/cases|console/cases/[0-9]+/comments|desk/cases/[0-9]+/comments)$`)

// isUpload tells whether a request posts a case message with attachments.
func isUpload(c echo.Context) bool {
	r := c.Request()
	return r.Method == http.MethodPost && uploadPath.MatchString(r.URL.Path)
}

// unreadNotices counts the signed-in user's unread notices for the bell of
// every page.
func unreadNotices(st *store.Store) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if a := handlers.Actor(c); a != nil {
				if n, err := st.UnreadCount(c.Request().Context(), *a); err == nil {
					c.Set(handlers.KeyUnread, n)
				}
			}
			return next(c)
		}
	}
}
