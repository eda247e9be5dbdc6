// Package software renders on-premises software (issue 10, SPEC §5, seed
// 001): the customer's Software page, Add products and the orders list.
package software

import (
	"fmt"
	"net/url"
	"strconv"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
	"partnerconsole/models/store"
)

// Revealed is a key or a link shown once on the page after an explicit,
// audited action.
type Revealed struct {
	LineID  int64
	Key     string
	Product string // the product and version the key is for
}

// PageView is the Software page of a customer.
type PageView struct {
	CustomerName string
	Base         string // the page's address; actions post under it
	Lines        []store.SoftwareLine
	Credits      map[int64]models.Money // the prorated credit of each line that may still be cancelled
	CanKeys      bool
	CanCancel    bool
	CanBuy       bool
	Revealed     *Revealed
	Link         *Revealed
	Errors       models.FieldErrors
}

func (v PageView) action(l store.SoftwareLine, what string) string {
	return fmt.Sprintf("%s/lines/%d/%s", v.Base, l.ID, what)
}

// refundURL is Report a problem, prefilled as a refund of the line: after
// the 168 hours the line's Cancel opens it (R-SW-2, R-SW-6).
func (v PageView) refundURL(l store.SoftwareLine) string {
	q := url.Values{"type": {string(models.CaseCSPRefund)}, "customer": {strconv.FormatInt(l.CustomerID, 10)},
		"order": {l.OrderNumber}, "line": {strconv.FormatInt(l.ID, 10)}}
	return "/console/cases/new?" + q.Encode()
}

// OrderView is the Add products form: the lines, then the review.
type OrderView struct {
	Form   forms.SoftwareOrderForm
	Data   store.SoftwareOrderForm
	Review *store.PlacedOrder
	Base   string
}

// ItemOption is one product version of the catalogue.
type ItemOption struct {
	Value, Label string
}

// Items are the product versions offered, current first, then downgrades.
func (v OrderView) Items() []ItemOption {
	var out []ItemOption
	for _, p := range sortedProducts(v.Data.Catalogue) {
		for _, ver := range models.OfferedVersions(p, v.Data.Catalogue.Versions) {
			out = append(out, ItemOption{Value: fmt.Sprintf("%d:%d", p.ID, ver.ID), Label: p.Name + " " + ver.Version})
		}
	}
	return out
}

func sortedProducts(c models.SoftwareCatalogue) []models.SoftwareProduct {
	var out []models.SoftwareProduct
	for _, p := range c.Products {
		out = append(out, p)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && (out[j].Name < out[j-1].Name); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func (v OrderView) item(i int) string {
	if i < len(v.Form.Items) {
		return v.Form.Items[i]
	}
	return ""
}

func (v OrderView) quantity(i int) string {
	if i < len(v.Form.Quantities) {
		return v.Form.Quantities[i]
	}
	return ""
}

func (v OrderView) accountSelected(id int64) bool { return id == v.Data.BillingAccountID }

func lineIndexes() []int {
	out := make([]int, models.MaxOrderLines)
	for i := range out {
		out[i] = i
	}
	return out
}

// ListView is the console's software orders list.
type ListView struct {
	Query, State string
	From, To     string // the days placed, as typed (YYYY-MM-DD)
	Errors       models.FieldErrors
	CustomerID   int64 // a customer's list; 0: the console's
	CustomerName string
	Page         models.Page[store.SoftwareOrderRow]
	Base         string
	NextURL      string
	FirstURL     string
	CSVURL       string
	OnFirst      bool
}

func id(n int64) string { return strconv.FormatInt(n, 10) }
