package handlers

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// DownloadAttachment sends a case file to someone who may see the case. It
// is always a download (never shown inline) with its sniffed type and
// nosniff, so a file cannot run as a page of the console.
func (h *H) DownloadAttachment(c echo.Context) error {
	caseID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	id, err := pathID(c, "aid")
	if err != nil {
		return err
	}
	at, err := h.Store.GetAttachment(ctx(c), mustActor(c), caseID, id)
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": at.FileName})
	if disp == "" {
		disp = `attachment; filename="attachment"`
	}
	hd.Set(echo.HeaderContentDisposition, disp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox")
	hd.Set("Cache-Control", "private, no-store")
	hd.Set(echo.HeaderContentLength, strconv.Itoa(len(at.Data)))
	return c.Blob(http.StatusOK, at.ContentType, at.Data)
}
