package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"partnerconsole/models"
	"partnerconsole/views/audit"
)

func auditFilter(c echo.Context) models.AuditFilter {
	f := models.AuditFilter{Action: strings.TrimSpace(c.QueryParam("action")), RecordType: strings.TrimSpace(c.QueryParam("record_type"))}
	f.ActorUserID, _ = strconv.ParseInt(c.QueryParam("actor"), 10, 64)
	f.RecordID, _ = strconv.ParseInt(c.QueryParam("record_id"), 10, 64)
	return f
}

// Audit shows the organisation's audit log (the desk: everyone's).
func (h *H) Audit(c echo.Context) error {
	a := mustActor(c)
	f := auditFilter(c)
	page, l, err := pagedList(c, a.Role.Portal()+"/audit", func(cursor string) (models.Page[models.AuditEvent], error) {
		return h.Store.ListAudit(ctx(c), a, f, cursor)
	})
	if err != nil {
		return err
	}
	v := audit.View{Filter: f, Page: page, Base: l.Base, OnFirst: l.OnFirst, CSVURL: l.CSVURL, FirstURL: l.FirstURL, NextURL: l.NextURL}
	return Render(c, http.StatusOK, audit.List(h.page(c, "Audit log"), v))
}

// AuditCSV exports the filtered audit log.
func (h *H) AuditCSV(c echo.Context) error {
	a := mustActor(c)
	header := []string{"id", "at", "organisation_id", "actor_user_id", "actor", "action", "record_type", "record_id", "before", "after", "ip"}
	return h.exportCSV(c, "audit", header, func(write func(...string) error) error {
		return h.Store.ExportAudit(ctx(c), a, auditFilter(c), func(e models.AuditEvent) error {
			actor := ""
			if e.ActorUserID != nil {
				actor = strconv.FormatInt(*e.ActorUserID, 10)
			}
			return write(strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339), strconv.FormatInt(e.OrganisationID, 10),
				actor, csvSafe(e.ActorName), e.Action, e.RecordType, strconv.FormatInt(e.RecordID, 10), csvSafe(string(e.Before)), csvSafe(string(e.After)), e.IP)
		})
	})
}
