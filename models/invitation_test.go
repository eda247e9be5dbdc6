package models

import (
	"testing"
	"time"
)

func TestDecideResendInvitation(t *testing.T) {
	sent := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	used := sent.Add(time.Hour)
	for _, tc := range []struct {
		name string
		inv  UserInvitation
		now  time.Time
		ok   bool
	}{
		{"expired link, long ago", UserInvitation{CreatedAt: sent, ExpiresAt: sent.Add(InvitationValidity)}, sent.Add(8 * 24 * time.Hour), true},
		{"live link, after the wait", UserInvitation{CreatedAt: sent, ExpiresAt: sent.Add(InvitationValidity)}, sent.Add(InvitationResendWait), true},
		{"within the wait", UserInvitation{CreatedAt: sent, ExpiresAt: sent.Add(InvitationValidity)}, sent.Add(InvitationResendWait - time.Second), false},
		{"password already set", UserInvitation{CreatedAt: sent, ExpiresAt: sent.Add(InvitationValidity), UsedAt: &used}, sent.Add(30 * 24 * time.Hour), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := DecideResendInvitation(tc.inv, tc.now)
			if (err == nil) != tc.ok {
				t.Fatalf("DecideResendInvitation = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && ErrorCode(err) != CodeConflict {
				t.Fatalf("code = %v, want conflict", err)
			}
		})
	}
}
