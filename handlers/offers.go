package handlers

import (
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"partnerconsole/models"
	"partnerconsole/views"
	"partnerconsole/views/offers"
)

var offerFields = []string{"customer_id", "domain", "token", "product_id", "quantity", "plan", "unit_price",
	"billing_account_id", "currency", "start_date", "expires_on", "message", "po_number", "migration_id"}

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
	cursor := c.QueryParam("after")
	page, err := h.Store.ListOffers(ctx(c), a, f, cursor)
	if err != nil {
		return err
	}
	products, err := h.Store.Products(ctx(c))
	if err != nil {
		return err
	}
	base := offersBase(a)
	q := c.QueryParams()
	v := offers.ListView{Filter: f, Page: page, Base: base, OnFirst: cursor == "", Products: products,
		CSVURL: withQuery(base+".csv", q, "after", ""), FirstURL: withQuery(base, q, "after", ""),
		CanCreate: a.Can(models.PermOffers) || a.Can(models.PermDirectOffers)}
	if a.OrgKind != models.OrgCustomer {
		if v.Customers, err = h.Store.OfferCustomers(ctx(c), a); err != nil {
			return err
		}
	}
	if page.Next != "" {
		v.NextURL = withQuery(base, q, "after", page.Next)
	}
	return Render(c, http.StatusOK, offers.List(h.page(c, "Offers"), v))
}

// OffersCSV exports the offers of the current filter.
func (h *H) OffersCSV(c echo.Context) error {
	a := mustActor(c)
	f := offerFilter(c)
	if err := h.Store.CanListOffers(a); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="offers-%s.csv"`, h.Store.Now().Format("20060102")))
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	_ = w.Write([]string{"id", "state", "customer", "domain", "from", "sku", "product", "quantity", "plan", "unit_price_minor", "currency",
		"total_minor", "start_date", "expires_on", "po_number", "created_at"})
	err := h.Store.ExportOffers(ctx(c), a, f, func(o models.OfferRow) error {
		return w.Write([]string{fmt.Sprint(o.ID), string(o.State), csvSafe(o.CustomerName), o.CustomerDomain, csvSafe(o.ConsoleName), o.ProductSKU,
			o.ProductName, fmt.Sprint(o.Quantity), string(o.Plan), fmt.Sprint(o.UnitPriceMinor), o.Currency, fmt.Sprint(o.Total()),
			o.StartDate.Format("2006-01-02"), o.ExpiresOn.Format("2006-01-02"), csvSafe(o.PONumber), o.CreatedAt.UTC().Format(time.RFC3339)})
	})
	w.Flush()
	if err != nil {
		h.Log.Error("export offers", "error", err)
	}
	return nil
}

func (h *H) offerDetail(c echo.Context, id int64, status int, form views.Form) error {
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
	return h.offerDetail(c, id, http.StatusOK, views.NewForm())
}

func (h *H) offerFormView(c echo.Context, f views.Form) (offers.FormView, error) {
	a := mustActor(c)
	v := offers.FormView{Form: f, Base: offersBase(a), Direct: a.OrgKind == models.OrgOperator}
	var err error
	if v.Customers, err = h.Store.OfferCustomers(ctx(c), a); err != nil {
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
	v.MigrationID, _ = strconv.ParseInt(f.Get("migration_id"), 10, 64)
	v.ListPrice = h.listPriceText(c, f)
	return v, nil
}

func (h *H) listPriceText(c echo.Context, f views.Form) string {
	a := mustActor(c)
	pid, _ := strconv.ParseInt(f.Get("product_id"), 10, 64)
	plan := models.Plan(f.Get("plan"))
	cur := f.Get("currency")
	if a.OrgKind == models.OrgConsole {
		cur = ""
		if bid, _ := strconv.ParseInt(f.Get("billing_account_id"), 10, 64); bid > 0 {
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
	f := views.NewForm()
	for k, q := range map[string]string{"customer_id": "customer", "product_id": "product", "quantity": "quantity",
		"plan": "plan", "migration_id": "migration"} {
		f.Values[k] = strings.TrimSpace(c.QueryParam(q))
	}
	a := mustActor(c)
	if a.OrgKind == models.OrgConsole {
		if bs, err := h.Store.OfferBillingAccounts(ctx(c), a); err == nil && len(bs) > 0 {
			f.Values["billing_account_id"] = fmt.Sprint(bs[0].ID)
		}
	}
	if pid, _ := strconv.ParseInt(f.Get("product_id"), 10, 64); pid > 0 && f.Get("plan") != "" {
		cur := f.Get("currency")
		if a.OrgKind == models.OrgConsole {
			cur = h.billingCurrency(c, f)
		}
		if cur == "" && a.OrgKind == models.OrgOperator {
			cur = "USD"
			f.Values["currency"] = cur
		}
		if minor, ok, err := h.Store.ListPrice(ctx(c), pid, models.Plan(f.Get("plan")), cur); err == nil && ok {
			f.Values["unit_price"] = listAmount(minor, cur)
		}
	}
	v, err := h.offerFormView(c, f)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, offers.Form(h.page(c, "Make an offer"), v))
}

func (h *H) billingCurrency(c echo.Context, f views.Form) string {
	bid, _ := strconv.ParseInt(f.Get("billing_account_id"), 10, 64)
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
	f := views.NewForm()
	for _, k := range []string{"product_id", "plan", "billing_account_id", "currency"} {
		f.Values[k] = c.QueryParam(k)
	}
	return Render(c, http.StatusOK, offers.ListPrice(h.listPriceText(c, f)))
}

// CreateOffer saves a draft or sends the offer; bad input re-renders with 422.
func (h *H) CreateOffer(c echo.Context) error {
	a := mustActor(c)
	f := formOf(c, offerFields...)
	in := models.OfferInput{Domain: f.Get("domain"), Token: f.Get("token"), Quantity: f.Get("quantity"), Plan: models.Plan(f.Get("plan")),
		UnitPrice: f.Get("unit_price"), StartDate: f.Get("start_date"), ExpiresOn: f.Get("expires_on"), Message: f.Get("message"),
		PONumber: f.Get("po_number")}
	in.CustomerID, _ = strconv.ParseInt(f.Get("customer_id"), 10, 64)
	in.ProductID, _ = strconv.ParseInt(f.Get("product_id"), 10, 64)
	in.BillingAccountID, _ = strconv.ParseInt(f.Get("billing_account_id"), 10, 64)
	in.MigrationID, _ = strconv.ParseInt(f.Get("migration_id"), 10, 64)
	send := c.FormValue("send") == "1"
	o, err := h.Store.CreateOffer(ctx(c), a, in, f.Get("currency"), send)
	if fe, ok := models.AsValidation(err); ok || models.ErrorCode(err) == models.CodeTooMany || isWindow(err) {
		switch {
		case ok:
			f.Errors = fe
		case isWindow(err):
			f.Errors = models.FieldErrors{"_form": windowMessage(c, err)}
		default:
			f.Errors = models.FieldErrors{"token": errorMessage(err)}
		}
		f.Values["token"] = "" // never echo a secret back
		v, verr := h.offerFormView(c, f)
		if verr != nil {
			return verr
		}
		status := http.StatusUnprocessableEntity
		if models.ErrorCode(err) == models.CodeTooMany {
			status = http.StatusTooManyRequests
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
		return h.offerActionError(c, id, err)
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
		return h.offerActionError(c, id, err)
	}
	return h.redirect(c, fmt.Sprintf("%s/%d", offersBase(mustActor(c)), id), "Offer withdrawn.")
}

// offerActionError shows a lost race or bad input on the offer page itself.
func (h *H) offerActionError(c echo.Context, id int64, err error) error {
	f := views.NewForm()
	f.Values["reason"] = strings.TrimSpace(c.FormValue("reason"))
	if fe, ok := models.AsValidation(err); ok {
		f.Errors = fe
		return h.offerDetail(c, id, http.StatusUnprocessableEntity, f)
	}
	var e *models.Error
	if errors.As(err, &e) && e.Code == models.CodeConflict {
		f.Errors = models.FieldErrors{"_form": e.Message}
		return h.offerDetail(c, id, http.StatusConflict, f)
	}
	return err
}

// AcceptOffer is the customer's acceptance (R-OFF-3).
func (h *H) AcceptOffer(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ticked := c.FormValue("terms") == "on" || c.FormValue("terms") == "true"
	o, err := h.Store.AcceptOffer(ctx(c), mustActor(c), id, ticked)
	if err != nil {
		return h.offerActionError(c, id, err)
	}
	return h.redirect(c, fmt.Sprintf("/admin/offers/%d", o.ID), "Offer accepted. The subscription is now online.")
}

// DeclineOffer is the customer's refusal with a reason.
func (h *H) DeclineOffer(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Store.DeclineOffer(ctx(c), mustActor(c), id, c.FormValue("reason")); err != nil {
		return h.offerActionError(c, id, err)
	}
	return h.redirect(c, fmt.Sprintf("/admin/offers/%d", id), "Offer declined. The reseller has been told.")
}

// Terms is the customer admin's terms of service page: the version in
// force, in the reader's language, and the version the customer accepted.
func (h *H) Terms(c echo.Context) error { return h.termsPage(c, http.StatusOK, "") }

func (h *H) termsPage(c echo.Context, status int, refusal string) error {
	tr := Translator(c)
	doc, st, err := h.Store.Terms(ctx(c), mustActor(c), tr.Locale)
	if err != nil {
		return err
	}
	v := offers.TermsView{Doc: doc, Standing: st, Error: refusal}
	if st.AcceptedAt != nil {
		v.AcceptedOn = tr.Date(*st.AcceptedAt)
	}
	if doc.ID != 0 {
		v.PublishedOn = tr.Date(doc.PublishedAt)
	}
	return Render(c, status, offers.Terms(h.page(c, "Terms of service"), v))
}

// AcceptTerms records the version of the terms the admin read and lifts
// pending_tos_acceptance (R-OFF-5). A version replaced meanwhile is refused
// on the page, with the current one shown.
func (h *H) AcceptTerms(c echo.Context) error {
	version, _ := strconv.ParseInt(c.FormValue("version_id"), 10, 64)
	if version < 0 {
		version = 0
	}
	if _, err := h.Store.AcceptTerms(ctx(c), mustActor(c), version); err != nil {
		var e *models.Error
		if errors.As(err, &e) && e.Code == models.CodeConflict {
			return h.termsPage(c, http.StatusConflict, e.Message)
		}
		return err
	}
	return h.redirect(c, "/admin/terms", "Terms of service accepted. Suspended subscriptions are active again.")
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

// errorMessage is the message of a coded error, empty for any other error.
func errorMessage(err error) string {
	var e *models.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}
