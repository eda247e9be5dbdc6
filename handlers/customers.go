package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/views/customers"
)

func customerFilter(c echo.Context) models.CustomerFilter {
	f := models.CustomerFilter{
		Query:   strings.TrimSpace(c.QueryParam("q")),
		Country: strings.ToUpper(strings.TrimSpace(c.QueryParam("country"))),
		Channel: models.Channel(c.QueryParam("channel")),
		Sort:    models.CustomerSort(c.QueryParam("sort")),
	}
	if !models.ValidCountry(f.Country) {
		f.Country = ""
	}
	if f.Channel != models.ChannelDirect && f.Channel != models.ChannelReseller {
		f.Channel = ""
	}
	if f.Sort != models.SortByCreated {
		f.Sort = models.SortByName
	}
	return f
}

// Customers lists the actor's customers (console) or all customers (desk).
func (h *H) Customers(c echo.Context) error {
	a := mustActor(c)
	f := customerFilter(c)
	page, l, err := pagedList(c, a.Role.Portal()+"/customers", func(cursor string) (models.Page[store.CustomerRow], error) {
		return h.Store.ListCustomers(ctx(c), a, f, cursor)
	})
	if err != nil {
		return err
	}
	v := customers.ListView{Filter: f, Page: page, Base: l.Base, OnFirst: l.OnFirst, CSVURL: l.CSVURL, FirstURL: l.FirstURL, NextURL: l.NextURL}
	return Render(c, http.StatusOK, customers.List(h.page(c, "Customers"), v))
}

// CustomersCSV exports every customer of the current filter.
func (h *H) CustomersCSV(c echo.Context) error {
	a := mustActor(c)
	f := customerFilter(c)
	header := []string{"id", "name", "domain", "tenant_id", "country", "channel", "console", "contact_name", "contact_email", "contact_phone", "created_at"}
	return h.exportCSV(c, "customers", header, func(write func(...string) error) error {
		return h.Store.ExportCustomers(ctx(c), a, f, func(r store.CustomerRow) error {
			return write(fmt.Sprint(r.ID), csvSafe(r.Name), r.Domain, r.TenantID.String(), r.Country, string(r.Channel),
				csvSafe(r.ConsoleName), csvSafe(r.ContactName), csvSafe(r.ContactEmail), csvSafe(r.ContactPhone), r.CreatedAt.UTC().Format(time.RFC3339))
		})
	})
}

// Customer shows one customer: profile, subscriptions and audit trail.
func (h *H) Customer(c echo.Context) error {
	a := mustActor(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	cp, err := h.Store.LoadCustomerPage(ctx(c), a, id)
	if err != nil {
		return err
	}
	v := customers.DetailView{Customer: cp.Customer, Subscriptions: cp.Subscriptions, Audit: cp.Audit.Items, Base: a.Role.Portal() + "/customers",
		DelegatedAdmin: cp.DelegatedAdmin, Invitations: cp.Invitations, Now: h.Store.Now()}
	return Render(c, http.StatusOK, customers.Detail(h.page(c, cp.Customer.Name), v))
}

// NewCustomer shows the empty add-customer form.
func (h *H) NewCustomer(c echo.Context) error {
	return Render(c, http.StatusOK, customers.Form(h.page(c, "Add a customer"), forms.CustomerForm{}, 0))
}

// CreateCustomer adds a customer; bad input re-renders with 422.
func (h *H) CreateCustomer(c echo.Context) error {
	var f forms.CustomerForm
	if err := bind(c, &f); err != nil {
		return err
	}
	cust, err := h.Store.CreateCustomer(ctx(c), mustActor(c), f.Input())
	if status, fe, ok := formFailure(err); ok {
		f.SetErrors(fe)
		return Render(c, status, customers.Form(h.page(c, "Add a customer"), f, 0))
	}
	if err != nil {
		return err
	}
	return h.redirect(c, fmt.Sprintf("/console/customers/%d", cust.ID), "Customer added.")
}

// EditCustomer shows the edit form filled with the customer.
func (h *H) EditCustomer(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	cust, err := h.Store.GetCustomer(ctx(c), mustActor(c), id)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, customers.Form(h.page(c, "Edit customer"), forms.CustomerFormOf(cust.Customer), id))
}

// UpdateCustomer saves the edit form.
func (h *H) UpdateCustomer(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	// A foreign or unknown id is a 404 whatever the form holds: check it
	// before validation can answer 422.
	if _, err := h.Store.GetCustomer(ctx(c), mustActor(c), id); err != nil {
		return err
	}
	var f forms.CustomerForm
	if err := bind(c, &f); err != nil {
		return err
	}
	_, err = h.Store.UpdateCustomer(ctx(c), mustActor(c), id, f.Input())
	if status, fe, ok := formFailure(err); ok {
		f.SetErrors(fe)
		return Render(c, status, customers.Form(h.page(c, "Edit customer"), f, id))
	}
	if err != nil {
		return err
	}
	return h.redirect(c, fmt.Sprintf("/console/customers/%d", id), "Customer saved.")
}

// ResendInvitation sends a customer's administrator a new set-password link
// (issue 11): the old link stops working.
func (h *H) ResendInvitation(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	uid, err := pathID(c, "uid")
	if err != nil {
		return err
	}
	if _, err := h.Store.ResendInvitation(ctx(c), mustActor(c), id, uid); err != nil {
		return err
	}
	return h.redirect(c, fmt.Sprintf("/console/customers/%d", id), "A new invitation was sent; the old link no longer works.")
}
