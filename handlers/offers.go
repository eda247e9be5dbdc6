package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"

	"partnerconsole/views/offers"
)

func offersBase(a models.Actor) string { return a.Role.Portal() + "/offers" }

func queryID(c echo.Context, name string) int64 {
	id, _ := strconv.ParseInt(c.QueryParam(name), 10, 64)
	if id < 0 {
		return 0
	}
	return id
}

func offerFilter(c echo.Context) models.OfferFilter {
	f := models.OfferFilter{State: models.OfferState(c.QueryParam("state")), CustomerID: queryID(c, "customer"),
		ProductID: queryID(c, "product"), Query: strings.TrimSpace(c.QueryParam("q"))}
	if !f.State.Valid() {
		f.State = ""
	}
	return f
}

// Offers lists the offers the actor may see (console, customer, desk).
func (h *H) Offers(c echo.Context) error {
	a := mustActor(c)
	f := offerFilter(c)
	page, l, err := pagedList(c, offersBase(a), func(cursor string) (models.Page[models.OfferRow], error) {
		return h.Store.ListOffers(ctx(c), a, f, cursor)
	})
	if err != nil {
		return err
	}
	filtered := f.CustomerID // a customer's users see their own offers: no customer filter
	if a.OrgKind == models.OrgCustomer {
		filtered = 0
	}
	choices, err := h.Store.OfferListChoices(ctx(c), a, filtered)
	if err != nil {
		return err
	}
	v := offers.ListView{Filter: f, Page: page, Base: l.Base, OnFirst: l.OnFirst, CSVURL: l.CSVURL, FirstURL: l.FirstURL, NextURL: l.NextURL,
		Products: choices.Products, Customer: choices.Customer, CustomerFilter: filtered > 0,
		CanCreate: a.Can(models.PermOffers) || a.Can(models.PermDirectOffers)}
	return Render(c, http.StatusOK, offers.List(h.page(c, "Offers"), v))
}

// OffersCSV exports the offers of the current filter.
func (h *H) OffersCSV(c echo.Context) error {
	a := mustActor(c)
	f := offerFilter(c)
	if err := h.Store.CanListOffers(a); err != nil {
		return err
	}
	header := []string{"id", "state", "customer", "domain", "from", "sku", "product", "quantity", "plan", "unit_price_minor", "currency",
		"total_minor", "start_date", "expires_on", "po_number", "created_at"}
	return h.exportCSV(c, "offers", header, func(write func(...string) error) error {
		return h.Store.ExportOffers(ctx(c), a, f, func(o models.OfferRow) error {
			return write(fmt.Sprint(o.ID), string(o.State), csvSafe(o.CustomerName), o.CustomerDomain, csvSafe(o.ConsoleName), o.ProductSKU,
				o.ProductName, fmt.Sprint(o.Quantity), string(o.Plan), fmt.Sprint(o.UnitPriceMinor), o.Currency, fmt.Sprint(o.Total()),
				o.StartDate.Format("2006-01-02"), o.ExpiresOn.Format("2006-01-02"), csvSafe(o.PONumber), o.CreatedAt.UTC().Format(time.RFC3339))
		})
	})
}

func (h *H) offerDetail(c echo.Context, id int64, status int, form forms.OfferDecisionForm) error {
	a := mustActor(c)
	o, err := h.Store.GetOffer(ctx(c), a, id)
	if err != nil {
		return err
	}
	now := h.Store.Now()
	v := offers.DetailView{Offer: o, Base: offersBase(a), Form: form,
		Open:      o.State == models.OfferSent && !o.ExpiredAt(now),
		CanManage: o.ManagedBy(a)}
	if a.OrgKind == models.OrgCustomer {
		cust, err := h.Store.GetCustomer(ctx(c), a, a.OrgID)
		if err != nil {
			return err
		}
		v.TermsAccepted = cust.TOSAcceptedAt != nil
		if v.Open && a.Can(models.PermOfferAccept) {
			if v.Preview, err = h.Store.AcceptPreview(ctx(c), a, id); err != nil {
				return err
			}
		}
	}
	return Render(c, status, offers.Detail(h.page(c, "Offer"), v))
}

// Offer shows one offer with the viewer's actions.
func (h *H) Offer(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return h.offerDetail(c, id, http.StatusOK, forms.OfferDecisionForm{})
}

func (h *H) offerFormView(c echo.Context, f forms.OfferForm) (offers.FormView, error) {
	a := mustActor(c)
	v := offers.FormView{Form: f, Base: offersBase(a), Direct: a.OrgKind == models.OrgOperator}
	var err error
	if v.Customers, v.MoreCustomers, err = h.Store.OfferCustomers(ctx(c), a, f.CustomerID.Int64()); err != nil {
		return v, err
	}
	if v.Products, err = h.Store.Products(ctx(c)); err != nil {
		return v, err
	}
	if !v.Direct {
		if v.BillingAccounts, err = h.Store.OfferBillingAccounts(ctx(c), a); err != nil {
			return v, err
		}
	}
	v.ListPrice = h.listPriceText(c, f)
	return v, nil
}

func (h *H) listPriceText(c echo.Context, f forms.OfferForm) string {
	a := mustActor(c)
	pid := f.ProductID.Int64()
	plan := models.Plan(f.Plan)
	cur := f.Currency
	if a.OrgKind == models.OrgConsole {
		cur = ""
		if bid := f.BillingAccountID.Int64(); bid > 0 {
			if bs, err := h.Store.OfferBillingAccounts(ctx(c), a); err == nil {
				for _, b := range bs {
					if b.ID == bid {
						cur = b.Currency
					}
				}
			}
		}
	}
	if pid == 0 || plan == "" || cur == "" {
		return ""
	}
	minor, ok, err := h.Store.ListPrice(ctx(c), pid, plan, cur)
	if err != nil {
		return ""
	}
	return offers.ListPriceText(h.page(c, ""), minor, ok, cur)
}

// NewOffer shows the offer form, prefilled from the query (a Meet
// migration's step 7 passes customer, product, total quantity).
func (h *H) NewOffer(c echo.Context) error {
	q := func(name string) string { return strings.TrimSpace(c.QueryParam(name)) }
	f := forms.OfferForm{CustomerID: forms.ParseID(q("customer")), ProductID: forms.ParseID(q("product")),
		Quantity: q("quantity"), Plan: q("plan"), MigrationID: forms.ParseID(q("migration"))}
	a := mustActor(c)
	if a.OrgKind == models.OrgConsole {
		if bs, err := h.Store.OfferBillingAccounts(ctx(c), a); err == nil && len(bs) > 0 {
			f.BillingAccountID = forms.ID(bs[0].ID)
		}
	}
	if pid := f.ProductID.Int64(); pid > 0 && f.Plan != "" {
		cur := f.Currency
		if a.OrgKind == models.OrgConsole {
			cur = h.billingCurrency(c, f)
		}
		if cur == "" && a.OrgKind == models.OrgOperator {
			cur = "USD"
			f.Currency = cur
		}
		if minor, ok, err := h.Store.ListPrice(ctx(c), pid, models.Plan(f.Plan), cur); err == nil && ok {
			f.UnitPrice = listAmount(minor, cur)
		}
	}
	v, err := h.offerFormView(c, f)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, offers.Form(h.page(c, "Make an offer"), v))
}

func (h *H) billingCurrency(c echo.Context, f forms.OfferForm) string {
	bid := f.BillingAccountID.Int64()
	if bs, err := h.Store.OfferBillingAccounts(ctx(c), mustActor(c)); err == nil {
		for _, b := range bs {
			if b.ID == bid {
				return b.Currency
			}
		}
	}
	return ""
}

// OfferListPrice is the htmx fragment with the list price of the form's
// product, plan and currency.
func (h *H) OfferListPrice(c echo.Context) error {
	f := forms.OfferForm{ProductID: forms.ParseID(c.QueryParam("product_id")), Plan: c.QueryParam("plan"),
		BillingAccountID: forms.ParseID(c.QueryParam("billing_account_id")), Currency: c.QueryParam("currency")}
	return Render(c, http.StatusOK, offers.ListPrice(h.listPriceText(c, f)))
}

// CreateOffer saves a draft or sends the offer; bad input re-renders with 422.
func (h *H) CreateOffer(c echo.Context) error {
	a := mustActor(c)
	var f forms.OfferForm
	if err := bind(c, &f); err != nil {
		return err
	}
	send := f.SendNow()
	o, err := h.Store.CreateOffer(ctx(c), a, f.Input(), f.Currency, send)
	status, fe, ok := formFailure(err)
	switch {
	case isWindow(err):
		status, fe, ok = http.StatusUnprocessableEntity, models.FieldErrors{"_form": windowMessage(c, err)}, true
	case status == http.StatusTooManyRequests:
		fe = models.FieldErrors{"token": fe["_form"]} // too many token guesses
	}
	if ok {
		f.SetErrors(fe)
		f.Token = "" // never echo a secret back
		v, verr := h.offerFormView(c, f)
		if verr != nil {
			return verr
		}
		return Render(c, status, offers.Form(h.page(c, "Make an offer"), v))
	}
	if err != nil {
		return err
	}
	msg := "Offer saved as a draft."
	if send {
		msg = "Offer sent to the customer."
	}
	return h.redirect(c, fmt.Sprintf("%s/%d", offersBase(a), o.ID), msg)
}

// SendOffer sends a draft.
func (h *H) SendOffer(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Store.SendOffer(ctx(c), mustActor(c), id); err != nil {
		return h.offerActionError(c, id, forms.OfferDecisionForm{}, err)
	}
	return h.redirect(c, fmt.Sprintf("%s/%d", offersBase(mustActor(c)), id), "Offer sent to the customer.")
}

// WithdrawOffer takes an offer back.
func (h *H) WithdrawOffer(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Store.WithdrawOffer(ctx(c), mustActor(c), id); err != nil {
		return h.offerActionError(c, id, forms.OfferDecisionForm{}, err)
	}
	return h.redirect(c, fmt.Sprintf("%s/%d", offersBase(mustActor(c)), id), "Offer withdrawn.")
}

// offerActionError shows a lost race or bad input on the offer page itself.
// The customer's ticked box and typed reason are kept.
func (h *H) offerActionError(c echo.Context, id int64, f forms.OfferDecisionForm, err error) error {
	status, fe, ok := formFailure(err)
	if !ok || status == http.StatusTooManyRequests {
		return err
	}
	f.SetErrors(fe)
	return h.offerDetail(c, id, status, f)
}

// AcceptOffer is the customer's acceptance (R-OFF-3).
func (h *H) AcceptOffer(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var f forms.OfferDecisionForm
	if err := bind(c, &f); err != nil {
		return err
	}
	o, err := h.Store.AcceptOffer(ctx(c), mustActor(c), id, bool(f.Terms))
	if err != nil {
		return h.offerActionError(c, id, f, err)
	}
	return h.redirect(c, fmt.Sprintf("/admin/offers/%d", o.ID), "Offer accepted. The subscription is now online.")
}

// DeclineOffer is the customer's refusal with a reason.
func (h *H) DeclineOffer(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var f forms.OfferDecisionForm
	if err := bind(c, &f); err != nil {
		return err
	}
	if err := h.Store.DeclineOffer(ctx(c), mustActor(c), id, f.Reason); err != nil {
		return h.offerActionError(c, id, f, err)
	}
	return h.redirect(c, fmt.Sprintf("/admin/offers/%d", id), "Offer declined. The reseller has been told.")
}

func listAmount(minor int64, cur string) string {
	scale := models.CurrencyScale(cur)
	if scale == 0 {
		return fmt.Sprint(minor)
	}
	pow := int64(1)
	for i := 0; i < scale; i++ {
		pow *= 10
	}
	return fmt.Sprintf("%d.%0*d", minor/pow, scale, minor%pow)
}
