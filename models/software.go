package models

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// On-premises software bought on behalf of customers (issue 10, SPEC §5,
// seed 001, R-SW-1..6): the catalogue, orders with one product key per
// line, and the pure decisions the store asks for.

// SoftwareProduct is an on-premises product of the catalogue.
type SoftwareProduct struct {
	ID              int64
	SKU             string `gorm:"column:sku"`
	Name            string
	KeyFormat       string
	DowngradeRights bool
	Languages       TextArray `gorm:"type:text[]"`
	Bitness         TextArray `gorm:"type:text[]"`
	CreatedAt       time.Time
}

// SoftwareVersion is one version of a product: rank 0 is the current one,
// 1 and 2 the downgrade versions n-1 and n-2 (R-SW-5).
type SoftwareVersion struct {
	ID        int64
	ProductID int64
	Version   string
	Rank      int
}

// OrderState is where a software order stands.
type OrderState string

// Order states: a cancelled line leaves the order partly cancelled; all
// lines cancelled make it cancelled.
const (
	OrderPlaced          OrderState = "placed"
	OrderPartlyCancelled OrderState = "partly_cancelled"
	OrderCancelled       OrderState = "cancelled"
)

// OrderLineState is where an order line stands.
type OrderLineState string

// Order line states: a cancelled (R-SW-2) or refunded (R-SW-6) line has
// its key revoked.
const (
	LineActive    OrderLineState = "active"
	LineCancelled OrderLineState = "cancelled"
	LineRefunded  OrderLineState = "refunded"
)

// SoftwareOrder is an order placed by a console for a customer.
type SoftwareOrder struct {
	ID               int64
	Number           string
	ConsoleID        int64
	CustomerID       int64
	BillingAccountID int64
	PONumber         string `gorm:"column:po_number"`
	Currency         string
	TotalMinor       int64
	State            OrderState
	PlacedBy         *int64
	PlacedAt         time.Time
	IdempotencyKey   *string
}

// SoftwareOrderLine is one product and version of an order, with its
// sealed product key. KeyCiphertext never leaves the store unopened and
// the opened key is never logged.
type SoftwareOrderLine struct {
	ID             int64
	OrderID        int64
	ProductID      int64
	VersionID      int64
	Quantity       int
	UnitPriceMinor int64
	AmountMinor    int64
	State          OrderLineState
	KeyCiphertext  []byte `json:"-"`
	KeyID          string
	KeyHash        []byte `json:"-"`
	RevokedAt      *time.Time
	CreditedMinor  int64
}

// Revoked tells whether the line's key no longer works (reveal, download
// and links stop).
func (l SoftwareOrderLine) Revoked() bool { return l.RevokedAt != nil || l.State != LineActive }

// ---- Product keys (R-SW-3) ----

// KeyFormat5x5 is five groups of five characters, XXXXX-XXXXX-XXXXX-XXXXX-XXXXX.
const KeyFormat5x5 = "5x5"

// keyAlphabet leaves out the letters and digits read one for another
// (0/O, 1/I/L, 5/S, A/E/U vowels that spell words).
const keyAlphabet = "BCDFGHJKMPQRTVWXY2346789"

// NewProductKey builds a key of format from random bytes (one byte a
// character, at least 25 for 5x5).
func NewProductKey(format string, random []byte) (string, error) {
	if format != KeyFormat5x5 {
		return "", fmt.Errorf("product key: unknown format %q", format)
	}
	if len(random) < 25 {
		return "", fmt.Errorf("product key: %d random bytes, need 25", len(random))
	}
	var b strings.Builder
	for i := 0; i < 25; i++ {
		if i > 0 && i%5 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(keyAlphabet[int(random[i])%len(keyAlphabet)])
	}
	return b.String(), nil
}

// ValidProductKey tells whether key has the product's format.
func ValidProductKey(format, key string) bool {
	if format != KeyFormat5x5 || len(key) != 29 {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if i%6 == 5 {
			if c != '-' {
				return false
			}
			continue
		}
		if !strings.ContainsRune(keyAlphabet, rune(c)) {
			return false
		}
	}
	return true
}

// ---- Downgrade rights (R-SW-5) ----

// OfferedVersions are the versions of a product offered for purchase and
// download: the current one, plus n-1 and n-2 when the product has
// downgrade rights. Versions come in any order; the answer is by rank.
func OfferedVersions(p SoftwareProduct, versions []SoftwareVersion) []SoftwareVersion {
	var out []SoftwareVersion
	for rank := 0; rank <= 2; rank++ {
		if rank > 0 && !p.DowngradeRights {
			break
		}
		for _, v := range versions {
			if v.ProductID == p.ID && v.Rank == rank {
				out = append(out, v)
			}
		}
	}
	return out
}

// ---- Placing an order (R-SW-1) ----

// MaxOrderLines is how many lines the Add products form has.
const MaxOrderLines = 5

// OrderLineInput is one line of the Add products form as typed.
type OrderLineInput struct {
	ProductID int64
	VersionID int64
	Quantity  string
}

// SoftwareCatalogue is what pricing an order needs: the products, their
// versions and their unit prices in the billing account's currency.
type SoftwareCatalogue struct {
	Products map[int64]SoftwareProduct
	Versions []SoftwareVersion
	Prices   map[int64]int64 // product id → unit price in Currency
	Currency string
}

// PricedLine is a line of an order priced for review.
type PricedLine struct {
	Product        SoftwareProduct
	Version        SoftwareVersion
	Quantity       int
	UnitPriceMinor int64
	AmountMinor    int64
}

// PriceOrder checks the typed lines against the catalogue and prices them
// in the catalogue's currency. Empty lines (no product) are skipped; at
// least one line is needed. Errors are on the fields lines[i].product,
// lines[i].version, lines[i].quantity.
func PriceOrder(in []OrderLineInput, cat SoftwareCatalogue, poNumber string) ([]PricedLine, int64, error) {
	f := FieldErrors{}
	var out []PricedLine
	var total int64
	if len(in) > MaxOrderLines {
		f.Add("lines", "An order has at most 5 lines.")
	}
	if len(strings.TrimSpace(poNumber)) > 60 {
		f.Add("po_number", "Keep the PO number under 60 characters.")
	}
	for i, l := range in {
		if l.ProductID == 0 && strings.TrimSpace(l.Quantity) == "" {
			continue
		}
		field := func(name string) string { return fmt.Sprintf("lines[%d].%s", i, name) }
		p, ok := cat.Products[l.ProductID]
		if !ok {
			f.Add(field("product"), "Choose a product.")
			continue
		}
		var ver *SoftwareVersion
		for _, v := range OfferedVersions(p, cat.Versions) {
			if v.ID == l.VersionID {
				v := v
				ver = &v
			}
		}
		if ver == nil {
			f.Add(field("version"), "Choose a version this product offers.")
		}
		qty, err := strconv.Atoi(strings.TrimSpace(l.Quantity))
		if err != nil || qty < 1 || qty > 10000 {
			f.Add(field("quantity"), "Enter a quantity from 1 to 10000.")
		}
		unit, ok := cat.Prices[p.ID]
		if !ok || unit <= 0 {
			f.Add(field("product"), "This product has no price in the billing account's currency.")
		}
		if ver == nil || err != nil || qty < 1 || qty > 10000 || unit <= 0 {
			continue
		}
		amount := unit * int64(qty)
		total += amount
		out = append(out, PricedLine{Product: p, Version: *ver, Quantity: qty, UnitPriceMinor: unit, AmountMinor: amount})
	}
	if len(out) == 0 && len(f) == 0 {
		f.Add("lines", "Add at least one product.")
	}
	if err := f.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// ---- Cancelling within 7 days (R-SW-2) ----

// CancelWindow is how long after the order a line may be cancelled for a
// credit.
const CancelWindow = 168 * time.Hour

// CancelDeadline is the moment the cancellation window of an order placed
// at placedAt closes.
func CancelDeadline(placedAt time.Time) time.Time { return placedAt.Add(CancelWindow) }

// CanCancel tells whether a line of an order placed at placedAt may still
// be cancelled at now: strictly before the deadline.
func CanCancel(placedAt, now time.Time) bool { return now.Before(CancelDeadline(placedAt)) }

// CancelCredit decides the cancellation of an order line at now: the
// prorated credit (what was paid for the line and not yet credited; the
// licence is perpetual, so within the window nothing has been used), or
// why it is refused.
func CancelCredit(line SoftwareOrderLine, placedAt, now time.Time) (int64, error) {
	if line.Revoked() {
		return 0, &Error{Code: CodeConflict, Message: "This order line is already cancelled: its key is revoked."}
	}
	if !CanCancel(placedAt, now) {
		// The view shows the deadline (CancelDeadline) next to this reason.
		return 0, &Error{Code: CodeConflict, Message: "The 7-day cancellation window has closed: report a problem to ask for a refund."}
	}
	credit := line.AmountMinor - line.CreditedMinor
	if credit <= 0 {
		return 0, &Error{Code: CodeConflict, Message: "This order line has nothing left to credit."}
	}
	return credit, nil
}

// OrderStateAfter is the order's state given its lines' states.
func OrderStateAfter(lines []SoftwareOrderLine) OrderState {
	active := 0
	for _, l := range lines {
		if l.State == LineActive {
			active++
		}
	}
	switch {
	case active == len(lines):
		return OrderPlaced
	case active == 0:
		return OrderCancelled
	}
	return OrderPartlyCancelled
}

// OrderNumber formats the order number of sequence value n in year.
func OrderNumber(year int, n int64) string { return fmt.Sprintf("SW-%04d-%06d", year, n) }
