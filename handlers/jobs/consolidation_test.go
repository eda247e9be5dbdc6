package jobs_test

import (
	"context"
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// TestMigrationBatchRunsInTheBackground: a bulk completion queued at the
// main console is worked by the scheduled job, not by the request
// (R-BULK-1).
func TestMigrationBatchRunsInTheBackground(t *testing.T) {
	f := storetest.Seed(t)
	ctx := context.Background()
	st, mainA, srcB := f.Store, f.Actor("A:super_admin"), f.Actor("B:super_admin")
	c, err := st.InviteConsole(ctx, mainA, f.ConsoleB.PublicResellerID)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AcceptConnection(ctx, srcB, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveBillingAccount(ctx, mainA, 0, models.BillingAccountInput{Name: "A in yen", Currency: "JPY", LegalEntity: "A KK"}); err != nil {
		t.Fatal(err)
	}
	f.Clock.Advance(models.MigrationWait)
	if res, err := st.StartMigrations(ctx, srcB, []int64{f.CustomerB.ID}); err != nil || !res[0].OK {
		t.Fatalf("start %+v %v", res, err)
	}
	id, err := st.QueueCompleteMigrations(ctx, mainA, []int64{f.CustomerB.ID}, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	startRunner(t, f, nil)
	waitFor(t, "the batch to finish", func() bool {
		b, err := st.MigrationBatch(ctx, mainA, id)
		return err == nil && b.Finished()
	})
	b, _ := st.MigrationBatch(ctx, mainA, id)
	if done, failed := b.Counts(); done != 1 || failed != 0 {
		t.Fatalf("%+v", b.Items)
	}
}
