package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"partnerconsole/web/webtest"
)

// A session is read from the database on every request (with the bell's
// count, in one statement): nothing a replica keeps lets a revoked session
// or a disabled user through on the next request, on either replica.
func TestRevokedOrDisabledIsRefusedOnTheNextRequestOnEveryReplica(t *testing.T) {
	t.Parallel()
	one := webtest.Start(t)
	two := webtest.StartReplica(t, one)

	// The sales agent's session has served pages on both replicas.
	agent1 := one.SignedIn(t, "A:sales_agent")
	agent2 := agent1.On(two)
	other := one.SignedIn(t, "A:sales_agent") // a second session of the same user
	for name, c := range map[string]*webtest.Client{"one": agent1, "two": agent2, "other": other} {
		if r := c.Get("/console/customers"); r.Status != http.StatusOK {
			t.Fatalf("%s before: %d", name, r.Status)
		}
	}

	// Revoked on replica two ("end my other sessions" from agent2's session):
	// the other session is refused on replica one at once.
	if r := agent2.Post("/account/sessions/end-others", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("end other sessions: %d", r.Status)
	}
	if r := other.Get("/console/customers"); !toSignIn(r) {
		t.Fatalf("revoked session's next GET on replica one: %d", r.Status)
	}
	if r := agent1.Get("/console/customers"); r.Status != http.StatusOK {
		t.Fatalf("the session that ended the others: %d", r.Status)
	}

	// Disabled by an admin on replica two: refused on replica one at once.
	admin := two.SignedIn(t, "A:super_admin")
	if r := admin.Post(fmt.Sprintf("/console/users/%d/disable", one.Users["A:sales_agent"].ID), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.Status)
	}
	for name, c := range map[string]*webtest.Client{"one": agent1, "two": agent2} {
		if r := c.Get("/console/customers"); !toSignIn(r) {
			t.Fatalf("disabled user's next GET on replica %s: %d", name, r.Status)
		}
	}
}
