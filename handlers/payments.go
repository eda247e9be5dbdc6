package handlers

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
	"partnerconsole/models/money"
	"partnerconsole/views"
	"partnerconsole/views/payments"
)

// payScope is the billing account a payment request is about and where its
// forms post: a console's account by path id, a direct customer's by the
// form's (or query's) account id, its first account when none is given.
type payScope struct {
	AccountID int64
	Base      string // card forms
	Pay       string // pay form
	Back      string // the page
}

func (h *H) payScope(c echo.Context, formAccount forms.ID) (payScope, error) {
	if strings.HasPrefix(c.Path(), "/console/") {
		id, err := pathID(c, "id")
		if err != nil {
			return payScope{}, err
		}
		base := fmt.Sprintf("/console/billing-accounts/%d/payment-methods", id)
		return payScope{AccountID: id, Base: base, Pay: fmt.Sprintf("/console/billing-accounts/%d/pay", id), Back: base}, nil
	}
	id := formAccount.Int64()
	if id == 0 {
		id = forms.ParseID(c.QueryParam("account")).Int64()
	}
	if id == 0 {
		accs, err := h.Store.PayAccounts(ctx(c), mustActor(c))
		if err != nil {
			return payScope{}, err
		}
		if len(accs) == 0 {
			return payScope{}, models.NotFound()
		}
		id = accs[0].ID
	}
	return payScope{AccountID: id, Base: "/admin/billing/payment-methods", Pay: "/admin/billing/pay", Back: fmt.Sprintf("/admin/billing?account=%d", id)}, nil
}

// billingPage renders the payment page with the forms as given.
func (h *H) billingPage(c echo.Context, status int, sc payScope, v payments.View) error {
	a := mustActor(c)
	o, err := h.Store.BillingOverview(ctx(c), a, sc.AccountID)
	if err != nil {
		return err
	}
	v.O, v.Base, v.PayAction, v.Back, v.Now = o, sc.Base, sc.Pay, sc.Back, h.Store.Now()
	v.CanManage, v.CanPay = a.Can(models.PermPaymentMethods), a.Can(models.PermBillingPay)
	if v.Pay.IdempotencyKey == "" {
		v.Pay.IdempotencyKey = models.NewIdempotencyKey()
	}
	if msg, ok := v.Pay.Errors["amount"]; ok && msg == models.MsgMinimumPayment {
		v.Pay.Errors["amount"] = Translator(c).T(models.MsgMinimumPayment, "Minimum", Translator(c).Money(money.MinimumPayment(o.Account.Currency), o.Account.Currency))
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return Render(c, status, payments.Page(h.page(c, "Payment methods"), v))
}

// Billing is a billing account's payment page: cards and pay the balance.
// A customer its reseller bills has no account: the page says so.
func (h *H) Billing(c echo.Context) error {
	sc, err := h.payScope(c, 0)
	if models.ErrorCode(err) == models.CodeNotFound && !strings.HasPrefix(c.Path(), "/console/") && c.QueryParam("account") == "" {
		return Render(c, http.StatusOK, payments.NoAccount(h.page(c, "Payments")))
	}
	if err != nil {
		return err
	}
	return h.billingPage(c, http.StatusOK, sc, payments.View{})
}

// AddPaymentMethod adds a card (R-PAY-1).
func (h *H) AddPaymentMethod(c echo.Context) error {
	var f forms.CardForm
	if err := bind(c, &f); err != nil {
		return err
	}
	sc, err := h.payScope(c, f.AccountID)
	if err != nil {
		return err
	}
	m, err := h.Store.AddPaymentMethod(ctx(c), mustActor(c), sc.AccountID, f.Input())
	if status, fe, ok := formFailure(err); ok {
		f.SetErrors(fe)
		f.Clear()
		return h.billingPage(c, status, sc, payments.View{Card: f})
	}
	if err != nil {
		return err
	}
	h.Sessions.Flash(c, views.Flash{Kind: "success", Text: Translator(c).T("{{.Brand}} ending {{.Last4}} added.", "Brand", m.Brand, "Last4", m.Last4)})
	return c.Redirect(http.StatusSeeOther, sc.Back)
}

// cardAction runs one card action and returns to the page; a rule that
// refuses it (the last card while a balance is due, a bad expiry) is shown
// on the page with 422 or 409.
func (h *H) cardAction(c echo.Context, do func(sc payScope, id int64, f forms.ExpiryForm) error, done string) error {
	var f forms.ExpiryForm
	if err := bind(c, &f); err != nil {
		return err
	}
	sc, err := h.payScope(c, f.AccountID)
	if err != nil {
		return err
	}
	id, err := pathID(c, "pm")
	if err != nil {
		return err
	}
	err = do(sc, id, f)
	if status, fe, ok := formFailure(err); ok {
		return h.billingPage(c, status, sc, payments.View{Card: forms.CardForm{Messages: forms.Messages{Errors: onForm(fe)}}})
	}
	if err != nil {
		return err
	}
	return h.redirect(c, sc.Back, done)
}

// onForm shows a card row's messages above the card form.
func onForm(fe models.FieldErrors) models.FieldErrors {
	out := models.FieldErrors{}
	for _, v := range fe {
		out.Add("_form", v)
	}
	return out
}

// ChangeCardExpiry records a card's new expiry.
func (h *H) ChangeCardExpiry(c echo.Context) error {
	return h.cardAction(c, func(sc payScope, id int64, f forms.ExpiryForm) error {
		return h.Store.ChangeCardExpiry(ctx(c), mustActor(c), sc.AccountID, id, f.Month(), f.Year())
	}, "Card expiry changed.")
}

// MakePrimaryPaymentMethod chooses the card automatic payments charge.
func (h *H) MakePrimaryPaymentMethod(c echo.Context) error {
	return h.cardAction(c, func(sc payScope, id int64, _ forms.ExpiryForm) error {
		return h.Store.MakePrimaryPaymentMethod(ctx(c), mustActor(c), sc.AccountID, id)
	}, "Primary card changed.")
}

// RemovePaymentMethod removes a card.
func (h *H) RemovePaymentMethod(c echo.Context) error {
	return h.cardAction(c, func(sc payScope, id int64, _ forms.ExpiryForm) error {
		return h.Store.RemovePaymentMethod(ctx(c), mustActor(c), sc.AccountID, id)
	}, "Card removed.")
}

// PayBalance is "pay the balance" (seed 004): one submission, one payment.
func (h *H) PayBalance(c echo.Context) error {
	var f forms.PayForm
	if err := bind(c, &f); err != nil {
		return err
	}
	sc, err := h.payScope(c, f.AccountID)
	if err != nil {
		return err
	}
	r, err := h.Store.PayBalance(ctx(c), mustActor(c), sc.AccountID, f.Input())
	if status, fe, ok := formFailure(err); ok {
		f.SetPayErrors(fe)
		f.IdempotencyKey = "" // nothing was taken: a new key for the next try
		return h.billingPage(c, status, sc, payments.View{Pay: f})
	}
	if err != nil {
		return err
	}
	t := Translator(c)
	p := r.Payment
	text := t.T("Payment of {{.Amount}} received.", "Amount", t.Money(p.AmountMinor, p.Currency))
	if r.OverPaidMinor > 0 {
		text += " " + t.T("{{.Amount}} more than was due is credited to your next invoice.", "Amount", t.Money(r.OverPaidMinor, p.Currency))
	}
	if r.Reactivated > 0 {
		text += " " + t.T("{{.N}} suspended subscription(s) are active again.", "N", r.Reactivated)
	}
	h.Sessions.Flash(c, views.Flash{Kind: "success", Text: text})
	return c.Redirect(http.StatusSeeOther, sc.Back)
}

// Credits is the desk's credits page of a billing account.
func (h *H) Credits(c echo.Context) error {
	return h.creditsPage(c, http.StatusOK, forms.CreditForm{})
}

func (h *H) creditsPage(c echo.Context, status int, f forms.CreditForm) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	acc, rows, err := h.Store.AccountCredits(ctx(c), mustActor(c), id)
	if err != nil {
		return err
	}
	if f.IdempotencyKey == "" {
		f.IdempotencyKey = models.NewIdempotencyKey()
	}
	return Render(c, status, payments.Credits(h.page(c, "Credits"), payments.CreditsView{Account: acc, Credits: rows, Form: f}))
}

// IssueCredit is the desk's credit with a reason (step-up, audited).
func (h *H) IssueCredit(c echo.Context) error {
	var f forms.CreditForm
	if err := bind(c, &f); err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	cr, err := h.Store.IssueCredit(ctx(c), mustActor(c), id, f.Input())
	if status, fe, ok := formFailure(err); ok {
		f.SetErrors(fe)
		return h.creditsPage(c, status, f)
	}
	if err != nil {
		return err
	}
	t := Translator(c)
	h.Sessions.Flash(c, views.Flash{Kind: "success", Text: t.T("Credit of {{.Amount}} issued.", "Amount", t.Money(cr.AmountMinor, cr.Currency))})
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/desk/billing-accounts/%d/credits", id))
}
