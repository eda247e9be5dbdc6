package handlers

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"partnerconsole/handlers/forms"
	"partnerconsole/models"
	"partnerconsole/views"
	"partnerconsole/views/components"
	"partnerconsole/views/productkeys"
)

// Office 365 product keys (issue 11, SPEC §6, seed 003, R-PK-1): the
// partner's key cards and the Redeem wizard, the desk's loading of key
// cards, the invitation's set-password page, and "Renew with a product key".

const redeemURL = "/console/product-keys/redeem"

// o365CountryOptions are the countries where Office 365 is offered, by
// their name in the reader's language.
func o365CountryOptions(p views.Page) []components.Option {
	codes := models.O365Countries()
	out := make([]components.Option, 0, len(codes))
	for _, c := range codes {
		out = append(out, components.Option{Value: c, Label: p.T.CountryName(c)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// wizard renders the Redeem wizard at the draft's step with the forms' state.
func (h *H) wizard(c echo.Context, status int, v productkeys.WizardView) error {
	a := mustActor(c)
	d, err := h.Store.RedemptionDraft(ctx(c), a)
	if err != nil {
		return err
	}
	p := h.page(c, "Redeem Office 365 product keys")
	v.Draft, v.Countries, v.CanAdd = d, o365CountryOptions(p), a.Can(models.PermAddCustomers)
	return Render(c, status, productkeys.Wizard(p, v))
}

// Redeem shows the wizard where the partner stopped (R-PK-1).
func (h *H) Redeem(c echo.Context) error {
	return h.wizard(c, http.StatusOK, productkeys.WizardView{})
}

// StartRedeem is the instructions' "I understand" and Start.
func (h *H) StartRedeem(c echo.Context) error {
	var f forms.RedeemStartForm
	if err := bind(c, &f); err != nil {
		return err
	}
	if err := h.Store.StartRedemption(ctx(c), mustActor(c), bool(f.Understand)); err != nil {
		status, fe, ok := formFailure(err)
		if !ok {
			return err
		}
		f.SetErrors(fe)
		return h.wizard(c, status, productkeys.WizardView{Start: f})
	}
	return h.redirect(c, redeemURL, "")
}

// CheckKeys checks each typed key on its own: good keys join the draft,
// bad ones stay in their field with their message. "Add another product
// key" adds a field; "Next" goes on to the review when every key passed.
func (h *H) CheckKeys(c echo.Context) error {
	a := mustActor(c)
	var f forms.RedeemKeysForm
	if err := bind(c, &f); err != nil {
		return err
	}
	if len(f.Keys) > 50 {
		f.Keys = f.Keys[:50]
	}
	for i := range f.Keys {
		f.Keys[i] = strings.TrimSpace(f.Keys[i])
	}
	results, err := h.Store.AddKeys(ctx(c), a, f.Keys)
	if err != nil {
		status, fe, ok := formFailure(err)
		if !ok {
			return err
		}
		f.SetErrors(fe)
		return h.wizard(c, status, productkeys.WizardView{Keys: f})
	}
	var left, msgs []string
	for i, r := range results {
		if r == nil {
			continue
		}
		msg := r.Error()
		var e *models.Error
		if errors.As(r, &e) {
			msg = e.Message
		}
		left, msgs = append(left, f.Keys[i]), append(msgs, msg)
	}
	if len(left) > 0 {
		if f.Action == "add" {
			left = append(left, "")
		}
		f.Keys, f.KeyErrors = left, msgs
		f.SetErrors(models.FieldErrors{"_form": "Some keys were not added: see the message on each."})
		return h.wizard(c, http.StatusUnprocessableEntity, productkeys.WizardView{Keys: f})
	}
	if f.Action == "add" {
		return h.redirect(c, redeemURL, "")
	}
	if err := h.Store.MoveRedemption(ctx(c), a, models.StepReview); err != nil {
		status, fe, ok := formFailure(err)
		if !ok {
			return err
		}
		f.Keys = nil
		f.SetErrors(models.FieldErrors{"_form": firstMessage(fe)})
		return h.wizard(c, status, productkeys.WizardView{Keys: f})
	}
	return h.redirect(c, redeemURL, "")
}

// firstMessage is a form's message, whatever field it is on.
func firstMessage(fe models.FieldErrors) string {
	if m := fe["_form"]; m != "" {
		return m
	}
	for _, m := range fe {
		return m
	}
	return ""
}

// RemoveRedeemKey takes a checked key out of the draft.
func (h *H) RemoveRedeemKey(c echo.Context) error {
	var f forms.RedeemRemoveForm
	if err := bind(c, &f); err != nil {
		return err
	}
	if err := h.Store.RemoveKey(ctx(c), mustActor(c), f.Card.Int64()); err != nil {
		return err
	}
	return h.redirect(c, redeemURL, "The key was removed; it is free again.")
}

// RedeemBack goes back to the keys from the review or the account.
func (h *H) RedeemBack(c echo.Context) error {
	if err := h.Store.MoveRedemption(ctx(c), mustActor(c), models.StepKeys); err != nil {
		return err
	}
	return h.redirect(c, redeemURL, "")
}

// DoneAddingKeys confirms the review and opens step 2.
func (h *H) DoneAddingKeys(c echo.Context) error {
	if err := h.Store.MoveRedemption(ctx(c), mustActor(c), models.StepAccount); err != nil {
		status, fe, ok := formFailure(err)
		if !ok {
			return err
		}
		var f forms.RedeemKeysForm
		f.SetErrors(models.FieldErrors{"_form": firstMessage(fe)})
		return h.wizard(c, status, productkeys.WizardView{Keys: f})
	}
	return h.redirect(c, redeemURL, "")
}

// CreateRedeemAccount is "Create my account": the customer, its admin's
// invitation, the subscription and its licence, in one transaction.
func (h *H) CreateRedeemAccount(c echo.Context) error {
	a := mustActor(c)
	var f forms.AccountForm
	if err := bind(c, &f); err != nil {
		return err
	}
	r, err := h.Store.CreateRedeemedAccount(ctx(c), a, f.Input())
	if err != nil {
		status, fe, ok := formFailure(err)
		if !ok {
			return err
		}
		f.SetErrors(fe)
		return h.wizard(c, status, productkeys.WizardView{Account: f})
	}
	h.Sessions.Flash(c, views.Flash{Kind: "success", Text: Translator(c).T("{{.Org}} is set up: {{.Admin}} got an email to set a password.",
		"Org", r.Customer.Name, "Admin", r.Admin.Email)})
	return h.redirect(c, fmt.Sprintf("/console/customers/%d", r.Customer.ID), "")
}

// ---- Key cards ----

func keyCardFilter(c echo.Context) models.KeyCardFilter {
	f := models.KeyCardFilter{Query: strings.TrimSpace(c.QueryParam("q")), ProductID: forms.ParseID(c.QueryParam("product")).Int64()}
	switch s := models.KeyCardState(c.QueryParam("state")); s {
	case models.KeyAvailable, models.KeyReserved, models.KeyUsed:
		f.State = s
	}
	return f
}

// cardsPage renders a key cards list: the partner's own (consoleID 0) or a
// console's on the desk.
func (h *H) cardsPage(c echo.Context, status int, consoleID int64, v productkeys.CardsView) error {
	a := mustActor(c)
	v.Filter = keyCardFilter(c)
	base := "/console/product-keys"
	title := "Product keys"
	if a.OrgKind == models.OrgOperator {
		con, err := h.Store.GetConsole(ctx(c), a, consoleID)
		if err != nil {
			return err
		}
		base, v.ConsoleName, v.Desk, v.Local = fmt.Sprintf("/desk/consoles/%d/product-keys", consoleID), con.Name, true, !h.Production
	}
	page, l, err := pagedList(c, base, func(cursor string) (models.Page[models.KeyCardRow], error) {
		return h.Store.ListKeyCards(ctx(c), a, consoleID, v.Filter, cursor)
	})
	if err != nil {
		return err
	}
	ps, err := h.Store.O365Products(ctx(c))
	if err != nil {
		return err
	}
	v.Page, v.Products, v.Base, v.NextURL, v.FirstURL, v.OnFirst = page, ps, l.Base, l.NextURL, l.FirstURL, l.OnFirst
	v.CanRedeem = a.OrgKind == models.OrgConsole && a.Can(models.PermRedeemKeys)
	return Render(c, status, productkeys.Cards(h.page(c, title), v))
}

// ProductKeys lists the console's key cards.
func (h *H) ProductKeys(c echo.Context) error {
	return h.cardsPage(c, http.StatusOK, 0, productkeys.CardsView{})
}

// DeskProductKeys lists a console's key cards on the desk, with the forms
// that load them.
func (h *H) DeskProductKeys(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return h.cardsPage(c, http.StatusOK, id, productkeys.CardsView{})
}

// GenerateKeyCards makes a batch of key cards (local mode only) and shows
// the new keys this once.
func (h *H) GenerateKeyCards(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var f forms.KeyBatchForm
	if err := bind(c, &f); err != nil {
		return err
	}
	if h.Production {
		return &models.Error{Code: models.CodeConflict, Message: "Key cards are generated in local mode only: import the distributor's file."}
	}
	keys, err := h.Store.GenerateKeyCards(ctx(c), mustActor(c), id, f.Input())
	if err != nil {
		status, fe, ok := formFailure(err)
		if !ok {
			return err
		}
		f.SetErrors(fe)
		return h.cardsPage(c, status, id, productkeys.CardsView{Batch: f})
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.cardsPage(c, http.StatusOK, id, productkeys.CardsView{Generated: keys})
}

// ImportKeyCards loads a distributor's CSV (a file, or pasted text); one
// bad line loads nothing and every bad line is named by its number.
func (h *H) ImportKeyCards(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var f forms.KeyImportForm
	if err := bind(c, &f); err != nil {
		return err
	}
	var r io.Reader = strings.NewReader(f.CSV)
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		file, err := fh.Open()
		if err != nil {
			return fmt.Errorf("open uploaded key file: %w", err)
		}
		defer file.Close()
		r = io.LimitReader(file, 1<<20)
	}
	n, err := h.Store.ImportKeyCards(ctx(c), mustActor(c), id, r)
	if err != nil {
		if ie, ok := models.AsKeyImport(err); ok {
			return h.cardsPage(c, http.StatusUnprocessableEntity, id, productkeys.CardsView{Import: f, ImportBad: ie.Lines})
		}
		status, fe, ok := formFailure(err)
		if !ok {
			return err
		}
		f.SetErrors(fe)
		return h.cardsPage(c, status, id, productkeys.CardsView{Import: f})
	}
	h.Sessions.Flash(c, views.Flash{Kind: "success", Text: Translator(c).T("{{.N}} key cards imported.", "N", n)})
	return h.redirect(c, fmt.Sprintf("/desk/consoles/%d/product-keys", id), "")
}

// ---- Invitations ----

// invitationPage renders the set-password page; a used or expired link
// says so (410), an unknown one is not found.
func (h *H) invitationPage(c echo.Context, status int, f forms.SetPasswordForm) error {
	token := c.Param("token")
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	c.Response().Header().Set("Cache-Control", "no-store")
	inv, err := h.Store.Invitation(ctx(c), token)
	v := productkeys.InvitationView{Token: token, Form: f}
	if err != nil {
		var e *models.Error
		if !errors.As(err, &e) || e.Code != models.CodeConflict {
			return err
		}
		v.Dead = e.Message
		return Render(c, http.StatusGone, productkeys.Invitation(h.page(c, "Set your password"), v))
	}
	v.Name, v.Email, v.OrgName = inv.Name, inv.Email, inv.OrgName
	return Render(c, status, productkeys.Invitation(h.page(c, "Set your password"), v))
}

// Invitation shows an invitation's set-password page.
func (h *H) Invitation(c echo.Context) error {
	return h.invitationPage(c, http.StatusOK, forms.SetPasswordForm{})
}

// AcceptInvitation sets the invited user's password, once.
func (h *H) AcceptInvitation(c echo.Context) error {
	var f forms.SetPasswordForm
	if err := bind(c, &f); err != nil {
		return err
	}
	_, err := h.Store.AcceptInvitation(ctx(c), c.Param("token"), models.SetPasswordInput{Password: f.Password, Confirm: f.Confirm}, RealIP(c))
	if err != nil {
		if fe, ok := models.AsValidation(err); ok {
			f.Password, f.Confirm = "", ""
			f.SetErrors(fe)
			return h.invitationPage(c, http.StatusUnprocessableEntity, f)
		}
		var e *models.Error
		if errors.As(err, &e) && e.Code == models.CodeConflict {
			return h.invitationPage(c, http.StatusGone, f)
		}
		return err
	}
	return h.redirect(c, "/sign-in", "Your password is set: sign in.")
}

// ---- Renew with a product key ----

func (h *H) renewPage(c echo.Context, status int, f forms.RenewKeyForm) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := h.Store.Subscription(ctx(c), mustActor(c), id)
	if err != nil {
		return err
	}
	if d.Sub.Product == nil || d.Sub.Product.Family != models.FamilyOffice365 {
		return &models.Error{Code: models.CodeConflict, Message: "Only an Office 365 subscription is renewed with a product key."}
	}
	return Render(c, status, productkeys.Renew(h.page(c, "Renew with a product key"),
		productkeys.RenewView{Sub: d.Sub, CustomerName: d.CustomerName, Form: f}))
}

// RenewWithKeyPage shows "Renew with a product key" for a subscription.
func (h *H) RenewWithKeyPage(c echo.Context) error {
	return h.renewPage(c, http.StatusOK, forms.RenewKeyForm{})
}

// RenewWithKey extends an Office 365 subscription by the key's term.
func (h *H) RenewWithKey(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var f forms.RenewKeyForm
	if err := bind(c, &f); err != nil {
		return err
	}
	sub, err := h.Store.RenewWithKey(ctx(c), mustActor(c), id, f.Key)
	if err != nil {
		status, fe, ok := formFailure(err)
		if !ok {
			return err
		}
		f.SetErrors(fe)
		return h.renewPage(c, status, f)
	}
	h.Sessions.Flash(c, views.Flash{Kind: "success", Text: Translator(c).T("Renewed: the subscription now ends on {{.Date}}.", "Date", Translator(c).Date(sub.EndDate))})
	return h.redirect(c, fmt.Sprintf("/console/subscriptions/%d", id), "")
}
