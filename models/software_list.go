package models

import (
	"strings"
	"time"
)

// ---- The software orders list (R-SW-1, R-LIST-1) ----

// OrderDates is the orders list's date filter: orders placed on or after
// From and before To (the day after the last day typed); a zero bound is
// open.
type OrderDates struct {
	From, To time.Time
}

// ParseOrderDates reads the list's "from" and "to" days (YYYY-MM-DD, in
// loc, both included). Errors are on the fields "from" and "to".
func ParseOrderDates(from, to string, loc *time.Location) (OrderDates, error) {
	if loc == nil {
		loc = time.UTC
	}
	f := FieldErrors{}
	var d OrderDates
	day := func(field, v string) time.Time {
		v = strings.TrimSpace(v)
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil {
			f.Add(field, "Enter a date as YYYY-MM-DD, e.g. 2026-03-31.")
			return time.Time{}
		}
		return t
	}
	d.From = day("from", from)
	if t := day("to", to); !t.IsZero() {
		d.To = t.AddDate(0, 0, 1)
	}
	if !d.From.IsZero() && !d.To.IsZero() && !d.From.Before(d.To) {
		f.Add("to", "The last day comes before the first day.")
	}
	if err := f.Err(); err != nil {
		return OrderDates{}, err
	}
	return d, nil
}
