package models_test

import (
	"testing"

	"partnerconsole/models"
)

// A list's first page carries its capped count in the next page's cursor.
func TestCarriedCount(t *testing.T) {
	for _, c := range []struct {
		name      string
		total     int64
		many      bool
		wantTotal int64
		wantMany  bool
	}{
		{"a few", 51, false, 51, false},
		{"exactly the cap", models.CountCap, false, models.CountCap, false},
		{"past the cap", models.CountCap, true, models.CountCap, true},
		{"past the search cap", models.SearchCountCap, true, models.SearchCountCap, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			cur := models.Cursor{Key: "k", ID: 7, N: models.CarryCount(c.total, c.many)}
			back, ok := models.DecodeCursor(cur.Encode())
			if !ok {
				t.Fatal("cursor did not decode")
			}
			total, many, carried := models.CarriedCount(back)
			if !carried || total != c.wantTotal || many != c.wantMany {
				t.Errorf("carried %d many %v (%v), want %d many %v", total, many, carried, c.wantTotal, c.wantMany)
			}
		})
	}
	t.Run("a cursor without a count", func(t *testing.T) {
		if _, _, carried := models.CarriedCount(models.Cursor{Key: "k", ID: 7}); carried {
			t.Error("a cursor without N carried a count")
		}
	})
}

// A first page's count is its own statement's, capped; a later page's is
// its cursor's; only a later page without one counts again.
func TestPageCount(t *testing.T) {
	carrying := func(total int64, many bool) models.Cursor {
		return models.Cursor{Key: "k", ID: 7, N: models.CarryCount(total, many)}
	}
	for _, c := range []struct {
		name        string
		after       models.Cursor
		has         bool
		counted     int64
		wantTotal   int64
		wantMany    bool
		wantRecount bool
	}{
		{"an empty first page", models.Cursor{}, false, 0, 0, false, false},
		{"a first page under the cap", models.Cursor{}, false, 120, 120, false, false},
		{"a first page at the cap", models.Cursor{}, false, models.CountCap, models.CountCap, false, false},
		{"a first page past the cap", models.Cursor{}, false, models.CountCap + 1, models.CountCap, true, false},
		{"a later page carrying a count", carrying(120, false), true, 0, 120, false, false},
		{"a later page carrying many", carrying(models.CountCap, true), true, 0, models.CountCap, true, false},
		{"a later page ignores what it counted", carrying(120, false), true, 999, 120, false, false},
		{"a later page carrying none", models.Cursor{Key: "k", ID: 7}, true, 0, 0, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			total, many, recount := models.PageCount(c.after, c.has, c.counted, models.CountCap)
			if total != c.wantTotal || many != c.wantMany || recount != c.wantRecount {
				t.Errorf("PageCount = %d, many %v, recount %v; want %d, %v, %v", total, many, recount, c.wantTotal, c.wantMany, c.wantRecount)
			}
		})
	}
}
