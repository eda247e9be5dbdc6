package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"partnerconsole/web/webtest"
)

func TestSignInLandsInPortal(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	for key, portal := range map[string]string{"A:super_admin": "/console", "custA:customer_admin": "/admin", "desk:support_engineer": "/desk"} {
		c := s.Client(t)
		r := c.SignIn(s.Email(key), "fixture-password-1")
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != portal {
			t.Fatalf("%s: status %d location %q", key, r.Status, r.Header.Get("Location"))
		}
		if got := c.Get(portal); got.Status != http.StatusOK {
			t.Fatalf("%s: portal status %d", key, got.Status)
		}
	}
}

func TestSignInWrongPasswordIsGeneric(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.Client(t)
	c.Get("/sign-in")
	r := c.Post("/sign-in", url.Values{"email": {s.Email("A:super_admin")}, "password": {"wrong password!"}})
	if r.Status != http.StatusUnprocessableEntity || !r.TestID("sign-in-error") {
		t.Fatalf("status %d", r.Status)
	}
	unknown := c.Post("/sign-in", url.Values{"email": {"nobody@nowhere.test"}, "password": {"wrong password!"}})
	if unknown.Status != r.Status {
		t.Fatalf("unknown email answered %d, wrong password %d", unknown.Status, r.Status)
	}
}
