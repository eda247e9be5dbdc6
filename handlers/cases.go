package handlers

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
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
	page, l, err := pagedList(c, casesBase(a), func(cursor string) (models.Page[models.CaseRow], error) {
		return h.Store.ListCases(ctx(c), a, f, cursor)
	})
	if err != nil {
		return err
	}
	v := cases.ListView{Filter: f, Page: page, Base: l.Base, OnFirst: l.OnFirst, CSVURL: l.CSVURL, FirstURL: l.FirstURL, NextURL: l.NextURL,
		Now: h.Store.Now()}
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
	header := []string{"id", "title", "type", "state", "impact", "console", "customer", "filed_by", "assignee", "created_at", "updated_at"}
	return h.exportCSV(c, "cases", header, func(write func(...string) error) error {
		return h.Store.ExportCases(ctx(c), a, f, func(r models.CaseRow) error {
			return write(strconv.FormatInt(r.ID, 10), csvSafe(r.Title), tr.T(r.Type.Label()), tr.T(r.State.Label()), tr.T(r.Impact.Label()),
				csvSafe(r.ConsoleName), csvSafe(r.CustomerName), csvSafe(r.FiledByName), csvSafe(r.AssigneeName),
				r.CreatedAt.UTC().Format(time.RFC3339), r.UpdatedAt.UTC().Format(time.RFC3339))
		})
	})
}

func (h *H) caseFormView(c echo.Context, f forms.CaseForm) (cases.FormView, error) {
	a := mustActor(c)
	custs, err := h.Store.CaseCustomers(ctx(c), a)
	if err != nil {
		return cases.FormView{}, err
	}
	return cases.FormView{Form: f, Type: f.CaseType(), Customers: custs, Currency: h.Store.ConsoleCurrency(ctx(c), a)}, nil
}

// renderCaseForm shows "Report a problem" with the form's values and errors.
func (h *H) renderCaseForm(c echo.Context, status int, f forms.CaseForm) error {
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
	f := forms.CaseForm{Impact: string(models.ImpactMedium), ContactName: a.Name, CustomerID: forms.ParseID(c.QueryParam("customer"))}
	if t := models.CaseType(c.QueryParam("type")); t.Valid() {
		f.Type = string(t)
	}
	if f.Type == string(models.CaseCSPRefund) {
		// The Software page's Cancel after 168 hours names the order and its line.
		f.Fields = map[string]string{"order_or_subscription_id": strings.TrimSpace(c.QueryParam("order")),
			models.FieldOrderLine: strings.TrimSpace(c.QueryParam("line"))}
	}
	return h.renderCaseForm(c, http.StatusOK, f)
}

// CreateCase files a case; bad input re-renders the form with 422.
func (h *H) CreateCase(c echo.Context) error {
	a := mustActor(c)
	// Reading the files first parses the multipart body, so a body over the
	// limit answers 413 before anything else.
	files, err := uploads(c)
	if err != nil {
		return err
	}
	var f forms.CaseForm
	if err := bind(c, &f); err != nil {
		return err
	}
	// The case type decides which fields of its own the form has.
	f.Fields = map[string]string{}
	for _, fd := range f.CaseType().Spec().Fields {
		f.Fields[fd.Name] = strings.TrimSpace(c.FormValue(fd.FormName()))
	}
	sc, err := h.Store.FileCase(ctx(c), a, f.Input(), files...)
	status, fe, ok := formFailure(err)
	if isWindow(err) {
		// A Meet hardware case outside its 48–24 h window (R-MEET-2 step 3).
		status, fe, ok = http.StatusUnprocessableEntity, models.FieldErrors{"_form": windowMessage(c, err)}, true
	}
	if ok {
		f.SetErrors(fe)
		return h.renderCaseForm(c, status, f)
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
	d := cases.DetailView{Case: v, Base: casesBase(a), Now: h.Store.Now()}
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

// caseFailure turns bad input (422) or a lost race (409: someone changed
// the case meanwhile) into the case page again, at its current state and
// version, with what the user typed kept in the form they sent: keep puts
// the form, with the field messages when there are any, into the view.
func (h *H) caseFailure(c echo.Context, id int64, err error, keep func(v *cases.DetailView, errs models.FieldErrors)) error {
	status, fe, ok := formFailure(err)
	if !ok || status == http.StatusTooManyRequests {
		return err
	}
	return h.rerenderCase(c, id, status, func(v *cases.DetailView) {
		if status == http.StatusConflict {
			v.Conflict = fe["_form"]
			fe = nil
		}
		keep(v, fe)
	})
}

// keepComment re-renders the comment form as sent.
func keepComment(f forms.CommentForm) func(*cases.DetailView, models.FieldErrors) {
	return func(v *cases.DetailView, errs models.FieldErrors) {
		f.SetErrors(errs)
		v.Comment = f
	}
}

// keepState re-renders the state form as sent.
func keepState(f forms.CaseStateForm) func(*cases.DetailView, models.FieldErrors) {
	return func(v *cases.DetailView, errs models.FieldErrors) {
		f.SetErrors(errs)
		v.State = f
	}
}

// CommentCase adds a comment (desk: maybe an internal note) with files.
func (h *H) CommentCase(c echo.Context) error {
	a := mustActor(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	files, err := uploads(c)
	if err != nil {
		return err
	}
	var f forms.CommentForm
	if err := bind(c, &f); err != nil {
		return err
	}
	in := models.CommentInput{Body: f.Body, Internal: a.IsDesk() && bool(f.Internal)}
	_, err = h.Store.AddComment(ctx(c), a, id, in, files...)
	if err != nil {
		return h.caseFailure(c, id, err, keepComment(f))
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
	var f forms.CaseStateForm
	if err := bind(c, &f); err != nil {
		return err
	}
	_, err = h.Store.ChangeCaseState(ctx(c), a, id, formVersion(c), models.CaseState(f.State), f.Note)
	if err != nil {
		return h.caseFailure(c, id, err, keepState(f))
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
		return h.caseFailure(c, id, err, keepState(forms.CaseStateForm{}))
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
	if models.ActionLabel(name) == "" {
		return h.caseFailure(c, id, &models.Error{Code: models.CodeInvalid, Field: "action", Message: "Choose an action."}, keepState(forms.CaseStateForm{}))
	}
	if _, err := h.Store.RunCaseAction(ctx(c), mustActor(c), id, formVersion(c), name); err != nil {
		return h.caseFailure(c, id, err, keepState(forms.CaseStateForm{}))
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
		return h.caseFailure(c, id, err, keepComment(forms.CommentForm{}))
	}
	return h.redirect(c, fmt.Sprintf("/console/cases/%d", id), "Case reopened.")
}
