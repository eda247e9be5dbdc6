package web

import (
	"testing"
	"time"
)

// The outage is logged at its first refused request, then at most once per
// interval, with how many requests were refused since the last line.
func TestOutageLogOncePerInterval(t *testing.T) {
	o := &outageLog{every: time.Minute}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		at   time.Duration
		log  bool
		seen int
	}{
		{0, true, 1},
		{time.Second, false, 0},
		{30 * time.Second, false, 0},
		{61 * time.Second, true, 3},
		{90 * time.Second, false, 0},
		{3 * time.Minute, true, 2},
	}
	for i, s := range steps {
		log, n := o.note(t0.Add(s.at))
		if log != s.log || n != s.seen {
			t.Fatalf("step %d at %s: log=%v n=%d, want %v %d", i, s.at, log, n, s.log, s.seen)
		}
	}
}
