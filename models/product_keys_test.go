package models

import (
	"strings"
	"testing"
	"time"
)

func TestNormalizeO365Key(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		ok             bool
	}{
		{"canonical", "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY", "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY", true},
		{"lower case", "abcde-fghij-klmno-pqrst-uvw12", "ABCDE-FGHIJ-KLMNO-PQRST-UVW12", true},
		{"without dashes", "ABCDEFGHIJKLMNOPQRSTUVWXY", "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY", true},
		{"spaces", " abcde fghij klmno pqrst 12345 ", "ABCDE-FGHIJ-KLMNO-PQRST-12345", true},
		{"24 characters", "ABCDE-FGHIJ-KLMNO-PQRST-UVWX", "", false},
		{"26 characters", "ABCDE-FGHIJ-KLMNO-PQRST-UVWXYZ", "", false},
		{"other character", "ABCDE-FGHIJ-KLMNO-PQRST-UVWX_", "", false},
		{"accented letter", "ÉBCDE-FGHIJ-KLMNO-PQRST-UVWXY", "", false},
		{"empty", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := NormalizeO365Key(tc.in)
			if ok != tc.ok || got != tc.want {
				t.Fatalf("NormalizeO365Key(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestCheckKey(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	later, earlier := now.Add(time.Hour), now.Add(-time.Hour)
	draft, other := int64(7), int64(8)
	card := func(mod func(*KeyCard)) *KeyCard {
		c := &KeyCard{ID: 1, ConsoleID: 10, ProductID: 3, TermMonths: 12, Seats: 25, State: KeyAvailable}
		if mod != nil {
			mod(c)
		}
		return c
	}
	for _, tc := range []struct {
		name    string
		check   KeyCheck
		wantMsg string // "" = accepted
	}{
		{"available key of this console", KeyCheck{Card: card(nil), ConsoleID: 10, DraftID: draft, Now: now}, ""},
		{"unknown key", KeyCheck{Card: nil, ConsoleID: 10, DraftID: draft, Now: now}, "not known"},
		{"another console's key", KeyCheck{Card: card(nil), ConsoleID: 11, DraftID: draft, Now: now}, "another partner"},
		{"used key", KeyCheck{Card: card(func(c *KeyCard) { c.State = KeyUsed }), ConsoleID: 10, DraftID: draft, Now: now}, "already redeemed"},
		{"reserved to another draft", KeyCheck{Card: card(func(c *KeyCard) { c.State, c.ReservedDraftID, c.ReservedUntil = KeyReserved, &other, &later }),
			ConsoleID: 10, DraftID: draft, Now: now}, "Someone in your console"},
		{"reservation ran out", KeyCheck{Card: card(func(c *KeyCard) { c.State, c.ReservedDraftID, c.ReservedUntil = KeyReserved, &other, &earlier }),
			ConsoleID: 10, DraftID: draft, Now: now}, ""},
		{"already in this draft", KeyCheck{Card: card(func(c *KeyCard) { c.State, c.ReservedDraftID, c.ReservedUntil = KeyReserved, &draft, &later }),
			ConsoleID: 10, DraftID: draft, Now: now}, "already added"},
		{"other product than the draft's keys", KeyCheck{Card: card(nil), ConsoleID: 10, DraftID: draft, Now: now,
			InDraft: []KeyCard{{ID: 2, ProductID: 4, TermMonths: 12}}}, "another product or term"},
		{"other term than the draft's keys", KeyCheck{Card: card(nil), ConsoleID: 10, DraftID: draft, Now: now,
			InDraft: []KeyCard{{ID: 2, ProductID: 3, TermMonths: 24}}}, "another product or term"},
		{"same product and term as the draft's keys", KeyCheck{Card: card(nil), ConsoleID: 10, DraftID: draft, Now: now,
			InDraft: []KeyCard{{ID: 2, ProductID: 3, TermMonths: 12}}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckKey(tc.check)
			if tc.wantMsg == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("got %v, want a message with %q", err, tc.wantMsg)
			}
		})
	}
}

func TestPlanRedemption(t *testing.T) {
	now := time.Date(2026, 3, 15, 18, 0, 0, 0, time.UTC)
	t.Run("seats add up, term from today", func(t *testing.T) {
		p, err := PlanRedemption([]KeyCard{{ProductID: 3, TermMonths: 12, Seats: 25}, {ProductID: 3, TermMonths: 12, Seats: 10}}, now)
		if err != nil {
			t.Fatal(err)
		}
		if p.Seats != 35 || p.Plan != PlanAnnualPrepaid || !p.Start.Equal(Day(now)) || p.End.Format("2006-01-02") != "2027-03-14" {
			t.Fatalf("plan %+v", p)
		}
	})
	t.Run("a one-month key is a monthly plan", func(t *testing.T) {
		p, err := PlanRedemption([]KeyCard{{ProductID: 3, TermMonths: 1, Seats: 5}}, now)
		if err != nil || p.Plan != PlanFlexible || p.End.Format("2006-01-02") != "2026-04-14" {
			t.Fatalf("plan %+v, %v", p, err)
		}
	})
	t.Run("no keys", func(t *testing.T) {
		if _, err := PlanRedemption(nil, now); ErrorCode(err) != CodeConflict {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("mixed products", func(t *testing.T) {
		if _, err := PlanRedemption([]KeyCard{{ProductID: 3, TermMonths: 12}, {ProductID: 4, TermMonths: 12}}, now); err == nil {
			t.Fatal("mixed products accepted")
		}
	})
}

func TestAccountInput(t *testing.T) {
	good := AccountInput{Country: "gb", OrgName: "Contoso Ltd", AdminName: "Ada Admin", AdminEmail: "Ada@Contoso.example"}
	for _, tc := range []struct {
		name  string
		mod   func(*AccountInput)
		field string // "" = valid
	}{
		{"valid", nil, ""},
		{"no country", func(in *AccountInput) { in.Country = "" }, "country"},
		{"country where Office 365 is not offered", func(in *AccountInput) { in.Country = "KP" }, "country"},
		{"no organisation name", func(in *AccountInput) { in.OrgName = " " }, "org_name"},
		{"a name without letters needs a domain", func(in *AccountInput) { in.OrgName = "株式会社" }, "domain"},
		{"a name without letters with a domain", func(in *AccountInput) { in.OrgName, in.Domain = "株式会社", "kabushiki.example" }, ""},
		{"bad domain", func(in *AccountInput) { in.Domain = "not a domain" }, "domain"},
		{"no admin name", func(in *AccountInput) { in.AdminName = "" }, "admin_name"},
		{"no admin email", func(in *AccountInput) { in.AdminEmail = "" }, "admin_email"},
		{"bad admin email", func(in *AccountInput) { in.AdminEmail = "ada@" }, "admin_email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			if tc.mod != nil {
				tc.mod(&in)
			}
			in.Normalize()
			err := in.Validate()
			fe, _ := AsValidation(err)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if fe[tc.field] == "" {
				t.Fatalf("no message on %s: %v", tc.field, err)
			}
		})
	}
}

func TestO365Countries(t *testing.T) {
	for _, c := range O365Countries() {
		if !ValidCountry(c) {
			t.Errorf("%s is not a country code", c)
		}
	}
	if !O365Offered("FR") || O365Offered("KP") || O365Offered("") {
		t.Fatal("O365Offered disagrees with the list")
	}
}

func TestDeriveTenantDomain(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Contoso Ltd", "contosoltd.onmicrosoft.example"},
		{"Fabrikam, Inc. (UK)", "fabrikamincuk.onmicrosoft.example"},
		{"株式会社", ""},
		{strings.Repeat("a", 60), strings.Repeat("a", 40) + ".onmicrosoft.example"},
	} {
		if got := DeriveTenantDomain(tc.in); got != tc.want {
			t.Errorf("DeriveTenantDomain(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if tc.want != "" {
			if _, ok := NormalizeDomain(tc.want); !ok {
				t.Errorf("%s is not a valid domain", tc.want)
			}
		}
	}
	if got := TenantDomainCandidate("contosoltd.onmicrosoft.example", 1); got != "contosoltd2.onmicrosoft.example" {
		t.Errorf("second candidate %q", got)
	}
}

func TestCheckInvitation(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	used := now.Add(-time.Hour)
	for _, tc := range []struct {
		name string
		inv  UserInvitation
		want string
	}{
		{"fresh", UserInvitation{ExpiresAt: now.Add(time.Second)}, ""},
		{"expired", UserInvitation{ExpiresAt: now}, "expired"},
		{"used", UserInvitation{ExpiresAt: now.Add(time.Hour), UsedAt: &used}, "already used"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckInvitation(tc.inv, now)
			if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("password and confirmation", func(t *testing.T) {
		if err := (SetPasswordInput{Password: "short", Confirm: "short"}).Validate(); err == nil {
			t.Fatal("a short password was accepted")
		}
		if err := (SetPasswordInput{Password: "long-enough-pass", Confirm: "long-enough-pasS"}).Validate(); err == nil {
			t.Fatal("differing passwords were accepted")
		}
		if err := (SetPasswordInput{Password: "long-enough-pass", Confirm: "long-enough-pass"}).Validate(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCheckRenewalKey(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	sub := Subscription{ID: 1, ProductID: 3, Status: SubActive}
	card := func(mod func(*KeyCard)) *KeyCard {
		c := &KeyCard{ID: 1, ConsoleID: 10, ProductID: 3, TermMonths: 12, State: KeyAvailable}
		if mod != nil {
			mod(c)
		}
		return c
	}
	for _, tc := range []struct {
		name  string
		facts RenewalKeyFacts
		want  string
	}{
		{"good key", RenewalKeyFacts{Sub: sub, Family: FamilyOffice365, Card: card(nil), ConsoleID: 10, Now: now}, ""},
		{"expired subscription", RenewalKeyFacts{Sub: Subscription{ProductID: 3, Status: "expired"}, Family: FamilyOffice365, Card: card(nil), ConsoleID: 10, Now: now}, ""},
		{"not Office 365", RenewalKeyFacts{Sub: sub, Family: FamilyWorkspace, Card: card(nil), ConsoleID: 10, Now: now}, "Only an Office 365"},
		{"ended subscription", RenewalKeyFacts{Sub: Subscription{ProductID: 3, Status: SubEnded}, Family: FamilyOffice365, Card: card(nil), ConsoleID: 10, Now: now}, "has ended"},
		{"unknown key", RenewalKeyFacts{Sub: sub, Family: FamilyOffice365, ConsoleID: 10, Now: now}, "not known"},
		{"another console's key", RenewalKeyFacts{Sub: sub, Family: FamilyOffice365, Card: card(nil), ConsoleID: 11, Now: now}, "another partner"},
		{"used key", RenewalKeyFacts{Sub: sub, Family: FamilyOffice365, Card: card(func(c *KeyCard) { c.State = KeyUsed }), ConsoleID: 10, Now: now}, "already redeemed"},
		{"other product", RenewalKeyFacts{Sub: sub, Family: FamilyOffice365, Card: card(func(c *KeyCard) { c.ProductID = 4 }), ConsoleID: 10, Now: now}, "another product"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckRenewalKey(tc.facts)
			if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	if got := RenewedEnd(time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), 12).Format("2006-01-02"); got != "2027-03-31" {
		t.Errorf("renewed end %s", got)
	}
}

func TestMoveDraft(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to DraftStep
		keys     int
		ok       bool
	}{
		{"not started", StepInstructions, StepKeys, 0, false},
		{"review needs a key", StepKeys, StepReview, 0, false},
		{"review with keys", StepKeys, StepReview, 2, true},
		{"account from the review", StepReview, StepAccount, 2, true},
		{"account skips the review", StepKeys, StepAccount, 2, false},
		{"account without keys", StepReview, StepAccount, 0, false},
		{"back to the keys", StepAccount, StepKeys, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := MoveDraft(tc.from, tc.to, tc.keys); (err == nil) != tc.ok {
				t.Fatalf("MoveDraft(%s, %s, %d) = %v", tc.from, tc.to, tc.keys, err)
			}
		})
	}
}

func TestParseKeyCardsCSV(t *testing.T) {
	skus := map[string]int64{"O365-E3": 3, "M365-BSD": 4}
	t.Run("good file with a header", func(t *testing.T) {
		specs, err := ParseKeyCardsCSV(strings.NewReader("key,sku,term_months,seats\nabcde-fghij-klmno-pqrst-uvwxy,o365-e3,12,25\n\nABCDEFGHIJKLMNOPQRSTUVW12,M365-BSD,1,5\n"), skus)
		if err != nil {
			t.Fatal(err)
		}
		if len(specs) != 2 || specs[0].Key != "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY" || specs[0].ProductID != 3 || specs[1].Line != 4 || specs[1].Seats != 5 {
			t.Fatalf("specs %+v", specs)
		}
	})
	t.Run("every bad line is named by its number", func(t *testing.T) {
		in := "key,sku,term_months,seats\n" +
			"ABCDE-FGHIJ-KLMNO-PQRST-UVWXY,O365-E3,12,25\n" + // 2 good
			"ABCDE-FGHIJ-KLMNO-PQRST-UVWX,O365-E3,12,25\n" + // 3 format
			"BBCDE-FGHIJ-KLMNO-PQRST-UVWXY,GWS-BS,12,25\n" + // 4 sku
			"CBCDE-FGHIJ-KLMNO-PQRST-UVWXY,O365-E3,48,25\n" + // 5 term
			"DBCDE-FGHIJ-KLMNO-PQRST-UVWXY,O365-E3,12,0\n" + // 6 seats
			"abcdefghijklmnopqrstuvwxy,O365-E3,12,25\n" + // 7 duplicate of 2
			"EBCDE-FGHIJ-KLMNO-PQRST-UVWXY,O365-E3\n" // 8 columns
		_, err := ParseKeyCardsCSV(strings.NewReader(in), skus)
		ie, ok := AsKeyImport(err)
		if !ok {
			t.Fatalf("got %v", err)
		}
		want := map[int]string{3: "25 letters", 4: "SKU", 5: "term", 6: "seats", 7: "twice", 8: "four columns"}
		if len(ie.Lines) != len(want) {
			t.Fatalf("lines %+v", ie.Lines)
		}
		for _, l := range ie.Lines {
			if !strings.Contains(l.Problem.Message, want[l.Line]) {
				t.Errorf("line %d: %q, want %q", l.Line, l.Problem.Message, want[l.Line])
			}
		}
	})
	t.Run("empty file", func(t *testing.T) {
		if _, err := ParseKeyCardsCSV(strings.NewReader("key,sku,term_months,seats\n"), skus); err == nil {
			t.Fatal("an empty file was accepted")
		}
	})
}

func TestKeyCardBatch(t *testing.T) {
	if _, _, _, err := (KeyCardBatch{ProductID: 3, TermMonths: "12", Seats: "25", Count: "10"}).Validate(); err != nil {
		t.Fatal(err)
	}
	_, _, _, err := (KeyCardBatch{TermMonths: "0", Seats: "x", Count: "501"}).Validate()
	fe, _ := AsValidation(err)
	for _, f := range []string{"product", "term_months", "seats", "count"} {
		if fe[f] == "" {
			t.Errorf("no message on %s", f)
		}
	}
}

func TestRedeemPermissions(t *testing.T) {
	for _, tc := range []struct {
		role Role
		p    Permission
		ok   bool
	}{
		{RoleSuperAdmin, PermRedeemKeys, true},
		{RoleAdminAgent, PermRedeemKeys, true},
		{RoleSalesAgent, PermRedeemKeys, false}, // R-ROLE-4: never keys
		{RoleHelpdeskAgent, PermRedeemKeys, false},
		{RoleCustomerAdmin, PermRedeemKeys, false},
		{RoleOperatorAdmin, PermDeskProductKeys, true},
		{RoleSalesRep, PermDeskProductKeys, true},
		{RoleSupportEngineer, PermDeskProductKeys, false},
		{RoleSuperAdmin, PermDeskProductKeys, false},
	} {
		t.Run(string(tc.role)+" "+string(tc.p), func(t *testing.T) {
			if got := (Actor{Role: tc.role}).Can(tc.p); got != tc.ok {
				t.Fatalf("Can = %v, want %v", got, tc.ok)
			}
		})
	}
}
