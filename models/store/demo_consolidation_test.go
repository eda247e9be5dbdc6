package store_test

import (
	"testing"

	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/models/store/storetest"
)

// TestConsolidationDemo: the demo has a main console, a source accepted 8
// days ago with ready and not-ready customers, and a source accepted
// yesterday still waiting (issue 12).
func TestConsolidationDemo(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	st := db.Store
	if _, err := st.SeedDemo(bg); err != nil {
		t.Fatal(err)
	}
	actor := func(email string) models.Actor {
		var u models.User
		if err := db.Gorm.Where("email = ?", email).Take(&u).Error; err != nil {
			t.Fatal(err)
		}
		return store.ActorOf(u, "")
	}
	states := func(email string) map[string]models.CustomerMigration {
		t.Helper()
		_, rows, err := st.CustomerMigrations(bg, actor(email))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]models.CustomerMigration{}
		for _, r := range rows {
			m[r.CustomerName] = r.CustomerMigration
		}
		return m
	}
	sakura := states("super@sakura.example")
	want := map[string]string{"Hanami Foods": "", "Tsuki Design": "", "Fuji Travel": "", "Kaze Telecom": models.ReasonUnsupported, "Mori Engineering": models.ReasonNoBillingAcct}
	for name, code := range want {
		r, ok := sakura[name]
		if !ok {
			t.Errorf("%s not listed", name)
			continue
		}
		if code == "" && r.State != models.MigReady {
			t.Errorf("%s: %s %+v, want ready", name, r.State, r.Reasons)
		}
		if code != "" && (r.State != models.MigNotReady || len(r.Reasons) != 1 || r.Reasons[0].Code != code) {
			t.Errorf("%s: %s %+v, want not ready for %s", name, r.State, r.Reasons, code)
		}
	}
	lyon := states("super@lyon-digital.example")
	if r := lyon["Rhône Vélos"]; r.State != models.MigNotReady || len(r.Reasons) == 0 || r.Reasons[0].Code != models.ReasonWaiting {
		t.Errorf("Lyon's customer: %+v", r)
	}
	list, err := st.ListConnections(bg, actor("super@northwind.example"))
	if err != nil || len(list) != 2 {
		t.Fatalf("main's connections %d %v", len(list), err)
	}
}
