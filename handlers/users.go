package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

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
	f := views.NewForm()
	f.Values["role"] = string(models.RoleSalesAgent)
	return Render(c, http.StatusOK, users.Form(h.page(c, "Add a user"), f, 0))
}

var userFields = []string{"name", "email", "role", "customers_add", "customers_migrate"}

func userInput(c echo.Context, f views.Form) models.UserInput {
	return models.UserInput{Name: f.Get("name"), Email: f.Get("email"), Password: c.FormValue("password"),
		Role: models.Role(f.Get("role")), CanAddCustomers: f.Checked("customers_add"), CanMigrateCustomers: f.Checked("customers_migrate")}
}

// CreateUser adds a user with a role and permission flags.
func (h *H) CreateUser(c echo.Context) error {
	f := formOf(c, userFields...)
	_, err := h.Store.CreateUser(ctx(c), mustActor(c), userInput(c, f))
	if fe, ok := models.AsValidation(err); ok {
		f.Errors = fe
		return Render(c, http.StatusUnprocessableEntity, users.Form(h.page(c, "Add a user"), f, 0))
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
	f := views.NewForm()
	f.Values = map[string]string{"name": u.Name, "email": u.Email, "role": string(u.Role),
		"customers_add": strconv.FormatBool(u.CanAddCustomers), "customers_migrate": strconv.FormatBool(u.CanMigrateCustomers)}
	return Render(c, http.StatusOK, users.Edit(h.page(c, "Edit user"), f, u))
}

// UpdateUser saves a user's name, role and flags.
func (h *H) UpdateUser(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a := mustActor(c)
	f := formOf(c, userFields...)
	u, err := h.Store.UpdateUser(ctx(c), a, id, userInput(c, f))
	if fe, ok := models.AsValidation(err); ok {
		f.Errors = fe
		if u.ID == 0 {
			if u, err = h.Store.GetUser(ctx(c), a, id); err != nil {
				return err
			}
		}
		f.Values["email"] = u.Email
		return Render(c, http.StatusUnprocessableEntity, users.Edit(h.page(c, "Edit user"), f, u))
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
