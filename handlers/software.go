package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/views"
	"partnerconsole/views/cases"
	"partnerconsole/views/software"
)

// On-premises software (issue 10, SPEC §5, seed 001): Add products for a
// customer, the orders list, the customer's Software page with Get key,
// Download and Copy link, the cancellation within 7 days, and the public
// download of a signed link.

// softwareBase is where the Software page of the request lives.
func softwareBase(c echo.Context, a models.Actor) string {
	if a.OrgKind == models.OrgCustomer {
		return "/admin/software"
	}
	return "/console/customers/" + c.Param("id") + "/software"
}

// Software shows what was bought for a customer (R-SW-3).
func (h *H) Software(c echo.Context) error {
	return h.softwarePage(c, http.StatusOK, software.PageView{})
}

func (h *H) softwarePage(c echo.Context, status int, v software.PageView) error {
	a := mustActor(c)
	var id int64
	if a.OrgKind == models.OrgConsole {
		var err error
		if id, err = pathID(c, "id"); err != nil {
			return err
		}
		cust, err := h.Store.GetCustomer(ctx(c), a, id)
		if err != nil {
			return err
		}
		v.CustomerName = cust.Name
	} else {
		v.CustomerName = PageFor(c, "").OrgName
	}
	lines, err := h.Store.CustomerSoftware(ctx(c), a, id)
	if err != nil {
		return err
	}
	v.Lines, v.Base = lines, softwareBase(c, a)
	for _, l := range lines {
		if v.Revealed != nil && l.ID == v.Revealed.LineID {
			v.Revealed.Product = l.ProductName + " " + l.Version + " · " + l.OrderNumber
		}
	}
	v.CanKeys, v.CanCancel = a.Can(models.PermSoftwareKeys), a.Can(models.PermCancelSoftware) && a.OrgKind == models.OrgConsole
	v.CanBuy = a.Can(models.PermBuySoftware) && a.OrgKind == models.OrgConsole
	v.Credits = map[int64]models.Money{}
	if v.CanCancel {
		for _, l := range lines {
			if l.CanCancel {
				if m, err := h.Store.CancelSoftwareLine(ctx(c), a, l.ID, false); err == nil {
					v.Credits[l.ID] = m
				}
			}
		}
	}
	return Render(c, status, software.Page(h.page(c, "Software"), v))
}

// softwareLine reads the order line of the path; on the console's routes it
// must belong to the customer of the path.
func (h *H) softwareLine(c echo.Context) (int64, error) {
	line, err := pathID(c, "line")
	if err != nil {
		return 0, err
	}
	a := mustActor(c)
	if a.OrgKind == models.OrgConsole {
		cust, err := pathID(c, "id")
		if err != nil {
			return 0, err
		}
		if err := h.Store.SoftwareLineOf(ctx(c), a, cust, line); err != nil {
			return 0, err
		}
	}
	return line, nil
}

// RevealSoftwareKey shows an order line's key (Get key; step-up, audited).
func (h *H) RevealSoftwareKey(c echo.Context) error {
	line, err := h.softwareLine(c)
	if err != nil {
		return err
	}
	key, err := h.Store.RevealSoftwareKey(ctx(c), mustActor(c), line)
	if status, fe, ok := formFailure(err); ok {
		return h.softwarePage(c, status, software.PageView{Errors: fe})
	}
	if err != nil {
		return err
	}
	return h.softwarePage(c, http.StatusOK, software.PageView{Revealed: &software.Revealed{LineID: line, Key: key}})
}

// softwareLink makes a signed link to an order line's bits.
func (h *H) softwareLink(c echo.Context, copied bool) (string, int64, error) {
	line, err := h.softwareLine(c)
	if err != nil {
		return "", 0, err
	}
	var f forms.SoftwareLinkForm
	if err := bind(c, &f); err != nil {
		return "", 0, err
	}
	tok, err := h.Store.SoftwareDownloadLink(ctx(c), mustActor(c), line, f.Language, f.Bitness, copied)
	return tok, line, err
}

// CopySoftwareLink shows a download link to send to the customer (Copy
// link; step-up, audited).
func (h *H) CopySoftwareLink(c echo.Context) error {
	tok, line, err := h.softwareLink(c, true)
	if status, fe, ok := formFailure(err); ok {
		return h.softwarePage(c, status, software.PageView{Errors: fe})
	}
	if err != nil {
		return err
	}
	link := strings.TrimRight(h.BaseURL, "/") + "/software/download/" + tok
	return h.softwarePage(c, http.StatusOK, software.PageView{Link: &software.Revealed{LineID: line, Key: link}})
}

// DownloadSoftware starts a download of the bits (audited).
func (h *H) DownloadSoftware(c echo.Context) error {
	tok, _, err := h.softwareLink(c, false)
	if status, fe, ok := formFailure(err); ok {
		return h.softwarePage(c, status, software.PageView{Errors: fe})
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/software/download/"+tok)
}

// SoftwareDownload serves the bits of a signed link: attachment, ranges.
// A forged, expired or revoked link is the plain not-found page.
func (h *H) SoftwareDownload(c echo.Context) error {
	d, err := h.Store.OpenSoftwareDownload(ctx(c), c.Param("token"), c.RealIP())
	if err != nil {
		return err
	}
	f, mod, err := h.Store.OpenBits(ctx(c), d)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	w := c.Response()
	w.Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, d.Name()))
	w.Header().Set(echo.HeaderContentType, "application/octet-stream")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.ServeContent(w, c.Request(), d.Name(), mod, f)
	return nil
}

// CancelSoftwareLine cancels an order line within 7 days (R-SW-2).
func (h *H) CancelSoftwareLine(c echo.Context) error {
	line, err := h.softwareLine(c)
	if err != nil {
		return err
	}
	credit, err := h.Store.CancelSoftwareLine(ctx(c), mustActor(c), line, true)
	if status, fe, ok := formFailure(err); ok {
		return h.softwarePage(c, status, software.PageView{Errors: fe})
	}
	if err != nil {
		return err
	}
	tr := Translator(c)
	h.Sessions.Flash(c, views.Flash{Kind: "success", Text: tr.T("Cancelled: the key is revoked and a credit of {{.Amount}} was issued.", "Amount", tr.Money(credit.Minor, credit.Currency))})
	return c.Redirect(http.StatusSeeOther, softwareBase(c, mustActor(c)))
}

// ---- Add products (R-SW-1) ----

// NewSoftwareOrder shows the empty Add products form.
func (h *H) NewSoftwareOrder(c echo.Context) error {
	return h.softwareOrderPage(c, http.StatusOK, forms.SoftwareOrderForm{Key: newFormKey()}, nil)
}

func (h *H) softwareOrderPage(c echo.Context, status int, f forms.SoftwareOrderForm, review *store.PlacedOrder) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	form, err := h.Store.SoftwareOrderForm(ctx(c), mustActor(c), id, f.AccountID())
	var e *models.Error
	if errors.As(err, &e) && e.Code == models.CodeInvalid {
		form, err = h.Store.SoftwareOrderForm(ctx(c), mustActor(c), id, 0)
	}
	if err != nil {
		return err
	}
	v := software.OrderView{Form: f, Data: form, Review: review, Base: fmt.Sprintf("/console/customers/%d/software", id)}
	return Render(c, status, software.OrderPage(h.page(c, "Add products"), v))
}

// PlaceSoftwareOrder reviews the order (prices in the billing account's
// currency) or, on the confirming post, places it.
func (h *H) PlaceSoftwareOrder(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var f forms.SoftwareOrderForm
	if err := bind(c, &f); err != nil {
		return err
	}
	if f.Key == "" {
		f.Key = newFormKey()
	}
	o, err := h.Store.PlaceSoftwareOrder(ctx(c), mustActor(c), id, store.PlaceOrderInput{BillingAccountID: f.AccountID(),
		PONumber: f.PONumber, Lines: f.Lines(), Confirm: f.Placing(), Key: f.Key})
	if status, fe, ok := formFailure(err); ok {
		f.SetErrors(fe)
		f.Step = ""
		return h.softwareOrderPage(c, status, f, nil)
	}
	if err != nil {
		return err
	}
	if !f.Placing() {
		return h.softwareOrderPage(c, http.StatusOK, f, &o)
	}
	tr := Translator(c)
	h.Sessions.Flash(c, views.Flash{Kind: "success", Text: tr.T("Order {{.Number}} placed.", "Number", o.Order.Number)})
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/console/customers/%d/software", id))
}

// ---- The orders list ----

// softwareOrderFilter reads the orders list's filter: search, state, the
// days placed (in the user's zone) and, on a customer's list, the customer.
func softwareOrderFilter(c echo.Context) (store.SoftwareOrderFilter, error) {
	f := store.SoftwareOrderFilter{Query: strings.TrimSpace(c.QueryParam("q"))}
	switch s := models.OrderState(c.QueryParam("state")); s {
	case models.OrderPlaced, models.OrderPartlyCancelled, models.OrderCancelled:
		f.State = s
	}
	if c.Param("id") != "" {
		id, err := pathID(c, "id")
		if err != nil {
			return f, err
		}
		f.CustomerID = id
	}
	var err error
	f.Dates, err = models.ParseOrderDates(c.QueryParam("from"), c.QueryParam("to"), Translator(c).Zone)
	return f, err
}

// softwareOrdersBase is the list's address: the console's, or a customer's.
func softwareOrdersBase(f store.SoftwareOrderFilter) string {
	if f.CustomerID != 0 {
		return fmt.Sprintf("/console/customers/%d/software/orders", f.CustomerID)
	}
	return "/console/software-orders"
}

// SoftwareOrders lists the console's software orders (or one customer's),
// newest first. A bad date is 422 with its message and an empty list.
func (h *H) SoftwareOrders(c echo.Context) error {
	a := mustActor(c)
	f, ferr := softwareOrderFilter(c)
	status, fe, bad := formFailure(ferr)
	if ferr != nil && !bad {
		return ferr
	}
	v := software.ListView{Query: f.Query, State: string(f.State), From: c.QueryParam("from"), To: c.QueryParam("to"), Errors: fe}
	if f.CustomerID != 0 {
		cust, err := h.Store.GetCustomer(ctx(c), a, f.CustomerID)
		if err != nil {
			return err
		}
		v.CustomerName, v.CustomerID = cust.Name, cust.ID
	}
	if bad {
		v.Base = softwareOrdersBase(f)
		return Render(c, status, software.List(h.page(c, "Software orders"), v))
	}
	page, l, err := pagedList(c, softwareOrdersBase(f), func(cursor string) (models.Page[store.SoftwareOrderRow], error) {
		return h.Store.ListSoftwareOrders(ctx(c), a, f, cursor)
	})
	if err != nil {
		return err
	}
	v.Page, v.Base, v.OnFirst, v.CSVURL, v.FirstURL, v.NextURL = page, l.Base, l.OnFirst, l.CSVURL, l.FirstURL, l.NextURL
	return Render(c, http.StatusOK, software.List(h.page(c, "Software orders"), v))
}

// SoftwareOrdersCSV exports the orders of the current filter.
func (h *H) SoftwareOrdersCSV(c echo.Context) error {
	a := mustActor(c)
	f, err := softwareOrderFilter(c)
	if err != nil {
		return err
	}
	if _, err := h.Store.ListSoftwareOrders(ctx(c), a, f, ""); err != nil {
		return err // a foreign customer: 404 before the file starts
	}
	header := []string{"number", "customer", "state", "placed_at", "total", "currency", "po_number"}
	return h.exportCSV(c, "software-orders", header, func(write func(...string) error) error {
		return h.Store.ExportSoftwareOrders(ctx(c), a, f, func(r store.SoftwareOrderRow) error {
			return write(r.Number, csvSafe(r.CustomerName), string(r.State), r.PlacedAt.UTC().Format("2006-01-02T15:04:05Z"),
				fmt.Sprint(r.TotalMinor), strings.TrimSpace(r.Currency), csvSafe(r.PONumber))
		})
	})
}

// ---- The desk's refund decision (R-SW-6) ----

// DecideSoftwareRefund approves (the amount requested or less, with a
// note) or rejects (with a reason) a refund case that names a software
// order line. Bad input keeps what was typed; a decision that lost the
// race says the refund was already decided.
func (h *H) DecideSoftwareRefund(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var f forms.RefundDecisionForm
	if err := bind(c, &f); err != nil {
		return err
	}
	if f.Decision != "approve" && f.Decision != "reject" {
		err = &models.Error{Code: models.CodeInvalid, Field: "decision", Message: "Choose approve or reject."}
	} else {
		_, err = h.Store.DecideSoftwareRefund(ctx(c), mustActor(c), id, f.Input())
	}
	if err != nil {
		return h.caseFailure(c, id, err, func(v *cases.DetailView, errs models.FieldErrors) {
			f.SetErrors(errs)
			v.Refund = f
		})
	}
	msg := "Refund rejected: the partner reads your reason."
	if f.Decision == "approve" {
		msg = "Refund approved: the key is revoked and the credit issued."
	}
	return h.redirect(c, fmt.Sprintf("/desk/cases/%d", id), msg)
}
