package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"partnerconsole/models"
)

// mainPages are the pages of each portal the accessibility and width checks
// walk, by the fixture user who sees them. {customer} and {case} are
// CustomerA's id and the id of a case filed for it.
var mainPages = []struct {
	user  string
	pages []string
}{
	{"A:super_admin", []string{"/console", "/console/customers", "/console/customers/{customer}", "/console/customers/new",
		"/console/customers/{customer}/meet", "/console/offers", "/console/offers/new", "/console/cases", "/console/cases/new",
		"/console/cases/{case}", "/console/users", "/console/billing-accounts", "/console/settings", "/console/audit",
		"/notifications", "/account"}},
	{"custA:customer_admin", []string{"/admin", "/admin/offers", "/admin/tokens", "/admin/terms", "/admin/meet", "/admin/audit"}},
	{"desk:operator_admin", []string{"/desk", "/desk/consoles", "/desk/customers", "/desk/customers/{customer}", "/desk/offers",
		"/desk/cases", "/desk/cases/{case}", "/desk/mail", "/desk/audit"}},
}

// fileLongCase files a support case for CustomerA whose title is long, as
// French titles are, and returns its id.
func fileLongCase(t *testing.T, e *env) int64 {
	t.Helper()
	c, err := e.Store.FileCase(context.Background(), e.Actor("A:helpdesk_agent"), models.CaseInput{
		Type: models.CaseOther, Impact: models.Impact("high"), CustomerID: e.CustomerA.ID,
		Title:       "La migration du matériel Meet du client ne passe pas la vérification d'éligibilité depuis le renouvellement annuel",
		Description: "Le client a trois salles équipées.", ContactName: "Helpdesk A", ContactEmail: "helpdesk@a.example"})
	if err != nil {
		t.Fatalf("file a case: %v", err)
	}
	return c.ID
}

func pagePath(e *env, caseID int64, path string) string {
	return strings.NewReplacer("{customer}", fmt.Sprint(e.CustomerA.ID), "{case}", fmt.Sprint(caseID)).Replace(path)
}

// The main pages of every portal pass axe-core's WCAG checks with no
// serious or critical violation (minor and moderate ones are logged), in
// English and on a French and a Japanese page, and none is wider than a
// 1280 px window (issue 7 §6).
func TestMainPagesAreAccessible(t *testing.T) {
	e := start(t)
	caseID := fileLongCase(t, e)

	guest := e.session("guest")
	guest.open("/sign-in")
	guest.accessible()
	guest.navigate("/no-such-page")
	guest.accessible()

	minor := 0
	for _, portal := range mainPages {
		s := e.signedIn(portal.user)
		for _, p := range portal.pages {
			s.open(pagePath(e, caseID, p))
			minor += s.accessible()
			s.fitsWidth(1280)
		}
	}

	// The longest language and the one in another script.
	desk := e.signedIn("desk:support_engineer")
	desk.open("/desk/cases")
	desk.setLanguage("fr")
	minor += desk.accessible()
	desk.fitsWidth(1280)
	desk.open(pagePath(e, caseID, "/desk/cases/{case}"))
	minor += desk.accessible()
	customer := e.signedIn("custA:customer_admin")
	customer.open("/admin")
	customer.setLanguage("ja")
	minor += customer.accessible()
	customer.fitsWidth(1280)
	t.Logf("%d minor or moderate violations (logged above)", minor)
}

// Every main page fits a phone in French, the language with the longest
// words: tables scroll in their own box, nothing else is wider than the
// screen (issue 7 §6).
func TestMainPagesFitAPhone(t *testing.T) {
	e := start(t)
	caseID := fileLongCase(t, e)
	guest := e.session("guest")
	guest.resize(phoneWidth, phoneHeight)
	guest.open("/sign-in")
	guest.fitsWidth(phoneWidth)
	guest.navigate("/no-such-page")
	guest.fitsWidth(phoneWidth)
	for _, portal := range mainPages {
		s := e.signedIn(portal.user)
		s.open(pagePath(e, caseID, portal.pages[0]))
		s.setLanguage("fr")
		s.resize(phoneWidth, phoneHeight)
		for _, p := range portal.pages {
			s.open(pagePath(e, caseID, p))
			s.fitsWidth(phoneWidth)
		}
	}
}
