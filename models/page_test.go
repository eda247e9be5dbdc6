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
