package handlers

import (
	"fmt"
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/views/subscriptions"
)

// The subscriptions list of a console and the subscription page with its
// actions (issue 9, R-LIC-1..3), for the partner console (its customers'
// subscriptions) and the customer admin (its own).

func subscriptionFilter(c echo.Context) models.SubscriptionFilter {
	return models.ParseSubscriptionFilter(c.QueryParam)
}

// Subscriptions lists the console's subscriptions, soonest renewal first.
func (h *H) Subscriptions(c echo.Context) error {
	a := mustActor(c)
	f := subscriptionFilter(c)
	page, l, err := pagedList(c, "/console/subscriptions", func(cursor string) (models.Page[models.SubscriptionRow], error) {
		return h.Store.ListSubscriptions(ctx(c), a, f, cursor)
	})
	if err != nil {
		return err
	}
	ch, err := h.Store.SubscriptionChoices(ctx(c), a)
	if err != nil {
		return err
	}
	v := subscriptions.ListView{Filter: f, Page: page, Products: ch.Products, Accounts: ch.Accounts, Base: l.Base,
		OnFirst: l.OnFirst, CSVURL: l.CSVURL, FirstURL: l.FirstURL, NextURL: l.NextURL}
	return Render(c, http.StatusOK, subscriptions.List(h.page(c, "Subscriptions"), v))
}

// SubscriptionsCSV exports every subscription of the current filter.
func (h *H) SubscriptionsCSV(c echo.Context) error {
	a := mustActor(c)
	f := subscriptionFilter(c)
	header := []string{"id", "customer", "domain", "product", "quantity", "plan", "channel", "status", "suspension_reasons",
		"end_date", "renewal_option", "billing_account", "po_number"}
	return h.exportCSV(c, "subscriptions", header, func(write func(...string) error) error {
		return h.Store.ExportSubscriptions(ctx(c), a, f, func(r models.SubscriptionRow) error {
			reasons := ""
			for i, x := range r.SuspensionReasons {
				if i > 0 {
					reasons += " "
				}
				reasons += x
			}
			return write(fmt.Sprint(r.ID), csvSafe(r.CustomerName), r.CustomerDomain, csvSafe(r.ProductName), fmt.Sprint(r.Quantity),
				string(r.Plan), string(r.Channel), string(r.Status), reasons, r.EndDate.Format("2006-01-02"),
				string(r.RenewalOption), csvSafe(r.BillingAccountName), csvSafe(r.PONumber))
		})
	})
}

func newFormKey() string { return uuid.NewString() }

// subscriptionPage renders the subscription page with the state of its
// forms; fresh forms get a new idempotency key.
func (h *H) subscriptionPage(c echo.Context, id int64, status int, v subscriptions.DetailView) error {
	a := mustActor(c)
	d, err := h.Store.Subscription(ctx(c), a, id)
	if err != nil {
		return err
	}
	v.D = d
	v.Base = fmt.Sprintf("%s/subscriptions/%d", a.Role.Portal(), id)
	if v.Add.Key == "" {
		v.Add.Key = newFormKey()
	}
	if v.Cancel.Key == "" {
		v.Cancel.Key = newFormKey()
	}
	if v.SetUp.Key == "" {
		v.SetUp.Key = newFormKey()
	}
	if v.Renew.Key == "" {
		v.Renew.Key = newFormKey()
	}
	if d.Actions.CancelNow {
		pre, err := h.Store.PreviewCancel(ctx(c), a, id)
		if err == nil {
			v.CancelDue = pre.PriceMinor
		}
	}
	return Render(c, status, subscriptions.Detail(h.page(c, d.Sub.Product.Name), v))
}

// Subscription shows one subscription.
func (h *H) Subscription(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return h.subscriptionPage(c, id, http.StatusOK, subscriptions.DetailView{})
}

func (h *H) subscriptionURL(c echo.Context, id int64) string {
	return fmt.Sprintf("%s/subscriptions/%d", mustActor(c).Role.Portal(), id)
}

// lifeFailed re-renders the page with the failed form's messages: 422 on
// the field, 409 for a state that changed; other errors (403, 404) go to the
// error page.
func (h *H) lifeFailed(c echo.Context, id int64, err error, v subscriptions.DetailView) error {
	status, fe, ok := formFailure(err)
	if !ok {
		return err
	}
	switch v.Action {
	case "licences":
		v.Add.SetErrors(fe)
	case "renewal":
		v.Renewal.SetErrors(fe)
	case "setup":
		v.SetUp.SetErrors(fe)
	default:
		v.Cancel.SetErrors(fe)
	}
	return h.subscriptionPage(c, id, status, v)
}

// AddLicences is R-LIC-1 in two posts: the additional number shows the new
// total and the price; the confirming post with the terms ticked adds them.
func (h *H) AddLicences(c echo.Context) error {
	a := mustActor(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var f forms.AddLicencesForm
	if err := bind(c, &f); err != nil {
		return err
	}
	v := subscriptions.DetailView{Add: f, Action: "licences"}
	if !f.Confirming() {
		pre, err := h.Store.PreviewAddLicences(ctx(c), a, id, f.Additional)
		if err != nil {
			return h.lifeFailed(c, id, err, v)
		}
		v.Preview = &pre
		return h.subscriptionPage(c, id, http.StatusOK, v)
	}
	_, err = h.Store.AddLicences(ctx(c), a, id, store.AddLicencesInput{Additional: f.Additional, TermsAccepted: bool(f.Terms), Confirm: true, Key: f.Key})
	if err != nil {
		if pre, perr := h.Store.PreviewAddLicences(ctx(c), a, id, f.Additional); perr == nil {
			v.Preview = &pre
		}
		return h.lifeFailed(c, id, err, v)
	}
	return h.redirect(c, h.subscriptionURL(c, id), "Licences added.")
}

// SetRenewal changes the renewal option (R-LIC-2).
func (h *H) SetRenewal(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var f forms.RenewalForm
	if err := bind(c, &f); err != nil {
		return err
	}
	v := subscriptions.DetailView{Renewal: f, Action: "renewal"}
	if _, err := h.Store.SetRenewalOption(ctx(c), mustActor(c), id, f.Option); err != nil {
		return h.lifeFailed(c, id, err, v)
	}
	return h.redirect(c, h.subscriptionURL(c, id), "Renewal option saved.")
}

// CancelSubscription cancels now (R-LIC-2), once the box is ticked.
func (h *H) CancelSubscription(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var f forms.CancelForm
	if err := bind(c, &f); err != nil {
		return err
	}
	v := subscriptions.DetailView{Cancel: f, Action: "cancel"}
	if _, err := h.Store.CancelNow(ctx(c), mustActor(c), id, bool(f.Confirm), f.Key); err != nil {
		return h.lifeFailed(c, id, err, v)
	}
	return h.redirect(c, h.subscriptionURL(c, id), "Subscription cancelled.")
}

// SuspendSubscription is the reseller's suspension.
func (h *H) SuspendSubscription(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v := subscriptions.DetailView{Action: "suspend"}
	if _, err := h.Store.SuspendSubscription(ctx(c), mustActor(c), id); err != nil {
		return h.lifeFailed(c, id, err, v)
	}
	return h.redirect(c, h.subscriptionURL(c, id), "Subscription suspended.")
}

// ReactivateSubscription lifts the reseller's suspension.
func (h *H) ReactivateSubscription(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v := subscriptions.DetailView{Action: "suspend"}
	if _, err := h.Store.ReactivateSubscription(ctx(c), mustActor(c), id); err != nil {
		return h.lifeFailed(c, id, err, v)
	}
	return h.redirect(c, h.subscriptionURL(c, id), "Reseller suspension lifted.")
}

// SetUpBilling sets up billing for a trial (R-LIC-3).
func (h *H) SetUpBilling(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var f forms.BillingSetUpForm
	if err := bind(c, &f); err != nil {
		return err
	}
	v := subscriptions.DetailView{SetUp: f, Action: "setup"}
	if _, err := h.Store.SetUpTrialBilling(ctx(c), mustActor(c), id, f.Input(), f.Key); err != nil {
		return h.lifeFailed(c, id, err, v)
	}
	return h.redirect(c, h.subscriptionURL(c, id), "Billing set up.")
}
