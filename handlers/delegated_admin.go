// Delegated administration (issue 11, R-PK-2): the desk's cloud-essentials
// switch, the console's offer page and its customers' Users tab, and the
// customer admin's answers.

package handlers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
	"partnerconsole/views"
	"partnerconsole/views/delegatedadmin"
)

// SetCloudEssentials enrols a console in the cloud-essentials programme or
// takes it out (the desk).
func (h *H) SetCloudEssentials(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var f forms.CloudEssentialsForm
	if err := bind(c, &f); err != nil {
		return err
	}
	con, err := h.Store.SetCloudEssentials(ctx(c), mustActor(c), id, bool(f.Enrolled))
	if err != nil {
		return err
	}
	msg := "{{.Console}} is no longer enrolled in cloud essentials."
	if con.CloudEssentials {
		msg = "{{.Console}} is enrolled in cloud essentials: it can offer delegated administration."
	}
	h.Sessions.Flash(c, views.Flash{Kind: "success", Text: Translator(c).T(msg, "Console", con.Name)})
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/desk/consoles/%d", id))
}

// delegatedAdminOffer renders the console's delegated-admin page of a
// customer with a status and the form.
func (h *H) delegatedAdminOffer(c echo.Context, status int, id int64, f forms.DelegatedAdminOfferForm) error {
	a := mustActor(c)
	cust, err := h.Store.GetCustomer(ctx(c), a, id)
	if err != nil {
		return err
	}
	panel, err := h.Store.DelegatedAdminPanelOf(ctx(c), a, id)
	if err != nil {
		return err
	}
	v := delegatedadmin.OfferView{Customer: cust, Panel: panel, Form: f}
	return Render(c, status, delegatedadmin.Offer(h.page(c, "Delegated admin"), v))
}

// DelegatedAdminOffer shows the console's delegated-admin page of a customer.
func (h *H) DelegatedAdminOffer(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return h.delegatedAdminOffer(c, http.StatusOK, id, forms.DelegatedAdminOfferForm{})
}

// OfferDelegatedAdmin sends the offer. Not enrolled answers 403 on the page
// that says why; bad input 422 with the message on the field.
func (h *H) OfferDelegatedAdmin(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var f forms.DelegatedAdminOfferForm
	if err := bind(c, &f); err != nil {
		return err
	}
	_, err = h.Store.OfferDelegatedAdmin(ctx(c), mustActor(c), id, f.Message)
	if status, fe, ok := formFailure(err); ok {
		f.SetErrors(fe)
		return h.delegatedAdminOffer(c, status, id, f)
	}
	if reason, ok := delegatedAdminRefusal(err); ok {
		f.SetErrors(models.FieldErrors{"_form": reason})
		return h.delegatedAdminOffer(c, http.StatusForbidden, id, f)
	}
	if err != nil {
		return err
	}
	return h.redirect(c, fmt.Sprintf("/console/customers/%d/delegated-admin", id), "Delegated-admin offer sent. The customer's admin is told by email and in the app.")
}

// WithdrawDelegatedAdmin takes back the waiting offer.
func (h *H) WithdrawDelegatedAdmin(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.Store.WithdrawDelegatedAdmin(ctx(c), mustActor(c), id); err != nil {
		return err
	}
	return h.redirect(c, fmt.Sprintf("/console/customers/%d/delegated-admin", id), "Delegated-admin offer withdrawn.")
}

// delegatedAdminRefusal is the reason of a 403 that carries one (the gate's,
// or not enrolled), as opposed to a role that may not act at all.
func delegatedAdminRefusal(err error) (string, bool) {
	var e *models.Error
	if errors.As(err, &e) && e.Code == models.CodeForbidden && e.Message != models.Forbidden().Message {
		return e.Message, true
	}
	return "", false
}

// customerUsers renders a customer's Users tab: the page of users, or the
// gate's reason with 403.
func (h *H) customerUsers(c echo.Context, status int, id int64, f forms.CustomerUserForm, rowError string) error {
	a := mustActor(c)
	cust, err := h.Store.DelegatedCustomer(ctx(c), a, id)
	if err != nil {
		return err
	}
	base := fmt.Sprintf("/console/customers/%d/users", id)
	query := c.QueryParam("q")
	page, l, err := pagedList(c, base, func(cursor string) (models.Page[models.User], error) {
		return h.Store.ListCustomerUsers(ctx(c), a, id, query, cursor)
	})
	v := delegatedadmin.UsersView{Customer: cust, Query: query, Page: page, FirstURL: l.FirstURL, NextURL: l.NextURL, OnFirst: l.OnFirst,
		Form: f, Error: rowError}
	if reason, ok := delegatedAdminRefusal(err); ok {
		v.Reason, status = reason, http.StatusForbidden
	} else if err != nil {
		return err
	}
	if v.Form.Role == "" {
		v.Form.Role = string(models.RoleCustomerViewer)
	}
	return Render(c, status, delegatedadmin.Users(h.page(c, "Users"), v))
}

// CustomerUsers is the Users tab of a customer (R-PK-2): 403 with the reason
// until the customer accepted the console's delegated-admin offer.
func (h *H) CustomerUsers(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return h.customerUsers(c, http.StatusOK, id, forms.CustomerUserForm{}, "")
}

// afterCustomerUserAction answers a Users-tab action: the reason page on a
// gate refusal, the tab with the message on a refused change, else err.
func (h *H) afterCustomerUserAction(c echo.Context, id int64, err error) (bool, error) {
	if _, ok := delegatedAdminRefusal(err); ok {
		return true, h.customerUsers(c, http.StatusForbidden, id, forms.CustomerUserForm{}, "")
	}
	if status, fe, ok := formFailure(err); ok {
		msg := fe["role"]
		if msg == "" {
			msg = fe["_form"]
		}
		return true, h.customerUsers(c, status, id, forms.CustomerUserForm{}, msg)
	}
	return err != nil, err
}

// AddCustomerUser adds a user to the customer, as its delegated admin.
func (h *H) AddCustomerUser(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var f forms.CustomerUserForm
	if err := bind(c, &f); err != nil {
		return err
	}
	u, err := h.Store.CreateCustomerUser(ctx(c), mustActor(c), id, f.Input())
	if status, fe, ok := formFailure(err); ok {
		f.SetErrors(fe)
		return h.customerUsers(c, status, id, f, "")
	}
	if done, err := h.afterCustomerUserAction(c, id, err); done {
		return err
	}
	h.Sessions.Flash(c, views.Flash{Kind: "success", Text: Translator(c).T("{{.Name}} was added to the customer.", "Name", u.Name)})
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/console/customers/%d/users", id))
}

// ChangeCustomerUserRole changes a customer's user's role.
func (h *H) ChangeCustomerUserRole(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	uid, err := pathID(c, "uid")
	if err != nil {
		return err
	}
	var f forms.CustomerUserRoleForm
	if err := bind(c, &f); err != nil {
		return err
	}
	u, err := h.Store.ChangeCustomerUserRole(ctx(c), mustActor(c), id, uid, models.Role(f.Role))
	if done, err := h.afterCustomerUserAction(c, id, err); done {
		return err
	}
	h.Sessions.Flash(c, views.Flash{Kind: "success", Text: Translator(c).T("{{.Name}}'s role was saved.", "Name", u.Name)})
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/console/customers/%d/users", id))
}

// DisableCustomerUser disables a customer's user and ends their sessions.
func (h *H) DisableCustomerUser(c echo.Context) error { return h.setCustomerUserDisabled(c, true) }

// EnableCustomerUser lets a customer's disabled user sign in again.
func (h *H) EnableCustomerUser(c echo.Context) error { return h.setCustomerUserDisabled(c, false) }

func (h *H) setCustomerUserDisabled(c echo.Context, disabled bool) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	uid, err := pathID(c, "uid")
	if err != nil {
		return err
	}
	u, err := h.Store.SetCustomerUserDisabled(ctx(c), mustActor(c), id, uid, disabled)
	if done, err := h.afterCustomerUserAction(c, id, err); done {
		return err
	}
	msg := "{{.Name}} can sign in again."
	if disabled {
		msg = "{{.Name}} is disabled and signed out everywhere."
	}
	h.Sessions.Flash(c, views.Flash{Kind: "success", Text: Translator(c).T(msg, "Name", u.Name)})
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/console/customers/%d/users", id))
}

// DelegatedAdminPortal lists the customer's delegated-admin offers.
func (h *H) DelegatedAdminPortal(c echo.Context) error {
	rows, err := h.Store.ListDelegatedAdmin(ctx(c), mustActor(c))
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, delegatedadmin.Portal(h.page(c, "Delegated admin"), rows))
}

// AcceptDelegatedAdmin is the customer admin accepting an offer.
func (h *H) AcceptDelegatedAdmin(c echo.Context) error {
	return h.answerDelegatedAdmin(c, models.DAAccept, "Delegated-admin offer accepted: the partner can now manage your users.")
}

// DeclineDelegatedAdmin is the customer admin declining an offer.
func (h *H) DeclineDelegatedAdmin(c echo.Context) error {
	return h.answerDelegatedAdmin(c, models.DADecline, "Delegated-admin offer declined.")
}

// EndDelegatedAdmin is the customer ending an accepted relationship.
func (h *H) EndDelegatedAdmin(c echo.Context) error {
	return h.answerDelegatedAdmin(c, models.DAEnd, "Delegated administration ended: the partner can no longer manage your users.")
}

func (h *H) answerDelegatedAdmin(c echo.Context, m models.DelegatedAdminMove, done string) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.Store.AnswerDelegatedAdmin(ctx(c), mustActor(c), id, m); err != nil {
		if e := (*models.Error)(nil); errors.As(err, &e) && e.Code == models.CodeConflict {
			h.Sessions.Flash(c, views.Flash{Kind: "error", Text: Translator(c).T(e.Message)})
			return c.Redirect(http.StatusSeeOther, "/admin/delegated-admin")
		}
		return err
	}
	return h.redirect(c, "/admin/delegated-admin", done)
}
