package forms

import (
	"strconv"
	"strings"

	"partnerconsole/models"
)

// The Add products form of on-premises software (issue 10, R-SW-1): up to
// models.MaxOrderLines lines, each a product version ("<product id>:<version
// id>") and a quantity; the billing account and a PO number. The first post
// (Step "") reviews the prices; the confirming post (Step "place") places
// the order once (Key).
type SoftwareOrderForm struct {
	BillingAccount string   `form:"billing_account"`
	PONumber       string   `form:"po_number"`
	Items          []string `form:"item"`
	Quantities     []string `form:"quantity"`
	Step           string   `form:"step"`
	Key            string   `form:"key"`
	Messages
}

// Placing tells whether this post places the order.
func (f SoftwareOrderForm) Placing() bool { return f.Step == "place" }

// AccountID is the chosen billing account, 0 when none.
func (f SoftwareOrderForm) AccountID() int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(f.BillingAccount), 10, 64)
	return id
}

// Lines are the typed lines as the domain's input.
func (f SoftwareOrderForm) Lines() []models.OrderLineInput {
	var out []models.OrderLineInput
	for i, it := range f.Items {
		var l models.OrderLineInput
		p, v, _ := strings.Cut(it, ":")
		l.ProductID, _ = strconv.ParseInt(p, 10, 64)
		l.VersionID, _ = strconv.ParseInt(v, 10, 64)
		if i < len(f.Quantities) {
			l.Quantity = f.Quantities[i]
		}
		out = append(out, l)
	}
	return out
}

// SoftwareLinkForm chooses the language and bitness of the bits.
type SoftwareLinkForm struct {
	Language string `form:"language"`
	Bitness  string `form:"bitness"`
	Messages
}

// RefundDecisionForm is the desk's decision on a refund case that names a
// software order line (R-SW-6): Decision "approve" (Amount, empty for the
// amount requested, and a Note) or "reject" (Note is the reason). Its
// fields are prefixed refund_ so they never clash with the case page's
// state form (its "note").
type RefundDecisionForm struct {
	Decision string `form:"decision"`
	Amount   string `form:"refund_amount"`
	Note     string `form:"refund_note"`
	Messages
}

// Input is the form as the domain's input.
func (f RefundDecisionForm) Input() models.RefundDecision {
	return models.RefundDecision{Approve: f.Decision == "approve", Amount: f.Amount, Note: f.Note}
}

// SetErrors takes the domain's messages (on "amount" and "note") onto the
// form's own field names.
func (f *RefundDecisionForm) SetErrors(fe models.FieldErrors) {
	out := models.FieldErrors{}
	for k, v := range fe {
		switch k {
		case "amount", "note":
			k = "refund_" + k
		}
		out[k] = v
	}
	f.Errors = out
}
