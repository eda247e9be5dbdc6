package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"partnerconsole/models"
)

// After 168 hours the Software page's Cancel opens Report a problem as a
// refund of the line; the admin agent files it, the desk approves it and
// the key stops working (R-SW-2, R-SW-6).
func TestSoftwareRefundAfterTheWindow(t *testing.T) {
	s, line := softwareServer(t)
	s.Clock.Advance(models.CancelWindow)
	admin := s.SignedIn(t, "A:admin_agent")
	base := "/console/customers/" + strconvI(s.CustomerA.ID) + "/software"

	page := admin.Get(base)
	m := regexp.MustCompile(`href="([^"]*)"[^>]*data-testid="cancel-refund"`).FindStringSubmatch(page.Body)
	if page.Status != http.StatusOK || m == nil || page.TestID("cancel-line") {
		t.Fatalf("software page after 168 h: %d", page.Status)
	}
	form := admin.Get(html.UnescapeString(m[1]))
	if form.Status != http.StatusOK || !form.TestID("case-form") || !form.Has(`value="`+strconv.FormatInt(line, 10)+`"`) || !form.Has(`value="SW-`) {
		t.Fatalf("refund form: %d", form.Status)
	}

	f := refundForm(s)
	f["cf_order_line"] = strconv.FormatInt(line, 10)
	f["cf_amount_requested"] = "9999.00"
	if r := postMultipart(t, s, admin, "/console/cases", f, nil); r.Status != http.StatusUnprocessableEntity || !r.TestID("error-cf_amount_requested") {
		t.Fatalf("more than paid: %d", r.Status)
	}
	helpdesk := s.SignedIn(t, "A:helpdesk_agent")
	f["cf_amount_requested"] = "100.00"
	if r := postMultipart(t, s, helpdesk, "/console/cases", f, nil); r.Status != http.StatusForbidden {
		t.Fatalf("helpdesk agent files a refund: %d", r.Status)
	}
	r := postMultipart(t, s, admin, "/console/cases", f, nil)
	cm := caseURL.FindStringSubmatch(r.Header.Get("Location"))
	if r.Status != http.StatusSeeOther || cm == nil {
		t.Fatalf("file refund: %d", r.Status)
	}
	id, _ := strconv.ParseInt(cm[1], 10, 64)
	if _, err := s.Store.RunCaseAction(t.Context(), s.Actor("desk:support_engineer"), id, 1, models.ActionApproveRefund); err != nil {
		t.Fatalf("approve: %v", err)
	}
	after := admin.Get(base)
	if after.TestID("get-key") || after.TestID("cancel-refund") {
		t.Fatal("a refunded line still offers its key or a refund")
	}
	if r := admin.Post(base+"/lines/"+strconvI(line)+"/key", nil); r.Status == http.StatusOK && strings.Contains(r.Body, "data-testid=\"product-key\"") {
		t.Fatal("a refunded key was shown")
	}
}

// The desk's refund panel (R-SW-6): approving less than requested needs a
// note (422, typed values kept), the credit is the approved amount, and a
// second decision is told the refund was already decided.
func TestSoftwareRefundDecisionPanel(t *testing.T) {
	s, line := softwareServer(t)
	s.Clock.Advance(models.CancelWindow)
	admin := s.SignedIn(t, "A:admin_agent")
	f := refundForm(s)
	f["cf_order_line"] = strconv.FormatInt(line, 10)
	f["cf_amount_requested"] = "100.00"
	r := postMultipart(t, s, admin, "/console/cases", f, nil)
	cm := caseURL.FindStringSubmatch(r.Header.Get("Location"))
	if r.Status != http.StatusSeeOther || cm == nil {
		t.Fatalf("file refund: %d", r.Status)
	}
	desk := s.SignedIn(t, "desk:support_engineer")
	path := "/desk/cases/" + cm[1]
	if page := desk.Get(path); !page.TestID("refund-decision") || page.TestID("action-approve_refund") {
		t.Fatalf("the case page offers no refund panel: %d", page.Status)
	}
	res := desk.Post(path+"/refund", url.Values{"decision": {"approve"}, "refund_amount": {"40.00"}})
	if res.Status != http.StatusUnprocessableEntity || !res.TestID("error-refund_note") || !res.Has(`value="40.00"`) {
		t.Fatalf("approve less without a note: %d", res.Status)
	}
	res = desk.Post(path+"/refund", url.Values{"decision": {"approve"}, "refund_amount": {"40.00"}, "refund_note": {"Used for two months."}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("approve less: %d", res.Status)
	}
	var credit int64
	s.Gorm.Table("credits").Select("amount_minor").Where("idempotency_key = ?", "sw-refund:case:"+cm[1]).Scan(&credit)
	if credit != 4000 {
		t.Fatalf("credit = %d, want 4000", credit)
	}
	res = desk.Post(path+"/refund", url.Values{"decision": {"reject"}, "refund_note": {"Too late."}})
	if res.Status != http.StatusConflict || !res.Has("already decided") {
		t.Fatalf("a second decision: %d", res.Status)
	}
	if page := admin.Get("/console/cases/" + cm[1]); !page.Has("Used for two months.") {
		t.Fatal("the partner does not read the desk's note")
	}
}
