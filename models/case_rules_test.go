package models

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestCaseVersionGuardsEveryDeskChange(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(c *SupportCase, version int) error
	}{
		{"change state", func(c *SupportCase, v int) error { return c.ChangeState(v, CaseInProgress, "", caseNow) }},
		{"assign", func(c *SupportCase, v int) error { _, err := c.AssignTo(v, 7, caseNow); return err }},
		{"action", func(c *SupportCase, v int) error { return c.CheckAction(v, ActionUndoMigration, true) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := SupportCase{Type: CaseUndoMigration, State: CaseOpen, Version: 4}
			err := tc.run(&c, 3)
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeConflict || e.Message != CaseChanged().Message {
				t.Fatalf("stale version: %v", err)
			}
			if c.State != CaseOpen || c.Version != 4 || c.AssigneeID != nil {
				t.Fatalf("a refused change changed the case: %+v", c)
			}
			if err := tc.run(&c, 4); err != nil {
				t.Fatalf("current version: %v", err)
			}
		})
	}
}

func TestCaseChangeState(t *testing.T) {
	long := make([]byte, 10001)
	for i := range long {
		long[i] = 'x'
	}
	for _, tc := range []struct {
		name      string
		from, to  CaseState
		note      string
		code      Code
		field     string
		wantState CaseState
	}{
		{"open to in progress without a note", CaseOpen, CaseInProgress, "", "", "", CaseInProgress},
		{"resolve with the answer", CaseInProgress, CaseResolved, " Refunded. ", "", "", CaseResolved},
		{"resolve without a note", CaseInProgress, CaseResolved, "  ", CodeInvalid, "note", CaseInProgress},
		{"reject without a note", CaseOpen, CaseRejected, "", CodeInvalid, "note", CaseOpen},
		{"note too long", CaseOpen, CaseWaitingOnPartner, string(long), CodeInvalid, "body", CaseWaitingOnPartner},
		{"unknown state", CaseOpen, "archived", "", CodeInvalid, "state", CaseOpen},
		{"from a closed case", CaseResolved, CaseInProgress, "", CodeConflict, "", CaseResolved},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := SupportCase{State: tc.from, Version: 1}
			err := c.ChangeState(1, tc.to, tc.note, caseNow)
			if tc.code == "" {
				if err != nil || c.State != tc.wantState || c.Version != 2 {
					t.Fatalf("got %v, case %+v", err, c)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != tc.code || e.Field != tc.field || e.Message == "" {
				t.Fatalf("got %v, want %s on %q", err, tc.code, tc.field)
			}
			if c.State != tc.wantState {
				t.Fatalf("state %s, want %s", c.State, tc.wantState)
			}
		})
	}
}

func TestCaseAssignTo(t *testing.T) {
	for _, tc := range []struct {
		name      string
		from      CaseState
		moved     bool
		wantState CaseState
	}{
		{"open moves to in progress", CaseOpen, true, CaseInProgress},
		{"in progress stays", CaseInProgress, false, CaseInProgress},
		{"waiting on partner stays", CaseWaitingOnPartner, false, CaseWaitingOnPartner},
		{"resolved stays", CaseResolved, false, CaseResolved},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := SupportCase{State: tc.from, Version: 2}
			moved, err := c.AssignTo(2, 42, caseNow)
			if err != nil || moved != tc.moved || c.State != tc.wantState {
				t.Fatalf("moved %v err %v state %s", moved, err, c.State)
			}
			if c.AssigneeID == nil || *c.AssigneeID != 42 || c.Version != 3 || !c.UpdatedAt.Equal(caseNow) {
				t.Fatalf("case after assign %+v", c)
			}
		})
	}
}

func TestCaseCommented(t *testing.T) {
	for _, tc := range []struct {
		name      string
		from      CaseState
		byDesk    bool
		moved     bool
		code      Code
		wantState CaseState
	}{
		{"partner on an open case", CaseOpen, false, false, "", CaseOpen},
		{"partner hands a waiting case back", CaseWaitingOnPartner, false, true, "", CaseInProgress},
		{"partner on a resolved case", CaseResolved, false, false, CodeConflict, CaseResolved},
		{"partner on a rejected case", CaseRejected, false, false, CodeConflict, CaseRejected},
		{"desk on a waiting case", CaseWaitingOnPartner, true, false, "", CaseWaitingOnPartner},
		{"desk on a resolved case", CaseResolved, true, false, "", CaseResolved},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := SupportCase{State: tc.from, Version: 1}
			moved, err := c.Commented(tc.byDesk, caseNow)
			if ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
				t.Fatalf("err %v, want %q", err, tc.code)
			}
			if moved != tc.moved || c.State != tc.wantState {
				t.Fatalf("moved %v state %s", moved, c.State)
			}
		})
	}
	t.Run("only the desk writes internal notes", func(t *testing.T) {
		in := CommentInput{Body: "  hi  ", Internal: true}
		if got := in.Normalize(false); got.Internal || got.Body != "hi" {
			t.Fatalf("partner: %+v", got)
		}
		if got := in.Normalize(true); !got.Internal {
			t.Fatalf("desk: %+v", got)
		}
	})
}

func TestCaseCheckAction(t *testing.T) {
	for _, tc := range []struct {
		name      string
		typ       CaseType
		state     CaseState
		action    string
		available bool
		ok        bool
	}{
		{"offered and wired", CaseMeetOfflineToOnline, CaseInProgress, ActionConvertToGracePlan, true, true},
		{"offered, no code", CaseCSPRefund, CaseOpen, ActionApproveRefund, false, false},
		{"another type's action", CaseCSPRefund, CaseOpen, ActionConvertToGracePlan, true, false},
		{"closed case", CaseMeetOfflineToOnline, CaseResolved, ActionConvertToGracePlan, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := SupportCase{Type: tc.typ, State: tc.state, Version: 5}
			err := c.CheckAction(5, tc.action, tc.available)
			if tc.ok != (err == nil) || (err != nil && ErrorCode(err) != CodeConflict) {
				t.Fatalf("got %v", err)
			}
		})
	}
	t.Run("done settles closing time and version", func(t *testing.T) {
		c := SupportCase{State: CaseResolved, Version: 5}
		c.ActionDone(5, caseNow)
		if c.ClosedAt == nil || c.Version != 6 || !c.UpdatedAt.Equal(caseNow) {
			t.Fatalf("%+v", c)
		}
		c.State = CaseInProgress
		c.ActionDone(6, caseNow)
		if c.ClosedAt != nil || c.Version != 7 {
			t.Fatalf("%+v", c)
		}
	})
}

func TestNewCase(t *testing.T) {
	good := CaseInput{Type: CaseCSPRefund, Impact: ImpactHigh, Title: " Refund ", Description: "d", CustomerID: 9,
		ContactName: "n", ContactEmail: "N@A.test", ContactPhone: "+1 555 0100", Fields: map[string]string{"customer_name": "C", "tenant_or_domain": "c.test",
			"order_or_subscription_id": "O-1", "refund_reason": "r", "amount_requested": "1,100.50"}}
	by := CaseFiler{ConsoleID: 3, Currency: "EUR ", UserID: 11, Name: "Ann"}
	t.Run("builds an open case at version 1", func(t *testing.T) {
		c, err := NewCase(good, by, caseNow)
		if err != nil {
			t.Fatal(err)
		}
		if c.State != CaseOpen || c.Version != 1 || c.ConsoleID != 3 || c.Title != "Refund" || c.Currency != "EUR" ||
			c.AmountMinor == nil || *c.AmountMinor != 110050 || c.CustomerID == nil || *c.CustomerID != 9 ||
			c.FiledByID == nil || *c.FiledByID != 11 || c.FiledByName != "Ann" || c.ContactEmail != "n@a.test" || !c.CreatedAt.Equal(caseNow) {
			t.Fatalf("%+v", c)
		}
		var f map[string]string
		if json.Unmarshal(c.Fields, &f) != nil || f["order_or_subscription_id"] != "O-1" {
			t.Fatalf("fields %s", c.Fields)
		}
	})
	t.Run("a system filing has no filer id", func(t *testing.T) {
		c, err := NewCase(good, CaseFiler{ConsoleID: 3, Currency: "EUR", Name: "system"}, caseNow)
		if err != nil || c.FiledByID != nil {
			t.Fatalf("%+v %v", c, err)
		}
	})
	t.Run("bad fields come back together", func(t *testing.T) {
		bad := good
		bad.Title, bad.ContactEmail = "", "nope"
		_, err := NewCase(bad, by, caseNow)
		fe, ok := AsValidation(err)
		if !ok || fe["title"] == "" || fe["contact_email"] == "" {
			t.Fatalf("%v", err)
		}
	})
}

func TestCheckMeetCaseFiling(t *testing.T) {
	renewal := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	offline := MeetSub{ID: 1, Family: FamilyMeetHardware, Channel: SubOffline, EndDate: renewal}
	later := MeetSub{ID: 2, Family: FamilyMeetHardware, Channel: SubOffline, EndDate: renewal.AddDate(0, 2, 0)}
	online := MeetSub{ID: 3, Family: FamilyMeetHardware, Channel: SubOnline, EndDate: renewal.AddDate(0, 0, -10)}
	ws := MeetSub{ID: 4, Family: FamilyWorkspace, Channel: SubOffline, EndDate: renewal.AddDate(0, 0, -10)}
	for _, tc := range []struct {
		name   string
		subs   []MeetSub
		now    time.Time
		window bool
		field  string
	}{
		{"inside the window", []MeetSub{offline}, renewal.Add(-36 * time.Hour), false, ""},
		{"window opens, 48 h before", []MeetSub{offline}, renewal.Add(-48 * time.Hour), false, ""},
		{"window closes, 24 h before", []MeetSub{offline}, renewal.Add(-24 * time.Hour), false, ""},
		{"too early", []MeetSub{offline}, renewal.Add(-48*time.Hour - time.Second), true, ""},
		{"too late", []MeetSub{offline}, renewal.Add(-24*time.Hour + time.Second), true, ""},
		{"the first offline renewal counts", []MeetSub{later, offline, online, ws}, renewal.Add(-30 * time.Hour), false, ""},
		{"no offline Meet hardware", []MeetSub{online, ws}, renewal.Add(-30 * time.Hour), false, "customer_id"},
		{"no subscriptions", nil, renewal, false, "customer_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckMeetCaseFiling(tc.subs, tc.now)
			var we *WindowError
			switch {
			case tc.window:
				if !errors.As(err, &we) || ErrorCode(err) != CodeConflict {
					t.Fatalf("want a window error with a code, got %v", err)
				}
			case tc.field != "":
				fe, ok := AsValidation(err)
				if !ok || fe[tc.field] == "" {
					t.Fatalf("want a message on %s, got %v", tc.field, err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestMsgKeepsItsArgumentsKinds(t *testing.T) {
	for _, tc := range []struct {
		name    string
		m       Msg
		english string
	}{
		{"no arguments", Msg{Text: "Distributor informed."}, "Distributor informed."},
		{"an id", CaseFiledNote(3), "Case #3"},
		{"a count and a date", GraceConversionNote(2, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)),
			"Converted 2 Meet hardware subscription(s) to the temporary online grace plan until 2026-04-01."},
		{"a text id", ResellerIDNote("R-12"), "Public reseller id R-12"},
		{"a country", Msg{Text: "In {{.Country}}", Args: []any{"Country", CountryCode("FR")}}, "In FR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.m)
			if err != nil {
				t.Fatal(err)
			}
			var back Msg
			if err := back.Scan(b); err != nil {
				t.Fatal(err)
			}
			if back.Text != tc.m.Text || len(back.Args) != len(tc.m.Args) {
				t.Fatalf("round trip %s: %+v", b, back)
			}
			for i := 1; i < len(back.Args); i += 2 {
				want, got := tc.m.Args[i], back.Args[i]
				switch w := want.(type) {
				case int:
					if got != int64(w) {
						t.Errorf("arg %v: %T %v", back.Args[i-1], got, got)
					}
				case time.Time:
					if g, ok := got.(time.Time); !ok || !g.Equal(w) {
						t.Errorf("arg %v: %T %v", back.Args[i-1], got, got)
					}
				default:
					if got != want {
						t.Errorf("arg %v: %T %v, want %T %v", back.Args[i-1], got, got, want, want)
					}
				}
			}
			if back.English() != tc.english {
				t.Errorf("English %q, want %q", back.English(), tc.english)
			}
		})
	}
	t.Run("NULL scans to nothing", func(t *testing.T) {
		m := Msg{Text: "x"}
		if err := m.Scan(nil); err != nil || m.Text != "" {
			t.Fatalf("%+v %v", m, err)
		}
	})
}

func TestCheckUploadsPerMessage(t *testing.T) {
	txt := func(name string) Upload { return Upload{Name: name, Data: []byte("hello"), Size: 5} }
	for _, tc := range []struct {
		name  string
		files []Upload
		n     int
		bad   bool
	}{
		{"none", nil, 0, false},
		{"empty inputs are skipped", []Upload{{}, txt("a.txt"), {}}, 1, false},
		{"five files", []Upload{txt("1.txt"), txt("2.txt"), txt("3.txt"), txt("4.txt"), txt("5.txt")}, 5, false},
		{"six files", []Upload{txt("1.txt"), txt("2.txt"), txt("3.txt"), txt("4.txt"), txt("5.txt"), txt("6.txt")}, 0, true},
		{"one bad file refuses all", []Upload{txt("a.txt"), {Name: "x.exe", Data: []byte("MZ\x90\x00"), Size: 4}}, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := CheckUploads(tc.files)
			if tc.bad {
				if fe, ok := AsValidation(err); !ok || fe["files"] == "" {
					t.Fatalf("want a message on files, got %v", err)
				}
				return
			}
			if err != nil || len(out) != tc.n {
				t.Fatalf("%d files, %v", len(out), err)
			}
			for _, f := range out {
				if f.ContentType != "text/plain" || string(f.Data) != "hello" {
					t.Errorf("%+v", f)
				}
			}
		})
	}
}
