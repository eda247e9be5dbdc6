package money

import (
	"time"

	"partnerconsole/models"
)

// SubscriptionFacts is what the monthly close knows of one subscription
// billed to the account: the row, its product and its unit price (per
// licence per month for flexible and annual_monthly, per licence per year
// for annual_prepaid).
type SubscriptionFacts struct {
	Sub         models.Subscription
	ProductName string
	Family      models.ProductFamily
	UnitMinor   int64
	// Moves are the days it changed billing account through a customer
	// migration (R-CON-9), oldest first: each account is billed its days.
	Moves []models.SubscriptionMove
}

// MonthFacts is everything the close of one billing account's month reads:
// Month is any day of the month closed; Charges are the account's pending
// charges (not yet invoiced, created before the month's end); Credits are
// its credits with something remaining made before the month's end,
// oldest first.
type MonthFacts struct {
	Month   time.Time
	Terms   models.BillingTerms
	Subs    []SubscriptionFacts
	Charges []models.BillingCharge
	Credits []models.Credit
}

// CreditUse is the part of one credit applied to an invoice.
type CreditUse struct {
	CreditID    int64
	AmountMinor int64
}

// InvoiceDraft is the invoice the close decides: the invoice (no number or
// id yet), its lines, and the credits it uses.
type InvoiceDraft struct {
	Invoice models.Invoice
	Lines   []models.InvoiceLine
	Credits []CreditUse
}

// LicencesAddedPeriodEnd is the end (exclusive) of what a licences_added
// charge covers when licences are added on the day from: the rest of that
// month for flexible and annual_monthly plans (the next months are billed
// by the monthly invoice at the new quantity), the rest of the term for
// annual_prepaid (the year was billed at its start).
func LicencesAddedPeriodEnd(from, termEnd time.Time, plan models.Plan) time.Time {
	end := models.Day(termEnd).AddDate(0, 0, 1)
	if plan == models.PlanAnnualPrepaid {
		return end
	}
	return minTime(MonthStart(from).AddDate(0, 1, 0), end)
}

// LicencesAddedCharge is the amount of the licences_added charge for qty
// licences added on the day from (see LicencesAddedPeriodEnd).
func LicencesAddedCharge(unitMinor int64, qty int, from, termEnd time.Time, plan models.Plan) int64 {
	end := LicencesAddedPeriodEnd(from, termEnd, plan)
	switch plan {
	case models.PlanFlexible, models.PlanAnnualMonthly:
		return Monthly(unitMinor, qty, from, end)
	case models.PlanAnnualPrepaid:
		return Prorate(Mul(unitMinor, qty), DaysIn(from, end), YearDays(models.Day(termEnd).AddDate(0, 0, 1)))
	}
	return 0
}

// deferredPrepay tells whether the subscription is billed deferred-prepay
// (R-MEET-5): online Meet hardware with its first invoice date stored.
func deferredPrepay(s SubscriptionFacts) bool {
	return s.Family == models.FamilyMeetHardware && s.Sub.Channel == models.SubOnline && s.Sub.FirstInvoiceDate != nil
}

// subscriptionLine bills one subscription for the month [ms, me), or says
// there is nothing to bill. addedQty is the number of licences added this
// month through licences_added charges (billed by those charges).
func subscriptionLine(s SubscriptionFacts, ms, me time.Time, addedQty int) (models.InvoiceLine, bool) {
	sub := s.Sub
	if sub.Plan == models.PlanTrial || sub.Plan == models.PlanGrace {
		return models.InvoiceLine{}, false
	}
	start, end := models.Day(sub.StartDate), models.Day(sub.EndDate).AddDate(0, 0, 1)
	if sub.EndedAt != nil && models.Day(*sub.EndedAt).Before(end) {
		end = models.Day(*sub.EndedAt)
	}
	from := maxTime(ms, start)
	if deferredPrepay(s) {
		first := models.Day(*sub.FirstInvoiceDate)
		if me.Before(first) {
			return models.InvoiceLine{}, false // R-MEET-5: nothing before the first invoice date
		}
		if me.Equal(first) {
			from = start // the first invoice covers everything since the start
		}
	}
	line := models.InvoiceLine{SubscriptionID: &sub.ID, ProductName: s.ProductName, UnitPriceMinor: s.UnitMinor, PONumber: sub.PONumber}
	switch sub.Plan {
	case models.PlanFlexible, models.PlanAnnualMonthly:
		to := minTime(me, end)
		qty := sub.Quantity - addedQty
		if !to.After(from) || qty <= 0 {
			return models.InvoiceLine{}, false
		}
		line.Description = "Monthly licences"
		if sub.Plan == models.PlanAnnualMonthly {
			line.Description = "Annual plan, monthly share"
		}
		line.PeriodStart, line.PeriodEnd, line.Quantity = from, to, qty
		line.AmountMinor = Monthly(s.UnitMinor, qty, from, to)
		return line, true
	case models.PlanAnnualPrepaid:
		// The term that ends on end_date started a year before it (or at the
		// start date for a shorter first term); it is billed whole once,
		// on the close of the month it starts in.
		termEnd := models.Day(sub.EndDate).AddDate(0, 0, 1)
		termStart := maxTime(start, termEnd.AddDate(-1, 0, 0))
		if termStart.Before(from) || !termStart.Before(me) {
			return models.InvoiceLine{}, false
		}
		if sub.EndedAt != nil && !models.Day(*sub.EndedAt).After(termStart) {
			return models.InvoiceLine{}, false
		}
		qty := sub.Quantity - addedQty
		if qty <= 0 {
			return models.InvoiceLine{}, false
		}
		line.Description = "Annual plan, prepaid for the year"
		line.PeriodStart, line.PeriodEnd, line.Quantity = termStart, termEnd, qty
		line.AmountMinor = Prorate(Mul(s.UnitMinor, qty), DaysIn(termStart, termEnd), YearDays(termEnd))
		return line, true
	}
	return models.InvoiceLine{}, false
}

// accountLines bills one subscription to the account for the month [ms, me)
// (R-CON-9): a subscription that moved between accounts by a customer
// migration is billed, on flexible and annual_monthly plans, for the days
// it was the account's (the source up to D−1, the main from D); a prepaid
// year goes to the account it was billed to on the term's first day (the
// migration's own split credits and charges the rest).
func accountLines(s SubscriptionFacts, account int64, ms, me time.Time, addedQty int) []models.InvoiceLine {
	var out []models.InvoiceLine
	if len(s.Moves) == 0 || s.Sub.Plan == models.PlanAnnualPrepaid {
		on := ms
		if s.Sub.Plan == models.PlanAnnualPrepaid {
			termEnd := models.Day(s.Sub.EndDate).AddDate(0, 0, 1)
			on = maxTime(models.Day(s.Sub.StartDate), termEnd.AddDate(-1, 0, 0))
		}
		if o := OwnerOn(s.Sub.BillingAccountID, s.Moves, on); o == nil || *o != account {
			return nil
		}
		if l, ok := subscriptionLine(s, ms, me, addedQty); ok {
			out = append(out, l)
		}
		return out
	}
	for _, sp := range OwnedSpans(s.Sub.BillingAccountID, s.Moves, account, ms, me) {
		if l, ok := subscriptionLine(s, sp.From, sp.To, addedQty); ok {
			out = append(out, l)
		}
	}
	return out
}

// CloseMonthInvoice decides the invoice of one billing account for the
// month of f.Month, issued on the 1st of the next month: a line per billed
// subscription (flexible: the licences held × days active, prorated by the
// month's days; annual_monthly: the monthly share; annual_prepaid: the year
// on the close of the month its term starts; trials: nothing; online Meet
// hardware: nothing before its first invoice date, R-MEET-5), a line per
// pending charge, then the credits (oldest first, up to the subtotal),
// the tax at the account's rate on what remains, and the due date.
// ok is false when there is nothing to bill.
func CloseMonthInvoice(f MonthFacts) (d InvoiceDraft, ok bool) {
	ms := MonthStart(f.Month)
	me := ms.AddDate(0, 1, 0)
	added := map[int64]int{}
	for _, c := range f.Charges {
		if c.Kind == models.ChargeLicencesAdded && c.SubscriptionID != nil && c.PeriodStart != nil &&
			!models.Day(*c.PeriodStart).Before(ms) && models.Day(*c.PeriodStart).Before(me) {
			added[*c.SubscriptionID] += c.Quantity
		}
	}
	for _, s := range f.Subs {
		d.Lines = append(d.Lines, accountLines(s, f.Terms.BillingAccountID, ms, me, added[s.Sub.ID])...)
	}
	for _, c := range f.Charges {
		if c.Currency != f.Terms.Currency || c.InvoiceID != nil || !c.CreatedAt.Before(me) {
			continue
		}
		id := c.ID
		l := models.InvoiceLine{ChargeID: &id, SubscriptionID: c.SubscriptionID, Description: c.Description,
			Quantity: c.Quantity, AmountMinor: c.AmountMinor, PeriodStart: ms, PeriodEnd: me}
		if c.PeriodStart != nil {
			l.PeriodStart = models.Day(*c.PeriodStart)
		}
		if c.PeriodEnd != nil {
			l.PeriodEnd = models.Day(*c.PeriodEnd)
		}
		if !l.PeriodEnd.After(l.PeriodStart) {
			l.PeriodEnd = l.PeriodStart.AddDate(0, 0, 1)
		}
		if c.Quantity > 0 {
			l.UnitPriceMinor = c.AmountMinor / int64(c.Quantity)
		}
		for _, s := range f.Subs {
			if c.SubscriptionID != nil && s.Sub.ID == *c.SubscriptionID {
				l.ProductName, l.PONumber = s.ProductName, s.Sub.PONumber
			}
		}
		d.Lines = append(d.Lines, l)
	}
	if len(d.Lines) == 0 {
		return InvoiceDraft{}, false
	}
	inv := models.Invoice{BillingAccountID: f.Terms.BillingAccountID, PeriodStart: ms, PeriodEnd: me, Currency: f.Terms.Currency,
		State: models.InvoiceOpen, IssuedOn: me, DueOn: me.AddDate(0, 0, f.Terms.PaymentTermsDays)}
	for _, l := range d.Lines {
		inv.SubtotalMinor += l.AmountMinor
	}
	for _, c := range f.Credits {
		left := inv.SubtotalMinor - inv.CreditsMinor
		if left <= 0 {
			break
		}
		if c.Currency != f.Terms.Currency || c.RemainingMinor <= 0 {
			continue
		}
		use := min(c.RemainingMinor, left)
		inv.CreditsMinor += use
		d.Credits = append(d.Credits, CreditUse{CreditID: c.ID, AmountMinor: use})
	}
	inv.TaxMinor = Tax(inv.SubtotalMinor-inv.CreditsMinor, f.Terms.TaxRateBP)
	inv.TotalMinor = inv.SubtotalMinor - inv.CreditsMinor + inv.TaxMinor
	if inv.TotalMinor == 0 {
		inv.State = models.InvoicePaid
	}
	d.Invoice = inv
	return d, true
}

// Allocation is the part of a payment put on one invoice.
type Allocation struct {
	InvoiceID   int64
	AmountMinor int64
}

// AllocatePayment spreads amount over open invoices, oldest first (in the
// order given), and returns the allocations and what is left over (an
// over-payment, credited to the next invoice by the caller).
func AllocatePayment(open []models.Invoice, amount int64) ([]Allocation, int64) {
	var out []Allocation
	for _, inv := range open {
		if amount <= 0 {
			break
		}
		due := inv.BalanceMinor()
		if due <= 0 {
			continue
		}
		use := min(due, amount)
		out = append(out, Allocation{InvoiceID: inv.ID, AmountMinor: use})
		amount -= use
	}
	return out, amount
}
