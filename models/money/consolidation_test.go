package money

import (
	"testing"
	"time"

	"partnerconsole/models"
)

// The seed's example (R-CON-9): a migration on 15 October. Monthly plans:
// the source is charged 1–14 October, the main 15–31; annual prepaid: the
// source is credited from 15 October to the term's end and the main charged
// the same. In EUR (cents) and JPY (yen, no decimals).
func TestMigrationSplitSeedExample(t *testing.T) {
	d := day(2026, 10, 15)
	sub := func(plan models.Plan, qty int) models.Subscription {
		return models.Subscription{Plan: plan, Quantity: qty, StartDate: day(2026, 4, 1), EndDate: day(2027, 3, 31)}
	}
	for _, tc := range []struct {
		name string
		sub  models.Subscription
		unit int64
		want []SplitEntry
	}{
		{"flexible EUR: 10 × 12.00 € a month", sub(models.PlanFlexible, 10), 1200, []SplitEntry{
			{Side: SplitSource, AmountMinor: 5419, From: day(2026, 10, 1), To: d}, // 12000 × 14/31
			{Side: SplitMain, AmountMinor: 6581, From: d, To: day(2026, 11, 1)}}}, // 12000 × 17/31
		{"annual monthly JPY: 10 × 1,360 ¥ a month", sub(models.PlanAnnualMonthly, 10), 1360, []SplitEntry{
			{Side: SplitSource, AmountMinor: 6142, From: day(2026, 10, 1), To: d}, // 13600 × 14/31
			{Side: SplitMain, AmountMinor: 7458, From: d, To: day(2026, 11, 1)}}}, // 13600 × 17/31
		{"annual prepaid EUR: 10 × 144.00 € a year", sub(models.PlanAnnualPrepaid, 10), 14400, []SplitEntry{
			{Side: SplitSource, Credit: true, AmountMinor: 66279, From: d, To: day(2027, 4, 1)}, // 144000 × 168/365
			{Side: SplitMain, AmountMinor: 66279, From: d, To: day(2027, 4, 1)}}},
		{"annual prepaid JPY: 10 × 16,320 ¥ a year", sub(models.PlanAnnualPrepaid, 10), 16320, []SplitEntry{
			{Side: SplitSource, Credit: true, AmountMinor: 75117, From: d, To: day(2027, 4, 1)}, // 163200 × 168/365
			{Side: SplitMain, AmountMinor: 75117, From: d, To: day(2027, 4, 1)}}},
		{"trial: nothing", sub(models.PlanTrial, 10), 1200, nil},
		{"after the term: nothing", models.Subscription{Plan: models.PlanFlexible, Quantity: 1, StartDate: day(2026, 1, 1), EndDate: day(2026, 9, 30)}, 1200, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := MigrationSplit(tc.sub, tc.unit, d.Add(13*time.Hour))
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v", got)
			}
			for i := range got {
				g, w := got[i], tc.want[i]
				if g.Side != w.Side || g.Credit != w.Credit || g.AmountMinor != w.AmountMinor || !g.From.Equal(w.From) || !g.To.Equal(w.To) {
					t.Errorf("entry %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func TestOwnedSpans(t *testing.T) {
	src, main := int64(1), int64(2)
	d := func(m time.Month, day int) time.Time { return time.Date(2026, m, day, 0, 0, 0, 0, time.UTC) }
	moved := []models.SubscriptionMove{{FromAccountID: &src, ToAccountID: &main, MovedOn: d(10, 15)}}
	back := append(append([]models.SubscriptionMove{}, moved...), models.SubscriptionMove{FromAccountID: &main, ToAccountID: &src, MovedOn: d(10, 20)})
	for _, c := range []struct {
		name    string
		current int64
		moves   []models.SubscriptionMove
		account int64
		want    []Span
	}{
		{"no move: the current account holds the month", src, nil, src, []Span{{d(10, 1), d(11, 1)}}},
		{"no move: another account holds nothing", src, nil, main, nil},
		{"R-CON-9 the source up to D−1", main, moved, src, []Span{{d(10, 1), d(10, 15)}}},
		{"R-CON-9 the main from D", main, moved, main, []Span{{d(10, 15), d(11, 1)}}},
		{"R-CON-10 undone on the 20th: the main holds 15–19", src, back, main, []Span{{d(10, 15), d(10, 20)}}},
		{"R-CON-10 undone on the 20th: the source holds the rest", src, back, src, []Span{{d(10, 1), d(10, 15)}, {d(10, 20), d(11, 1)}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := OwnedSpans(&c.current, c.moves, c.account, d(10, 1), d(11, 1))
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for i := range got {
				if !got[i].From.Equal(c.want[i].From) || !got[i].To.Equal(c.want[i].To) {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			}
		})
	}
}
