package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A helpdesk agent files a refund case with an attachment; a support
// engineer, in another browser session, finds it in the queue, comments and
// resolves it; the agent sees the bell count rise and reads the resolution
// (issue 3, "Browser").
func TestSupportCaseJourney(t *testing.T) {
	e := start(t)
	agent := e.signedIn("A:admin_agent") // only admin agents and super admins ask for refunds
	agent.atPath("/console")
	if agent.exists("bell-count") {
		t.Fatal("the agent has unread notices before anything happened")
	}

	// Report a problem, from the top bar: a refund case.
	agent.submit("report-problem")
	agent.atPath("/console/cases/new")
	agent.choose("pick-type", "csp_refund") // submits itself (data-autosubmit)
	agent.waitVisible("case-form")
	agent.contains("case-form", "Purchase/refund of CSP offers on behalf of customers")
	agent.choose("#f-impact", "high")
	agent.fill("#f-title", "Refund ORD-E2E bought by mistake")
	agent.fill("#f-description", "The customer ordered the wrong edition of Windows Server.")
	agent.choose("#f-customer_id", strconv.FormatInt(e.CustomerA.ID, 10))
	agent.fill("#f-cf_customer_name", "Customer A")
	agent.fill("#f-cf_tenant_or_domain", "customer-a.example")
	agent.fill("#f-cf_order_or_subscription_id", "ORD-E2E")
	agent.fill("#f-cf_refund_reason", "Wrong edition ordered.")
	agent.fill("#f-cf_amount_requested", "1100.00")
	agent.fill("#f-contact_name", "Helpdesk A")
	agent.fill("#f-contact_email", "helpdesk@a.example")
	agent.fill("#f-contact_phone", "+33 1 23 45 67 89")
	receipt := filepath.Join(t.TempDir(), "receipt.pdf")
	if err := os.WriteFile(receipt, []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	agent.must("attach the receipt", chromedp.SetUploadFiles(sel("files"), []string{receipt}))
	agent.submit("file-case")
	agent.contains("flash", "Case filed.")
	casePath := agent.path()
	if !strings.HasPrefix(casePath, "/console/cases/") {
		t.Fatalf("after filing: at %s", casePath)
	}
	agent.contains("case-title", "Refund ORD-E2E bought by mistake")
	agent.contains("case-state", "Open")
	agent.contains("attachments", "receipt.pdf")
	agent.contains("case-fields", "€1,100.00")
	id := strings.TrimPrefix(casePath, "/console/cases/")

	// The support engineer, in another browser, works the queue.
	desk := e.signedIn("desk:support_engineer")
	desk.submit("nav-cases")
	desk.atPath("/desk/cases")
	desk.contains("cases", "Refund ORD-E2E bought by mistake")
	desk.choose("filter-type", "csp_refund") // filters itself
	desk.waitVisible("case-link")
	desk.submit("case-link")
	desk.atPath("/desk/cases/" + id)
	desk.contains("attachments", "receipt.pdf")
	desk.submit("assign-me")
	desk.contains("flash", "assigned to you")
	desk.contains("case-state", "In progress")
	desk.fill("#f-body", "We checked the order with billing; the refund is approved.")
	desk.submit("add-comment")
	desk.contains("flash", "Comment added.")
	desk.contains("thread", "the refund is approved")
	desk.choose("new-state", "resolved")
	desk.fill("state-note", "Refunded 1,100.00 EUR as a credit on the next invoice.")
	desk.submit("change-state")
	desk.contains("flash", "Case updated.")
	desk.contains("case-state", "Resolved")

	// The agent's bell counts the updates; the notices lead to the resolution.
	agent.open("/console")
	n, err := strconv.Atoi(strings.TrimSpace(agent.text("bell-count")))
	if err != nil || n < 2 {
		t.Fatalf("bell count %q after the desk's comment and resolution", agent.text("bell-count"))
	}
	agent.submit("bell")
	agent.atPath("/notifications")
	agent.contains("notices", "is now Resolved")
	agent.contains("notices", "Refunded 1,100.00 EUR")
	agent.submit("open-notice") // the newest: the resolution
	agent.atPath(casePath)
	agent.contains("case-state", "Resolved")
	agent.contains("thread", "Refunded 1,100.00 EUR as a credit on the next invoice.")
	agent.contains("thread", "the refund is approved")
	agent.waitVisible("reopen") // within 14 days the agent may reopen it
	agent.open("/console")
	if got := agent.text("bell-count"); got != strconv.Itoa(n-1) {
		t.Fatalf("bell count %q after reading one of %d notices", got, n)
	}
}
