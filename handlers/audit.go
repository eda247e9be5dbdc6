package handlers

import (
	"encoding/csv"
	"fmt"
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
	cursor := c.QueryParam("after")
	page, err := h.Store.ListAudit(ctx(c), a, f, cursor)
	if err != nil {
		return err
	}
	base := a.Role.Portal() + "/audit"
	q := c.QueryParams()
	v := audit.View{Filter: f, Page: page, Base: base, OnFirst: cursor == "", FirstURL: withQuery(base, q, "after", ""),
		CSVURL: withQuery(base+".csv", q, "after", "")}
	if page.Next != "" {
		v.NextURL = withQuery(base, q, "after", page.Next)
	}
	return Render(c, http.StatusOK, audit.List(h.page(c, "Audit log"), v))
}

// AuditCSV exports the filtered audit log.
func (h *H) AuditCSV(c echo.Context) error {
	a := mustActor(c)
	c.Response().Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="audit-%s.csv"`, time.Now().UTC().Format("20060102")))
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	_ = w.Write([]string{"id", "at", "organisation_id", "actor_user_id", "actor", "action", "record_type", "record_id", "before", "after", "ip"})
	err := h.Store.ExportAudit(ctx(c), a, auditFilter(c), func(e models.AuditEvent) error {
		actor := ""
		if e.ActorUserID != nil {
			actor = strconv.FormatInt(*e.ActorUserID, 10)
		}
		return w.Write([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339), strconv.FormatInt(e.OrganisationID, 10),
			actor, csvSafe(e.ActorName), e.Action, e.RecordType, strconv.FormatInt(e.RecordID, 10), csvSafe(string(e.Before)), csvSafe(string(e.After)), e.IP})
	})
	w.Flush()
	if err != nil {
		h.Log.Error("export audit", "error", err)
	}
	return nil
}
