package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The load child says when its measured window opens, then prints its
// result as JSON; it sends the session cookie it was given.
func TestLoadChildMeasuresAfterItsWarmup(t *testing.T) {
	var hits, cookieless atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("Cookie") != "pc_session=x" {
			cookieless.Add(1)
		}
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	spec, _ := json.Marshal(loadSpec{Base: srv.URL, Path: "/p", Cookie: "pc_session=x", Conc: 2, Warmup: 20 * time.Millisecond, Duration: 50 * time.Millisecond})
	var out strings.Builder
	if err := loadChild(t.Context(), strings.NewReader(string(spec)), &out); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	if !sc.Scan() || sc.Text() != startLine {
		t.Fatalf("first line %q, want %q", sc.Text(), startLine)
	}
	if !sc.Scan() {
		t.Fatal("no result line")
	}
	var r result
	if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.N == 0 || r.Errors != 0 || r.RPS <= 0 || int64(r.N) >= hits.Load() {
		t.Errorf("result %+v after %d hits (the warm-up's must not count)", r, hits.Load())
	}
	if cookieless.Load() != 0 {
		t.Errorf("%d requests without the session cookie", cookieless.Load())
	}
}

// The reference serves only the bearer of its cookie, and only the pages it
// was given.
func TestRefServerChecksItsCookie(t *testing.T) {
	ref := newRefServer(nil, "secret")
	for _, c := range []struct {
		cookie string
		path   string
		want   int
	}{
		{"", "/ref/first", http.StatusUnauthorized},
		{"ref=wrong", "/ref/first", http.StatusUnauthorized},
		{"ref=secret", "/ref/unknown", http.StatusNotFound},
	} {
		req := httptest.NewRequest(http.MethodGet, c.path, nil)
		if c.cookie != "" {
			req.Header.Set("Cookie", c.cookie)
		}
		rec := httptest.NewRecorder()
		ref.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%q %s: %d, want %d", c.cookie, c.path, rec.Code, c.want)
		}
	}
}

func TestQuickDefaultsKeepWhatWasGiven(t *testing.T) {
	o := options{customers: 100000, duration: 10 * time.Second, depth: 1000, rare: "0004242", domain: "cust4242"}
	o.quickDefaults(map[string]bool{"customers": true})
	if o.customers != 100000 || o.duration >= time.Second || o.depth != 5 || o.domain != "cust123" {
		t.Errorf("quick: %+v", o)
	}
}
