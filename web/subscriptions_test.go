package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"partnerconsole/models"
)

// The subscription page's forms (issue 9): bad input is 422 with the
// message on the field and nothing saved; the seed's 25 more on 25 shows 50
// and the price before the terms are ticked.
func TestSubscriptionForms(t *testing.T) {
	t.Parallel()
	m := newMatrixEnv(t)
	subA := m.ids["subscription:A"]
	if err := m.Gorm.Table("subscriptions").Where("id = ?", subA).Update("billing_account_id", m.ids["billing_account:A"]).Error; err != nil {
		t.Fatal(err)
	}
	trial := models.Subscription{}
	if err := m.Gorm.Take(&trial, subA).Error; err != nil {
		t.Fatal(err)
	}
	trial.ID, trial.Plan = 0, models.PlanTrial
	if err := m.Gorm.Create(&trial).Error; err != nil {
		t.Fatal(err)
	}
	admin := m.SignedIn(t, "custA:customer_admin")
	base := fmt.Sprintf("/admin/subscriptions/%d", subA)
	for _, tc := range []struct {
		name   string
		path   string
		form   url.Values
		fields []string
	}{
		{"add licences, not a number", base + "/licences", url.Values{"additional": {"abc"}, "key": {"k1"}}, []string{"additional"}},
		{"add licences, zero", base + "/licences", url.Values{"additional": {"0"}, "key": {"k1"}}, []string{"additional"}},
		{"add licences, over the maximum", base + "/licences", url.Values{"additional": {"100000"}, "key": {"k1"}}, []string{"additional"}},
		{"add licences, terms not ticked", base + "/licences", url.Values{"additional": {"25"}, "step": {"confirm"}, "key": {"k1"}}, []string{"terms"}},
		{"renewal option unknown", base + "/renewal", url.Values{"renewal_option": {"forever"}}, []string{"renewal_option"}},
		{"cancel not confirmed", base + "/cancel", url.Values{"key": {"k2"}}, []string{"confirm"}},
		{"set up billing, nothing chosen", fmt.Sprintf("/admin/subscriptions/%d/billing-setup", trial.ID), url.Values{"plan": {"gold"}, "quantity": {"x"}, "key": {"k3"}},
			[]string{"plan", "quantity", "terms"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := dbFingerprint(t, m.Gorm)
			r := admin.Post(tc.path, tc.form)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			for _, f := range tc.fields {
				if !r.TestID("error-" + f) {
					t.Errorf("no message on %s", f)
				}
			}
			if changed := changedTables(before, dbFingerprint(t, m.Gorm)); len(changed) > 0 {
				t.Errorf("bad input changed %v", changed)
			}
		})
	}

	t.Run("seed: 25 more on 25 shows 50 and the price, then adds", func(t *testing.T) {
		before := dbFingerprint(t, m.Gorm)
		r := admin.Post(base+"/licences", url.Values{"additional": {"25"}, "key": {"seed-key"}})
		if r.Status != http.StatusOK || !r.TestID("licences-preview") || !strings.Contains(r.Body, `data-testid="preview-total">50<`) {
			t.Fatalf("preview: %d", r.Status)
		}
		if !r.TestID("preview-price") || !r.Has("€") {
			t.Fatal("no price in the preview")
		}
		if changed := changedTables(before, dbFingerprint(t, m.Gorm)); len(changed) > 0 {
			t.Fatalf("the preview changed %v", changed)
		}
		form := url.Values{"additional": {"25"}, "step": {"confirm"}, "terms": {"on"}, "key": {"seed-key"}}
		for range 2 { // a double click adds once
			if r := admin.Post(base+"/licences", form); r.Status != http.StatusSeeOther {
				t.Fatalf("confirm: %d", r.Status)
			}
		}
		page := admin.Get(base)
		if !strings.Contains(page.Body, `data-testid="sub-quantity">50<`) || !page.TestID("history-row") {
			t.Fatal("the page does not show 50 licences and the history")
		}
	})

	t.Run("a suspended trial is reactivated by setting up billing", func(t *testing.T) {
		m.Gorm.Table("subscriptions").Where("id = ?", trial.ID).Updates(map[string]any{"status": "suspended", "suspension_reasons": models.TextArray{"trial_ended"}})
		page := admin.Get(fmt.Sprintf("/admin/subscriptions/%d", trial.ID))
		if !page.TestID("setup-form") || !page.Has("Trial ended") {
			t.Fatal("no set-up form on the suspended trial")
		}
		r := admin.Post(fmt.Sprintf("/admin/subscriptions/%d/billing-setup", trial.ID),
			url.Values{"plan": {"flexible"}, "quantity": {"12"}, "terms": {"on"}, "key": {"setup-key"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("status %d", r.Status)
		}
		var got models.Subscription
		m.Gorm.Take(&got, trial.ID)
		if got.Status != models.SubActive || got.Plan != models.PlanFlexible || got.Quantity != 12 || !got.TrialBillingSetUp {
			t.Fatalf("%+v", got)
		}
	})

	t.Run("customer billing sees no actions", func(t *testing.T) {
		r := m.SignedIn(t, "custA:customer_billing").Get(base)
		if r.Status != http.StatusOK || r.TestID("add-licences-form") || r.TestID("cancel-now") {
			t.Fatalf("status %d or actions shown", r.Status)
		}
	})

	t.Run("console list links the subscription", func(t *testing.T) {
		r := m.SignedIn(t, "A:sales_agent").Get("/console/subscriptions?renewal=30&q=customer")
		if r.Status != http.StatusOK || !r.TestID("nav-subscriptions") {
			t.Fatalf("status %d", r.Status)
		}
		r = m.SignedIn(t, "A:admin_agent").Get("/console/subscriptions")
		if !r.Has(fmt.Sprintf(`href="/console/subscriptions/%d"`, subA)) {
			t.Fatal("no link to the subscription")
		}
	})
}
