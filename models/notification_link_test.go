package models

import "testing"

func TestOutboxDeskLinkHidesCredentials(t *testing.T) {
	for _, tc := range []struct{ name, link, want string }{
		{"invitation token hidden", "/invitations/abcDEF123", "/invitations/…"},
		{"case link kept", "/console/cases/12", "/console/cases/12"},
		{"no link", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := (OutboxMessage{Link: tc.link}).DeskLink(); got != tc.want {
				t.Fatalf("DeskLink(%q) = %q, want %q", tc.link, got, tc.want)
			}
		})
	}
}
