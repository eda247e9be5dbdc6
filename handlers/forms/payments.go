package forms

import (
	"strconv"
	"strings"

	"partnerconsole/models"
)

// CardForm adds a card (R-PAY-1). The card number is never echoed back:
// a re-rendered form shows it empty.
type CardForm struct {
	AccountID   ID       `form:"account_id"`
	CardNumber  string   `form:"card_number"`
	ExpMonth    string   `form:"exp_month"`
	ExpYear     string   `form:"exp_year"`
	CardName    string   `form:"card_name"`
	MakePrimary Checkbox `form:"make_primary"`
	Messages
}

// Input is the card for the store.
func (f CardForm) Input() models.CardInput {
	return models.CardInput{Number: f.CardNumber, ExpMonth: atoi(f.ExpMonth), ExpYear: atoi(f.ExpYear), Name: f.CardName, MakePrimary: bool(f.MakePrimary)}
}

// Clear forgets the card number before the form is shown again.
func (f *CardForm) Clear() { f.CardNumber = "" }

// ExpiryForm changes a card's expiry date.
type ExpiryForm struct {
	AccountID ID     `form:"account_id"`
	ExpMonth  string `form:"exp_month"`
	ExpYear   string `form:"exp_year"`
	Messages
}

// Month and Year are the typed expiry (0 when not a number: refused on the
// field by the rules).
func (f ExpiryForm) Month() int { return atoi(f.ExpMonth) }

// Year is the typed expiry year.
func (f ExpiryForm) Year() int { return atoi(f.ExpYear) }

// NewCardChoice is the payment method choice that adds a card in the pay
// form.
const NewCardChoice = "new"

// PayForm is "pay the balance": the card (or a new one), the amount, and
// the hidden idempotency key that makes one submission one payment.
type PayForm struct {
	AccountID      ID     `form:"account_id"`
	PaymentMethod  string `form:"payment_method_id"`
	Amount         string `form:"amount"`
	IdempotencyKey string `form:"idempotency_key"`
	NewCardNumber  string `form:"new_card_number"`
	NewExpMonth    string `form:"new_exp_month"`
	NewExpYear     string `form:"new_exp_year"`
	NewCardName    string `form:"new_card_name"`
	Messages
}

// Input is the payment for the store.
func (f PayForm) Input() models.PaymentInput {
	in := models.PaymentInput{Amount: f.Amount, Key: f.IdempotencyKey}
	if f.PaymentMethod == NewCardChoice {
		in.NewCard = &models.CardInput{Number: f.NewCardNumber, ExpMonth: atoi(f.NewExpMonth), ExpYear: atoi(f.NewExpYear), Name: f.NewCardName}
	} else {
		in.MethodID = ParseID(f.PaymentMethod).Int64()
	}
	return in
}

// SetPayErrors puts the store's messages on the pay form: the new card's
// fields carry the new_ prefix here.
func (f *PayForm) SetPayErrors(fe models.FieldErrors) {
	out := models.FieldErrors{}
	for k, v := range fe {
		switch k {
		case "card_number", "exp_month", "exp_year", "card_name":
			if f.PaymentMethod == NewCardChoice {
				k = "new_" + k
			} else {
				k = "payment_method_id"
			}
		}
		out.Add(k, v)
	}
	f.Errors = out
	f.NewCardNumber = ""
}

// CreditForm is the desk's credit: amount, reason and the form's key.
type CreditForm struct {
	Amount         string `form:"amount"`
	Reason         string `form:"reason"`
	IdempotencyKey string `form:"idempotency_key"`
	Messages
}

// Input is the credit for the store.
func (f CreditForm) Input() models.CreditInput {
	return models.CreditInput{Amount: f.Amount, Reason: f.Reason, Key: f.IdempotencyKey}
}

func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0
	}
	return n
}
