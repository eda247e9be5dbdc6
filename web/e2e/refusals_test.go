package e2e

import (
	"context"
	"fmt"
	"testing"

	"partnerconsole/models"
)

// When the desk runs a case action the case refuses, the refusal is not
// shown beside a still-inviting button for the same action: the button is
// disabled and points at the reason; reloading offers it again. A closed
// case offers no action at all, since it refuses them (issue 7 §6).
func TestRefusedCaseActionIsNotOfferedAgain(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	// A Meet case filed by hand: no migration is linked to it, so the
	// conversion is refused.
	c, err := e.Store.FileCase(ctx, e.Actor("A:helpdesk_agent"), models.CaseInput{
		Type: models.CaseMeetOfflineToOnline, Impact: models.Impact("high"), CustomerID: e.CustomerA.ID,
		Title: "Move Meet hardware online", Description: "Filed by hand.", ContactName: "Helpdesk A", ContactEmail: "helpdesk@a.example",
		Fields: map[string]string{"domain": e.CustomerA.Domain, "subscription_id": "SUB-1", "renewal_date": "2026-03-05"}})
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
	desk.submit(button) // confirm() is accepted by the harness
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
