package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"partnerconsole/models"
	"partnerconsole/web/webtest"
)

// Matrix rows for support cases, attachments, notices and Sent mail.
func init() {
	matrixSetups = append(matrixSetups, func(t testing.TB, m *matrixEnv) {
		ctx := t.Context()
		for _, tn := range []string{"A", "B"} {
			customer := m.CustomerA
			if tn == "B" {
				customer = m.CustomerB
			}
			c, err := m.Store.FileCase(ctx, m.Actor(tn+":helpdesk_agent"), models.CaseInput{Type: models.CaseBillingQuestion,
				Impact: models.ImpactLow, Title: "Matrix case " + tn, Description: "d", CustomerID: customer.ID,
				ContactName: "Matrix", ContactEmail: "matrix@" + tn + ".test"},
				models.Upload{Name: "note.txt", Data: []byte("attachment of " + tn)})
			if err != nil {
				t.Fatal(err)
			}
			m.Put("case", tn, c.ID)
			v, err := m.Store.GetCase(ctx, m.Actor(tn+":helpdesk_agent"), c.ID)
			if err != nil || len(v.Attachments) != 1 {
				t.Fatalf("matrix case attachment: %v", err)
			}
			m.Put("attachment", tn, v.Attachments[0].ID)
		}
		// A failed email for the desk's retry button.
		var id int64
		if err := m.Gorm.Raw("UPDATE outbox SET status = 'failed', attempts = 8 WHERE id = (SELECT min(id) FROM outbox) RETURNING id").Scan(&id).Error; err != nil || id == 0 {
			t.Fatalf("matrix failed email: %v", err)
		}
		m.Put("mail", "A", id)
		m.Put("mail", "B", id) // desk-only routes: B users are refused before the id matters
	})

	consoleAll := []string{"A:*", "B:*"}
	workers := []string{"desk:support_engineer", "desk:operator_admin"}
	kind := func(pairs ...string) map[string]string {
		out := map[string]string{}
		for i := 0; i+1 < len(pairs); i += 2 {
			out[pairs[i]] = pairs[i+1]
		}
		return out
	}
	matrix = append(matrix,
		matrixRow{Method: "GET", Path: "/console/cases", Allow: consoleAll, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/cases.csv", Allow: consoleAll, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/cases/new", Allow: consoleAll, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/console/cases", Allow: consoleAll, Status: http.StatusUnprocessableEntity},
		matrixRow{Method: "GET", Path: "/console/cases/:id", Allow: consoleAll, Params: kind("id", "case"), Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/console/cases/:id/comments", Allow: consoleAll, Params: kind("id", "case"), Status: http.StatusUnprocessableEntity},
		matrixRow{Method: "POST", Path: "/console/cases/:id/reopen", Allow: consoleAll, Params: kind("id", "case"), Status: http.StatusConflict},
		matrixRow{Method: "GET", Path: "/console/cases/:id/attachments/:aid", Allow: consoleAll, Params: kind("id", "case", "aid", "attachment"), Status: http.StatusOK},

		matrixRow{Method: "GET", Path: "/desk/cases", Allow: workers, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/desk/cases.csv", Allow: workers, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/desk/cases/:id", Allow: workers, Params: kind("id", "case"), Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/desk/cases/:id/comments", Allow: workers, Params: kind("id", "case"), Status: http.StatusUnprocessableEntity},
		matrixRow{Method: "POST", Path: "/desk/cases/:id/state", Allow: workers, Params: kind("id", "case"), Status: http.StatusConflict},
		matrixRow{Method: "POST", Path: "/desk/cases/:id/assign", Allow: workers, Params: kind("id", "case"), Status: http.StatusConflict},
		matrixRow{Method: "POST", Path: "/desk/cases/:id/action", Allow: workers, Params: kind("id", "case"), Status: http.StatusUnprocessableEntity},
		matrixRow{Method: "GET", Path: "/desk/cases/:id/attachments/:aid", Allow: workers, Params: kind("id", "case", "aid", "attachment"), Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/desk/mail", Allow: workers, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/desk/mail/:id", Allow: workers, Params: kind("id", "mail"), Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/desk/mail/:id/retry", Allow: workers, Params: kind("id", "mail")},

		matrixRow{Method: "GET", Path: "/notifications", Allow: []string{"*"}, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/notifications/read", Allow: []string{"*"}, Status: http.StatusUnprocessableEntity},
		matrixRow{Method: "POST", Path: "/notifications/read-all", Allow: []string{"*"}, Status: http.StatusSeeOther},
		matrixRow{Method: "GET", Path: "/notifications/settings", Allow: []string{"*"}, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/notifications/settings", Allow: []string{"*"}, Status: http.StatusSeeOther},
	)
}

// postMultipart posts a form with files as a browser does (CSRF token in
// the form).
func postMultipart(t *testing.T, s *webtest.Server, c *webtest.Client, path string, fields map[string]string, files map[string][]byte) webtest.Response {
	t.Helper()
	if c.CSRF == "" {
		c.Get("/notifications")
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", c.CSRF)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fw, _ := w.CreateFormFile("files", n)
		_, _ = fw.Write(files[n])
	}
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, s.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.Do(req)
}

var webPDF = []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n")

func refundForm(s *webtest.Server) map[string]string {
	return map[string]string{"type": "csp_refund", "impact": "high", "title": "Refund ORD-9", "description": "Wrong edition.",
		"customer_id": strconv.FormatInt(s.CustomerA.ID, 10), "contact_name": "Helpdesk A", "contact_email": "help@a.test", "contact_phone": "+33 1 23 45 67 89",
		"cf_customer_name": "Customer A", "cf_tenant_or_domain": "customer-a.example", "cf_order_or_subscription_id": "ORD-9",
		"cf_refund_reason": "Wrong edition", "cf_amount_requested": "120.50"}
}

var caseURL = regexp.MustCompile(`^/console/cases/([0-9]+)$`)

func TestCaseFilingUploadAndDownloadOverHTTP(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	agent := s.SignedIn(t, "A:admin_agent") // only admin agents and super admins ask for refunds
	if r := agent.Get("/console/cases/new?type=csp_refund"); r.Status != http.StatusOK || !r.TestID("case-form") || !r.Has(`name="cf_amount_requested"`) {
		t.Fatalf("form: %d", r.Status)
	}
	// Missing type fields and a disguised file: 422, messages on the fields, nothing saved.
	bad := refundForm(s)
	bad["cf_refund_reason"] = ""
	r := postMultipart(t, s, agent, "/console/cases", bad, map[string][]byte{"evil.pdf": []byte("<html><script>alert(1)</script></html>")})
	if r.Status != http.StatusUnprocessableEntity || !r.TestID("error-cf_refund_reason") || !r.TestID("error-files") || !r.Has(`value="ORD-9"`) {
		t.Fatalf("bad filing: %d", r.Status)
	}
	big := make([]byte, models.MaxAttachmentSize+10)
	copy(big, webPDF)
	r = postMultipart(t, s, agent, "/console/cases", refundForm(s), map[string][]byte{"big.pdf": big})
	if r.Status != http.StatusUnprocessableEntity || !r.Has("larger than 10 MB") {
		t.Fatalf("big file: %d", r.Status)
	}
	// A customer of another console: 404.
	foreign := refundForm(s)
	foreign["customer_id"] = strconv.FormatInt(s.CustomerB.ID, 10)
	if r := postMultipart(t, s, agent, "/console/cases", foreign, nil); r.Status != http.StatusNotFound {
		t.Fatalf("foreign customer: %d", r.Status)
	}
	r = postMultipart(t, s, agent, "/console/cases", refundForm(s), map[string][]byte{"invoice.pdf": webPDF, "notes.txt": []byte("line 1\nline 2\n")})
	m := caseURL.FindStringSubmatch(r.Header.Get("Location"))
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("file case: %d %q", r.Status, r.Header.Get("Location"))
	}
	page := agent.Get(m[0])
	if page.Status != http.StatusOK || strings.Count(page.Body, `data-testid="attachment"`) != 2 || !page.Has("€120.50") {
		t.Fatalf("case page: %d", page.Status)
	}
	link := regexp.MustCompile(`href="(/console/cases/[0-9]+/attachments/[0-9]+)"[^>]*>invoice.pdf`).FindStringSubmatch(page.Body)
	if link == nil {
		t.Fatal("no download link")
	}
	dl := agent.Get(link[1])
	if dl.Status != http.StatusOK || dl.Body != string(webPDF) || dl.Header.Get("Content-Type") != "application/pdf" ||
		dl.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("download: %d %v", dl.Status, dl.Header)
	}
	deskLink := strings.Replace(link[1], "/console/", "/desk/", 1)
	if r := s.SignedIn(t, "desk:support_engineer").Get(deskLink); r.Status != http.StatusOK {
		t.Fatalf("desk download: %d", r.Status)
	}
	for _, key := range []string{"B:super_admin", "B:helpdesk_agent"} {
		if r := s.SignedIn(t, key).Get(link[1]); r.Status != http.StatusNotFound {
			t.Fatalf("%s download: %d", key, r.Status)
		}
	}
	if r := s.SignedIn(t, "custA:customer_admin").Get(link[1]); r.Status != http.StatusForbidden {
		t.Fatalf("customer download: %d", r.Status)
	}
}

func TestSecondEngineerIsShownTheCurrentState(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c, err := s.Store.FileCase(t.Context(), s.Actor("A:helpdesk_agent"), models.CaseInput{Type: models.CaseOther, Impact: models.ImpactLow,
		Title: "Race", Description: "d", ContactName: "n", ContactEmail: "n@a.test"})
	if err != nil {
		t.Fatal(err)
	}
	path := "/desk/cases/" + strconv.FormatInt(c.ID, 10)
	e1, e2 := s.SignedIn(t, "desk:support_engineer"), s.SignedIn(t, "desk:operator_admin")
	p1, p2 := e1.Get(path), e2.Get(path)
	version := regexp.MustCompile(`name="version" value="([0-9]+)"`)
	v1, v2 := version.FindStringSubmatch(p1.Body), version.FindStringSubmatch(p2.Body)
	if v1 == nil || v2 == nil || v1[1] != v2[1] {
		t.Fatal("no version on the page")
	}
	r := e1.Post(path+"/state", url.Values{"version": {v1[1]}, "state": {"resolved"}, "note": {"Answered by phone."}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("first writer: %d", r.Status)
	}
	r = e2.Post(path+"/state", url.Values{"version": {v2[1]}, "state": {"rejected"}, "note": {"Not ours."}})
	if r.Status != http.StatusConflict || !r.TestID("conflict") || !r.Has(`data-state="resolved"`) {
		t.Fatalf("second writer: %d", r.Status)
	}
	// Resolving without a note: 422 with the message on the note.
	c2, _ := s.Store.FileCase(t.Context(), s.Actor("A:helpdesk_agent"), models.CaseInput{Type: models.CaseOther, Impact: models.ImpactLow,
		Title: "Note", Description: "d", ContactName: "n", ContactEmail: "n@a.test"})
	r = e1.Post("/desk/cases/"+strconv.FormatInt(c2.ID, 10)+"/state", url.Values{"version": {"1"}, "state": {"resolved"}})
	if r.Status != http.StatusUnprocessableEntity || !r.TestID("error-note") {
		t.Fatalf("no note: %d", r.Status)
	}
	// The partner reads the resolution, with the bell counting it.
	agent := s.SignedIn(t, "A:helpdesk_agent")
	home := agent.Get("/console")
	if !home.TestID("bell-count") {
		t.Fatal("no unread count on the bell")
	}
	notes := agent.Get("/notifications")
	if !notes.Has("Answered by phone.") || !notes.Has("is now Resolved") {
		t.Fatalf("notices:\n%s", notes.Body)
	}
	if r := agent.Post("/notifications/read-all", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("read all: %d", r.Status)
	}
	if agent.Get("/console").TestID("bell-count") {
		t.Fatal("bell still counts")
	}
}
