package store_test

import (
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

func TestCompleteMigrations(t *testing.T) {
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
	yen, err := st.SaveBillingAccount(bg, mainA, 0, models.BillingAccountInput{Name: "A in yen", Currency: "JPY", LegalEntity: "A KK"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := st.CreateCustomer(bg, srcB, models.CustomerInput{Name: "Second Co", Domain: "second-co.example", Country: "JP"})
	if err != nil {
		t.Fatal(err)
	}
	third, err := st.CreateCustomer(bg, srcB, models.CustomerInput{Name: "Third Co", Domain: "third-co.example", Country: "JP"})
	if err != nil {
		t.Fatal(err)
	}
	s1 := addSubscription(t, f, f.CustomerB.ID, &f.ConsoleB.ID)
	s2 := addSubscription(t, f, second.ID, &f.ConsoleB.ID)
	s3 := addSubscription(t, f, third.ID, &f.ConsoleB.ID)
	f.Clock.Advance(models.MigrationWait)
	all := []int64{f.CustomerB.ID, second.ID, third.ID}
	res, err := st.StartMigrations(bg, srcB, all)
	if err != nil || len(res) != 3 || !res[0].OK || !res[1].OK || !res[2].OK {
		t.Fatalf("start %+v %v", res, err)
	}
	// After the start, the third customer's subscription is billed in dollars
	// at the source: the main has no account in that currency.
	usd, err := st.SaveBillingAccount(bg, srcB, 0, models.BillingAccountInput{Name: "B in dollars", Currency: "USD", LegalEntity: "B Inc"})
	if err != nil {
		t.Fatal(err)
	}
	f.Gorm.Exec("UPDATE subscriptions SET billing_account_id = ? WHERE id = ?", usd.ID, s3.ID)

	// The first customer's subscription is annual prepaid, billed to the
	// source's yen account: completion splits the rest of the term.
	bYen, err := st.SaveBillingAccount(bg, srcB, 0, models.BillingAccountInput{Name: "B in yen", Currency: "JPY", LegalEntity: "A KK"})
	if err != nil {
		t.Fatal(err)
	}
	f.Gorm.Exec("UPDATE subscriptions SET plan = 'annual_prepaid', billing_account_id = ? WHERE id = ?", bYen.ID, s1.ID)

	t.Run("needs the add-customers permission", func(t *testing.T) {
		_, err := st.CompleteMigrations(bg, f.Actor("A:helpdesk_agent"), all, nil, false)
		wantCode(t, "helpdesk", err, models.CodeForbidden)
	})
	t.Run("the source cannot complete its own migrations", func(t *testing.T) {
		res, err := st.CompleteMigrations(bg, srcB, all, nil, false)
		if err != nil || len(res) != 3 || res[0].OK || res[1].OK || res[2].OK {
			t.Errorf("source completes: %+v %v", res, err)
		}
	})
	t.Run("a foreign billing account is refused on the field", func(t *testing.T) {
		_, err := st.CompleteMigrations(bg, mainA, all, []int64{usd.ID}, false)
		wantField(t, "foreign account", err, "account_ids")
	})
	incoming, accts, err := st.IncomingMigrations(bg, mainA)
	if err != nil || len(incoming) != 3 || len(accts) != 1 {
		t.Fatalf("incoming %+v %+v %v", incoming, accts, err)
	}

	check := func(what string, res []models.BulkResult) {
		t.Helper()
		if len(res) != 3 || !res[0].OK || !res[1].OK || res[2].OK || res[2].Message != models.ErrNoSameCurrencyAccount().Message {
			t.Fatalf("%s: %+v", what, res)
		}
	}
	res, err = st.CompleteMigrations(bg, mainA, all, []int64{yen.ID}, false)
	if err != nil {
		t.Fatal(err)
	}
	check("R-CON-7 two done, one failed with its reason", res)
	for _, s := range []int64{s1.ID, s2.ID} {
		if n := countRows(t, f.Gorm, "subscriptions", "id = ? AND console_id = ? AND billing_account_id = ?", s, f.ConsoleA.ID, yen.ID); n != 1 {
			t.Errorf("R-CON-8 subscription %d not moved to the main's account", s)
		}
	}
	if n := countRows(t, f.Gorm, "customers", "id IN ? AND console_id = ?", []int64{f.CustomerB.ID, second.ID}, f.ConsoleA.ID); n != 2 {
		t.Errorf("R-CON-8 customers moved: %d", n)
	}
	if n := countRows(t, f.Gorm, "customers", "id = ? AND console_id = ?", third.ID, f.ConsoleB.ID); n != 1 {
		t.Error("the failed customer moved")
	}
	if n := countRows(t, f.Gorm, "subscriptions", "id = ? AND console_id = ? AND billing_account_id = ?", s3.ID, f.ConsoleB.ID, usd.ID); n != 1 {
		t.Error("the failed customer's subscription changed: the transaction is not whole")
	}
	if n := countRows(t, f.Gorm, "billing_accounts", "id = ? AND console_id = ?", usd.ID, f.ConsoleB.ID); n != 1 {
		t.Error("R-CON-8 the source's billing account left the source")
	}
	if n := countRows(t, f.Gorm, "customer_migrations", "customer_id = ? AND state = 'started' AND result = ?", third.ID, models.ErrNoSameCurrencyAccount().Message); n != 1 {
		t.Error("the failed customer's reason is not kept")
	}
	t.Run("R-CON-9 prepaid: the source is credited the rest of the term, the main charged the same", func(t *testing.T) {
		var credit, charge int64
		f.Gorm.Raw("SELECT COALESCE(SUM(amount_minor), 0) FROM credits WHERE billing_account_id = ? AND source = 'proration'", bYen.ID).Scan(&credit)
		f.Gorm.Raw("SELECT COALESCE(SUM(amount_minor), 0) FROM billing_charges WHERE billing_account_id = ? AND subscription_id = ?", yen.ID, s1.ID).Scan(&charge)
		if credit <= 0 || credit != charge {
			t.Errorf("credit %d, charge %d", credit, charge)
		}
		if n := countRows(t, f.Gorm, "billing_charges", "subscription_id = ?", s2.ID); n != 0 {
			t.Errorf("a monthly subscription was charged at completion: %d", n)
		}
	})
	audits := countRows(t, f.Gorm, "audit_events", "action = 'customer_migration.completed'")
	if audits != 4 {
		t.Errorf("audit on both consoles for two customers: %d", audits)
	}
	notices := func(user string) int64 {
		return countRows(t, f.Gorm, "notifications", "user_id = ? AND kind = ?", f.Users[user].ID, models.NoticeMigrationStep)
	}
	nA, nB := notices("A:super_admin"), notices("B:super_admin")
	if nB < 2 {
		t.Errorf("source super admin notices %d", nB)
	}

	t.Run("R-CON-7 re-running is safe", func(t *testing.T) {
		res, err := st.CompleteMigrations(bg, mainA, all, []int64{yen.ID}, false)
		if err != nil {
			t.Fatal(err)
		}
		check("re-run", res)
		if n := countRows(t, f.Gorm, "audit_events", "action = 'customer_migration.completed'"); n != audits {
			t.Errorf("re-run audited again: %d", n)
		}
		if n := countRows(t, f.Gorm, "credits", "billing_account_id = ?", bYen.ID); n != 1 {
			t.Errorf("re-run credited again: %d", n)
		}
		if notices("A:super_admin") != nA || notices("B:super_admin") != nB {
			t.Error("re-run notified again")
		}
	})
	incoming, _, err = st.IncomingMigrations(bg, mainA)
	if err != nil || len(incoming) != 1 || incoming[0].CustomerID != third.ID || incoming[0].Result == "" {
		t.Errorf("done customers leave the list: %+v %v", incoming, err)
	}
	if len(incoming) == 1 && (len(incoming[0].Reasons) != 1 || incoming[0].Reasons[0].Code != models.ReasonNoBillingAcct || incoming[0].Reasons[0].Currency != "USD") {
		t.Errorf("R-CON-7 the row does not say its currency has no account: %+v", incoming[0].Reasons)
	}
}
