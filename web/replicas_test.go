package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"partnerconsole/handlers/jobs"
	hmail "partnerconsole/handlers/mail"
	"partnerconsole/i18n"
	"partnerconsole/models"
	"partnerconsole/models/store"
	"partnerconsole/web/webtest"
)

// countingSender counts the emails one replica sends.
type countingSender struct {
	mu   sync.Mutex
	sent int
}

func (c *countingSender) Send(context.Context, hmail.Message) error {
	c.mu.Lock()
	c.sent++
	c.mu.Unlock()
	return nil
}

func (c *countingSender) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sent
}

// period is how often the replicas' email sender runs in this test.
const period = 100 * time.Millisecond

// replicaRunner starts one replica's job runner on its own pool.
func replicaRunner(t *testing.T, url string, st *store.Store, sender hmail.Sender) {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	r, err := jobs.New(jobs.Config{Store: st, Pool: pool, I18n: i18n.MustLoad(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		BaseURL: "https://console.test", Mail: sender, OutboxInterval: period})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = r.Stop(ctx)
		pool.Close()
	})
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTwoReplicas: two consoles on one database, as behind a load balancer.
// A session made on one works on the other and a sign-out on either ends it
// on both; each outbox email is sent once; each periodic job runs once per
// period, not once per replica.
func TestTwoReplicas(t *testing.T) {
	t.Parallel()
	one := webtest.Start(t)
	two := webtest.StartReplica(t, one)

	// Sessions live in the database: any replica serves any request.
	c1 := one.SignedIn(t, "A:super_admin")
	c2 := c1.On(two)
	if r := c2.Get("/console"); r.Status != http.StatusOK {
		t.Fatalf("session made on replica one, asked on two: %d", r.Status)
	}
	if r := c2.Post("/sign-out", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("sign-out on replica two: %d", r.Status)
	}
	for name, c := range map[string]*webtest.Client{"one": c1, "two": c2} {
		if r := c.Get("/console"); !toSignIn(r) {
			t.Fatalf("replica %s still serves the signed-out session: %d", name, r.Status)
		}
	}

	// Emails queued before the replicas' job runners start.
	for i := 0; i < 10; i++ {
		if _, err := one.Store.FileCase(context.Background(), one.Actor("A:admin_agent"), models.CaseInput{Type: models.CaseCSPRefund,
			Impact: models.ImpactCritical, Title: fmt.Sprintf("Refund order ORD-%d", i), Description: "Wrong product.", CustomerID: one.CustomerA.ID,
			ContactName: "Agent", ContactEmail: "agent@a.test", ContactPhone: "+33 1 23 45 67 89", Fields: map[string]string{"customer_name": "Customer A",
				"tenant_or_domain": "customer-a.example", "order_or_subscription_id": "ORD-7", "refund_reason": "Wrong product", "amount_requested": "99.00"}}); err != nil {
			t.Fatal(err)
		}
	}
	var queued int64
	one.Gorm.Table("outbox").Where("status = 'queued'").Count(&queued)
	if queued < 10 {
		t.Fatalf("%d emails queued", queued)
	}
	s1, s2 := &countingSender{}, &countingSender{}
	replicaRunner(t, one.DB.URL, one.Store, s1)
	replicaRunner(t, one.DB.URL, two.Store, s2)

	waitUntil(t, "every email sent", func() bool {
		var left int64
		one.Gorm.Table("outbox").Where("status = 'queued'").Count(&left)
		return left == 0
	})
	if total := s1.count() + s2.count(); int64(total) != queued {
		t.Fatalf("%d emails sent for %d queued (replica one %d, two %d)", total, queued, s1.count(), s2.count())
	}
	var twice int64
	one.Gorm.Table("outbox").Where("attempts <> 1 OR status <> 'sent'").Count(&twice)
	if twice != 0 {
		t.Fatalf("%d emails not sent exactly once", twice)
	}

	// The email sender is itself a periodic job (every 100 ms here): the
	// replicas elect one leader, which alone enqueues it once per period.
	waitUntil(t, "ten periods", func() bool {
		var n int64
		one.Gorm.Raw("SELECT count(*) FROM river_job WHERE kind = 'outbox_send'").Scan(&n)
		return n >= 10
	})
	var leaders int64
	one.Gorm.Raw("SELECT count(*) FROM river_leader").Scan(&leaders)
	if leaders != 1 {
		t.Fatalf("%d leaders among two replicas", leaders)
	}
	var enqueued []time.Time
	one.Gorm.Raw("SELECT created_at FROM river_job WHERE kind = 'outbox_send' ORDER BY created_at").Scan(&enqueued)
	// Two replicas each enqueuing the job would enqueue about two a period.
	// One leader enqueues one a period; on a loaded machine a late tick may
	// land close to the next one, so the test counts periods rather than
	// gaps: at most one job per period elapsed, plus the first.
	if len(enqueued) >= 2 {
		span := enqueued[len(enqueued)-1].Sub(enqueued[0])
		if most := int(span/period) + 2; len(enqueued) > most {
			t.Fatalf("%d periodic jobs enqueued in %s (at most %d with one leader, period %s)", len(enqueued), span, most, period)
		}
	}
}
