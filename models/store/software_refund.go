package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"partnerconsole/models"
)

// ---- Refunds after 168 hours (R-SW-2, R-SW-6) ----

// refundLine loads the order line a refund case names, within the case's
// console and customer, locked when lock is set.
func refundLine(tx *gorm.DB, c models.SupportCase, lineID int64, lock bool) (SoftwareLine, error) {
	var l SoftwareLine
	q := tx.Table("software_order_lines AS l").
		Select("l.*, o.number AS order_number, o.placed_at, o.currency, o.customer_id, o.console_id, p.name AS product_name, v.version").
		Joins("JOIN software_orders o ON o.id = l.order_id").
		Joins("JOIN software_products p ON p.id = l.product_id").
		Joins("JOIN software_versions v ON v.id = l.version_id").
		Where("l.id = ? AND o.console_id = ? AND o.customer_id = ?", lineID, c.ConsoleID, ptrOr(c.CustomerID))
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE", Table: clause.Table{Name: "l"}})
	}
	err := q.Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return l, models.NotFound()
	}
	if err != nil {
		return l, fmt.Errorf("load order line %d: %w", lineID, err)
	}
	return l, nil
}

// checkRefundFiling checks, at filing, the order line a refund case names:
// the customer's, its key still working, and the amount requested at most
// what was paid for it.
func checkRefundFiling(tx *gorm.DB, c models.SupportCase) error {
	if c.Type != models.CaseCSPRefund {
		return nil
	}
	lineID, _ := models.RefundLineID(c.FieldValues())
	if lineID == 0 {
		return nil
	}
	l, err := refundLine(tx, c, lineID, false)
	if models.ErrorCode(err) == models.CodeNotFound {
		return &models.Error{Code: models.CodeInvalid, Field: "cf_" + models.FieldOrderLine, Message: "Choose an order line of this customer."}
	}
	if err != nil {
		return err
	}
	if strings.TrimSpace(l.Currency) != c.Currency {
		return &models.Error{Code: models.CodeInvalid, Field: "cf_amount_requested", Message: "The order was paid in another currency; write the amount in the order's currency."}
	}
	return models.CheckRefundRequest(l.SoftwareOrderLine, ptrOr(c.AmountMinor))
}

// approveSoftwareRefund is the desk's Approve refund action of a refund
// case that names a software order line, for the amount requested (the
// case page's refund panel, DecideSoftwareRefund, may approve less): the
// line's key is revoked (reveal, downloads and links stop), the amount is
// credited to the order's billing account once, the case is resolved and
// the customer's admins are told. The case is locked by RunCaseAction,
// whose version check makes a second approval lose.
func approveSoftwareRefund(tx *gorm.DB, now time.Time, a models.Actor, c *models.SupportCase) (models.Msg, error) {
	lineID, ok := models.RefundLineID(c.FieldValues())
	if !ok || lineID == 0 {
		return models.Msg{}, &models.Error{Code: models.CodeConflict, Message: "This case names no software order line: resolve it with a note instead."}
	}
	l, err := refundLine(tx, *c, lineID, true)
	if err != nil {
		return models.Msg{}, err
	}
	amount, err := models.RefundCredit(l.SoftwareOrderLine, ptrOr(c.AmountMinor))
	if err != nil {
		return models.Msg{}, err
	}
	if err := refundSoftwareLine(tx, now, a, *c, l, amount, ""); err != nil {
		return models.Msg{}, err
	}
	c.State = models.CaseResolved
	return refundApprovedNote(l, amount, ""), nil
}

func refundApprovedNote(l SoftwareLine, amount int64, note string) models.Msg {
	args := []any{"Amount", refundAmountText(amount, strings.TrimSpace(l.Currency)), "Product", l.ProductName, "Number", l.OrderNumber}
	if note != "" {
		return models.Msg{Text: "Refund approved: {{.Amount}} credited to the billing account; the key of {{.Product}} (order {{.Number}}) is revoked. Note from the support desk: {{.Note}}",
			Args: append(args, "Note", note)}
	}
	return models.Msg{Text: "Refund approved: {{.Amount}} credited to the billing account; the key of {{.Product}} (order {{.Number}}) is revoked.", Args: args}
}

// refundSoftwareLine writes an approved refund of order line l on case c:
// the key revoked, the order's state, one credit of amount (keyed by the
// case), the audit event and the customer admins' notice.
func refundSoftwareLine(tx *gorm.DB, now time.Time, a models.Actor, c models.SupportCase, l SoftwareLine, amount int64, note string) error {
	if err := tx.Model(&models.SoftwareOrderLine{}).Where("id = ?", l.ID).Updates(map[string]any{
		"state": models.LineRefunded, "revoked_at": now, "credited_minor": l.CreditedMinor + amount}).Error; err != nil {
		return fmt.Errorf("refund order line %d: %w", l.ID, err)
	}
	var lines []models.SoftwareOrderLine
	if err := tx.Select("id, state").Where("order_id = ?", l.OrderID).Find(&lines).Error; err != nil {
		return fmt.Errorf("load order lines: %w", err)
	}
	if err := tx.Table("software_orders").Where("id = ?", l.OrderID).Update("state", models.OrderStateAfter(lines)).Error; err != nil {
		return fmt.Errorf("order state: %w", err)
	}
	var accountID int64
	if err := tx.Table("software_orders").Select("billing_account_id").Where("id = ?", l.OrderID).Scan(&accountID).Error; err != nil {
		return fmt.Errorf("order account: %w", err)
	}
	currency := strings.TrimSpace(l.Currency)
	ck := fmt.Sprintf("sw-refund:case:%d", c.ID)
	cr := models.Credit{BillingAccountID: accountID, AmountMinor: amount, Currency: currency, Source: models.CreditRefundApproved,
		Reason: fmt.Sprintf("Refund approved on case #%d: %s %s, order %s", c.ID, l.ProductName, l.Version, l.OrderNumber), CreatedAt: now, IdempotencyKey: &ck}
	if a.UserID != 0 {
		by := a.UserID
		cr.CreatedBy = &by
	}
	if err := addCredit(tx, cr); err != nil {
		return err
	}
	after := map[string]any{"state": models.LineRefunded, "key": "revoked", "case": c.ID,
		"order": l.OrderNumber, "credit_minor": amount, "requested_minor": ptrOr(c.AmountMinor), "currency": currency}
	if note != "" {
		after["note"] = note
	}
	if err := audit(tx, auditEntry{Actor: a, At: now, Action: "software.line_refunded", RecordType: "software_order_line", RecordID: l.ID,
		Before: map[string]any{"state": l.State}, After: after, Orgs: []int64{l.ConsoleID, l.CustomerID}}); err != nil {
		return err
	}
	return notifyOrg(tx, now, l.CustomerID, customerAdmins(), Notice{Kind: models.NoticeGeneral,
		Title: "Software was refunded", Body: "{{.Product}} of order {{.Number}} was refunded: its key no longer works.",
		Args: []any{"Product", l.ProductName, "Number", l.OrderNumber}, Link: "/admin/software"})
}

// DecideSoftwareRefund is the desk's decision on a refund case that names
// a software order line (R-SW-6): approve the amount requested or less
// (with a note the partner reads), which revokes the key, credits the
// approved amount once and resolves the case; or reject with a reason the
// partner reads. Both are audited and emailed to the partner. The case is
// locked: of two decisions at once, one wins and the other is told the
// refund was already decided.
func (s *Store) DecideSoftwareRefund(ctx context.Context, a models.Actor, caseID int64, d models.RefundDecision) (models.SupportCase, error) {
	var c models.SupportCase
	if err := a.Require(models.PermWorkCases); err != nil {
		return c, err
	}
	if !a.IsDesk() {
		return c, models.Forbidden()
	}
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		if c, err = lockCase(tx, a, caseID); err != nil {
			return err
		}
		lineID, ok := models.RefundLineID(c.FieldValues())
		if c.Type != models.CaseCSPRefund || !ok || lineID == 0 {
			return &models.Error{Code: models.CodeConflict, Message: "This case names no software order line: resolve it with a note instead."}
		}
		l, err := refundLine(tx, c, lineID, true)
		if err != nil {
			return err
		}
		credit, note, err := models.DecideRefund(c.State, l.SoftwareOrderLine, ptrOr(c.AmountMinor), c.Currency, d)
		if err != nil {
			return err
		}
		before, from := caseAudit(c), c.State
		action, msg := "case.refund_rejected", (*models.Msg)(nil)
		if d.Approve {
			if err := refundSoftwareLine(tx, now, a, c, l, credit, note); err != nil {
				return err
			}
			c.State, action = models.CaseResolved, "case.refund_approved"
			m := refundApprovedNote(l, credit, note)
			msg = &m
		} else {
			c.State = models.CaseRejected
			if err := audit(tx, auditEntry{Actor: a, At: now, Action: "software.refund_rejected", RecordType: "software_order_line", RecordID: l.ID,
				After: map[string]any{"case": c.ID, "order": l.OrderNumber, "requested_minor": ptrOr(c.AmountMinor), "currency": c.Currency, "reason": note},
				Orgs:  []int64{l.ConsoleID, l.CustomerID}}); err != nil {
				return err
			}
		}
		text := note
		if msg != nil {
			text = msg.English()
		}
		c.ActionDone(c.Version, now)
		if err := saveCase(tx, c); err != nil {
			return err
		}
		cm := models.CaseComment{CaseID: c.ID, Body: excerpt(text, 10000), BodyMsg: msg, StateFrom: string(from), StateTo: string(c.State), CreatedAt: now}
		if err := addCaseComment(tx, a, &cm); err != nil {
			return err
		}
		if err := audit(tx, auditEntry{Actor: a, At: now, Action: action, RecordType: "support_case", RecordID: c.ID, Before: before,
			After: caseAudit(c), Orgs: orgsOfCase(a, c)}); err != nil {
			return err
		}
		return notifyPartner(tx, now, a, c, stateNotice(c, from, text))
	})
	return c, err
}

// refundAmountText writes an amount for a note, e.g. "250.00 EUR".
func refundAmountText(minor int64, currency string) string {
	scale := models.CurrencyScale(currency)
	div := int64(1)
	for i := 0; i < scale; i++ {
		div *= 10
	}
	if scale == 0 {
		return fmt.Sprintf("%d %s", minor, currency)
	}
	return fmt.Sprintf("%d.%0*d %s", minor/div, scale, minor%div, currency)
}
