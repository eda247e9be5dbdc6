package handlers

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"partnerconsole/models"
	"partnerconsole/views"
	"partnerconsole/views/cases"
)

func caseFilter(c echo.Context) models.CaseFilter {
	f := models.CaseFilter{
		Query:  strings.TrimSpace(c.QueryParam("q")),
		State:  models.CaseState(c.QueryParam("state")),
		Type:   models.CaseType(c.QueryParam("type")),
		Impact: models.Impact(c.QueryParam("impact")),
		Sort:   c.QueryParam("sort"),
	}
	if !f.State.Valid() {
		f.Open = c.QueryParam("state") == "active"
		f.State = ""
	}
	if !f.Type.Valid() {
		f.Type = ""
	}
	if !f.Impact.Valid() {
		f.Impact = ""
	}
	if f.Sort != "oldest" {
		f.Sort = "newest"
	}
	f.CustomerID, _ = strconv.ParseInt(c.QueryParam("customer"), 10, 64)
	if n, err := strconv.Atoi(c.QueryParam("age")); err == nil && n > 0 && n <= 3650 {
		f.OlderThan = n
	}
	if a := c.QueryParam("assigned"); a == "me" || a == "none" {
		f.Assigned = a
	}
	return f
}

func casesBase(a models.Actor) string { return a.Role.Portal() + "/cases" }

// Cases lists the console's cases, or the desk's queue.
func (h *H) Cases(c echo.Context) error {
	a := mustActor(c)
	f := caseFilter(c)
	cursor := c.QueryParam("after")
	page, err := h.Store.ListCases(ctx(c), a, f, cursor)
	if err != nil {
		return err
	}
	base := casesBase(a)
	q := c.QueryParams()
	v := cases.ListView{Filter: f, Page: page, Base: base, OnFirst: cursor == "",
		CSVURL: withQuery(base+".csv", q, "after", ""), FirstURL: withQuery(base, q, "after", ""), Now: h.Store.Now()}
	if page.Next != "" {
		v.NextURL = withQuery(base, q, "after", page.Next)
	}
	if a.OrgKind == models.OrgConsole {
		if v.Customers, err = h.Store.CaseCustomers(ctx(c), a); err != nil {
			return err
		}
	}
	title := "Support cases"
	if a.IsDesk() {
		title = "Case queue"
	}
	return Render(c, http.StatusOK, cases.List(h.page(c, title), v))
}

// CasesCSV exports the cases of the current filter.
func (h *H) CasesCSV(c echo.Context) error {
	a := mustActor(c)
	f := caseFilter(c)
	tr := Translator(c)
	c.Response().Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="cases-%s.csv"`, h.Store.Now().Format("20060102")))
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	_ = w.Write([]string{"id", "title", "type", "state", "impact", "console", "customer", "filed_by", "assignee", "created_at", "updated_at"})
	err := h.Store.ExportCases(ctx(c), a, f, func(r models.CaseRow) error {
		return w.Write([]string{strconv.FormatInt(r.ID, 10), csvSafe(r.Title), tr.T(r.Type.Label()), tr.T(r.State.Label()), tr.T(r.Impact.Label()),
			csvSafe(r.ConsoleName), csvSafe(r.CustomerName), csvSafe(r.FiledByName), csvSafe(r.AssigneeName),
			r.CreatedAt.UTC().Format(time.RFC3339), r.UpdatedAt.UTC().Format(time.RFC3339)})
	})
	w.Flush()
	if err != nil {
		h.Log.Error("export cases", "error", err)
	}
	return nil
}

var caseCommonFields = []string{"type", "impact", "title", "description", "customer_id", "contact_name", "contact_email", "contact_phone"}

func (h *H) caseFormView(c echo.Context, f views.Form) (cases.FormView, error) {
	a := mustActor(c)
	custs, err := h.Store.CaseCustomers(ctx(c), a)
	if err != nil {
		return cases.FormView{}, err
	}
	return cases.FormView{Form: f, Type: models.CaseType(f.Get("type")), Customers: custs, Currency: h.Store.ConsoleCurrency(ctx(c), a)}, nil
}

// renderCaseForm shows "Report a problem" with the form's values and errors.
func (h *H) renderCaseForm(c echo.Context, status int, f views.Form) error {
	v, err := h.caseFormView(c, f)
	if err != nil {
		return err
	}
	return Render(c, status, cases.New(h.page(c, "Report a problem"), v))
}

// NewCase shows "Report a problem": first the kind of problem, then the
// form with that kind's own fields.
func (h *H) NewCase(c echo.Context) error {
	a := mustActor(c)
	f := views.NewForm()
	t := models.CaseType(c.QueryParam("type"))
	if t.Valid() {
		f.Values["type"] = string(t)
	}
	f.Values["impact"] = string(models.ImpactMedium)
	f.Values["contact_name"] = a.Name
	if id, err := strconv.ParseInt(c.QueryParam("customer"), 10, 64); err == nil {
		f.Values["customer_id"] = strconv.FormatInt(id, 10)
	}
	return h.renderCaseForm(c, http.StatusOK, f)
}

// CreateCase files a case; bad input re-renders the form with 422.
func (h *H) CreateCase(c echo.Context) error {
	a := mustActor(c)
	t := models.CaseType(c.FormValue("type"))
	names := append([]string{}, caseCommonFields...)
	for _, fd := range t.Spec().Fields {
		names = append(names, fd.FormName())
	}
	f := formOf(c, names...)
	in := models.CaseInput{Type: t, Impact: models.Impact(f.Get("impact")), Title: f.Get("title"), Description: f.Get("description"),
		ContactName: f.Get("contact_name"), ContactEmail: f.Get("contact_email"), ContactPhone: f.Get("contact_phone"), Fields: map[string]string{}}
	in.CustomerID, _ = strconv.ParseInt(f.Get("customer_id"), 10, 64)
	for _, fd := range t.Spec().Fields {
		in.Fields[fd.Name] = f.Get(fd.FormName())
	}
	files, err := uploads(c)
	if err != nil {
		return err
	}
	sc, err := h.Store.FileCase(ctx(c), a, in, files...)
	if isWindow(err) {
		// A Meet hardware case outside its 48–24 h window (R-MEET-2 step 3).
		f.Errors = models.FieldErrors{"_form": windowMessage(c, err)}
		return h.renderCaseForm(c, http.StatusUnprocessableEntity, f)
	}
	if fe, ok := models.AsValidation(err); ok {
		f.Errors = fe
		return h.renderCaseForm(c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.redirect(c, fmt.Sprintf("/console/cases/%d", sc.ID), "Case filed. The support desk has been told.")
}

// uploads reads the files of a multipart form field "files". A file larger
// than the limit is read only up to the limit plus one byte, so the model
// refuses it without holding all of it.
func uploads(c echo.Context) ([]models.Upload, error) {
	if !strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
		return nil, nil
	}
	form, err := c.MultipartForm()
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, echo.ErrStatusRequestEntityTooLarge
		}
		return nil, &models.Error{Code: models.CodeInvalid, Message: "The upload could not be read."}
	}
	var out []models.Upload
	for _, fh := range form.File["files"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		r, err := fh.Open()
		if err != nil {
			return nil, fmt.Errorf("open upload: %w", err)
		}
		data, err := io.ReadAll(io.LimitReader(r, models.MaxAttachmentSize+1))
		r.Close()
		if err != nil {
			return nil, fmt.Errorf("read upload: %w", err)
		}
		out = append(out, models.Upload{Name: fh.Filename, Data: data, Size: fh.Size})
	}
	return out, nil
}

// caseView loads what the case page shows.
func (h *H) caseView(c echo.Context, id int64) (cases.DetailView, error) {
	a := mustActor(c)
	v, err := h.Store.GetCase(ctx(c), a, id)
	if err != nil {
		return cases.DetailView{}, err
	}
	d := cases.DetailView{Case: v, Base: casesBase(a), Now: h.Store.Now(), Comment: views.NewForm(), State: views.NewForm()}
	if a.IsDesk() {
		d.Actions = h.Store.CaseActions(v.Type)
	}
	return d, nil
}

// Case shows one case with its thread.
func (h *H) Case(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := h.caseView(c, id)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, cases.Detail(h.page(c, caseTitle(v)), v))
}

func caseTitle(v cases.DetailView) string { return fmt.Sprintf("#%d %s", v.Case.ID, v.Case.Title) }

// rerenderCase shows the case page again (current state, from the
// database) with a form's errors or a conflict message.
func (h *H) rerenderCase(c echo.Context, id int64, status int, edit func(*cases.DetailView)) error {
	v, err := h.caseView(c, id)
	if err != nil {
		return err
	}
	edit(&v)
	p := h.page(c, caseTitle(v))
	return Render(c, status, cases.Detail(p, v))
}

// caseFailure turns a lost race or bad input into the re-rendered page.
func (h *H) caseFailure(c echo.Context, id int64, err error, form string, f views.Form) error {
	if fe, ok := models.AsValidation(err); ok {
		f.Errors = fe
		return h.rerenderCase(c, id, http.StatusUnprocessableEntity, func(v *cases.DetailView) {
			if form == "comment" {
				v.Comment = f
			} else {
				v.State = f
			}
		})
	}
	var de *models.Error
	if errors.As(err, &de) && de.Code == models.CodeConflict {
		return h.rerenderCase(c, id, http.StatusConflict, func(v *cases.DetailView) { v.Conflict = de.Message })
	}
	return err
}

// CommentCase adds a comment (desk: maybe an internal note) with files.
func (h *H) CommentCase(c echo.Context) error {
	a := mustActor(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := formOf(c, "body", "internal")
	files, err := uploads(c)
	if err != nil {
		return err
	}
	in := models.CommentInput{Body: f.Get("body"), Internal: a.IsDesk() && f.Checked("internal")}
	_, err = h.Store.AddComment(ctx(c), a, id, in, files...)
	if err != nil {
		return h.caseFailure(c, id, err, "comment", f)
	}
	msg := "Comment added."
	if in.Internal {
		msg = "Internal note added."
	}
	return h.redirect(c, fmt.Sprintf("%s/%d", casesBase(a), id), msg)
}

func formVersion(c echo.Context) int {
	v, _ := strconv.Atoi(c.FormValue("version"))
	return v
}

// ChangeCaseState moves a case (desk); a stale version is a conflict that
// shows the current state.
func (h *H) ChangeCaseState(c echo.Context) error {
	a := mustActor(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := formOf(c, "state", "note")
	_, err = h.Store.ChangeCaseState(ctx(c), a, id, formVersion(c), models.CaseState(f.Get("state")), c.FormValue("note"))
	if err != nil {
		return h.caseFailure(c, id, err, "state", f)
	}
	return h.redirect(c, fmt.Sprintf("/desk/cases/%d", id), "Case updated.")
}

// AssignCase gives the case to the signed-in engineer.
func (h *H) AssignCase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.Store.AssignCaseToMe(ctx(c), mustActor(c), id, formVersion(c)); err != nil {
		return h.caseFailure(c, id, err, "state", views.NewForm())
	}
	return h.redirect(c, fmt.Sprintf("/desk/cases/%d", id), "The case is assigned to you.")
}

// RunCaseAction runs one of the case type's desk actions.
func (h *H) RunCaseAction(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	name := c.FormValue("action")
	if _, ok := models.ActionLabels[name]; !ok {
		return h.caseFailure(c, id, &models.Error{Code: models.CodeInvalid, Field: "action", Message: "Choose an action."}, "state", views.NewForm())
	}
	if _, err := h.Store.RunCaseAction(ctx(c), mustActor(c), id, formVersion(c), name); err != nil {
		return h.caseFailure(c, id, err, "state", views.NewForm())
	}
	return h.redirect(c, fmt.Sprintf("/desk/cases/%d", id), "Action done.")
}

// ReopenCase reopens a resolved or rejected case (partner, within 14 days).
func (h *H) ReopenCase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.Store.ReopenCase(ctx(c), mustActor(c), id); err != nil {
		return h.caseFailure(c, id, err, "comment", views.NewForm())
	}
	return h.redirect(c, fmt.Sprintf("/console/cases/%d", id), "Case reopened.")
}
