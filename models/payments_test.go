package models

import (
	"testing"
	"time"
)

func TestCheckPaymentAmount(t *testing.T) {
	for _, tc := range []struct {
		name        string
		amount, min int64
		want        string
	}{
		{"zero", 0, 1000, "Enter an amount greater than zero."},
		{"negative", -5, 1000, "Enter an amount greater than zero."},
		{"under the EUR minimum", 999, 1000, MsgMinimumPayment},
		{"at the minimum", 1000, 1000, ""},
		{"JPY under 1500", 1499, 1500, MsgMinimumPayment},
		{"JPY 1500", 1500, 1500, ""},
		{"more than due is allowed", 1_000_000, 1000, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPaymentAmount(tc.amount, tc.min)
			got := ""
			if err != nil {
				f, _ := AsValidation(err)
				got = f["amount"]
			}
			if got != tc.want {
				t.Fatalf("got %q want %q", got, tc.want)
			}
		})
	}
}

func TestParsePaymentAmount(t *testing.T) {
	for _, tc := range []struct {
		in, cur string
		want    int64
		ok      bool
	}{
		{"120", "EUR", 12000, true},
		{"120.50", "EUR", 12050, true},
		{"1 500", "JPY", 1500, true},
		{"15.5", "JPY", 0, false},
		{"abc", "EUR", 0, false},
		{"", "EUR", 0, false},
	} {
		t.Run(tc.in+"/"+tc.cur, func(t *testing.T) {
			got, err := ParsePaymentAmount(tc.in, tc.cur)
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("got %d, %v", got, err)
			}
		})
	}
}

func TestCardExpiry(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name        string
		month, year int
		field       string
	}{
		{"this month is still valid", 11, 2026, ""},
		{"last month expired", 10, 2026, "exp_year"},
		{"last year", 12, 2025, "exp_year"},
		{"two-digit year", 1, 30, ""},
		{"month 13", 13, 2030, "exp_month"},
		{"month 0", 0, 2030, "exp_month"},
		{"too far", 1, 2060, "exp_year"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CardExpiry(tc.month, tc.year, now)
			f, _ := AsValidation(err)
			if tc.field == "" && err != nil || tc.field != "" && f[tc.field] == "" {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestCheckRemovePaymentMethod(t *testing.T) {
	for _, tc := range []struct {
		name    string
		active  int
		balance int64
		ok      bool
	}{
		{"last one with a balance", 1, 500, false},
		{"last one, nothing due", 1, 0, true},
		{"one of two with a balance", 2, 500, true},
		{"credit balance", 1, -300, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckRemovePaymentMethod(tc.active, tc.balance)
			if (err == nil) != tc.ok {
				t.Fatalf("got %v", err)
			}
			if err != nil && ErrorCode(err) != CodeConflict {
				t.Fatalf("code %v", ErrorCode(err))
			}
		})
	}
}

func TestPrimarySelection(t *testing.T) {
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	day := func(d int) time.Time { return now.AddDate(0, 0, -d) }
	cards := []CardOnFile{
		{ID: 1, IsPrimary: true, ExpMonth: 1, ExpYear: 2030, CreatedAt: day(30)},
		{ID: 2, ExpMonth: 1, ExpYear: 2031, CreatedAt: day(20)},
		{ID: 3, ExpMonth: 1, ExpYear: 2020, CreatedAt: day(10)}, // expired, newest
	}
	t.Run("first card becomes primary", func(t *testing.T) {
		if !PrimaryAfterAdd(nil, false) {
			t.Fatal("first card not primary")
		}
	})
	t.Run("another card stays secondary", func(t *testing.T) {
		if PrimaryAfterAdd(cards, false) {
			t.Fatal("second card took the primary")
		}
	})
	t.Run("asked for primary", func(t *testing.T) {
		if !PrimaryAfterAdd(cards, true) {
			t.Fatal("asked, not primary")
		}
	})
	t.Run("removing the primary promotes the newest valid card", func(t *testing.T) {
		if got := PrimaryAfterRemove(cards, 1, now); got != 2 {
			t.Fatalf("got %d", got)
		}
	})
	t.Run("removing a secondary changes nothing", func(t *testing.T) {
		if got := PrimaryAfterRemove(cards, 2, now); got != 0 {
			t.Fatalf("got %d", got)
		}
	})
	t.Run("only expired cards left: newest", func(t *testing.T) {
		c := []CardOnFile{cards[0], cards[2]}
		if got := PrimaryAfterRemove(c, 1, now); got != 3 {
			t.Fatalf("got %d", got)
		}
	})
	t.Run("nothing left", func(t *testing.T) {
		if got := PrimaryAfterRemove(cards[:1], 1, now); got != 0 {
			t.Fatalf("got %d", got)
		}
	})
}

func TestOverPayment(t *testing.T) {
	for _, tc := range []struct {
		name              string
		amount, allocated int64
		want              int64
	}{
		{"exact", 12000, 12000, 0},
		{"more than due", 15000, 12000, 3000},
		{"raced the automatic payment: nothing left to pay", 12000, 0, 12000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := OverPayment(tc.amount, tc.allocated); got != tc.want {
				t.Fatalf("got %d", got)
			}
		})
	}
}

func TestAutoChargeAmount(t *testing.T) {
	if AutoChargeAmount(12000, 0) != 12000 || AutoChargeAmount(12000, 2000) != 10000 || AutoChargeAmount(12000, 12000) != 0 || AutoChargeAmount(100, 200) != 0 {
		t.Fatal("auto charge amount")
	}
}

func TestNonPayment(t *testing.T) {
	due := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		days int
		now  time.Time
		want bool
	}{
		{"on the due date", 30, due, false},
		{"29 days after", 30, due.AddDate(0, 0, 29), false},
		{"30 days after", 30, due.AddDate(0, 0, 30).Add(time.Hour), true},
		{"configured 7", 7, due.AddDate(0, 0, 7), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Overdue(due, tc.days, tc.now); got != tc.want {
				t.Fatalf("got %v", got)
			}
		})
	}
	now := due.AddDate(0, 0, 31)
	subs := []Subscription{
		{ID: 1, Status: SubActive},
		{ID: 2, Status: SubSuspended, SuspensionReasons: TextArray{string(SuspendResellerInitiated)}},
		{ID: 3, Status: SubSuspended, SuspensionReasons: TextArray{string(SuspendNonPayment)}},
		{ID: 4, Status: SubStatus("ended")},
	}
	t.Run("suspend", func(t *testing.T) {
		ch := SuspendForNonPayment(subs, now)
		if len(ch) != 2 || ch[0].After.ID != 1 || ch[1].After.ID != 2 {
			t.Fatalf("changes %+v", ch)
		}
		if ch[0].After.Status != SubSuspended || !ch[1].After.HasReason(SuspendResellerInitiated) || !ch[1].After.HasReason(SuspendNonPayment) {
			t.Fatalf("after %+v", ch)
		}
		if ch[0].Before.Status != SubActive || ch[1].Before.HasReason(SuspendNonPayment) {
			t.Fatal("before changed")
		}
	})
	t.Run("lift after paying", func(t *testing.T) {
		var suspended []Subscription
		for _, c := range SuspendForNonPayment(subs, now) {
			suspended = append(suspended, c.After)
		}
		suspended = append(suspended, subs[2])
		if ch := LiftNonPayment(suspended, true, now); ch != nil {
			t.Fatal("lifted while an invoice is still overdue")
		}
		ch := LiftNonPayment(suspended, false, now)
		if len(ch) != 3 {
			t.Fatalf("changes %d", len(ch))
		}
		if ch[0].After.Status != SubActive || ch[1].After.Status != SubSuspended || !ch[1].After.HasReason(SuspendResellerInitiated) || ch[2].After.Status != SubActive {
			t.Fatalf("after %+v", ch)
		}
	})
}

func TestCardInputValidate(t *testing.T) {
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		in    CardInput
		field string
	}{
		{"good", CardInput{Number: "4242 4242 4242 4242", ExpMonth: 12, ExpYear: 2030, Name: "Ann"}, ""},
		{"dashes", CardInput{Number: "4242-4242-4242-4242", ExpMonth: 12, ExpYear: 30, Name: "Ann"}, ""},
		{"empty number", CardInput{ExpMonth: 12, ExpYear: 2030, Name: "Ann"}, "card_number"},
		{"fails Luhn", CardInput{Number: "4242424242424241", ExpMonth: 12, ExpYear: 2030, Name: "Ann"}, "card_number"},
		{"letters", CardInput{Number: "4242x4242424242424", ExpMonth: 12, ExpYear: 2030, Name: "Ann"}, "card_number"},
		{"expired", CardInput{Number: "4242424242424242", ExpMonth: 10, ExpYear: 2026, Name: "Ann"}, "exp_year"},
		{"no month", CardInput{Number: "4242424242424242", ExpYear: 2030, Name: "Ann"}, "exp_month"},
		{"no name", CardInput{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, Name: "  "}, "card_name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.in.Validate(now)
			f, _ := AsValidation(err)
			if tc.field == "" && err != nil || tc.field != "" && f[tc.field] == "" {
				t.Fatalf("got %v", err)
			}
		})
	}
}
