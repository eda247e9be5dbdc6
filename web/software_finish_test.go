package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// Get key answers with the key in a modal dialog (components.Dialog, opened
// at load by the vendored app.js) with a copy button and the warning; the
// page carries the KMS panel of seed 001 (R-SW-3, R-SW-5).
func TestSoftwareKeyDialog(t *testing.T) {
	s, line := softwareServer(t)
	admin := s.SignedIn(t, "A:admin_agent")
	base := "/console/customers/" + strconvI(s.CustomerA.ID) + "/software"
	page := admin.Get(base)
	if !page.TestID("kms-info") || !page.Has("180 days") || !page.Has("MAK") || !page.TestID("keys-warning") || page.TestID("revealed-key") {
		t.Fatalf("software page: %d", page.Status)
	}
	r := admin.Post(base+"/lines/"+strconvI(line)+"/key", nil)
	if r.Status != http.StatusOK || !r.TestID("revealed-key") || !r.TestID("copy-key") || !r.Has(`data-dialog-show="key-dialog"`) ||
		!strings.Contains(r.Body, `<dialog id="key-dialog"`) || !r.Has("Keys are valuable") {
		t.Fatalf("get key: %d", r.Status)
	}
	if strings.Contains(r.Body, "cdn") || strings.Contains(r.Body, "<script>") {
		t.Fatal("a script from outside or inline")
	}
}
