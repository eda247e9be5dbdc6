package models

import (
	"encoding/base64"
	"encoding/json"
)

// PageSize is the number of rows on a list page.
const PageSize = 50

// Cursor marks where a keyset page starts: the sort key and the id of the
// last row seen. It travels in the URL, opaque to the user.
type Cursor struct {
	Key string `json:"k"`
	ID  int64  `json:"i"`
	// N carries the list's capped count from its first page to the next
	// ones (-cap: more than cap), so a later page need not count again; 0
	// when the list did not set it.
	N int64 `json:"n,omitempty"`
}

// Encode returns the cursor as a URL-safe token.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads a token made by Encode; a bad token means "first page".
func DecodeCursor(s string) (Cursor, bool) {
	if s == "" {
		return Cursor{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, false
	}
	var c Cursor
	if json.Unmarshal(b, &c) != nil || c.ID <= 0 {
		return Cursor{}, false
	}
	return c, true
}

// Page is one keyset page of a list.
type Page[T any] struct {
	Items []T
	Next  string // cursor of the next page, "" on the last
	// Total is the number of rows when it is cheap to know exactly
	// (fewer than CountCap); otherwise Many is true.
	Total int64
	Many  bool
}

// CountCap bounds how far a list counts its rows; past it the page says "many".
const CountCap = 1000

// SearchCountCap bounds the count of a free-text search: past a couple of
// hundred matches an agent refines the search rather than reads on, and a
// broad search counting to CountCap read eight times the rows its page
// does (docs/BENCH.md).
const SearchCountCap = 200

// CarriedCount reads a count carried in a cursor (see Cursor.N): the total
// and whether the list holds more than that; ok is false when the cursor
// carries none.
func CarriedCount(c Cursor) (total int64, many, ok bool) {
	switch {
	case c.N < 0:
		return -c.N, true, true
	case c.N > 0:
		return c.N, false, true
	}
	return 0, false, false
}

// CarryCount is the cursor's N for a page's total and "many" (more than
// total): negative for "more than".
func CarryCount(total int64, many bool) int64 {
	if many {
		return -total
	}
	return total
}
