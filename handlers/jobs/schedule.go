package jobs

import (
	"context"
	"fmt"
	"time"

	"partnerconsole/models/store"
)

// Periodic is one periodic job: a unique name, how often it runs, and its
// work. River's leader election runs it once per period across replicas.
type Periodic struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// Schedule is every periodic job of the console, read top to bottom. The
// email sender (OutboxArgs) runs beside them, every Config.OutboxInterval.
// A new job is a new line here.
func Schedule(st *store.Store) []Periodic {
	return []Periodic{
		// ---- Offers (R-OFF-1, R-MEET-4) ----
		// Offers past their date expire.
		{Name: "offers_expire", Every: 15 * time.Minute, Run: func(ctx context.Context) error {
			if _, err := st.ExpireOffers(ctx); err != nil {
				return fmt.Errorf("expire offers: %w", err)
			}
			return nil
		}},
		// Customers are reminded 3 days before an offer expires.
		{Name: "offers_remind", Every: time.Hour, Run: func(ctx context.Context) error {
			if _, err := st.RemindOffers(ctx); err != nil {
				return fmt.Errorf("remind offers: %w", err)
			}
			return nil
		}},
		// Renewals are applied.
		{Name: "subscriptions_renew", Every: time.Hour, Run: func(ctx context.Context) error {
			if _, err := st.ApplyRenewals(ctx); err != nil {
				return fmt.Errorf("apply renewals: %w", err)
			}
			return nil
		}},
		// Billing core (issue 9): on the 1st each billing account's previous month is invoiced (idempotent).
		{Name: "invoices_close_month", Every: time.Hour, Run: func(ctx context.Context) error { _, err := st.CloseMonthDue(ctx); return err }},
		{Name: "trials_end", Every: 24 * time.Hour, Run: func(ctx context.Context) error { _, err := st.EndTrials(ctx); return err }}, // R-LIC-3: trials without billing are suspended
		// ---- Billing pay (R-PAY-1, R-LIC-4) ----
		// Invoices due are charged to the primary card; failed charges are retried hourly; unpaid ones suspend.
		{Name: "payments_charge_due", Every: time.Hour, Run: func(ctx context.Context) error { _, err := st.ChargeDueInvoices(ctx); return err }},
		{Name: "payments_retry_failed", Every: time.Hour, Run: func(ctx context.Context) error { _, err := st.RetryFailedCharges(ctx); return err }},
		{Name: "payments_suspend_non_payment", Every: 24 * time.Hour, Run: func(ctx context.Context) error { _, err := st.SuspendNonPaying(ctx); return err }},
		// ---- Console consolidation (issue 12) ----
		{Name: "consolidation_readiness", Every: time.Hour, Run: func(ctx context.Context) error { _, err := st.RecomputeReadiness(ctx); return err }}, // R-CON-5: readiness at most 12 h old
		// R-BULK-1: bulk completions queued at the main console are worked customer by customer.
		{Name: "consolidation_complete_batches", Every: 2 * time.Second, Run: func(ctx context.Context) error { _, err := st.RunMigrationBatches(ctx); return err }},
		// ---- Term end (issue 11, R-PK-3, R-PK-4, R-NOTE-2) ----
		// Renewal notices 60, 30, 7 and 1 days before the end date (each once); term-state moves (expired, disabled, deleted).
		{Name: "renewal_notices", Every: 24 * time.Hour, Run: func(ctx context.Context) error { _, err := st.SendRenewalNotices(ctx); return err }},
		{Name: "term_moves", Every: time.Hour, Run: func(ctx context.Context) error { _, err := st.MoveTerms(ctx); return err }},
	}
}
