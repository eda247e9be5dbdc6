package store_test

import (
	"sync"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// A new invitation for a customer's administrator: only the console whose
// customer it is, not within 10 minutes of the last, one email however many
// parallel clicks, the old link stops, and none once a password is set.
func TestResendInvitation(t *testing.T) {
	f := storetest.Seed(t)
	a := f.Actor("A:admin_agent")
	keys := loadKeys(t, f, f.ConsoleA.ID, 1, "O365-E3", 12, 5)
	toAccount(t, f, f.Store, a, keys...)
	r, err := f.Store.CreateRedeemedAccount(bg, a, contoso())
	if err != nil {
		t.Fatal(err)
	}
	cid, uid := r.Customer.ID, r.Admin.ID

	page, err := f.Store.LoadCustomerPage(bg, a, cid)
	if err != nil || len(page.Invitations) != 1 || page.Invitations[0].UserID != uid {
		t.Fatalf("pending invitations on the customer page: %+v, %v", page.Invitations, err)
	}
	t.Run("another console cannot", func(t *testing.T) {
		if _, err := f.Store.ResendInvitation(bg, f.Actor("B:admin_agent"), cid, uid); models.ErrorCode(err) != models.CodeNotFound {
			t.Fatalf("console B: %v, want not found", err)
		}
		if _, err := f.Store.ResendInvitation(bg, f.Actor("A:helpdesk_agent"), cid, uid); models.ErrorCode(err) != models.CodeForbidden {
			t.Fatalf("helpdesk agent: %v, want forbidden", err)
		}
	})
	t.Run("not within 10 minutes of the last", func(t *testing.T) {
		if _, err := f.Store.ResendInvitation(bg, a, cid, uid); models.ErrorCode(err) != models.CodeConflict {
			t.Fatalf("at once: %v, want conflict", err)
		}
	})

	f.Clock.Advance(models.InvitationResendWait)
	mails := func() int64 {
		var n int64
		f.Gorm.Table("outbox").Where("to_email = ? AND link LIKE '/invitations/%'", "ada@contoso.example").Count(&n)
		return n
	}
	before := mails()
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.Store.ResendInvitation(bg, a, cid, uid); err == nil {
				mu.Lock()
				won++
				mu.Unlock()
			} else if models.ErrorCode(err) != models.CodeConflict {
				t.Errorf("parallel resend: %v", err)
			}
		}()
	}
	wg.Wait()
	if won != 1 || mails() != before+1 {
		t.Fatalf("50 parallel resends: %d succeeded, %d emails queued; want 1 and 1", won, mails()-before)
	}
	if _, err := f.Store.Invitation(bg, r.InvitationToken); models.ErrorCode(err) != models.CodeConflict {
		t.Fatalf("the old link after a new one: %v, want it expired", err)
	}
	// Audited once on each side: the console's log and the customer's.
	var orgs []int64
	f.Gorm.Table("audit_events").Where("action = 'user.invitation_resent' AND record_id = ?", uid).Order("organisation_id").Pluck("organisation_id", &orgs)
	if len(orgs) != 2 || orgs[0] != min(f.ConsoleA.ID, cid) || orgs[1] != max(f.ConsoleA.ID, cid) {
		t.Fatalf("resend audited for organisations %v, want console %d and customer %d once each", orgs, f.ConsoleA.ID, cid)
	}

	// Once the administrator sets a password, there is nothing to resend.
	var token string
	f.Gorm.Raw("SELECT substring(link from 14) FROM outbox WHERE to_email = 'ada@contoso.example' ORDER BY id DESC LIMIT 1").Scan(&token)
	if _, err := f.Store.AcceptInvitation(bg, token, models.SetPasswordInput{Password: "contoso-admin-1", Confirm: "contoso-admin-1"}, "192.0.2.9"); err != nil {
		t.Fatalf("the new link: %v", err)
	}
	f.Clock.Advance(time.Hour)
	if page, _ := f.Store.LoadCustomerPage(bg, a, cid); len(page.Invitations) != 0 {
		t.Fatalf("pending after the password was set: %+v", page.Invitations)
	}
	if _, err := f.Store.ResendInvitation(bg, a, cid, uid); models.ErrorCode(err) != models.CodeConflict {
		t.Fatalf("after the password was set: %v, want conflict", err)
	}
}
