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

// The session's own query carries the bell's count, bounded the same way
// as UnreadCount, so a page needs no separate statement for it.
func TestSessionCarriesTheUnreadCount(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	tok := signIn(t, f, "A:helpdesk_agent", "198.51.100.9")
	a := f.Actor("A:helpdesk_agent")
	for _, c := range []struct{ add, want int }{{0, 0}, {3, 3}, {500, store.UnreadCap + 1}} {
		if c.add > 0 {
			if err := f.Gorm.Exec(`INSERT INTO notifications (user_id, kind, title, created_at)
				SELECT ?, 'general', 'Hello', now() FROM generate_series(1, ?)`, a.UserID, c.add).Error; err != nil {
				t.Fatal(err)
			}
		}
		as, err := f.Store.AuthSession(bg, tok)
		if err != nil {
			t.Fatal(err)
		}
		n, err := f.Store.UnreadCount(bg, a)
		if err != nil || as.Unread != c.want || n != c.want {
			t.Errorf("after %d more: session says %d, UnreadCount %d (%v), want %d", c.add, as.Unread, n, err, c.want)
		}
	}
}
