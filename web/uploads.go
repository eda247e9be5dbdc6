package web

import (
	"net/http"
	"regexp"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers"
	"partnerconsole/models/store"
)

// Case messages carry attachments (R-CASE-2) and need a larger body limit
// than other requests; every page shows the bell's unread count.

// uploadMatcher returns the test of whether a request posts a case message
// with attachments.
func uploadMatcher() func(echo.Context) bool {
	path := regexp.MustCompile(`^/(console/cases|console/cases/[0-9]+/comments|desk/cases/[0-9]+/comments)$`)
	return func(c echo.Context) bool {
		r := c.Request()
		return r.Method == http.MethodPost && path.MatchString(r.URL.Path)
	}
}

// unreadNotices counts the signed-in user's unread notices for the bell of
// every page.
func unreadNotices(st *store.Store) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if a := handlers.Actor(c); a != nil {
				// The session's query counted them already.
				if as := handlers.AuthOf(c); as != nil {
					c.Set(handlers.KeyUnread, as.Unread)
					return next(c)
				}
				if n, err := st.UnreadCount(c.Request().Context(), *a); err == nil {
					c.Set(handlers.KeyUnread, n)
				}
			}
			return next(c)
		}
	}
}

// renderBuffers hands every request the server's page buffers (see
// handlers.Render).
func renderBuffers(b *handlers.RenderBuffers) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Set(handlers.KeyBuffers, b)
			return next(c)
		}
	}
}
