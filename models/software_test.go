package models

import (
	"strings"
	"testing"
	"time"
)

func TestProductKeyFormat(t *testing.T) {
	rnd := make([]byte, 25)
	for i := range rnd {
		rnd[i] = byte(i * 37)
	}
	key, err := NewProductKey(KeyFormat5x5, rnd)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, format, key string
		want              bool
	}{
		{"a generated key has the format", KeyFormat5x5, key, true},
		{"five groups of five", KeyFormat5x5, "BCDFG-HJKMP-QRTVW-XY234-67899", true},
		{"four groups", KeyFormat5x5, "BCDFG-HJKMP-QRTVW-XY234", false},
		{"lower case", KeyFormat5x5, "bcdfg-hjkmp-qrtvw-xy234-67899", false},
		{"ambiguous letter O", KeyFormat5x5, "OCDFG-HJKMP-QRTVW-XY234-67899", false},
		{"no dashes", KeyFormat5x5, "BCDFGHJKMPQRTVWXY23467899BCD", false},
		{"dash in the wrong place", KeyFormat5x5, "BCDF-GHJKMP-QRTVW-XY234-67899", false},
		{"unknown format", "4x4", "BCDFG-HJKMP-QRTVW-XY234-67899", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidProductKey(tc.format, tc.key); got != tc.want {
				t.Fatalf("ValidProductKey(%q, %q) = %v, want %v", tc.format, tc.key, got, tc.want)
			}
		})
	}
	t.Run("the deadline is 168 hours after the order", func(t *testing.T) {
		p := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		if got := CancelDeadline(p); !got.Equal(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)) {
			t.Fatalf("deadline = %s", got)
		}
	})
	t.Run("too few random bytes", func(t *testing.T) {
		if _, err := NewProductKey(KeyFormat5x5, rnd[:24]); err == nil {
			t.Fatal("24 bytes accepted")
		}
	})
	t.Run("unknown format refused", func(t *testing.T) {
		if _, err := NewProductKey("4x4", rnd); err == nil {
			t.Fatal("4x4 accepted")
		}
	})
}

func TestOfferedVersions(t *testing.T) {
	vs := []SoftwareVersion{{ID: 3, ProductID: 1, Version: "2019", Rank: 2}, {ID: 1, ProductID: 1, Version: "2025", Rank: 0},
		{ID: 2, ProductID: 1, Version: "2022", Rank: 1}, {ID: 9, ProductID: 2, Version: "X", Rank: 0}}
	for _, tc := range []struct {
		name      string
		downgrade bool
		want      string
	}{
		{"with downgrade rights: current, n-1, n-2", true, "2025,2022,2019"},
		{"without: the current version only", false, "2025"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, v := range OfferedVersions(SoftwareProduct{ID: 1, DowngradeRights: tc.downgrade}, vs) {
				got = append(got, v.Version)
			}
			if strings.Join(got, ",") != tc.want {
				t.Fatalf("versions = %v, want %s", got, tc.want)
			}
		})
	}
}

func TestCancelCredit(t *testing.T) {
	placed := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	line := SoftwareOrderLine{AmountMinor: 41850, State: LineActive}
	revoked := placed.Add(time.Hour)
	for _, tc := range []struct {
		name    string
		line    SoftwareOrderLine
		now     time.Time
		credit  int64
		errWant string
	}{
		{"right after the order", line, placed.Add(time.Minute), 41850, ""},
		{"one second before 168 hours", line, placed.Add(CancelWindow - time.Second), 41850, ""},
		{"at 168 hours: refused", line, placed.Add(CancelWindow), 0, "window has closed"},
		{"30 days later", line, placed.AddDate(0, 0, 30), 0, "window has closed"},
		{"already cancelled", SoftwareOrderLine{AmountMinor: 41850, State: LineCancelled, RevokedAt: &revoked}, placed.Add(2 * time.Hour), 0, "already cancelled"},
		{"partly credited: the rest", SoftwareOrderLine{AmountMinor: 41850, CreditedMinor: 1850, State: LineActive}, placed.Add(time.Hour), 40000, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CancelCredit(tc.line, placed, tc.now)
			if tc.errWant != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errWant) {
					t.Fatalf("err = %v, want %q", err, tc.errWant)
				}
				return
			}
			if err != nil || got != tc.credit {
				t.Fatalf("credit = %d, %v; want %d", got, err, tc.credit)
			}
		})
	}
}

func TestPriceOrder(t *testing.T) {
	cat := SoftwareCatalogue{
		Products: map[int64]SoftwareProduct{1: {ID: 1, Name: "Office LTSC", DowngradeRights: true}, 2: {ID: 2, Name: "No price"}},
		Versions: []SoftwareVersion{{ID: 10, ProductID: 1, Rank: 0}, {ID: 11, ProductID: 1, Rank: 2}, {ID: 20, ProductID: 2, Rank: 0}},
		Prices:   map[int64]int64{1: 41850}, Currency: "EUR",
	}
	for _, tc := range []struct {
		name  string
		lines []OrderLineInput
		total int64
		field string
	}{
		{"two lines priced", []OrderLineInput{{1, 10, "2"}, {}, {1, 11, "1"}}, 3 * 41850, ""},
		{"no line", []OrderLineInput{{}, {}}, 0, "lines"},
		{"unknown product", []OrderLineInput{{7, 10, "1"}}, 0, "lines[0].product"},
		{"version of another product", []OrderLineInput{{1, 20, "1"}}, 0, "lines[0].version"},
		{"zero quantity", []OrderLineInput{{1, 10, "0"}}, 0, "lines[0].quantity"},
		{"not a number", []OrderLineInput{{1, 10, "two"}}, 0, "lines[0].quantity"},
		{"no price in the currency", []OrderLineInput{{2, 20, "1"}}, 0, "lines[0].product"},
		{"too many lines", make([]OrderLineInput, MaxOrderLines+1), 0, "lines"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, total, err := PriceOrder(tc.lines, cat, "PO-1")
			if tc.field != "" {
				f, ok := AsValidation(err)
				if !ok || f[tc.field] == "" {
					t.Fatalf("err = %v, want a message on %s", err, tc.field)
				}
				return
			}
			if err != nil || total != tc.total {
				t.Fatalf("total = %d, %v; want %d", total, err, tc.total)
			}
		})
	}
}

func TestOrderStateAfter(t *testing.T) {
	a, c := SoftwareOrderLine{State: LineActive}, SoftwareOrderLine{State: LineCancelled}
	for _, tc := range []struct {
		name  string
		lines []SoftwareOrderLine
		want  OrderState
	}{
		{"all active", []SoftwareOrderLine{a, a}, OrderPlaced},
		{"one cancelled", []SoftwareOrderLine{a, c}, OrderPartlyCancelled},
		{"all cancelled", []SoftwareOrderLine{c, c}, OrderCancelled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := OrderStateAfter(tc.lines); got != tc.want {
				t.Fatalf("state = %s, want %s", got, tc.want)
			}
		})
	}
}
