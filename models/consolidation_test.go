package models

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func errField(err error) (Code, string) {
	var e *Error
	if errors.As(err, &e) {
		return e.Code, e.Field
	}
	return "", ""
}

func TestCheckConsoleAccountID(t *testing.T) {
	for _, tc := range []struct {
		name, typed, want string
		ok                bool
	}{
		{"empty", "", "", false},
		{"malformed", "not an id!", "", false},
		{"lower case with spaces", " k7qm-4xtd ", "K7QM-4XTD", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CheckConsoleAccountID(tc.typed)
			if tc.ok != (err == nil) || got != tc.want {
				t.Fatalf("got %q, %v", got, err)
			}
			if err != nil {
				if c, f := errField(err); c != CodeInvalid || f != "reseller_id" {
					t.Errorf("code %s field %s", c, f)
				}
			}
		})
	}
}

func TestCheckInvite(t *testing.T) {
	other := &ConsoleConnection{MainConsoleID: 3, SourceConsoleID: 2, State: ConnAccepted}
	mine := &ConsoleConnection{MainConsoleID: 1, SourceConsoleID: 2, State: ConnSent}
	for _, tc := range []struct {
		name string
		f    InviteFacts
		ok   bool
	}{
		{"a source with no connection", InviteFacts{MainID: 1, SourceID: 2}, true},
		{"R-CON-3 cannot invite itself", InviteFacts{MainID: 1, SourceID: 1}, false},
		{"R-CON-3 one main at a time", InviteFacts{MainID: 1, SourceID: 2, SourceOpen: other}, false},
		{"already invited by this main", InviteFacts{MainID: 1, SourceID: 2, SourceOpen: mine}, false},
		{"the main is itself a source", InviteFacts{MainID: 1, SourceID: 2, MainIsSource: true}, false},
		{"the source is a main", InviteFacts{MainID: 1, SourceID: 2, SourceIsMain: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckInvite(tc.f)
			if tc.ok != (err == nil) {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				if c, f := errField(err); c != CodeInvalid || f != "reseller_id" {
					t.Errorf("code %s field %s", c, f)
				}
			}
		})
	}
}

func TestCheckAccept(t *testing.T) {
	for _, tc := range []struct {
		name  string
		state ConnectionState
		by    int64
		want  Code
	}{
		{"the source accepts a sent invitation", ConnSent, 2, ""},
		{"the main cannot accept", ConnSent, 1, CodeForbidden},
		{"already accepted", ConnAccepted, 2, CodeConflict},
		{"cancelled", ConnClosed, 2, CodeConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := errField(CheckAccept(ConsoleConnection{MainConsoleID: 1, SourceConsoleID: 2, State: tc.state}, tc.by))
			if c != tc.want {
				t.Errorf("code %q, want %q", c, tc.want)
			}
		})
	}
}

func TestCheckClose(t *testing.T) {
	for _, tc := range []struct {
		name            string
		state           ConnectionState
		by              int64
		migrating, done int
		want            Code
	}{
		{"the main cancels an invitation", ConnSent, 1, 0, 0, ""},
		{"the source closes", ConnAccepted, 2, 0, 0, ""},
		{"a third console", ConnAccepted, 9, 0, 0, CodeNotFound},
		{"already closed", ConnClosed, 1, 0, 0, CodeConflict},
		{"customers migrating", ConnAccepted, 1, 1, 0, CodeConflict},
		{"a migration completed", ConnAccepted, 2, 0, 1, CodeConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := errField(CheckClose(ConsoleConnection{MainConsoleID: 1, SourceConsoleID: 2, State: tc.state}, tc.by, tc.migrating, tc.done))
			if c != tc.want {
				t.Errorf("code %q, want %q", c, tc.want)
			}
		})
	}
}

func TestReadiness(t *testing.T) {
	accepted := time.Date(2026, 10, 1, 9, 30, 0, 0, time.UTC)
	conn := ConsoleConnection{State: ConnAccepted, AcceptedAt: &accepted}
	ws := ReadinessSub{Name: "Workspace Business", Family: FamilyWorkspace, Plan: PlanFlexible, Currency: "EUR"}
	for _, tc := range []struct {
		name  string
		now   time.Time
		conn  ConsoleConnection
		subs  []ReadinessSub
		curs  []string
		state CustomerMigrationState
		codes []string
	}{
		{"R-CON-4 one second before 7 days", accepted.Add(MigrationWait - time.Second), conn, []ReadinessSub{ws}, []string{"EUR"}, MigNotReady, []string{ReasonWaiting}},
		{"R-CON-4 exactly 7 days", accepted.Add(MigrationWait), conn, []ReadinessSub{ws}, []string{"EUR"}, MigReady, nil},
		{"not accepted yet", accepted.Add(30 * MigrationWait), ConsoleConnection{State: ConnSent}, nil, nil, MigNotReady, []string{ReasonWaiting}},
		{"no subscriptions", accepted.Add(MigrationWait), conn, nil, nil, MigReady, nil},
		{"Google Voice cannot move", accepted.Add(MigrationWait), conn,
			[]ReadinessSub{ws, {Name: "Voice Standard", Family: FamilyVoice, Plan: PlanFlexible, Currency: "EUR"}}, []string{"EUR"}, MigNotReady, []string{ReasonUnsupported}},
		{"Google Cloud contract plan cannot move", accepted.Add(MigrationWait), conn,
			[]ReadinessSub{{Name: "Cloud", Family: FamilyCloud, Plan: PlanAnnualPrepaid, Currency: "EUR"}}, []string{"EUR"}, MigNotReady, []string{ReasonUnsupported}},
		{"Google Cloud on a flexible plan moves", accepted.Add(MigrationWait), conn,
			[]ReadinessSub{{Name: "Cloud", Family: FamilyCloud, Plan: PlanFlexible, Currency: "EUR"}}, []string{"EUR"}, MigReady, nil},
		{"no billing account in the currency at the main", accepted.Add(MigrationWait), conn,
			[]ReadinessSub{{Name: "Workspace", Family: FamilyWorkspace, Plan: PlanFlexible, Currency: "JPY"}}, []string{"EUR"}, MigNotReady, []string{ReasonNoBillingAcct}},
		{"every reason, in order", accepted.Add(time.Hour), conn,
			[]ReadinessSub{{Name: "W", Family: FamilyWorkspace, Currency: "JPY"}, {Name: "V", Family: FamilyVoice}}, []string{"EUR"}, MigNotReady,
			[]string{ReasonWaiting, ReasonUnsupported, ReasonNoBillingAcct}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, rs := Readiness(ReadinessFacts{Connection: tc.conn, Now: tc.now, Subs: tc.subs, MainCurrencies: tc.curs})
			if st != tc.state || len(rs) != len(tc.codes) {
				t.Fatalf("state %s reasons %+v", st, rs)
			}
			for i, r := range rs {
				if r.Code != tc.codes[i] {
					t.Errorf("reason %d = %s, want %s", i, r.Code, tc.codes[i])
				}
				if r.Code == ReasonWaiting && tc.conn.AcceptedAt != nil && (r.Until == nil || !r.Until.Equal(accepted.Add(MigrationWait))) {
					t.Errorf("waiting until %v", r.Until)
				}
				if r.Code == ReasonNoBillingAcct && r.Currency != "JPY" {
					t.Errorf("currency %q", r.Currency)
				}
			}
		})
	}
}

func TestCheckStartMigration(t *testing.T) {
	for _, tc := range []struct {
		name         string
		current, now CustomerMigrationState
		ok           bool
	}{
		{"R-CON-6 a ready customer starts", MigReady, MigReady, true},
		{"a stale ready row no longer ready", MigReady, MigNotReady, false},
		{"a not-ready row that became ready", MigNotReady, MigReady, true},
		{"already started", MigStarted, MigReady, false},
		{"migrating", MigMigrating, MigReady, false},
		{"done", MigDone, MigReady, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := CheckStartMigration(tc.current, tc.now); (err == nil) != tc.ok {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestCheckCancelMigration(t *testing.T) {
	for _, tc := range []struct {
		name    string
		current CustomerMigrationState
		ok      bool
	}{
		{"R-CON-6 a started migration is cancelled", MigStarted, true},
		{"ready: nothing to cancel", MigReady, false},
		{"migrating: too late", MigMigrating, false},
		{"done: too late", MigDone, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := CheckCancelMigration(tc.current); (err == nil) != tc.ok {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestPlanMigration(t *testing.T) {
	jpyKK := MigrationAccount{ID: 1, Name: "A in yen", Currency: "JPY", LegalEntity: "A KK"}
	jpyGK := MigrationAccount{ID: 2, Name: "A GK in yen", Currency: "JPY", LegalEntity: "A GK"}
	eur := MigrationAccount{ID: 3, Name: "A in euro", Currency: "EUR", LegalEntity: "A GmbH"}
	subJPY := MigrationSub{ID: 10, Name: "Workspace", Currency: "JPY", LegalEntity: "A KK"}
	subEUR := MigrationSub{ID: 11, Name: "Chrome", Currency: "EUR", LegalEntity: "B GmbH"}
	cases := []struct {
		name      string
		subs      []MigrationSub
		accounts  []MigrationAccount
		chosen    []int64
		confirmed bool
		want      []int64 // billing account per subscription
		wantErr   string
	}{
		{name: "R-CON-7 the only account in the same currency is taken", subs: []MigrationSub{subJPY}, accounts: []MigrationAccount{jpyKK, eur}, want: []int64{1}},
		{name: "R-CON-7 no account in the currency fails the customer", subs: []MigrationSub{subJPY}, accounts: []MigrationAccount{eur}, wantErr: ErrNoSameCurrencyAccount().Message},
		{name: "R-CON-7 the currency cannot change: a chosen account of another currency does not serve", subs: []MigrationSub{subJPY}, accounts: []MigrationAccount{eur}, chosen: []int64{3}, wantErr: ErrNoSameCurrencyAccount().Message},
		{name: "R-CON-7 several accounts in the currency need a choice", subs: []MigrationSub{subJPY}, accounts: []MigrationAccount{jpyKK, jpyGK}, wantErr: "choose one"},
		{name: "R-CON-7 the chosen account with the same legal entity needs no confirmation", subs: []MigrationSub{subJPY}, accounts: []MigrationAccount{jpyKK, jpyGK}, chosen: []int64{1}, want: []int64{1}},
		{name: "R-CON-7 another legal entity is refused unconfirmed", subs: []MigrationSub{subJPY}, accounts: []MigrationAccount{jpyKK, jpyGK}, chosen: []int64{2}, wantErr: ErrLegalEntityNotConfirmed().Message},
		{name: "R-CON-7 another legal entity is taken when confirmed", subs: []MigrationSub{subJPY}, accounts: []MigrationAccount{jpyKK, jpyGK}, chosen: []int64{2}, confirmed: true, want: []int64{2}},
		{name: "R-CON-7 each subscription in its own currency", subs: []MigrationSub{subJPY, subEUR}, accounts: []MigrationAccount{jpyKK, eur}, confirmed: true, want: []int64{1, 3}},
		{name: "R-CON-7 one currency warns for the whole customer", subs: []MigrationSub{subJPY, subEUR}, accounts: []MigrationAccount{jpyKK, eur}, wantErr: ErrLegalEntityNotConfirmed().Message},
		{name: "no current account: nothing to confirm", subs: []MigrationSub{{ID: 12, Currency: "EUR"}}, accounts: []MigrationAccount{eur}, want: []int64{3}},
		{name: "two accounts chosen in one currency are refused", subs: []MigrationSub{subJPY}, accounts: []MigrationAccount{jpyKK, jpyGK}, chosen: []int64{1, 2}, wantErr: "one billing account per currency"},
		{name: "a foreign account is refused", subs: []MigrationSub{subJPY}, accounts: []MigrationAccount{jpyKK}, chosen: []int64{99}, wantErr: "of your console"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			moves, err := PlanMigration(tc.subs, tc.accounts, tc.chosen, tc.confirmed)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || len(moves) != len(tc.want) {
				t.Fatalf("moves %+v %v", moves, err)
			}
			for i, m := range moves {
				if m.SubscriptionID != tc.subs[i].ID || m.BillingAccountID != tc.want[i] {
					t.Errorf("move %d = %+v, want account %d", i, m, tc.want[i])
				}
			}
		})
	}
}

func TestCheckCompleteMigration(t *testing.T) {
	for _, tc := range []struct {
		state CustomerMigrationState
		ok    bool
	}{{MigStarted, true}, {MigMigrating, true}, {MigFailed, true}, {MigDone, false}, {MigReady, false}, {MigNotReady, false}} {
		t.Run("R-CON-7 "+string(tc.state), func(t *testing.T) {
			if err := CheckCompleteMigration(tc.state); (err == nil) != tc.ok {
				t.Errorf("%s: %v", tc.state, err)
			}
		})
	}
}

func TestCheckUndoMigration(t *testing.T) {
	for _, c := range []struct {
		name string
		f    UndoFacts
		ok   bool
	}{
		{"R-CON-10 a completed migration at the main is undone", UndoFacts{Found: true, AtMain: true, Moved: 2}, true},
		{"no completed migration", UndoFacts{}, false},
		{"the customer left the main since", UndoFacts{Found: true, Moved: 1}, false},
		{"subscriptions ordered at the main since", UndoFacts{Found: true, AtMain: true, Moved: 1, Others: 1}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckUndoMigration(c.f)
			if (err == nil) != c.ok {
				t.Fatalf("got %v", err)
			}
		})
	}
}
