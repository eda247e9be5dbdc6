package store_test

import (
	"sync"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

// thirdConsole onboards console C with its super admin.
func thirdConsole(t *testing.T, f *storetest.Fixture, label string) (models.Console, models.Actor) {
	t.Helper()
	c, su, err := f.Store.OnboardConsole(bg, f.Actor("desk:operator_admin"), models.ConsoleInput{Name: "Console " + label, Country: "DE",
		DefaultCurrency: "EUR", Tier: models.TierDirect, AdminName: "Super " + label, AdminEmail: "super_admin@" + label + ".test", AdminPassword: storetest.Password})
	if err != nil {
		t.Fatal(err)
	}
	return c, store.ActorOf(su, "192.0.2.1")
}

func TestConsoleConnections(t *testing.T) {
	f := storetest.Seed(t)
	st := f.Store
	mainA, srcB := f.Actor("A:super_admin"), f.Actor("B:super_admin")

	t.Run("R-CON-3 bad ids refused on the field, nothing written", func(t *testing.T) {
		for _, typed := range []string{"", "nope!", "ZZZZ-ZZZZ", f.ConsoleA.PublicResellerID} {
			_, err := st.InviteConsole(bg, mainA, typed)
			wantCode(t, typed, err, models.CodeInvalid)
		}
		if n := countRows(t, f.Gorm, "console_connections", ""); n != 0 {
			t.Errorf("%d connections written", n)
		}
	})
	t.Run("only the super admin invites", func(t *testing.T) {
		_, err := st.InviteConsole(bg, f.Actor("A:admin_agent"), f.ConsoleB.PublicResellerID)
		wantCode(t, "admin agent", err, models.CodeForbidden)
	})

	c, err := st.InviteConsole(bg, mainA, f.ConsoleB.PublicResellerID)
	if err != nil || c.State != models.ConnSent {
		t.Fatalf("invite: %+v %v", c, err)
	}
	if n := countRows(t, f.Gorm, "notifications", "user_id = ?", f.Users["B:super_admin"].ID); n != 1 {
		t.Errorf("source super admin notices = %d", n)
	}
	if n := countRows(t, f.Gorm, "outbox", "user_id = ?", f.Users["B:super_admin"].ID); n != 1 {
		t.Errorf("source super admin emails = %d", n)
	}
	if n := countRows(t, f.Gorm, "audit_events", "action = 'console_connection.invited'"); n != 2 {
		t.Errorf("audit on both sides: %d", n)
	}

	t.Run("R-CON-3 a second invitation is refused while the first is open", func(t *testing.T) {
		_, cActor := thirdConsole(t, f, "c")
		_, err := st.InviteConsole(bg, cActor, f.ConsoleB.PublicResellerID)
		wantField(t, "second main", err, "reseller_id")
		_, err = st.InviteConsole(bg, mainA, f.ConsoleB.PublicResellerID)
		wantField(t, "same main again", err, "reseller_id")
	})
	t.Run("the main cannot accept its own invitation; a foreign console sees nothing", func(t *testing.T) {
		wantCode(t, "main accepts", st.AcceptConnection(bg, mainA, c.ID), models.CodeForbidden)
		_, cActor := thirdConsole(t, f, "d")
		if !isNotFound(st.AcceptConnection(bg, cActor, c.ID)) {
			t.Error("foreign console accepted")
		}
		if _, err := st.GetConnection(bg, cActor, c.ID); !isNotFound(err) {
			t.Error("foreign console reads the connection")
		}
	})

	if err := st.AcceptConnection(bg, srcB, c.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "accept twice", st.AcceptConnection(bg, srcB, c.ID), models.CodeConflict)
	row, err := st.GetConnection(bg, mainA, c.ID)
	if err != nil || row.State != models.ConnAccepted || row.AcceptedAt == nil || row.SourceName != "Console B" || row.MainRID != f.ConsoleA.PublicResellerID {
		t.Fatalf("connection %+v %v", row, err)
	}

	t.Run("either side closes; then closed is a conflict", func(t *testing.T) {
		if err := st.CloseConnection(bg, srcB, c.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "close twice", st.CloseConnection(bg, mainA, c.ID), models.CodeConflict)
		// Once closed, another main may invite the source.
		_, cActor := thirdConsole(t, f, "e")
		if _, err := st.InviteConsole(bg, cActor, f.ConsoleB.PublicResellerID); err != nil {
			t.Errorf("invite after close: %v", err)
		}
	})
}

func TestConsoleConnectionCloseAfterDone(t *testing.T) {
	f := storetest.Seed(t)
	st := f.Store
	c, err := st.InviteConsole(bg, f.Actor("A:super_admin"), f.ConsoleB.PublicResellerID)
	if err != nil {
		t.Fatal(err)
	}
	now := f.Clock.Now()
	m := models.CustomerMigration{ConnectionID: c.ID, CustomerID: f.CustomerB.ID, State: models.MigDone, Reasons: models.NotReadyReasons{}, ComputedAt: now, CreatedAt: now, UpdatedAt: now}
	if err := f.Gorm.Create(&m).Error; err != nil {
		t.Fatal(err)
	}
	wantCode(t, "close after a completed migration", st.CloseConnection(bg, f.Actor("B:super_admin"), c.ID), models.CodeConflict)
}

func TestConcurrentInvitationsOneWins(t *testing.T) {
	f := storetest.Seed(t)
	_, cActor := thirdConsole(t, f, "f")
	mains := []models.Actor{f.Actor("A:super_admin"), cActor}
	var wg sync.WaitGroup
	errs := make([]error, len(mains))
	start := make(chan struct{})
	for i, a := range mains {
		wg.Add(1)
		go func(i int, a models.Actor) {
			defer wg.Done()
			<-start
			_, errs[i] = f.Store.InviteConsole(bg, a, f.ConsoleB.PublicResellerID)
		}(i, a)
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		} else if models.ErrorCode(err) != models.CodeInvalid {
			t.Errorf("loser: %v", err)
		}
	}
	if won != 1 || countRows(t, f.Gorm, "console_connections", "source_console_id = ?", f.ConsoleB.ID) != 1 {
		t.Fatalf("winners %d, errs %v", won, errs)
	}
}

func TestReadinessStore(t *testing.T) {
	f := storetest.Seed(t)
	st := f.Store
	mainA, srcB := f.Actor("A:super_admin"), f.Actor("B:super_admin")
	c, err := st.InviteConsole(bg, mainA, f.ConsoleB.PublicResellerID)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AcceptConnection(bg, srcB, c.ID); err != nil {
		t.Fatal(err)
	}
	accepted := f.Clock.Now()
	addSubscription(t, f, f.CustomerB.ID, &f.ConsoleB.ID) // in JPY, B's currency

	t.Run("needs the add-customers permission", func(t *testing.T) {
		_, _, err := st.CustomerMigrations(bg, f.Actor("B:helpdesk_agent"))
		wantCode(t, "helpdesk", err, models.CodeForbidden)
	})
	reasons := func() (models.CustomerMigrationState, []string) {
		t.Helper()
		_, rows, err := st.CustomerMigrations(bg, f.Actor("B:admin_agent"))
		if err != nil || len(rows) != 1 {
			t.Fatalf("rows %+v %v", rows, err)
		}
		var codes []string
		for _, r := range rows[0].Reasons {
			codes = append(codes, r.Code)
		}
		return rows[0].State, codes
	}
	if s, codes := reasons(); s != models.MigNotReady || len(codes) != 2 || codes[0] != models.ReasonWaiting || codes[1] != models.ReasonNoBillingAcct {
		t.Fatalf("first judgement %s %v", s, codes)
	}
	// The main opens a JPY billing account; a week passes to the second.
	if _, err := st.SaveBillingAccount(bg, mainA, 0, models.BillingAccountInput{Name: "A in yen", Currency: "JPY", LegalEntity: "A KK"}); err != nil {
		t.Fatal(err)
	}
	f.Clock.Set(accepted.Add(models.MigrationWait - time.Second))
	if err := st.RefreshReadiness(bg, f.Actor("B:admin_agent"), f.CustomerB.ID); err != nil {
		t.Fatal(err)
	}
	if s, codes := reasons(); s != models.MigNotReady || len(codes) != 1 || codes[0] != models.ReasonWaiting {
		t.Fatalf("a second early %s %v", s, codes)
	}
	f.Clock.Set(accepted.Add(models.MigrationWait))
	// The job leaves readiness younger than 6 hours alone…
	if n, err := st.RecomputeReadiness(bg); err != nil || n != 0 {
		t.Fatalf("job on fresh rows: %d %v", n, err)
	}
	// …and recomputes older rows.
	f.Clock.Set(accepted.Add(models.MigrationWait + 6*time.Hour))
	if n, err := st.RecomputeReadiness(bg); err != nil || n != 1 {
		t.Fatalf("job: %d %v", n, err)
	}
	if s, codes := reasons(); s != models.MigReady || len(codes) != 0 {
		t.Fatalf("after the wait %s %v", s, codes)
	}
	t.Run("refresh of a foreign customer is not found", func(t *testing.T) {
		if err := st.RefreshReadiness(bg, f.Actor("B:admin_agent"), f.CustomerA.ID); !isNotFound(err) {
			t.Errorf("foreign refresh: %v", err)
		}
	})
}

func TestStartAndCancelMigrations(t *testing.T) {
	f := storetest.Seed(t)
	st := f.Store
	mainA, srcB := f.Actor("A:super_admin"), f.Actor("B:super_admin")
	c, err := st.InviteConsole(bg, mainA, f.ConsoleB.PublicResellerID)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AcceptConnection(bg, srcB, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveBillingAccount(bg, mainA, 0, models.BillingAccountInput{Name: "A in yen", Currency: "JPY", LegalEntity: "A KK"}); err != nil {
		t.Fatal(err)
	}
	addSubscription(t, f, f.CustomerB.ID, &f.ConsoleB.ID)
	voice, err := st.CreateCustomer(bg, srcB, models.CustomerInput{Name: "Voice Co", Domain: "voice-co.example", Country: "JP"})
	if err != nil {
		t.Fatal(err)
	}
	vs := addSubscription(t, f, voice.ID, &f.ConsoleB.ID)
	f.Gorm.Exec("UPDATE subscriptions SET product_id = (SELECT id FROM products WHERE sku = 'GVOICE') WHERE id = ?", vs.ID)

	if _, err := st.StartMigrations(bg, f.Actor("B:admin_agent"), []int64{f.CustomerB.ID}); models.ErrorCode(err) != models.CodeForbidden {
		t.Errorf("without the migrate flag: %v", err)
	}
	_, err = st.StartMigrations(bg, srcB, nil)
	wantField(t, "nothing selected", err, "customer_ids")

	// R-CON-4: before the 7 days nobody starts.
	res, err := st.StartMigrations(bg, srcB, []int64{f.CustomerB.ID})
	if err != nil || len(res) != 1 || res[0].OK {
		t.Fatalf("during the wait: %+v %v", res, err)
	}
	f.Clock.Advance(models.MigrationWait)
	res, err = st.StartMigrations(bg, srcB, []int64{f.CustomerB.ID, voice.ID, f.CustomerA.ID})
	if err != nil || len(res) != 3 {
		t.Fatalf("results %+v %v", res, err)
	}
	if !res[0].OK || res[1].OK || res[2].OK || res[1].Message == "" || res[2].Message == "" {
		t.Errorf("per-customer results %+v", res)
	}
	if n := countRows(t, f.Gorm, "customer_migrations", "state = 'started'"); n != 1 {
		t.Errorf("started rows %d", n)
	}
	res, _ = st.StartMigrations(bg, srcB, []int64{f.CustomerB.ID})
	if len(res) != 1 || res[0].OK {
		t.Errorf("re-run starts twice: %+v", res)
	}
	if err := st.CancelMigration(bg, srcB, f.CustomerB.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "cancel twice", st.CancelMigration(bg, srcB, f.CustomerB.ID), models.CodeConflict)
	if !isNotFound(st.CancelMigration(bg, srcB, f.CustomerA.ID)) {
		t.Error("foreign customer cancelled")
	}
	if n := countRows(t, f.Gorm, "customer_migrations", "state = 'ready'"); n != 1 {
		t.Errorf("ready rows after cancel %d", n)
	}
}
