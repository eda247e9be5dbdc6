package store_test

import (
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

// The demo console holds key cards, and the two README keys redeem.
func TestProductKeysDemo(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	if _, err := db.Store.SeedDemo(bg); err != nil {
		t.Fatal(err)
	}
	console, err := db.Store.FirstConsole(bg)
	if err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, db.Gorm, "product_key_cards", "console_id = ? AND state = 'available'", console.ID); n != 14 {
		t.Fatalf("the demo console holds %d key cards", n)
	}
	var u models.User
	if err := db.Gorm.Where("email = 'admin@northwind.example'").Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	a := store.ActorOf(u, "")
	if err := db.Store.StartRedemption(bg, a, true); err != nil {
		t.Fatal(err)
	}
	res, err := db.Store.AddKeys(bg, a, store.DemoProductKeys())
	if err != nil || res[0] != nil || res[1] != nil {
		t.Fatalf("the demo keys do not redeem: %v %v", res, err)
	}
}
