package models

import (
	"testing"
	"time"
)

func TestParseOrderDates(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	day := func(y int, m time.Month, d int, loc *time.Location) time.Time {
		return time.Date(y, m, d, 0, 0, 0, 0, loc)
	}
	for _, tc := range []struct {
		name, from, to string
		loc            *time.Location
		want           OrderDates
		field          string
	}{
		{"open", "", "", nil, OrderDates{}, ""},
		{"from only", "2026-03-01", "", nil, OrderDates{From: day(2026, 3, 1, time.UTC)}, ""},
		{"to includes its day", "", "2026-03-31", nil, OrderDates{To: day(2026, 4, 1, time.UTC)}, ""},
		{"one day", "2026-03-31", "2026-03-31", nil, OrderDates{From: day(2026, 3, 31, time.UTC), To: day(2026, 4, 1, time.UTC)}, ""},
		{"in the user's zone", "2026-03-31", "", tokyo, OrderDates{From: day(2026, 3, 31, tokyo)}, ""},
		{"not a date", "31/03/2026", "", nil, OrderDates{}, "from"},
		{"to not a date", "", "2026-02-30", nil, OrderDates{}, "to"},
		{"reversed", "2026-04-02", "2026-04-01", nil, OrderDates{}, "to"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseOrderDates(tc.from, tc.to, tc.loc)
			if tc.field != "" {
				if fe, _ := AsValidation(err); fe[tc.field] == "" {
					t.Fatalf("want a message on %s, got %v", tc.field, err)
				}
				return
			}
			if err != nil || !got.From.Equal(tc.want.From) || !got.To.Equal(tc.want.To) {
				t.Fatalf("ParseOrderDates = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}
