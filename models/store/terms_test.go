package store_test

import (
	"strings"
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// The terms are a versioned document: the page shows the version in force
// in the reader's language; accepting records that version on the customer
// and in the audit log; a version replaced while the admin read it is
// refused and nothing changes.
func TestTermsVersionAccepted(t *testing.T) {
	f := storetest.Seed(t)
	admin := f.Actor("custA:customer_admin")
	doc, st, err := f.Store.Terms(bg, admin, "fr")
	if err != nil {
		t.Fatal(err)
	}
	if doc.ID == 0 || doc.Version != "2026-01" || doc.Text.Locale != "fr" || !strings.Contains(doc.Text.Title, "Conditions") || len(doc.Paragraphs()) < 3 {
		t.Fatalf("document: %+v", doc)
	}
	if st.Accepted() {
		t.Fatalf("accepted before anyone did: %+v", st)
	}
	if _, _, err := f.Store.Terms(bg, f.Actor("custA:customer_viewer"), "en"); models.ErrorCode(err) != models.CodeForbidden {
		t.Errorf("viewer reads the terms page: %v", err)
	}
	// A newer version is published while the admin reads the first one.
	f.Gorm.Exec("INSERT INTO terms_versions (version, published_at) VALUES ('2026-03', ?)", f.Clock.Now().Add(-time.Minute))
	var v2 int64
	f.Gorm.Raw("SELECT id FROM terms_versions WHERE version = '2026-03'").Scan(&v2)
	f.Gorm.Exec("INSERT INTO terms_texts (version_id, locale, title, body) VALUES (?, 'en', 'Terms', 'New text.')", v2)
	_, err = f.Store.AcceptTerms(bg, admin, doc.ID)
	wantCode(t, "accept a replaced version", err, models.CodeConflict)
	if countRows(t, f.Gorm, "customers", "id = ? AND tos_accepted_at IS NULL AND tos_version_id IS NULL", f.CustomerA.ID) != 1 {
		t.Error("a refused acceptance changed the customer")
	}
	doc2, _, err := f.Store.Terms(bg, admin, "fr")
	if err != nil || doc2.ID != v2 || doc2.Text.Locale != "en" {
		t.Fatalf("newer version in English when French is missing: %+v %v", doc2, err)
	}
	if _, err := f.Store.AcceptTerms(bg, admin, v2); err != nil {
		t.Fatal(err)
	}
	_, st, _ = f.Store.Terms(bg, admin, "en")
	if !st.AcceptedVersion(doc2.TermsVersion) || st.Version != "2026-03" {
		t.Errorf("standing: %+v", st)
	}
	if countRows(t, f.Gorm, "audit_events", "action = 'customer.terms_accepted' AND record_id = ?", f.CustomerA.ID) != 1 {
		t.Error("acceptance not audited once")
	}
	// Accepting the same version again records nothing new.
	if _, err := f.Store.AcceptTerms(bg, admin, v2); err != nil {
		t.Fatal(err)
	}
	if countRows(t, f.Gorm, "audit_events", "action = 'customer.terms_accepted' AND record_id = ?", f.CustomerA.ID) != 1 {
		t.Error("second acceptance of one version audited again")
	}
}
