package jobs

import (
	"context"
	"fmt"
	"time"

	"partnerconsole/models/store"
)

// The offers area's periodic work: offers past their date expire, customers
// are reminded 3 days before an offer expires, and renewals are applied
// (R-OFF-1, R-MEET-4).
func init() {
	AddPeriodic(15*time.Minute, "offers_expire", func(ctx context.Context, st *store.Store) error {
		if _, err := st.ExpireOffers(ctx); err != nil {
			return fmt.Errorf("expire offers: %w", err)
		}
		return nil
	})
	AddPeriodic(time.Hour, "offers_remind", func(ctx context.Context, st *store.Store) error {
		if _, err := st.RemindOffers(ctx); err != nil {
			return fmt.Errorf("remind offers: %w", err)
		}
		return nil
	})
	AddPeriodic(time.Hour, "subscriptions_renew", func(ctx context.Context, st *store.Store) error {
		if _, err := st.ApplyRenewals(ctx); err != nil {
			return fmt.Errorf("apply renewals: %w", err)
		}
		return nil
	})
}
