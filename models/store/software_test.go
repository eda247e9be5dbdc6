package store_test

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

func isCode(err error, code models.Code) bool {
	var e *models.Error
	return errors.As(err, &e) && e.Code == code
}

func softwareProduct(t *testing.T, f *storetest.Fixture, sku string) (int64, int64) {
	t.Helper()
	var ids struct{ P, V int64 }
	if err := f.Gorm.Raw(`SELECT p.id AS p, v.id AS v FROM software_products p JOIN software_versions v ON v.product_id = p.id AND v.rank = 0
WHERE p.sku = ?`, sku).Scan(&ids).Error; err != nil || ids.P == 0 {
		t.Fatalf("software product %s: %v", sku, err)
	}
	return ids.P, ids.V
}

func placeSoftware(t *testing.T, f *storetest.Fixture, account int64, key string) store.PlacedOrder {
	t.Helper()
	p, v := softwareProduct(t, f, "SW-OFFICE-LTSC")
	o, err := f.Store.PlaceSoftwareOrder(bg, f.Actor("A:admin_agent"), f.CustomerA.ID, store.PlaceOrderInput{BillingAccountID: account,
		PONumber: "PO-7", Lines: []models.OrderLineInput{{ProductID: p, VersionID: v, Quantity: "2"}}, Confirm: true, Key: key})
	if err != nil {
		t.Fatalf("place order: %v", err)
	}
	return o
}

func TestSoftwareOrders(t *testing.T) {
	f := storetest.Seed(t)
	ba := billingAccount(t, f, "A")
	p, v := softwareProduct(t, f, "SW-OFFICE-LTSC")

	t.Run("review writes nothing; place charges the account once per key", func(t *testing.T) {
		in := store.PlaceOrderInput{BillingAccountID: ba.ID, Lines: []models.OrderLineInput{{ProductID: p, VersionID: v, Quantity: "2"}}}
		r, err := f.Store.PlaceSoftwareOrder(bg, f.Actor("A:sales_agent"), f.CustomerA.ID, in)
		if err != nil || r.Order.ID != 0 || r.Order.TotalMinor != 2*41850 || r.Order.Currency != "EUR" {
			t.Fatalf("review = %+v, %v", r.Order, err)
		}
		in.Confirm, in.Key = true, "order-key-1"
		for i := 0; i < 2; i++ {
			o, err := f.Store.PlaceSoftwareOrder(bg, f.Actor("A:sales_agent"), f.CustomerA.ID, in)
			if err != nil || o.Order.ID == 0 || !strings.HasPrefix(o.Order.Number, "SW-") {
				t.Fatalf("place = %+v, %v", o.Order, err)
			}
		}
		var orders, charges int64
		f.Gorm.Table("software_orders").Where("customer_id = ?", f.CustomerA.ID).Count(&orders)
		f.Gorm.Table("billing_charges").Where("billing_account_id = ? AND amount_minor = ?", ba.ID, 2*41850).Count(&charges)
		if orders != 1 || charges != 1 {
			t.Fatalf("orders = %d, charges = %d; want 1, 1", orders, charges)
		}
	})

	t.Run("roles that may not buy, and a foreign customer", func(t *testing.T) {
		in := store.PlaceOrderInput{BillingAccountID: ba.ID, Lines: []models.OrderLineInput{{ProductID: p, VersionID: v, Quantity: "1"}}}
		if _, err := f.Store.PlaceSoftwareOrder(bg, f.Actor("A:helpdesk_agent"), f.CustomerA.ID, in); !isCode(err, models.CodeForbidden) {
			t.Fatalf("helpdesk agent: %v", err)
		}
		if _, err := f.Store.PlaceSoftwareOrder(bg, f.Actor("A:admin_agent"), f.CustomerB.ID, in); !isCode(err, models.CodeNotFound) {
			t.Fatalf("console B's customer: %v", err)
		}
	})

	t.Run("the key column holds no plaintext and reveal is audited", func(t *testing.T) {
		o := placeSoftware(t, f, ba.ID, "order-key-2")
		var line models.SoftwareOrderLine
		if err := f.Gorm.Where("order_id = ?", o.Order.ID).Take(&line).Error; err != nil {
			t.Fatal(err)
		}
		key, err := f.Store.RevealSoftwareKey(bg, f.Actor("A:admin_agent"), line.ID)
		if err != nil || !models.ValidProductKey(models.KeyFormat5x5, key) {
			t.Fatalf("reveal = %q, %v", key, err)
		}
		if bytes.Contains(line.KeyCiphertext, []byte(key)) || bytes.Contains(line.KeyCiphertext, []byte(strings.ReplaceAll(key, "-", ""))) {
			t.Fatal("the key column holds the key in clear")
		}
		var audits int64
		f.Gorm.Table("audit_events").Where("action = 'software.key_revealed' AND record_id = ?", line.ID).Count(&audits)
		if audits == 0 {
			t.Fatal("reveal not audited")
		}
		var leaked int64
		f.Gorm.Table("audit_events").Where("after::text LIKE ?", "%"+key+"%").Count(&leaked)
		if leaked != 0 {
			t.Fatal("the key is in the audit log")
		}
		for _, who := range []string{"A:sales_agent", "A:helpdesk_agent"} {
			if _, err := f.Store.RevealSoftwareKey(bg, f.Actor(who), line.ID); !isCode(err, models.CodeForbidden) {
				t.Fatalf("%s revealed a key: %v", who, err)
			}
		}
		if _, err := f.Store.RevealSoftwareKey(bg, f.Actor("B:admin_agent"), line.ID); !isCode(err, models.CodeNotFound) {
			t.Fatalf("console B revealed console A's key: %v", err)
		}
		if _, err := f.Store.RevealSoftwareKey(bg, f.Actor("custB:customer_admin"), line.ID); !isCode(err, models.CodeNotFound) {
			t.Fatalf("customer B revealed customer A's key: %v", err)
		}
		if _, err := f.Store.SoftwareDownloadLink(bg, f.Actor("custB:customer_admin"), line.ID, "en", "64", true); !isCode(err, models.CodeNotFound) {
			t.Fatalf("customer B linked customer A's bits: %v", err)
		}
		if got, err := f.Store.RevealSoftwareKey(bg, f.Actor("custA:customer_admin"), line.ID); err != nil || got != key {
			t.Fatalf("customer admin: %q, %v", got, err)
		}
	})
}

func TestSoftwareCancel(t *testing.T) {
	f := storetest.Seed(t)
	ba := billingAccount(t, f, "A")

	t.Run("concurrent cancels give one credit and revoke the key", func(t *testing.T) {
		o := placeSoftware(t, f, ba.ID, "cancel-1")
		var lineID int64
		f.Gorm.Table("software_order_lines").Select("id").Where("order_id = ?", o.Order.ID).Scan(&lineID)
		preview, err := f.Store.CancelSoftwareLine(bg, f.Actor("A:admin_agent"), lineID, false)
		if err != nil || preview.Minor != 2*41850 {
			t.Fatalf("preview = %+v, %v", preview, err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, errs[i] = f.Store.CancelSoftwareLine(bg, f.Actor("A:admin_agent"), lineID, true)
			}(i)
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if !isCode(err, models.CodeConflict) {
				t.Fatalf("a losing cancel: %v", err)
			}
		}
		var credits int64
		f.Gorm.Table("credits").Where("billing_account_id = ? AND source = 'cancellation'", ba.ID).Count(&credits)
		if ok != 1 || credits != 1 {
			t.Fatalf("cancels ok = %d, credits = %d; want 1, 1", ok, credits)
		}
		if _, err := f.Store.RevealSoftwareKey(bg, f.Actor("A:admin_agent"), lineID); !isCode(err, models.CodeConflict) {
			t.Fatalf("a revoked key was revealed: %v", err)
		}
		var state string
		f.Gorm.Table("software_orders").Select("state").Where("id = ?", o.Order.ID).Scan(&state)
		if state != string(models.OrderCancelled) {
			t.Fatalf("order state = %s", state)
		}
	})

	t.Run("after 168 hours the cancel is refused", func(t *testing.T) {
		o := placeSoftware(t, f, ba.ID, "cancel-2")
		var lineID int64
		f.Gorm.Table("software_order_lines").Select("id").Where("order_id = ?", o.Order.ID).Scan(&lineID)
		f.Clock.Advance(models.CancelWindow)
		if _, err := f.Store.CancelSoftwareLine(bg, f.Actor("A:admin_agent"), lineID, true); !isCode(err, models.CodeConflict) {
			t.Fatalf("cancel after 168 h: %v", err)
		}
		if _, err := f.Store.CancelSoftwareLine(bg, f.Actor("A:sales_agent"), lineID, false); !isCode(err, models.CodeForbidden) {
			t.Fatalf("sales agent: %v", err)
		}
	})
}

func TestSoftwareDownloadLinks(t *testing.T) {
	f := storetest.Seed(t)
	ba := billingAccount(t, f, "A")
	o := placeSoftware(t, f, ba.ID, "links-1")
	var lineID int64
	f.Gorm.Table("software_order_lines").Select("id").Where("order_id = ?", o.Order.ID).Scan(&lineID)
	tok, err := f.Store.SoftwareDownloadLink(bg, f.Actor("A:admin_agent"), lineID, "fr", "64", true)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a good link opens", func(t *testing.T) {
		d, err := f.Store.OpenSoftwareDownload(bg, tok, "192.0.2.9")
		if err != nil || d.LineID != lineID || d.Language != "fr" || !strings.HasSuffix(d.Name(), ".iso") {
			t.Fatalf("open = %+v, %v", d, err)
		}
	})
	t.Run("a tampered link is not found and audited", func(t *testing.T) {
		body, mac, _ := strings.Cut(tok, ".")
		bad := body + "." + strings.Repeat("A", len(mac))
		if _, err := f.Store.OpenSoftwareDownload(bg, bad, "192.0.2.9"); !isCode(err, models.CodeNotFound) {
			t.Fatalf("tampered: %v", err)
		}
		var n int64
		f.Gorm.Table("audit_events").Where("action = 'software.download_refused' AND record_id = ?", lineID).Count(&n)
		if n == 0 {
			t.Fatal("refused link not audited")
		}
		for _, junk := range []string{"", "x", "a.b", tok + "x"} {
			if _, err := f.Store.OpenSoftwareDownload(bg, junk, ""); !isCode(err, models.CodeNotFound) {
				t.Fatalf("%q: %v", junk, err)
			}
		}
	})
	t.Run("a link expires after 24 hours", func(t *testing.T) {
		f.Clock.Advance(store.DownloadLinkTTL)
		if _, err := f.Store.OpenSoftwareDownload(bg, tok, ""); !isCode(err, models.CodeNotFound) {
			t.Fatalf("expired: %v", err)
		}
		f.Clock.Advance(-store.DownloadLinkTTL)
	})
	t.Run("a revoked key kills its links", func(t *testing.T) {
		if _, err := f.Store.CancelSoftwareLine(bg, f.Actor("A:admin_agent"), lineID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Store.OpenSoftwareDownload(bg, tok, ""); !isCode(err, models.CodeNotFound) {
			t.Fatalf("revoked: %v", err)
		}
	})
}

func TestSoftwareKeyRotation(t *testing.T) {
	f := storetest.Seed(t)
	ba := billingAccount(t, f, "A")
	o := placeSoftware(t, f, ba.ID, "rotate-1")
	var lineID int64
	f.Gorm.Table("software_order_lines").Select("id").Where("order_id = ?", o.Order.ID).Scan(&lineID)
	before, err := f.Store.RevealSoftwareKey(bg, f.Actor("A:admin_agent"), lineID)
	if err != nil {
		t.Fatal(err)
	}
	old := append([]byte(nil), f.Store.SecretKey...)
	f.Store.SecretKey = []byte("fedcba9876543210fedcba9876543210")
	defer func() { f.Store.SecretKey = old }()
	if _, err := f.Store.RevealSoftwareKey(bg, f.Actor("A:admin_agent"), lineID); err == nil {
		t.Fatal("a key sealed under the old encryption key opened under the new one")
	}
	n, err := f.Store.RotateSoftwareKeys(bg, old)
	if err != nil || n != 1 {
		t.Fatalf("rotate = %d, %v", n, err)
	}
	after, err := f.Store.RevealSoftwareKey(bg, f.Actor("A:admin_agent"), lineID)
	if err != nil || after != before {
		t.Fatalf("after rotation: %q, %v; want the same key", after, err)
	}
	if n, err := f.Store.RotateSoftwareKeys(bg, old); err != nil || n != 0 {
		t.Fatalf("second rotation = %d, %v; want 0", n, err)
	}
}
