package models

import (
	"strings"
	"testing"
	"time"
)

var daNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestDelegatedAdminMove(t *testing.T) {
	for _, tc := range []struct {
		name    string
		from    DelegatedAdminState
		move    DelegatedAdminMove
		to      DelegatedAdminState
		changed bool
		code    Code
	}{
		{"accept an offer", DAOffered, DAAccept, DAAccepted, true, ""},
		{"decline an offer", DAOffered, DADecline, DADeclined, true, ""},
		{"withdraw an offer", DAOffered, DAWithdraw, DAWithdrawn, true, ""},
		{"end an accepted relationship", DAAccepted, DAEnd, DAEnded, true, ""},
		{"double click on accept changes nothing", DAAccepted, DAAccept, DAAccepted, false, ""},
		{"double click on end changes nothing", DAEnded, DAEnd, DAEnded, false, ""},
		{"accept a withdrawn offer", DAWithdrawn, DAAccept, DAWithdrawn, false, CodeConflict},
		{"decline an accepted offer", DAAccepted, DADecline, DAAccepted, false, CodeConflict},
		{"withdraw an accepted offer", DAAccepted, DAWithdraw, DAAccepted, false, CodeConflict},
		{"end an offer not accepted", DAOffered, DAEnd, DAOffered, false, CodeConflict},
		{"accept a declined offer", DADeclined, DAAccept, DADeclined, false, CodeConflict},
		{"unknown move", DAOffered, "approve", DAOffered, false, CodeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := DelegatedAdminRelationship{ID: 1, State: tc.from, Version: 3}
			next, changed, err := r.Move(tc.move, 7, daNow)
			if tc.code != "" {
				if ErrorCode(err) != tc.code {
					t.Fatalf("err = %v, want %s", err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if next.State != tc.to || changed != tc.changed {
				t.Fatalf("got %s changed=%v", next.State, changed)
			}
			if !changed {
				if next.Version != 3 {
					t.Errorf("version moved without a change: %d", next.Version)
				}
				return
			}
			if next.Version != 4 || !next.UpdatedAt.Equal(daNow) {
				t.Errorf("version %d updated %v", next.Version, next.UpdatedAt)
			}
			switch tc.move {
			case DAAccept, DADecline:
				if next.AnsweredBy == nil || *next.AnsweredBy != 7 || next.AnsweredAt == nil {
					t.Errorf("answered by/at not recorded")
				}
			default:
				if next.EndedBy == nil || *next.EndedBy != 7 || next.EndedAt == nil {
					t.Errorf("ended by/at not recorded")
				}
			}
		})
	}
}

func TestCheckDelegatedAdminOffer(t *testing.T) {
	offered := &DelegatedAdminRelationship{State: DAOffered}
	accepted := &DelegatedAdminRelationship{State: DAAccepted}
	for _, tc := range []struct {
		name  string
		f     DelegatedAdminOfferFacts
		code  Code
		field string
		want  string
	}{
		{"enrolled, no relationship", DelegatedAdminOfferFacts{Enrolled: true, OwnCustomer: true, Message: "  Hello  "}, "", "", "Hello"},
		{"not enrolled: forbidden with the reason", DelegatedAdminOfferFacts{OwnCustomer: true, Message: "Hello"}, CodeForbidden, "", "cloud-essentials"},
		{"another console's customer", DelegatedAdminOfferFacts{Enrolled: true, Message: "Hello"}, CodeNotFound, "", ""},
		{"an offer is waiting", DelegatedAdminOfferFacts{Enrolled: true, OwnCustomer: true, Live: offered, Message: "Hello"}, CodeConflict, "", "already waiting"},
		{"already delegated admin", DelegatedAdminOfferFacts{Enrolled: true, OwnCustomer: true, Live: accepted, Message: "Hello"}, CodeConflict, "", "already this customer's"},
		{"no message", DelegatedAdminOfferFacts{Enrolled: true, OwnCustomer: true, Message: "   "}, CodeInvalid, "message", ""},
		{"message too long", DelegatedAdminOfferFacts{Enrolled: true, OwnCustomer: true, Message: strings.Repeat("é", 2001)}, CodeInvalid, "message", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CheckDelegatedAdminOffer(tc.f)
			if tc.code == "" {
				if err != nil || got != tc.want {
					t.Fatalf("got %q, %v", got, err)
				}
				return
			}
			if ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
			if tc.field != "" {
				if fe, ok := AsValidation(err); !ok || fe[tc.field] == "" {
					t.Errorf("no message on %s: %v", tc.field, err)
				}
			}
			if tc.want != "" && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %q lacks %q", err, tc.want)
			}
		})
	}
}

func TestCheckDelegatedAdmin(t *testing.T) {
	for _, tc := range []struct {
		name string
		live *DelegatedAdminRelationship
		want string // part of the reason; "" lets through
	}{
		{"accepted lets the console through", &DelegatedAdminRelationship{State: DAAccepted}, ""},
		{"no relationship: forbidden, says to send an offer", nil, "Send a delegated-admin offer"},
		{"offered, not accepted yet: forbidden", &DelegatedAdminRelationship{State: DAOffered}, "not accepted your delegated-admin offer yet"},
		{"ended: forbidden", &DelegatedAdminRelationship{State: DAEnded}, "not this customer's delegated admin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckDelegatedAdmin(tc.live)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if ErrorCode(err) != CodeForbidden || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want forbidden with %q", err, tc.want)
			}
		})
	}
}

func TestCheckCustomerUserChange(t *testing.T) {
	admin := User{ID: 1, Role: RoleCustomerAdmin}
	viewer := User{ID: 2, Role: RoleCustomerViewer}
	off := daNow
	disabledAdmin := User{ID: 3, Role: RoleCustomerAdmin, DisabledAt: &off}
	for _, tc := range []struct {
		name string
		f    CustomerUserChangeFacts
		ok   bool
	}{
		{"make a viewer billing", CustomerUserChangeFacts{User: viewer, ActiveAdmins: 1, Role: RoleCustomerBilling}, true},
		{"a console role is refused", CustomerUserChangeFacts{User: viewer, ActiveAdmins: 1, Role: RoleSuperAdmin}, false},
		{"disable a viewer", CustomerUserChangeFacts{User: viewer, ActiveAdmins: 1, Disable: true}, true},
		{"demote the last admin", CustomerUserChangeFacts{User: admin, ActiveAdmins: 1, Role: RoleCustomerViewer}, false},
		{"disable the last admin", CustomerUserChangeFacts{User: admin, ActiveAdmins: 1, Disable: true}, false},
		{"demote one of two admins", CustomerUserChangeFacts{User: admin, ActiveAdmins: 2, Role: RoleCustomerViewer}, true},
		{"the last admin keeps its role", CustomerUserChangeFacts{User: admin, ActiveAdmins: 1, Role: RoleCustomerAdmin}, true},
		{"a disabled admin does not count", CustomerUserChangeFacts{User: disabledAdmin, ActiveAdmins: 1, Role: RoleCustomerViewer}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckCustomerUserChange(tc.f)
			if tc.ok != (err == nil) {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				if fe, ok := AsValidation(err); !ok || fe["role"] == "" {
					t.Errorf("want a message on role: %v", err)
				}
			}
		})
	}
}

func TestAsDelegatedAdmin(t *testing.T) {
	a := Actor{Name: "Alice"}.AsDelegatedAdmin("Console A")
	if !strings.Contains(a.Name, "Alice") || !strings.Contains(a.Name, "Console A") {
		t.Fatalf("name %q lacks the partner or the console", a.Name)
	}
}

func TestDelegatedAdminPermissions(t *testing.T) {
	for _, tc := range []struct {
		name string
		role Role
		p    Permission
		ok   bool
	}{
		{"operator admin sets cloud essentials", RoleOperatorAdmin, PermCloudEssentials, true},
		{"support engineer does not", RoleSupportEngineer, PermCloudEssentials, false},
		{"super admin offers", RoleSuperAdmin, PermDelegatedAdminOffer, true},
		{"admin agent offers", RoleAdminAgent, PermDelegatedAdminOffer, true},
		{"sales agent does not offer", RoleSalesAgent, PermDelegatedAdminOffer, false},
		{"helpdesk agent does not act", RoleHelpdeskAgent, PermDelegatedAdminAct, false},
		{"R-ROLE-5 customer admin answers", RoleCustomerAdmin, PermDelegatedAdminAnswer, true},
		{"customer billing does not answer", RoleCustomerBilling, PermDelegatedAdminAnswer, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := (Actor{Role: tc.role}).Can(tc.p); got != tc.ok {
				t.Fatalf("Can = %v", got)
			}
		})
	}
}
