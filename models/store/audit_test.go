package store_test

import (
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

// TestAuditAppendOnly: the database itself refuses to change or delete an
// audit row, whoever asks.
func TestAuditAppendOnly(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	n := countRows(t, f.Gorm, "audit_events", "")
	if n == 0 {
		t.Fatal("the fixture wrote no audit rows")
	}
	for _, stmt := range []string{
		"UPDATE audit_events SET action = 'tampered'",
		"UPDATE audit_events SET after = NULL WHERE id = (SELECT min(id) FROM audit_events)",
		"DELETE FROM audit_events",
		"DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)",
	} {
		if err := f.Gorm.Exec(stmt).Error; err == nil {
			t.Errorf("%q succeeded on the append-only log", stmt)
		}
	}
	if got := countRows(t, f.Gorm, "audit_events", ""); got != n {
		t.Errorf("audit rows %d -> %d", n, got)
	}
	if got := countRows(t, f.Gorm, "audit_events", "action = 'tampered'"); got != 0 {
		t.Error("an audit row was changed")
	}
}

// TestAuditListFilters: filter by actor, action and record; keyset paging
// newest first.
func TestAuditListFilters(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	super := f.Actor("A:super_admin")
	agent := f.Actor("A:sales_agent")
	var last models.Customer
	for i := 0; i < 60; i++ {
		c, err := f.Store.CreateCustomer(bg, agent, models.CustomerInput{Name: "Audit Co", Domain: "audit" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ".example", Country: "FR"})
		if err != nil {
			t.Fatal(err)
		}
		last = c
	}
	seen := map[int64]bool{}
	var prev int64
	cursor := ""
	for i := 0; i < 10; i++ {
		page, err := f.Store.ListAudit(bg, super, models.AuditFilter{ActorUserID: agent.UserID, Action: "customer.created"}, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range page.Items {
			if ev.Action != "customer.created" || ev.ActorUserID == nil || *ev.ActorUserID != agent.UserID || ev.OrganisationID != f.ConsoleA.ID {
				t.Errorf("filtered row %+v", ev)
			}
			if prev != 0 && ev.ID >= prev {
				t.Errorf("not newest first: %d after %d", ev.ID, prev)
			}
			prev = ev.ID
			if seen[ev.ID] {
				t.Errorf("event %d twice", ev.ID)
			}
			seen[ev.ID] = true
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	if len(seen) != 60 {
		t.Errorf("walked %d events, want 60", len(seen))
	}
	page, err := f.Store.ListAudit(bg, super, models.AuditFilter{RecordType: "customer", RecordID: last.ID}, "")
	if err != nil || len(page.Items) != 1 || page.Items[0].RecordID != last.ID {
		t.Errorf("by record: %d rows, %v", len(page.Items), err)
	}
	var exported int
	if err := f.Store.ExportAudit(bg, super, models.AuditFilter{Action: "customer.created"}, func(models.AuditEvent) error { exported++; return nil }); err != nil {
		t.Fatal(err)
	}
	// 60 here plus the fixture's customer A.
	if exported != 61 {
		t.Errorf("exported %d events, want 61", exported)
	}
	_ = storetest.Password
}
