package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
	"partnerconsole/views"
	"partnerconsole/views/users"
)

// Users lists the console's users (super admin only, R-ROLE-1).
func (h *H) Users(c echo.Context) error {
	a := mustActor(c)
	cursor := c.QueryParam("after")
	page, err := h.Store.ListUsers(ctx(c), a, c.QueryParam("q"), cursor)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	v := users.ListView{Query: c.QueryParam("q"), Page: page, OnFirst: cursor == "", FirstURL: withQuery("/console/users", q, "after", "")}
	if page.Next != "" {
		v.NextURL = withQuery("/console/users", q, "after", page.Next)
	}
	return Render(c, http.StatusOK, users.List(h.page(c, "Users"), v))
}

// NewUser shows the add-user form.
func (h *H) NewUser(c echo.Context) error {
	f := forms.UserForm{Role: string(models.RoleSalesAgent)}
	return Render(c, http.StatusOK, users.Form(h.page(c, "Add a user"), f, 0))
}

// CreateUser adds a user with a role and permission flags.
func (h *H) CreateUser(c echo.Context) error {
	var f forms.UserForm
	if err := bind(c, &f); err != nil {
		return err
	}
	_, err := h.Store.CreateUser(ctx(c), mustActor(c), f.Input())
	if status, fe, ok := formFailure(err); ok {
		f.SetErrors(fe)
		return Render(c, status, users.Form(h.page(c, "Add a user"), f, 0))
	}
	if err != nil {
		return err
	}
	return h.redirect(c, "/console/users", "User added.")
}

// EditUser shows a user's role and flags.
func (h *H) EditUser(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u, err := h.Store.GetUser(ctx(c), mustActor(c), id)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, users.Edit(h.page(c, "Edit user"), forms.UserFormOf(u), u))
}

// UpdateUser saves a user's name, role and flags.
func (h *H) UpdateUser(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a := mustActor(c)
	var f forms.UserForm
	if err := bind(c, &f); err != nil {
		return err
	}
	u, err := h.Store.UpdateUser(ctx(c), a, id, f.Input())
	if status, fe, ok := formFailure(err); ok {
		f.SetErrors(fe)
		if u.ID == 0 {
			if u, err = h.Store.GetUser(ctx(c), a, id); err != nil {
				return err
			}
		}
		f.Email = u.Email
		return Render(c, status, users.Edit(h.page(c, "Edit user"), f, u))
	}
	if err != nil {
		return err
	}
	return h.redirect(c, "/console/users", "User saved.")
}

// DisableUser disables a user and ends their sessions.
func (h *H) DisableUser(c echo.Context) error { return h.setDisabled(c, true) }

// EnableUser lets a disabled user sign in again.
func (h *H) EnableUser(c echo.Context) error { return h.setDisabled(c, false) }

func (h *H) setDisabled(c echo.Context, disabled bool) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u, err := h.Store.SetUserDisabled(ctx(c), mustActor(c), id, disabled)
	if err != nil {
		if fe, ok := models.AsValidation(err); ok {
			h.Sessions.Flash(c, views.Flash{Kind: "error", Text: Translator(c).T(fe["role"])})
			return c.Redirect(http.StatusSeeOther, "/console/users")
		}
		return err
	}
	msg := "{{.Name}} can sign in again."
	if disabled {
		msg = "{{.Name}} is disabled and signed out everywhere."
	}
	h.Sessions.Flash(c, views.Flash{Kind: "success", Text: Translator(c).T(msg, "Name", u.Name)})
	return c.Redirect(http.StatusSeeOther, "/console/users")
}
