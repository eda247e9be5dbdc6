package web

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/labstack/echo/v4"

	"partnerconsole/handlers"
	"partnerconsole/models"
	"partnerconsole/views/layout"
)

// statusOf maps a domain error code to its HTTP status: the one place.
func statusOf(code models.Code) int {
	switch code {
	case models.CodeInvalid:
		return http.StatusUnprocessableEntity
	case models.CodeNotFound:
		return http.StatusNotFound
	case models.CodeConflict:
		return http.StatusConflict
	case models.CodeForbidden:
		return http.StatusForbidden
	case models.CodeUnauthorized:
		return http.StatusUnauthorized
	case models.CodeTooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// outageLogEvery is how often an outage of the database is logged while it
// lasts (each request during it answers 503 without an ERROR line).
const outageLogEvery = time.Minute

// outageLog logs a database outage once per interval, with how many
// requests it refused since the last line. One per server, never global.
type outageLog struct {
	mu      sync.Mutex
	every   time.Duration
	last    time.Time
	refused int
}

// note counts one refused request and says whether to log now, and how many
// were refused since the last line.
func (o *outageLog) note(now time.Time) (bool, int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.refused++
	if !o.last.IsZero() && now.Sub(o.last) < o.every {
		return false, 0
	}
	n := o.refused
	o.last, o.refused = now, 0
	return true, n
}

// databaseUnavailable tells whether err means the database cannot be
// reached (down, restarting, refusing connections) rather than a bug.
func databaseUnavailable(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &ce), errors.As(err, &ne), errors.Is(err, driver.ErrBadConn), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.As(err, &pe):
		// Class 08: connection exception; 57P01-03: shut down, crashed, starting.
		return len(pe.Code) == 5 && (pe.Code[:2] == "08" || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03")
	case errors.Is(err, context.DeadlineExceeded):
		return pgconn.Timeout(err)
	}
	return false
}

// errorHandler renders every error as a page a person understands. 500s are
// logged with the request id and never show their cause; an unreachable
// database answers 503 and is logged once per interval.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	outage := &outageLog{every: outageLogEvery}
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status := http.StatusInternalServerError
		var he *echo.HTTPError
		var de *models.Error
		msg := ""
		switch {
		case databaseUnavailable(err):
			status = http.StatusServiceUnavailable
			if ok, n := outage.note(time.Now()); ok {
				log.ErrorContext(c.Request().Context(), "database unavailable: answering 503 until it is back",
					slog.String("error", err.Error()), slog.Int("refused_requests", n), slog.Duration("next_log_after", outage.every))
			}
		case errors.As(err, &de):
			status = statusOf(de.Code)
			msg = de.Message
		case errors.As(err, &he):
			status = he.Code
		case models.ErrorCode(err) != models.CodeInternal:
			status = statusOf(models.ErrorCode(err))
		}
		reqID := c.Response().Header().Get(echo.HeaderXRequestID)
		if status >= 500 && status != http.StatusServiceUnavailable {
			log.ErrorContext(c.Request().Context(), "request failed", slog.String("request_id", reqID), slog.String("error", err.Error()))
		}
		p := handlers.PageFor(c, "Error")
		heading, detail := describe(status)
		heading, detail = p.Tr(heading), p.Tr(detail)
		if msg != "" && status != http.StatusInternalServerError && status != http.StatusNotFound && status != http.StatusForbidden {
			detail = p.Tr(msg)
		}
		p.Title = heading
		if status != http.StatusInternalServerError {
			reqID = ""
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		_ = handlers.Render(c, status, layout.ErrorPage(p, status, heading, detail, reqID))
	}
}

func describe(status int) (string, string) {
	switch status {
	case http.StatusNotFound:
		return "Page not found", "There is nothing here, or you do not have access to it."
	case http.StatusForbidden:
		return "Not allowed", "Your role does not allow this action. Ask a super admin of your organisation if you need it."
	case http.StatusUnauthorized:
		return "Please sign in", "Your session has ended. Sign in again to continue."
	case http.StatusTooManyRequests:
		return "Too many requests", "Wait a moment and try again."
	case http.StatusConflict:
		return "Already changed", "Someone changed this in the meantime. Reload the page to see its current state."
	case http.StatusUnprocessableEntity:
		return "Check your input", "Some of what was sent is not valid."
	case http.StatusRequestEntityTooLarge:
		return "Too large", "What you sent is larger than allowed."
	case http.StatusMethodNotAllowed:
		return "Not allowed", "This address does not accept that kind of request."
	case http.StatusBadRequest:
		return "Bad request", "The request could not be understood. Reload the page and try again."
	case http.StatusServiceUnavailable:
		return "Temporarily unavailable", "The console cannot reach its database right now. Nothing was changed; try again in a minute."
	}
	return "Something went wrong", "We could not complete this request. It has been logged; try again in a moment."
}
