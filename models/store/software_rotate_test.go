package store_test

import (
	"bytes"
	"encoding/hex"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob/memblob"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

// Rotating ENCRYPTION_KEY (rotate-keys): every product key is re-sealed
// under the new key's id, opens under it, and the column never holds the
// key in clear; second-factor seeds follow.
func TestRotateEncryptionKey(t *testing.T) {
	f := storetest.Seed(t)
	ba := billingAccount(t, f, "A")
	var keys []string
	var lines []int64
	for _, k := range []string{"rotate-a", "rotate-b"} {
		o := placeSoftware(t, f, ba.ID, k)
		var id int64
		f.Gorm.Table("software_order_lines").Select("id").Where("order_id = ?", o.Order.ID).Scan(&id)
		key, err := f.Store.RevealSoftwareKey(bg, f.Actor("A:admin_agent"), id)
		if err != nil {
			t.Fatal(err)
		}
		lines, keys = append(lines, id), append(keys, key)
	}
	if err := f.Store.EnrolKnownSecret(bg, f.Users["A:admin_agent"].ID, "JBSWY3DPEHPK3PXP"); err != nil {
		t.Fatal(err)
	}
	cardKeys := loadKeys(t, f, f.ConsoleA.ID, 2, "O365-E3", 12, 5)
	old := append([]byte(nil), f.Store.SecretKey...)
	oldID := f.Store.SoftwareKeyID()
	f.Store.SecretKey = bytes.Repeat([]byte{42}, 32)
	defer func() { f.Store.SecretKey = old }()
	newID := f.Store.SoftwareKeyID()

	r, err := f.Store.RotateEncryptionKey(bg, old)
	if err != nil || r.SoftwareKeys != 2 || r.Stranded != 0 || r.TOTPSeeds == 0 || r.TOTPStranded != 0 {
		t.Fatalf("rotate = %+v, %v", r, err)
	}
	for i, id := range lines {
		var row models.SoftwareOrderLine
		if err := f.Gorm.Where("id = ?", id).Take(&row).Error; err != nil {
			t.Fatal(err)
		}
		if row.KeyID != newID || row.KeyID == oldID {
			t.Fatalf("line %d key id = %s, want %s", id, row.KeyID, newID)
		}
		plain := []byte(keys[i])
		if bytes.Contains(row.KeyCiphertext, plain) || bytes.Contains(row.KeyCiphertext, []byte(strings.ReplaceAll(keys[i], "-", ""))) {
			t.Fatal("the key column holds the key in clear")
		}
		got, err := f.Store.RevealSoftwareKey(bg, f.Actor("A:admin_agent"), id)
		if err != nil || got != keys[i] {
			t.Fatalf("after rotation line %d opens as %q, %v", id, got, err)
		}
	}
	// The Office 365 key cards are re-sealed too: each opens under the new
	// key and is still found by the redeem wizard.
	if r.KeyCards != 2 || r.KeyCardsStranded != 0 {
		t.Fatalf("key cards rotated = %d (stranded %d), want 2", r.KeyCards, r.KeyCardsStranded)
	}
	var cards []models.KeyCard
	f.Gorm.Where("console_id = ?", f.ConsoleA.ID).Find(&cards)
	for _, c := range cards {
		plain, err := f.Store.Open(c.KeySealed, "o365-key:"+hex.EncodeToString(c.KeyHash))
		if err != nil || !slices.Contains(cardKeys, string(plain)) {
			t.Fatalf("key card %d does not open under the new key: %v", c.ID, err)
		}
	}
	if r, err := f.Store.RotateEncryptionKey(bg, old); err != nil || r.SoftwareKeys != 0 || r.TOTPSeeds != 0 || r.KeyCards != 0 {
		t.Fatalf("a second rotation = %+v, %v; want nothing to do", r, err)
	}
	// Under a key nobody names, the lines are reported stranded.
	f.Store.SecretKey = bytes.Repeat([]byte{43}, 32)
	if r, err := f.Store.RotateEncryptionKey(bg, old); err != nil || r.Stranded != 2 {
		t.Fatalf("rotation from the wrong key = %+v, %v", r, err)
	}
}

// The bits live in a gocloud.dev/blob bucket: the demo's generated files
// are written where missing, served seekably (range reads), and a missing
// or strange name is not found.
func TestSoftwareBitsBucket(t *testing.T) {
	f := storetest.Seed(t)
	bucket := memblob.OpenBucket(nil)
	defer bucket.Close()
	n, err := f.Store.WriteDemoBits(bg, bucket)
	names, _ := f.Store.SoftwareBitNames(bg)
	if err != nil || n != len(names) || n != 9*3+3*3 { // 3 products × 3 versions × 3 languages, and Office again in 32-bit
		t.Fatalf("demo bits = %d of %d, %v", n, len(names), err)
	}
	if n, err := f.Store.WriteDemoBits(bg, bucket); err != nil || n != 0 {
		t.Fatalf("second write = %d, %v", n, err)
	}
	bits := store.BlobBits{Bucket: bucket}
	name := store.DownloadFile{SKU: "SW-OFFICE-LTSC", Version: "2024", Language: "ja", Bitness: "32"}.Name()
	r, _, err := bits.Open(bg, name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	size, _ := r.Seek(0, io.SeekEnd)
	if _, err := r.Seek(100, io.SeekStart); err != nil || size != 64<<10 {
		t.Fatalf("size %d, %v", size, err)
	}
	part := make([]byte, 10)
	if _, err := io.ReadFull(r, part); err != nil {
		t.Fatal(err)
	}
	all, _ := bucket.ReadAll(bg, name)
	if !bytes.Equal(part, all[100:110]) {
		t.Fatal("a range read differs from the file")
	}
	for _, bad := range []string{"missing.iso", "../etc/passwd", ".hidden", ""} {
		if _, _, err := bits.Open(bg, bad); models.ErrorCode(err) != models.CodeNotFound {
			t.Fatalf("%q: %v", bad, err)
		}
	}
}

// The orders list pages newest first by the day placed (a backdated order
// sorts by its date, not its id), without gaps or repeats, and filters by
// customer and by days.
func TestSoftwareOrdersKeyset(t *testing.T) {
	f := storetest.Seed(t)
	ba := billingAccount(t, f, "A")
	now := f.Clock.Now()
	for i := 0; i < models.PageSize+7; i++ {
		if err := f.Gorm.Exec(`INSERT INTO software_orders (number, console_id, customer_id, billing_account_id, currency, total_minor, placed_at)
VALUES (?, ?, ?, ?, 'EUR', 100, ?)`, models.OrderNumber(2026, int64(900000+i)), f.ConsoleA.ID, f.CustomerA.ID, ba.ID,
			now.Add(-time.Duration(i%13)*time.Hour-time.Duration(i)*time.Minute)).Error; err != nil {
			t.Fatal(err)
		}
	}
	a := f.Actor("A:helpdesk_agent")
	seen := map[int64]bool{}
	var last time.Time
	cursor, pages := "", 0
	for {
		p, err := f.Store.ListSoftwareOrders(bg, a, store.SoftwareOrderFilter{CustomerID: f.CustomerA.ID}, cursor)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, o := range p.Items {
			if seen[o.ID] || (!last.IsZero() && o.PlacedAt.After(last)) {
				t.Fatalf("order %d repeated or out of order", o.ID)
			}
			seen[o.ID], last = true, o.PlacedAt
		}
		if p.Next == "" {
			break
		}
		cursor = p.Next
	}
	if len(seen) != models.PageSize+7 || pages != 2 {
		t.Fatalf("saw %d orders in %d pages", len(seen), pages)
	}
	p, err := f.Store.ListSoftwareOrders(bg, a, store.SoftwareOrderFilter{Dates: models.OrderDates{From: now.Add(-2 * time.Hour)}}, "")
	if err != nil || len(p.Items) == 0 || len(p.Items) >= models.PageSize {
		t.Fatalf("placed in the last 2 hours: %d, %v", len(p.Items), err)
	}
	if _, err := f.Store.ListSoftwareOrders(bg, a, store.SoftwareOrderFilter{CustomerID: f.CustomerB.ID}, ""); models.ErrorCode(err) != models.CodeNotFound {
		t.Fatalf("another console's customer: %v", err)
	}
}
