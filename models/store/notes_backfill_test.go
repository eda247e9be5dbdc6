package store_test

import (
	"strings"
	"testing"
	"time"

	"partnerconsole/migrations"
	"partnerconsole/models/store/storetest"
)

// TestTimelineNotesBackfill runs migration 0006's backfill over notes
// written before it, as English text, and reads them back as messages.
func TestTimelineNotesBackfill(t *testing.T) {
	t.Parallel()
	f := storetest.Seed(t)
	ca := f.ConsoleA.ID
	addSubscription(t, f, f.CustomerA.ID, &ca)
	meetSub(t, f, f.CustomerA.ID, &ca, 3, time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC))
	m, err := f.Store.StartMeetMigration(bg, f.Actor("A:sales_agent"), f.CustomerA.ID)
	if err != nil {
		t.Fatal(err)
	}
	old := map[int]string{
		2: "other resellers informed; distributor informed",
		3: "case #12",
		4: "Converted 2 Meet hardware subscription(s) to the temporary online grace plan until 2026-04-01.",
		5: "PUB-123",
		7: "offer #7",
		8: "subscription #9",
	}
	for step, note := range old {
		if err := f.Gorm.Exec("INSERT INTO meet_migration_steps (migration_id, step, done_at, actor_name, note) VALUES (?, ?, now(), 'x', ?)",
			m.ID, step, note).Error; err != nil {
			t.Fatal(err)
		}
	}
	c := fileRefund(t, f)
	if err := f.Gorm.Exec("INSERT INTO case_comments (case_id, author_name, from_desk, body, created_at) VALUES (?, 'Desk', true, ?, now())",
		c.ID, old[4]).Error; err != nil {
		t.Fatal(err)
	}
	src, err := migrations.FS.ReadFile("0006_timeline_notes.sql")
	if err != nil {
		t.Fatal(err)
	}
	sql := string(src)
	backfill := sql[strings.Index(sql, "-- Backfill"):strings.Index(sql, "-- +goose Down")]
	if err := f.Gorm.Exec(backfill).Error; err != nil {
		t.Fatalf("backfill: %v", err)
	}
	v, err := f.Store.MeetStatus(bg, f.Actor("A:sales_agent"), f.CustomerA.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{
		2: "Other resellers and the distributor informed.",
		3: "Case #12",
		4: old[4],
		5: "Public reseller id PUB-123",
		7: "Offer #7",
		8: "Subscription #9",
	}
	for step, english := range want {
		t.Run(old[step], func(t *testing.T) {
			st := v.Steps[step]
			if st.NoteMsg == nil || st.NoteMsg.English() != english {
				t.Fatalf("step %d: %+v", step, st.NoteMsg)
			}
		})
	}
	if d, ok := v.Steps[4].NoteMsg.Args[3].(time.Time); !ok || !d.Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("grace date kept as a date: %#v", v.Steps[4].NoteMsg.Args)
	}
	cv, err := f.Store.GetCase(bg, f.Actor("A:admin_agent"), c.ID)
	if err != nil || len(cv.Comments) != 1 || cv.Comments[0].BodyMsg == nil || cv.Comments[0].BodyMsg.English() != old[4] {
		t.Fatalf("case comment: %+v %v", cv.Comments, err)
	}
	if v.Steps[1].NoteMsg != nil {
		t.Errorf("an empty note became a message: %+v", v.Steps[1].NoteMsg)
	}
}
