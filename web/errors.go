package web

import (
	"errors"
	"log/slog"
	"net/http"

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

// errorHandler renders every error as a page a person understands. 500s are
// logged with the request id and never show their cause.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status := http.StatusInternalServerError
		var he *echo.HTTPError
		var de *models.Error
		msg := ""
		switch {
		case errors.As(err, &de):
			status = statusOf(de.Code)
			msg = de.Message
		case errors.As(err, &he):
			status = he.Code
		case models.ErrorCode(err) != models.CodeInternal:
			status = statusOf(models.ErrorCode(err))
		}
		reqID := c.Response().Header().Get(echo.HeaderXRequestID)
		if status >= 500 {
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
	}
	return "Something went wrong", "We could not complete this request. It has been logged; try again in a moment."
}
