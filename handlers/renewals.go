package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
	"partnerconsole/views/renewals"
	"partnerconsole/views/subscriptions"
)

// The partner's Renewals page and renewing by direct billing (issue 11,
// R-PK-3, R-PK-4, R-NOTE-2).

func renewalFilter(c echo.Context) models.RenewalFilter {
	return models.ParseRenewalFilter(c.QueryParam)
}

// Renewals lists the console's subscriptions ending in the next 60 days,
// commitments first.
func (h *H) Renewals(c echo.Context) error {
	a := mustActor(c)
	f := renewalFilter(c)
	page, l, err := pagedList(c, "/console/renewals", func(cursor string) (models.Page[models.RenewalRow], error) {
		return h.Store.ListRenewals(ctx(c), a, f, cursor)
	})
	if err != nil {
		return err
	}
	v := renewals.ListView{Filter: f, Page: page, Now: h.Store.Now(), Base: l.Base, OnFirst: l.OnFirst, CSVURL: l.CSVURL,
		FirstURL: l.FirstURL, NextURL: l.NextURL}
	return Render(c, http.StatusOK, renewals.List(h.page(c, "Renewals"), v))
}

// RenewalsCSV exports every renewal of the current filter.
func (h *H) RenewalsCSV(c echo.Context) error {
	a := mustActor(c)
	f := renewalFilter(c)
	now := h.Store.Now()
	header := []string{"id", "customer", "domain", "product", "quantity", "plan", "commitment", "end_date", "days_left",
		"locks_until", "renewal_option"}
	return h.exportCSV(c, "renewals", header, func(write func(...string) error) error {
		return h.Store.ExportRenewals(ctx(c), a, f, func(r models.RenewalRow) error {
			commit, locks := "no", ""
			if r.Commitment() {
				commit, locks = "yes", r.LocksUntil().Format("2006-01-02")
			}
			return write(fmt.Sprint(r.ID), csvSafe(r.CustomerName), r.CustomerDomain, csvSafe(r.ProductName), fmt.Sprint(r.Quantity),
				string(r.Plan), commit, r.EndDate.Format("2006-01-02"), fmt.Sprint(r.DaysLeft(now)), locks, string(r.RenewalOption))
		})
	})
}

// RenewDirect renews a subscription by direct billing (the new term starts
// today) or reactivates an expired or disabled one by paying.
func (h *H) RenewDirect(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var f forms.RenewDirectForm
	if err := bind(c, &f); err != nil {
		return err
	}
	ch, err := h.Store.RenewDirect(ctx(c), mustActor(c), id, bool(f.Confirm), f.Key)
	if err != nil {
		status, fe, ok := formFailure(err)
		if !ok {
			return err
		}
		f.SetErrors(fe)
		return h.subscriptionPage(c, id, status, subscriptions.DetailView{Renew: f, Action: "renew"})
	}
	msg := "Subscription renewed: the new term starts today."
	if ch.Action == models.LifeTermReactivate {
		msg = "Subscription reactivated: the new term starts today."
	}
	return h.redirect(c, h.subscriptionURL(c, id), msg)
}
