package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"partnerconsole/models"
)

// When the desk runs a case action the case refuses, the refusal is not
// shown beside a still-inviting button for the same action: the button is
// disabled and points at the reason; reloading offers it again. A closed
// case offers no action at all, since it refuses them (issue 7 §6).
func TestRefusedCaseActionIsNotOfferedAgain(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	// A Meet case filed by hand, inside its 48–24 h window (R-MEET-2 step
	// 3): no migration is linked to it, so the conversion is refused.
	var meetID int64
	e.Gorm.Table("products").Select("id").Where("sku = 'MEET-HW'").Scan(&meetID)
	renewal := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	now := e.Clock.Now()
	sub := models.Subscription{CustomerID: e.CustomerA.ID, ConsoleID: &e.ConsoleA.ID, ProductID: meetID, Quantity: 3,
		Plan: models.PlanAnnualPrepaid, Channel: models.SubOffline, Status: models.SubActive, SuspensionReasons: models.TextArray{},
		StartDate: renewal.AddDate(-1, 0, 0), EndDate: renewal, RenewalOption: models.RenewAuto, CreatedAt: now, UpdatedAt: now}
	if err := e.Gorm.Create(&sub).Error; err != nil {
		t.Fatal(err)
	}
	e.Clock.Set(renewal.Add(-30 * time.Hour))
	c, err := e.Store.FileCase(ctx, e.Actor("A:helpdesk_agent"), models.CaseInput{
		Type: models.CaseMeetOfflineToOnline, Impact: models.Impact("high"), CustomerID: e.CustomerA.ID,
		Title: "Move Meet hardware online", Description: "Filed by hand.", ContactName: "Helpdesk A", ContactEmail: "helpdesk@a.example",
		Fields: map[string]string{"domain": e.CustomerA.Domain, "subscription_id": fmt.Sprint(sub.ID), "renewal_date": "2026-03-05"}})
	if err != nil {
		t.Fatalf("file the case: %v", err)
	}
	casePath := fmt.Sprintf("/desk/cases/%d", c.ID)
	button := "action-" + models.ActionConvertToGracePlan

	desk := e.signedIn("desk:support_engineer")
	desk.open(casePath)
	if !desk.exists(`[data-testid="` + button + `"].primary:enabled`) {
		t.Fatal("the case does not offer its action as the primary button")
	}
	desk.confirm(button)
	desk.contains("conflict", "No Meet hardware migration is linked to this case.")
	if !desk.exists(`[data-testid="`+button+`"]:disabled`) || desk.exists(`[data-testid="`+button+`"].primary`) {
		t.Error("beside the refusal the refused action is still offered")
	}
	if got := desk.attr(button, "aria-describedby"); got != "conflict" {
		t.Errorf("the disabled action is described by %q, want the refusal (conflict)", got)
	}
	desk.accessible()

	// A fresh look offers it again.
	desk.open(casePath)
	if !desk.exists(`[data-testid="` + button + `"]:enabled`) {
		t.Error("after reloading, the action is not offered")
	}

	// Resolved: the case refuses actions, so the page offers none.
	desk.choose("new-state", "resolved")
	desk.fill("state-note", "Handled outside the console.")
	desk.submit("change-state")
	desk.contains("case-state", "Resolved")
	if desk.exists(button) {
		t.Error("a closed case still offers its action")
	}
}
