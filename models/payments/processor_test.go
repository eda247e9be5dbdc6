package payments

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestLuhn(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"4242 4242 4242 4242", true},
		{"4242-4242-4242-4241", false},
		{"378282246310005", true},
		{"1234", false},
		{"", false},
		{"0000000000000000", true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := Luhn(tc.in); got != tc.want {
				t.Fatalf("Luhn(%q) = %v", tc.in, got)
			}
		})
	}
}

func TestTestProcessor(t *testing.T) {
	p := TestProcessor{}
	ctx := context.Background()
	for _, tc := range []struct {
		number, brand string
		out           Outcome
		reason        string
	}{
		{"4242 4242 4242 4242", "Visa", Succeeded, ""},
		{"5555555555554444", "Mastercard", Succeeded, ""},
		{"378282246310005", "American Express", Succeeded, ""},
		{"4000000000000002", "Visa", Declined, ReasonDeclined},
		{"4000000000009995", "Visa", Declined, ReasonInsufficientFunds},
		{"4000000000000069", "Visa", Declined, ReasonExpiredCard},
		{"4000000000000119", "Visa", Retry, ReasonProcessingError},
	} {
		t.Run(tc.number, func(t *testing.T) {
			info, err := p.Tokenize(ctx, Card{Number: tc.number, ExpMonth: 12, ExpYear: 2030, Name: "A"})
			if err != nil {
				t.Fatal(err)
			}
			if info.Brand != tc.brand || info.Last4 != Last4(tc.number) || info.ExpMonth != 12 || info.ExpYear != 2030 {
				t.Fatalf("info %+v", info)
			}
			if strings.Contains(info.Token, Digits(tc.number)) || strings.Contains(info.Token, Last4(tc.number)+"_") {
				t.Fatalf("token %q carries the number", info.Token)
			}
			r1, err := p.Charge(ctx, ChargeRequest{Token: info.Token, AmountMinor: 1000, Currency: "EUR", IdempotencyKey: "k1"})
			if err != nil {
				t.Fatal(err)
			}
			r2, _ := p.Charge(ctx, ChargeRequest{Token: info.Token, AmountMinor: 1000, Currency: "EUR", IdempotencyKey: "k1"})
			if r1 != r2 {
				t.Fatalf("same key, different answers: %+v %+v", r1, r2)
			}
			if r1.Outcome != tc.out || r1.Reason != tc.reason {
				t.Fatalf("charge %+v", r1)
			}
		})
	}
	t.Run("not a test card", func(t *testing.T) {
		_, err := p.Tokenize(ctx, Card{Number: "4111111111111111", ExpMonth: 1, ExpYear: 2031})
		var r *Refusal
		if err == nil || !asRefusal(err, &r) || r.Reason != ReasonNotTestCard {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("unknown token", func(t *testing.T) {
		r, err := p.Charge(ctx, ChargeRequest{Token: "tok_other", AmountMinor: 1, Currency: "EUR", IdempotencyKey: "x"})
		if err != nil || r.Outcome != Declined {
			t.Fatalf("%+v %v", r, err)
		}
	})
}

func asRefusal(err error, r **Refusal) bool {
	x, ok := err.(*Refusal)
	*r = x
	return ok
}

// The number never prints: not with %v, %+v, %#v, nor through slog.
func TestCardNeverPrintsItsNumber(t *testing.T) {
	c := Card{Number: "4242424242424242", ExpMonth: 1, ExpYear: 2030, Name: "Ann"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("adding", "card", c)
	out := fmt.Sprintf("%v %+v %#v %s", c, c, c, c) + buf.String()
	if strings.Contains(out, "4242424242424242") || strings.Contains(out, "424242424242") {
		t.Fatalf("number printed: %s", out)
	}
	if !strings.Contains(buf.String(), "4242") {
		t.Fatalf("last 4 missing: %s", buf.String())
	}
}

func TestNew(t *testing.T) {
	if _, err := New("test"); err != nil {
		t.Fatal(err)
	}
	if _, err := New("stripe"); err == nil {
		t.Fatal("unknown processor accepted")
	}
}
