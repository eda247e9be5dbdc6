package meet

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"partnerconsole/i18n"
	"partnerconsole/models"
	"partnerconsole/views"
)

func render(t *testing.T, a models.Actor, v View) string {
	t.Helper()
	p := views.Page{Title: "Meet", Actor: &a, T: i18n.MustLoad().For("en", "UTC")}
	var b bytes.Buffer
	if err := Page(p, v).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Issue 8 §9: the last step says what is still missing while the migrated
// subscription waits for the customer's terms, and a complete migration
// does not sit above a red "Not eligible" verdict from today's facts.
func TestMeetPanels(t *testing.T) {
	console := models.Actor{OrgID: 1, OrgKind: models.OrgConsole, Role: models.RoleSalesAgent}
	desk := models.Actor{OrgID: 9, OrgKind: models.OrgOperator, Role: models.RoleSalesRep}
	customer := models.Actor{OrgID: 5, OrgKind: models.OrgCustomer, Role: models.RoleCustomerAdmin}
	notEligible := models.Eligibility{Criteria: []models.Criterion{{N: 1, Title: "The customer already has Google Workspace", Pass: true},
		{N: 2, Title: "Meet hardware renews within the next 7 days", Remedy: models.Msg{Text: "Nothing to migrate: the licences are already managed online."}}}}
	done := map[int]bool{}
	for i := 1; i <= 8; i++ {
		done[i] = true
	}
	reseller := &models.MeetMigration{ID: 1, Path: models.PathReseller, State: models.MigrationOpen, ConsoleID: new(int64), RenewalDate: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)}
	direct := &models.MeetMigration{ID: 2, Path: models.PathDirect, State: models.MigrationOpen}
	complete := &models.MeetMigration{ID: 3, Path: models.PathReseller, State: models.MigrationDone}
	for _, tc := range []struct {
		name    string
		actor   models.Actor
		v       models.MeetView
		want    []string
		wantNot []string
	}{
		{"reseller, terms pending", console, models.MeetView{Migration: reseller, Done: done, Visible: true, PendingTerms: true, Eligibility: notEligible},
			[]string{`data-testid="pending-terms"`}, []string{`data-testid="confirm-migration"`}},
		{"reseller, terms accepted", console, models.MeetView{Migration: reseller, Done: done, Visible: true, Eligibility: notEligible},
			[]string{`data-testid="confirm-migration"`}, []string{`data-testid="pending-terms"`}},
		{"desk, direct, terms pending", desk, models.MeetView{Migration: direct, Done: map[int]bool{1: true, 2: true, 3: true}, Visible: true, PendingTerms: true,
			Customer: models.Customer{Channel: models.ChannelDirect}, Eligibility: notEligible},
			[]string{`data-testid="pending-terms"`}, []string{`data-testid="confirm-migration"`}},
		{"customer, terms pending", customer, models.MeetView{Migration: reseller, Done: done, Visible: true, PendingTerms: true, Eligibility: notEligible},
			[]string{`data-testid="pending-terms"`, `data-testid="go-terms"`}, nil},
		{"complete", console, models.MeetView{Migration: complete, Done: map[int]bool{1: true, 9: true}, Eligibility: notEligible},
			[]string{`data-testid="migration-done"`, "Migration complete: the Meet hardware licences are online", `data-testid="eligibility-after-done"`},
			[]string{"Not eligible yet", `class="badge err"`, `data-testid="remedy-2"`}},
		{"not started, not eligible", console, models.MeetView{Eligibility: notEligible},
			[]string{"Not eligible yet", `data-testid="remedy-2"`}, []string{`data-testid="eligibility-after-done"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			html := render(t, tc.actor, View{MeetView: tc.v, Base: "/x/meet"})
			for _, w := range tc.want {
				if !strings.Contains(html, w) {
					t.Errorf("missing %s", w)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(html, w) {
					t.Errorf("unexpected %s", w)
				}
			}
		})
	}
}
