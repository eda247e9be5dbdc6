package store_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

// Office 365 product keys (issue 11, R-PK-1): key cards, the Redeem
// wizard's draft, the customer's account in one transaction, invitations,
// renewing with a key.

func o365Product(t *testing.T, f *storetest.Fixture, sku string) int64 {
	t.Helper()
	var id int64
	f.Gorm.Raw("SELECT id FROM products WHERE sku = ?", sku).Scan(&id)
	if id == 0 {
		t.Fatalf("no product %s", sku)
	}
	return id
}

// loadKeys makes n key cards for a console as the desk and returns the keys.
func loadKeys(t *testing.T, f *storetest.Fixture, consoleID int64, n int, sku string, term, seats int) []string {
	t.Helper()
	keys, err := f.Store.GenerateKeyCards(bg, f.Actor("desk:operator_admin"), consoleID, models.KeyCardBatch{
		ProductID: o365Product(t, f, sku), TermMonths: fmt.Sprint(term), Seats: fmt.Sprint(seats), Count: fmt.Sprint(n)})
	if err != nil {
		t.Fatalf("load keys: %v", err)
	}
	return keys
}

func messageOf(err error) string {
	if e, ok := err.(*models.Error); ok {
		return e.Message
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// toAccount runs the wizard up to step 2 with keys.
func toAccount(t *testing.T, f *storetest.Fixture, st *store.Store, a models.Actor, keys ...string) {
	t.Helper()
	if err := st.StartRedemption(bg, a, true); err != nil {
		t.Fatal(err)
	}
	res, err := st.AddKeys(bg, a, keys)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r != nil {
			t.Fatalf("key %d refused: %v", i, r)
		}
	}
	if err := st.MoveRedemption(bg, a, models.StepReview); err != nil {
		t.Fatal(err)
	}
	if err := st.MoveRedemption(bg, a, models.StepAccount); err != nil {
		t.Fatal(err)
	}
}

func contoso() models.AccountInput {
	return models.AccountInput{Country: "GB", OrgName: "Contoso Ltd", AdminName: "Ada Admin", AdminEmail: "ada@contoso.example"}
}

func TestKeyCardsLoadAndList(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	desk := f.Actor("desk:operator_admin")
	keys := loadKeys(t, f, f.ConsoleA.ID, 3, "O365-E3", 12, 25)
	if len(keys) != 3 {
		t.Fatalf("%d keys", len(keys))
	}
	var stored []models.KeyCard
	f.Gorm.Order("id").Find(&stored)
	for i, k := range keys {
		if _, ok := models.NormalizeO365Key(k); !ok {
			t.Fatalf("generated key %q has not the format", k)
		}
		// Sealed and hashed: the key itself is nowhere in the row.
		c := stored[i]
		if bytes.Contains(c.KeySealed, []byte(k)) || bytes.Contains(c.KeyHash, []byte(k)) || c.KeyLast5 != strings.ReplaceAll(k, "-", "")[20:] {
			t.Fatalf("key %s stored in the clear (%+v)", k, c)
		}
	}

	t.Run("only the desk's key roles load", func(t *testing.T) {
		_, err := f.Store.GenerateKeyCards(bg, f.Actor("desk:support_engineer"), f.ConsoleA.ID, models.KeyCardBatch{ProductID: o365Product(t, f, "O365-E3"), TermMonths: "12", Seats: "1", Count: "1"})
		if !isCode(err, models.CodeForbidden) {
			t.Fatalf("support engineer: %v", err)
		}
		_, err = f.Store.ImportKeyCards(bg, f.Actor("A:super_admin"), f.ConsoleA.ID, strings.NewReader("x"))
		if !isCode(err, models.CodeForbidden) {
			t.Fatalf("partner: %v", err)
		}
	})

	t.Run("a product that is not Office 365 is refused", func(t *testing.T) {
		_, err := f.Store.GenerateKeyCards(bg, desk, f.ConsoleA.ID, models.KeyCardBatch{ProductID: o365Product(t, f, "GWS-BS"), TermMonths: "12", Seats: "1", Count: "1"})
		if fe, ok := models.AsValidation(err); !ok || fe["product"] == "" {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("import checks every line and loads nothing on a bad one", func(t *testing.T) {
		before := countRows(t, f.Gorm, "product_key_cards", "")
		csv := "key,sku,term_months,seats\n" +
			"aaaaa-bbbbb-ccccc-ddddd-eeeee,O365-E3,12,10\n" +
			strings.ToLower(keys[0]) + ",O365-E3,12,25\n" + // already loaded
			"AAAAA-BBBBB-CCCCC-DDDDD-EEEE,O365-E3,12,10\n" // format
		_, err := f.Store.ImportKeyCards(bg, desk, f.ConsoleA.ID, strings.NewReader(csv))
		ie, ok := models.AsKeyImport(err)
		if !ok {
			t.Fatalf("got %v", err)
		}
		if len(ie.Lines) != 1 || ie.Lines[0].Line != 4 {
			t.Fatalf("lines %+v (the format is checked before the database)", ie.Lines)
		}
		csv = "key,sku,term_months,seats\naaaaa-bbbbb-ccccc-ddddd-eeeee,O365-E3,12,10\n" + strings.ToLower(keys[0]) + ",O365-E3,12,25\n"
		_, err = f.Store.ImportKeyCards(bg, desk, f.ConsoleA.ID, strings.NewReader(csv))
		if ie, ok = models.AsKeyImport(err); !ok || len(ie.Lines) != 1 || ie.Lines[0].Line != 3 || !strings.Contains(ie.Lines[0].Problem.Message, "already loaded") {
			t.Fatalf("got %v", err)
		}
		if n := countRows(t, f.Gorm, "product_key_cards", ""); n != before {
			t.Fatalf("%d cards loaded from a bad file", n-before)
		}
		n, err := f.Store.ImportKeyCards(bg, desk, f.ConsoleB.ID, strings.NewReader("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE,M365-BSD,1,5\n"))
		if err != nil || n != 1 {
			t.Fatalf("import: %d, %v", n, err)
		}
		if countRows(t, f.Gorm, "audit_events", "action = 'product_keys.loaded' AND organisation_id = ?", f.ConsoleB.ID) != 1 {
			t.Fatal("the import is not in the console's audit log")
		}
	})

	t.Run("lists: the desk names a console, a partner sees its own", func(t *testing.T) {
		page, err := f.Store.ListKeyCards(bg, desk, f.ConsoleA.ID, models.KeyCardFilter{}, "")
		if err != nil || len(page.Items) != 3 || page.Total != 3 {
			t.Fatalf("desk list: %d, %v", len(page.Items), err)
		}
		last := strings.ReplaceAll(keys[1], "-", "")[20:]
		page, _ = f.Store.ListKeyCards(bg, desk, f.ConsoleA.ID, models.KeyCardFilter{Query: last}, "")
		if len(page.Items) != 1 || page.Items[0].KeyLast5 != last || len(page.Items[0].KeySealed) != 0 {
			t.Fatalf("search by the last five: %+v", page.Items)
		}
		page, _ = f.Store.ListKeyCards(bg, f.Actor("B:super_admin"), f.ConsoleA.ID, models.KeyCardFilter{}, "")
		if len(page.Items) != 1 || page.Items[0].ConsoleID != f.ConsoleB.ID {
			t.Fatalf("console B sees %+v", page.Items)
		}
		page, _ = f.Store.ListKeyCards(bg, desk, f.ConsoleA.ID, models.KeyCardFilter{State: models.KeyUsed}, "")
		if len(page.Items) != 0 {
			t.Fatalf("used filter: %+v", page.Items)
		}
		if _, err := f.Store.ListKeyCards(bg, f.Actor("A:sales_agent"), 0, models.KeyCardFilter{}, ""); !isCode(err, models.CodeForbidden) {
			t.Fatalf("sales agent: %v", err)
		}
		if _, err := f.Store.ListKeyCards(bg, desk, 999999, models.KeyCardFilter{}, ""); !isCode(err, models.CodeNotFound) {
			t.Fatalf("unknown console: %v", err)
		}
	})
}

func TestRedeemKeysCreatesTheCustomer(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	a := f.Actor("A:admin_agent")
	keys := loadKeys(t, f, f.ConsoleA.ID, 3, "O365-E3", 12, 25)
	other := loadKeys(t, f, f.ConsoleB.ID, 1, "O365-E3", 12, 25)
	bsd := loadKeys(t, f, f.ConsoleA.ID, 1, "M365-BSD", 12, 5)

	if err := f.Store.StartRedemption(bg, a, false); err == nil {
		t.Fatal("started without ticking I understand")
	}
	if _, err := f.Store.AddKeys(bg, a, []string{keys[0]}); !isCode(err, models.CodeConflict) {
		t.Fatalf("keys before Start: %v", err)
	}
	if err := f.Store.StartRedemption(bg, a, true); err != nil {
		t.Fatal(err)
	}
	// Each key is checked on its own; the good ones stay reserved.
	typed := []string{strings.ToLower(strings.ReplaceAll(keys[0], "-", "")), "ABCDE-12345", other[0], "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ", keys[1], bsd[0], keys[0], ""}
	res, err := f.Store.AddKeys(bg, a, typed)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"", "25 letters", "another partner", "not known", "", "another product", "already added", ""}
	for i, w := range want {
		got := messageOf(res[i])
		if (w == "") != (got == "") || !strings.Contains(got, w) {
			t.Errorf("key %d (%s): %q, want %q", i, typed[i], got, w)
		}
	}
	d, err := f.Store.RedemptionDraft(bg, a)
	if err != nil || len(d.Keys) != 2 || d.Seats != 50 || d.Draft.Step != models.StepKeys {
		t.Fatalf("draft %+v, %v", d, err)
	}
	// Another user of the console cannot take a reserved key.
	su := f.Actor("A:super_admin")
	if err := f.Store.StartRedemption(bg, su, true); err != nil {
		t.Fatal(err)
	}
	if res, _ := f.Store.AddKeys(bg, su, []string{keys[1]}); !strings.Contains(messageOf(res[0]), "Someone in your console") {
		t.Fatalf("reserved key taken: %v", res[0])
	}
	// A removed key is free again.
	if err := f.Store.RemoveKey(bg, su, d.Keys[0].ID); !isCode(err, models.CodeNotFound) {
		t.Fatalf("removed another user's key: %v", err)
	}
	if err := f.Store.RemoveKey(bg, a, d.Keys[1].ID); err != nil {
		t.Fatal(err)
	}
	if res, _ := f.Store.AddKeys(bg, su, []string{keys[1]}); res[0] != nil {
		t.Fatalf("a removed key is not free: %v", res[0])
	}
	if res, _ := f.Store.AddKeys(bg, a, []string{keys[2]}); res[0] != nil {
		t.Fatal(res[0])
	}

	if err := f.Store.MoveRedemption(bg, a, models.StepAccount); !isCode(err, models.CodeConflict) {
		t.Fatalf("account before the review: %v", err)
	}
	if err := f.Store.MoveRedemption(bg, a, models.StepReview); err != nil {
		t.Fatal(err)
	}
	if err := f.Store.MoveRedemption(bg, a, models.StepAccount); err != nil {
		t.Fatal(err)
	}
	bad := contoso()
	bad.Country = "KP"
	if _, err := f.Store.CreateRedeemedAccount(bg, a, bad); err == nil {
		t.Fatal("a country without Office 365 was accepted")
	}
	// The sales agent may not redeem (R-ROLE-4).
	if _, err := f.Store.CreateRedeemedAccount(bg, f.Actor("A:sales_agent"), contoso()); !isCode(err, models.CodeForbidden) {
		t.Fatalf("sales agent: %v", err)
	}

	r, err := f.Store.CreateRedeemedAccount(bg, a, contoso())
	if err != nil {
		t.Fatal(err)
	}
	if r.Customer.Domain != "contosoltd.onmicrosoft.example" || r.Customer.ConsoleID == nil || *r.Customer.ConsoleID != f.ConsoleA.ID || r.Customer.Country != "GB" {
		t.Fatalf("customer %+v", r.Customer)
	}
	if r.Admin.Role != models.RoleCustomerAdmin || r.Admin.OrganisationID != r.Customer.ID || r.Admin.Email != "ada@contoso.example" {
		t.Fatalf("admin %+v", r.Admin)
	}
	if r.Subscription.Quantity != 50 || r.Subscription.Plan != models.PlanAnnualPrepaid || r.Subscription.EndDate.Format("2006-01-02") != models.TermEnd(f.Clock.Now(), 12).Format("2006-01-02") {
		t.Fatalf("subscription %+v", r.Subscription)
	}
	checks := []struct {
		table, where string
		args         []any
	}{
		{"subscriptions", "id = ? AND partner_of_record_console_id = ?", []any{r.Subscription.ID, f.ConsoleA.ID}},
		{"licence_assignments", "subscription_id = ? AND user_id = ?", []any{r.Subscription.ID, r.Admin.ID}},
		{"product_key_cards", "state = 'used' AND used_for_subscription_id = ?", []any{r.Subscription.ID}},
		{"user_invitations", "user_id = ? AND used_at IS NULL", []any{r.Admin.ID}},
		{"outbox", "to_email = ? AND link LIKE '/invitations/%'", []any{"ada@contoso.example"}},
		{"redemption_drafts", "user_id = ? AND customer_id = ? AND completed_at IS NOT NULL", []any{a.UserID, r.Customer.ID}},
		{"audit_events", "action = 'product_keys.redeemed' AND organisation_id IN (?, ?)", []any{f.ConsoleA.ID, r.Customer.ID}},
	}
	wantN := []int64{1, 1, 2, 1, 1, 1, 2}
	for i, c := range checks {
		if n := countRows(t, f.Gorm, c.table, c.where, c.args...); n != wantN[i] {
			t.Errorf("%s where %s: %d rows, want %d", c.table, c.where, n, wantN[i])
		}
	}
	// A used key says so; the draft is closed, a new one starts empty.
	if err := f.Store.StartRedemption(bg, a, true); err != nil {
		t.Fatal(err)
	}
	if res, _ := f.Store.AddKeys(bg, a, []string{keys[0]}); !strings.Contains(messageOf(res[0]), "already redeemed") {
		t.Fatalf("used key: %v", res[0])
	}
	// The same name again gets the next free domain.
	if d, _ := f.Store.RedemptionDraft(bg, a); len(d.Keys) != 0 {
		t.Fatalf("new draft holds %d keys", len(d.Keys))
	}

	t.Run("the admin sets a password with the invitation, once", func(t *testing.T) {
		if _, _, err := f.Store.SignIn(bg, "ada@contoso.example", "anything-at-all", "192.0.2.9", "test"); err == nil {
			t.Fatal("an invited admin signed in before setting a password")
		}
		v, err := f.Store.Invitation(bg, r.InvitationToken)
		if err != nil || v.Email != "ada@contoso.example" || v.OrgName != "Contoso Ltd" {
			t.Fatalf("invitation %+v, %v", v, err)
		}
		if _, err := f.Store.AcceptInvitation(bg, r.InvitationToken, models.SetPasswordInput{Password: "short", Confirm: "short"}, "192.0.2.9"); err == nil {
			t.Fatal("a short password was accepted")
		}
		if _, err := f.Store.AcceptInvitation(bg, r.InvitationToken, models.SetPasswordInput{Password: "contoso-admin-1", Confirm: "contoso-admin-1"}, "192.0.2.9"); err != nil {
			t.Fatal(err)
		}
		if _, u, err := f.Store.SignIn(bg, "ada@contoso.example", "contoso-admin-1", "192.0.2.9", "test"); err != nil || u.ID != r.Admin.ID {
			t.Fatalf("sign in: %v", err)
		}
		_, err = f.Store.AcceptInvitation(bg, r.InvitationToken, models.SetPasswordInput{Password: "contoso-admin-2", Confirm: "contoso-admin-2"}, "192.0.2.9")
		if !strings.Contains(messageOf(err), "already used") {
			t.Fatalf("used link: %v", err)
		}
		if _, err := f.Store.Invitation(bg, "not-a-token"); !isCode(err, models.CodeNotFound) {
			t.Fatalf("unknown link: %v", err)
		}
	})
}

func TestInvitationExpires(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	a := f.Actor("A:super_admin")
	keys := loadKeys(t, f, f.ConsoleA.ID, 1, "O365-E1", 1, 3)
	toAccount(t, f, f.Store, a, keys...)
	r, err := f.Store.CreateRedeemedAccount(bg, a, models.AccountInput{Country: "FR", OrgName: "Fabrikam", Domain: "fabrikam.example", AdminName: "Fab Admin", AdminEmail: "fab@fabrikam.example"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Customer.Domain != "fabrikam.example" || r.Subscription.Plan != models.PlanFlexible {
		t.Fatalf("entered domain and monthly plan: %+v %+v", r.Customer, r.Subscription)
	}
	f.Clock.Advance(models.InvitationValidity)
	_, err = f.Store.AcceptInvitation(bg, r.InvitationToken, models.SetPasswordInput{Password: "fabrikam-admin-1", Confirm: "fabrikam-admin-1"}, "")
	if !strings.Contains(messageOf(err), "expired") {
		t.Fatalf("expired link: %v", err)
	}
}

func TestRedemptionDraftSurvivesARestart(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	a := f.Actor("A:admin_agent")
	keys := loadKeys(t, f, f.ConsoleA.ID, 2, "O365-E3", 12, 10)
	if err := f.Store.StartRedemption(bg, a, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.AddKeys(bg, a, keys); err != nil {
		t.Fatal(err)
	}
	if err := f.Store.MoveRedemption(bg, a, models.StepReview); err != nil {
		t.Fatal(err)
	}
	// A new process: a new store over the same database.
	restarted := store.New(f.Gorm, f.Clock.Now)
	restarted.SecretKey = f.Store.SecretKey
	d, err := restarted.RedemptionDraft(bg, a)
	if err != nil || d.Draft.Step != models.StepReview || len(d.Keys) != 2 || d.Seats != 20 {
		t.Fatalf("after a restart: %+v, %v", d, err)
	}
	// The reservation lasts 24 hours; then another partner user may take the keys.
	f.Clock.Advance(models.KeyReservation - time.Minute)
	if d, _ := restarted.RedemptionDraft(bg, a); len(d.Keys) != 2 {
		t.Fatalf("reservation ended early: %d keys", len(d.Keys))
	}
	f.Clock.Advance(time.Minute)
	if d, _ := restarted.RedemptionDraft(bg, a); len(d.Keys) != 0 {
		t.Fatalf("reservation outlived 24 hours: %d keys", len(d.Keys))
	}
	su := f.Actor("A:super_admin")
	if err := restarted.StartRedemption(bg, su, true); err != nil {
		t.Fatal(err)
	}
	if res, _ := restarted.AddKeys(bg, su, keys[:1]); res[0] != nil {
		t.Fatalf("a lapsed reservation still holds the key: %v", res[0])
	}
	if err := restarted.MoveRedemption(bg, a, models.StepAccount); err == nil {
		t.Fatal("moved to the account without reserved keys")
	}
	if _, err := restarted.CreateRedeemedAccount(bg, a, contoso()); !isCode(err, models.CodeConflict) {
		t.Fatalf("account without reserved keys: %v", err)
	}
}

func TestRedemptionIsOneTransaction(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	a := f.Actor("A:admin_agent")
	keys := loadKeys(t, f, f.ConsoleA.ID, 1, "O365-E3", 12, 25)
	toAccount(t, f, f.Store, a, keys...)
	// The last write of the redemption fails.
	_, owner, err := store.Open(bg, f.OwnerURL, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := owner.Exec(`CREATE FUNCTION fail_redeem() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN IF NEW.action = 'product_keys.redeemed' THEN RAISE EXCEPTION 'the last step fails'; END IF; RETURN NEW; END; $$`).Error; err != nil {
		t.Fatal(err)
	}
	if err := owner.Exec("CREATE TRIGGER fail_redeem BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION fail_redeem()").Error; err != nil {
		t.Fatal(err)
	}
	tables := []string{"organisations", "customers", "users", "user_invitations", "subscriptions", "licence_assignments", "outbox", "audit_events"}
	before := map[string]int64{}
	for _, tb := range tables {
		before[tb] = countRows(t, f.Gorm, tb, "")
	}
	if _, err := f.Store.CreateRedeemedAccount(bg, a, contoso()); err == nil {
		t.Fatal("the redemption succeeded past a failing last step")
	}
	for _, tb := range tables {
		if n := countRows(t, f.Gorm, tb, ""); n != before[tb] {
			t.Errorf("%s: %d rows, %d before: the failed redemption left rows", tb, n, before[tb])
		}
	}
	if countRows(t, f.Gorm, "product_key_cards", "state = 'reserved'") != 1 || countRows(t, f.Gorm, "redemption_drafts", "completed_at IS NULL") != 1 {
		t.Fatal("the key or the draft changed")
	}
	// Once the failure is gone, the draft completes.
	if err := owner.Exec("DROP TRIGGER fail_redeem ON audit_events").Error; err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.CreateRedeemedAccount(bg, a, contoso()); err != nil {
		t.Fatal(err)
	}
}

func TestOneKeyRedeemedOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	key := loadKeys(t, f, f.ConsoleA.ID, 1, "O365-E3", 12, 25)[0]
	const n = 20
	actors := make([]models.Actor, n)
	for i := range actors {
		u, err := f.Store.CreateUserInOrg(bg, f.ConsoleA.ID, models.UserInput{Name: fmt.Sprintf("Agent %d", i), Email: fmt.Sprintf("agent%d@a.test", i),
			Password: storetest.Password, Role: models.RoleAdminAgent, CanAddCustomers: true})
		if err != nil {
			t.Fatal(err)
		}
		actors[i] = store.ActorOf(u, "")
		if err := f.Store.StartRedemption(bg, actors[i], true); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	won := make(chan int, n)
	for i := range actors {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			a := actors[i]
			res, err := f.Store.AddKeys(bg, a, []string{key})
			if err != nil || res[0] != nil {
				return
			}
			if f.Store.MoveRedemption(bg, a, models.StepReview) != nil || f.Store.MoveRedemption(bg, a, models.StepAccount) != nil {
				return
			}
			in := contoso()
			in.AdminEmail = fmt.Sprintf("admin%d@contoso.example", i)
			if _, err := f.Store.CreateRedeemedAccount(bg, a, in); err == nil {
				won <- i
			}
		}(i)
	}
	wg.Wait()
	close(won)
	if len(won) != 1 {
		t.Fatalf("%d redemptions of one key, want 1", len(won))
	}
	if c := countRows(t, f.Gorm, "subscriptions", "partner_of_record_console_id IS NOT NULL"); c != 1 {
		t.Fatalf("%d subscriptions from one key", c)
	}

	t.Run("renewing with one key from 20 requests extends once", func(t *testing.T) {
		var subID int64
		f.Gorm.Raw("SELECT id FROM subscriptions WHERE partner_of_record_console_id IS NOT NULL").Scan(&subID)
		renew := loadKeys(t, f, f.ConsoleA.ID, 1, "O365-E3", 12, 25)[0]
		a := f.Actor("A:admin_agent")
		var before time.Time
		f.Gorm.Raw("SELECT end_date FROM subscriptions WHERE id = ?", subID).Scan(&before)
		var wg sync.WaitGroup
		ok := make(chan bool, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.Store.RenewWithKey(bg, a, subID, renew)
				ok <- err == nil
			}()
		}
		wg.Wait()
		close(ok)
		wins := 0
		for x := range ok {
			if x {
				wins++
			}
		}
		var after time.Time
		f.Gorm.Raw("SELECT end_date FROM subscriptions WHERE id = ?", subID).Scan(&after)
		if wins != 1 || !after.Equal(before.AddDate(1, 0, 0)) {
			t.Fatalf("%d renewals, end %s → %s", wins, before.Format("2006-01-02"), after.Format("2006-01-02"))
		}
	})
}

func TestRenewWithKey(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	a := f.Actor("A:admin_agent")
	keys := loadKeys(t, f, f.ConsoleA.ID, 3, "O365-E3", 12, 25)
	toAccount(t, f, f.Store, a, keys[0])
	r, err := f.Store.CreateRedeemedAccount(bg, a, contoso())
	if err != nil {
		t.Fatal(err)
	}
	end := r.Subscription.EndDate
	other := loadKeys(t, f, f.ConsoleB.ID, 1, "O365-E3", 12, 25)
	e1 := loadKeys(t, f, f.ConsoleA.ID, 1, "O365-E1", 12, 25)
	for _, tc := range []struct{ name, key, want string }{
		{"bad format", "12345", "25 letters"},
		{"used key", keys[0], "already redeemed"},
		{"another console's key", other[0], "another partner"},
		{"another product", e1[0], "another product"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Store.RenewWithKey(bg, a, r.Subscription.ID, tc.key)
			fe, ok := models.AsValidation(err)
			if !ok || !strings.Contains(fe["key"], tc.want) {
				t.Fatalf("got %v, want %q on the key", err, tc.want)
			}
		})
	}
	if _, err := f.Store.RenewWithKey(bg, f.Actor("B:admin_agent"), r.Subscription.ID, keys[1]); !isCode(err, models.CodeNotFound) {
		t.Fatalf("another console's subscription: %v", err)
	}
	if _, err := f.Store.RenewWithKey(bg, f.Actor("A:sales_agent"), r.Subscription.ID, keys[1]); !isCode(err, models.CodeForbidden) {
		t.Fatalf("sales agent: %v", err)
	}
	sub, err := f.Store.RenewWithKey(bg, a, r.Subscription.ID, strings.ToLower(keys[1]))
	if err != nil {
		t.Fatal(err)
	}
	if !sub.EndDate.Equal(models.RenewedEnd(end, 12)) || sub.Status != models.SubActive {
		t.Fatalf("renewed to %s (%s), want %s", sub.EndDate, sub.Status, models.RenewedEnd(end, 12))
	}
	if countRows(t, f.Gorm, "audit_events", "action = 'subscription.renewed_by_key' AND record_id = ?", sub.ID) != 2 {
		t.Fatal("the renewal is not audited on both sides")
	}
	// A subscription that is not Office 365 is not renewed with a key.
	var ceu int64
	f.Gorm.Raw(`INSERT INTO subscriptions (customer_id, console_id, product_id, quantity, plan, channel, status, start_date, end_date, renewal_option, created_at, updated_at)
SELECT ?, ?, id, 5, 'flexible', 'online', 'active', now(), now() + interval '1 month', 'auto_renew', now(), now() FROM products WHERE sku = 'CEU' RETURNING id`,
		f.CustomerA.ID, f.ConsoleA.ID).Scan(&ceu)
	if _, err := f.Store.RenewWithKey(bg, a, ceu, keys[2]); !isCode(err, models.CodeConflict) {
		t.Fatalf("renewing Chrome with a key: %v", err)
	}
}
