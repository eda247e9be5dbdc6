package store_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

var resellerIDRe = regexp.MustCompile(`^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}$`)

// TestOnboardConsole: the desk's operator admin onboards a reseller; the
// public reseller id is generated, valid and unique; the first super admin
// can sign in and holds both flags; the change is audited on both sides.
func TestOnboardConsole(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	st := f.Store
	op := f.Actor("desk:operator_admin")
	ids := map[string]bool{f.ConsoleA.PublicResellerID: true, f.ConsoleB.PublicResellerID: true}
	for i := 0; i < 25; i++ {
		in := models.ConsoleInput{Name: fmt.Sprintf("Reseller %02d", i), Country: "de", DefaultCurrency: "eur", Tier: models.TierDirect,
			DistributorName: "ignored for one-tier", AdminName: "Admin", AdminEmail: fmt.Sprintf("Admin%02d@Reseller.example", i), AdminPassword: "a long enough password"}
		c, u, err := st.OnboardConsole(bg, op, in)
		if err != nil {
			t.Fatalf("onboard %d: %v", i, err)
		}
		if !resellerIDRe.MatchString(c.PublicResellerID) {
			t.Errorf("reseller id %q is not XXXX-XXXX of the unambiguous alphabet", c.PublicResellerID)
		}
		if ids[c.PublicResellerID] {
			t.Errorf("reseller id %s given twice", c.PublicResellerID)
		}
		ids[c.PublicResellerID] = true
		if c.Country != "DE" || c.DefaultCurrency != "EUR" || c.DistributorName != "" || c.Status != "active" {
			t.Errorf("console not normalised: %+v", c)
		}
		if u.OrganisationID != c.ID || u.Role != models.RoleSuperAdmin || !u.CanAddCustomers || !u.CanMigrateCustomers ||
			u.Email != strings.ToLower(in.AdminEmail) {
			t.Errorf("first user: %+v", u)
		}
		// The id finds the console however it is typed.
		for _, typed := range []string{c.PublicResellerID, strings.ToLower(c.PublicResellerID), strings.ReplaceAll(c.PublicResellerID, "-", "")} {
			got, err := st.ConsoleByResellerID(bg, typed)
			if err != nil || got.ID != c.ID {
				t.Errorf("ConsoleByResellerID(%q) = %d, %v", typed, got.ID, err)
			}
		}
	}
	if _, err := st.ConsoleByResellerID(bg, "AAAA-AAAA"); !isNotFound(err) && ids["AAAA-AAAA"] == false {
		t.Errorf("unknown reseller id: %v", err)
	}
	if _, err := st.ConsoleByResellerID(bg, "0000-0000"); !isNotFound(err) {
		t.Errorf("malformed reseller id: %v", err)
	}

	// Two-tier with its distributor; the admin signs in and lands in the console.
	c, u, err := st.OnboardConsole(bg, op, models.ConsoleInput{Name: "Two Tier", Country: "JP", DefaultCurrency: "JPY", Tier: models.TierTwoTier,
		DistributorName: "Dist KK", AdminName: "Kenji", AdminEmail: "kenji@twotier.example", AdminPassword: "a long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Tier != models.TierTwoTier || c.DistributorName != "Dist KK" {
		t.Errorf("two-tier console: %+v", c)
	}
	if _, su, err := st.SignIn(bg, "kenji@twotier.example", "a long enough password", "192.0.2.5", "ua"); err != nil || su.ID != u.ID {
		t.Errorf("the first super admin cannot sign in: %v", err)
	}
	mine, err := st.MyConsole(bg, store.ActorOf(u, ""))
	if err != nil || mine.ID != c.ID {
		t.Errorf("MyConsole of the new admin = %d, %v", mine.ID, err)
	}
	var evs []models.AuditEvent
	f.Gorm.Where("action = 'console.onboarded' AND record_id = ?", c.ID).Order("organisation_id").Find(&evs)
	if len(evs) != 2 || evs[0].OrganisationID != f.OperatorID || evs[1].OrganisationID != c.ID {
		t.Fatalf("console.onboarded rows: %+v", evs)
	}
	var after map[string]any
	if json.Unmarshal(evs[0].After, &after) != nil || after["public_reseller_id"] != c.PublicResellerID || after["super_admin"] != "kenji@twotier.example" {
		t.Errorf("onboard audit after = %s", evs[0].After)
	}

	// A taken admin email: nothing is created, the message is on admin_email.
	before := [3]int64{countRows(t, f.Gorm, "consoles", ""), countRows(t, f.Gorm, "organisations", ""), countRows(t, f.Gorm, "audit_events", "")}
	_, _, err = st.OnboardConsole(bg, op, models.ConsoleInput{Name: "Dup", Country: "FR", DefaultCurrency: "EUR", Tier: models.TierDirect,
		AdminName: "Dup", AdminEmail: "KENJI@twotier.example", AdminPassword: "a long enough password"})
	wantField(t, "taken admin email", err, "admin_email")
	after3 := [3]int64{countRows(t, f.Gorm, "consoles", ""), countRows(t, f.Gorm, "organisations", ""), countRows(t, f.Gorm, "audit_events", "")}
	if before != after3 {
		t.Errorf("a refused onboarding left rows: %v -> %v", before, after3)
	}
	// Bad input: each field's message, nothing created.
	_, _, err = st.OnboardConsole(bg, op, models.ConsoleInput{Tier: models.TierTwoTier})
	for _, field := range []string{"name", "country", "default_currency", "distributor_name", "admin_name", "admin_email", "admin_password"} {
		wantField(t, "empty onboarding", err, field)
	}
	// Only the operator admin onboards.
	for _, key := range []string{"desk:support_engineer", "desk:sales_rep", "A:super_admin", "custA:customer_admin"} {
		_, _, err := st.OnboardConsole(bg, f.Actor(key), models.ConsoleInput{Name: "X", Country: "FR", DefaultCurrency: "EUR", Tier: models.TierDirect,
			AdminName: "X", AdminEmail: "x-" + strings.ReplaceAll(key, ":", "-") + "@x.example", AdminPassword: "a long enough password"})
		wantCode(t, key+" onboards", err, models.CodeForbidden)
	}
	if got := countRows(t, f.Gorm, "consoles", ""); got != before[0] {
		t.Errorf("refused onboardings created %d consoles", got-before[0])
	}
}

// TestListConsolesPaging: the desk's consoles list pages by keyset across
// equal names and finds a console by its reseller id.
func TestListConsolesPaging(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	op := f.Actor("desk:operator_admin")
	var rid string
	for i := 0; i < 60; i++ {
		c, _, err := f.Store.OnboardConsole(bg, op, models.ConsoleInput{Name: "Same Reseller", Country: "FR", DefaultCurrency: "EUR", Tier: models.TierDirect,
			AdminName: "A", AdminEmail: fmt.Sprintf("a%d@same.example", i), AdminPassword: "a long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		rid = c.PublicResellerID
	}
	for _, sort := range []models.CustomerSort{models.SortByName, models.SortByCreated} {
		seen := map[int64]bool{}
		cursor := ""
		for i := 0; i < 10; i++ {
			page, err := f.Store.ListConsoles(bg, op, store.ConsoleFilter{Sort: sort}, cursor)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page.Items {
				if seen[c.ID] {
					t.Errorf("sort %s: console %d twice", sort, c.ID)
				}
				seen[c.ID] = true
			}
			if cursor = page.Next; cursor == "" {
				break
			}
		}
		if len(seen) != 62 {
			t.Errorf("sort %s: walked %d consoles, want 62", sort, len(seen))
		}
	}
	page, err := f.Store.ListConsoles(bg, op, store.ConsoleFilter{Query: strings.ToLower(rid)}, "")
	if err != nil || len(page.Items) != 1 || page.Items[0].PublicResellerID != rid {
		t.Errorf("search by reseller id: %d rows, %v", len(page.Items), err)
	}
}

// TestBillingAccounts: only a super admin manages them; each save is audited
// with before and after; bad input changes nothing.
func TestBillingAccounts(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	st := f.Store
	super := f.Actor("A:super_admin")
	b, err := st.SaveBillingAccount(bg, super, 0, models.BillingAccountInput{Name: " Main EUR ", Currency: "eur", LegalEntity: "A SAS"})
	if err != nil {
		t.Fatal(err)
	}
	if b.ID == 0 || b.ConsoleID != f.ConsoleA.ID || b.Name != "Main EUR" || b.Currency != "EUR" {
		t.Errorf("created %+v", b)
	}
	n := countRows(t, f.Gorm, "audit_events", "record_type = 'billing_account' AND record_id = ?", b.ID)
	if n != 1 {
		t.Errorf("create wrote %d audit rows", n)
	}
	if _, err := st.SaveBillingAccount(bg, super, b.ID, models.BillingAccountInput{Name: "Main EUR", Currency: "EUR", LegalEntity: "A Holding SAS"}); err != nil {
		t.Fatal(err)
	}
	var ev models.AuditEvent
	if err := f.Gorm.Where("action = 'billing_account.updated' AND record_id = ?", b.ID).Take(&ev).Error; err != nil {
		t.Fatal(err)
	}
	var was, now map[string]any
	if json.Unmarshal(ev.Before, &was) != nil || json.Unmarshal(ev.After, &now) != nil || was["legal_entity"] != "A SAS" || now["legal_entity"] != "A Holding SAS" {
		t.Errorf("update audit %s -> %s", ev.Before, ev.After)
	}
	audits := countRows(t, f.Gorm, "audit_events", "")
	_, err = st.SaveBillingAccount(bg, super, b.ID, models.BillingAccountInput{Name: "", Currency: "EURO", LegalEntity: ""})
	for _, field := range []string{"name", "currency", "legal_entity"} {
		wantField(t, "bad billing account", err, field)
	}
	if countRows(t, f.Gorm, "audit_events", "") != audits {
		t.Error("an invalid save wrote an audit row")
	}
	got, err := st.GetBillingAccount(bg, super, b.ID)
	if err != nil || got.LegalEntity != "A Holding SAS" {
		t.Errorf("after an invalid save: %+v %v", got, err)
	}
	// Several currencies per console.
	if _, err := st.SaveBillingAccount(bg, super, 0, models.BillingAccountInput{Name: "UK", Currency: "GBP", LegalEntity: "A Ltd"}); err != nil {
		t.Fatal(err)
	}
	list, err := st.ListBillingAccounts(bg, f.Actor("A:admin_agent"))
	if err != nil || len(list) != 2 {
		t.Errorf("admin agent sees %d accounts, %v", len(list), err)
	}
	for _, key := range []string{"A:admin_agent", "A:sales_agent", "A:helpdesk_agent", "custA:customer_admin", "desk:operator_admin"} {
		_, err := st.SaveBillingAccount(bg, f.Actor(key), 0, models.BillingAccountInput{Name: "X", Currency: "EUR", LegalEntity: "X"})
		wantCode(t, key+" saves a billing account", err, models.CodeForbidden)
	}
	if _, err := st.ListBillingAccounts(bg, f.Actor("A:sales_agent")); err == nil {
		t.Error("a sales agent listed billing accounts")
	}
}
