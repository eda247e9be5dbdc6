package store_test

import (
	"context"
	"testing"

	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

// The bell's count is bounded: past UnreadCap it stops counting.
func TestUnreadCountIsCapped(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	a := f.Actor("A:helpdesk_agent")
	add := func(n int) {
		if err := f.Gorm.Exec(`INSERT INTO notifications (user_id, kind, title, created_at)
			SELECT ?, 'general', 'Hello', now() FROM generate_series(1, ?)`, a.UserID, n).Error; err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	add(7)
	if n, err := f.Store.UnreadCount(ctx, a); err != nil || n != 7 {
		t.Fatalf("unread = %d, %v; want 7", n, err)
	}
	add(500)
	if n, err := f.Store.UnreadCount(ctx, a); err != nil || n != store.UnreadCap+1 {
		t.Fatalf("unread = %d, %v; want %d", n, err, store.UnreadCap+1)
	}
}
