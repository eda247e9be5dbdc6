package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store"
)

// result is one measured run: throughput and latency percentiles.
type result struct {
	N      int
	Errors int
	Secs   float64
	RPS    float64
	Avg    time.Duration
	P50    time.Duration
	P99    time.Duration
	Bytes  int64         // body bytes of one response (HTTP only)
	CPU    time.Duration // CPU time of the load generator per request (it runs in its own process)
	Status int           // last non-200 status seen
}

func summarize(lat []time.Duration, secs float64) result {
	r := result{N: len(lat), Secs: secs}
	if len(lat) == 0 {
		return r
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	var sum time.Duration
	for _, l := range lat {
		sum += l
	}
	r.Avg = sum / time.Duration(len(lat))
	r.P50 = lat[len(lat)*50/100]
	r.P99 = lat[min(len(lat)-1, len(lat)*99/100)]
	r.RPS = float64(len(lat)) / secs
	return r
}

// client is a keep-alive HTTP client for one signed-in session.
type client struct {
	base   string
	http   *http.Client
	cookie string
}

func newClient(base string, conc int) *client {
	tr := &http.Transport{MaxIdleConns: conc * 2, MaxIdleConnsPerHost: conc * 2, IdleConnTimeout: time.Minute, DisableCompression: true}
	return &client{base: base, http: &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]*)"`)

// signIn signs in through the real sign-in form and keeps the cookies.
func (c *client) signIn(email, password string) error {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Transport: c.http.Transport, Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(c.base + "/sign-in")
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfMeta.FindSubmatch(body)
	if m == nil {
		return fmt.Errorf("sign-in page has no CSRF token (status %d)", res.StatusCode)
	}
	form := url.Values{"email": {email}, "password": {password}, "_csrf": {html.UnescapeString(string(m[1]))}}
	res, err = hc.PostForm(c.base+"/sign-in", form)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/sign-in/code") {
		// Two-factor sign-in: the demo user's known key gives the code.
		if res, err = signInCode(hc, c.base, loc, store.DemoTOTPSecret(email)); err != nil {
			return err
		}
	}
	if res.StatusCode != http.StatusSeeOther || !(strings.HasPrefix(res.Header.Get("Location"), "/console") || strings.HasPrefix(res.Header.Get("Location"), "/desk") || strings.HasPrefix(res.Header.Get("Location"), "/admin")) {
		return fmt.Errorf("sign-in as %s: status %d, location %q", email, res.StatusCode, res.Header.Get("Location"))
	}
	u, _ := url.Parse(c.base)
	var parts []string
	for _, ck := range jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	c.cookie = strings.Join(parts, "; ")
	return nil
}

// signInCode posts the current TOTP code on the sign-in's second step.
func signInCode(hc *http.Client, base, loc, secret string) (*http.Response, error) {
	res, err := hc.Get(base + loc)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfMeta.FindSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("code page has no CSRF token (status %d)", res.StatusCode)
	}
	code, err := models.TOTPCode(secret, time.Now())
	if err != nil {
		return nil, err
	}
	res, err = hc.PostForm(base+"/sign-in/code", url.Values{"code": {code}, "_csrf": {html.UnescapeString(string(m[1]))}})
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res, nil
}

// get fetches a path once and returns its status and body.
func (c *client) get(ctx context.Context, path string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Cookie", c.cookie)
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

var nextLink = regexp.MustCompile(`href="([^"]*)" rel="next"`)

// follow walks the "next page" link n times from path and returns the path
// of the page reached.
func (c *client) follow(ctx context.Context, path string, n int) (string, error) {
	for i := 0; i < n; i++ {
		status, body, err := c.get(ctx, path)
		if err != nil {
			return "", err
		}
		if status != http.StatusOK {
			return "", fmt.Errorf("page %d (%s): status %d", i+1, path, status)
		}
		m := nextLink.FindSubmatch(body)
		if m == nil {
			return "", fmt.Errorf("page %d (%s) has no next link: the list is shorter than %d pages", i+1, path, n)
		}
		path = html.UnescapeString(string(m[1]))
	}
	return path, nil
}

// requester builds the requests of one load: a GET of one path, or a
// write (see loadSpec).
type requester struct {
	spec  loadSpec
	nonce string
	n     atomic.Int64
}

func newRequester(spec loadSpec) *requester {
	return &requester{spec: spec, nonce: strconv.FormatInt(time.Now().UnixNano()%1e12, 36)}
}

// next builds one request; ok is false when the IDs ran out.
func (q *requester) next(ctx context.Context, base, cookie string) (*http.Request, bool) {
	if q.spec.Method != http.MethodPost {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+q.spec.Path, nil)
		req.Header.Set("Cookie", cookie)
		return req, true
	}
	k := q.n.Add(1) - 1
	path := q.spec.Path
	if strings.Contains(path, "{id}") {
		if k >= int64(len(q.spec.IDs)) {
			return nil, false
		}
		path = strings.ReplaceAll(path, "{id}", strconv.FormatInt(q.spec.IDs[k], 10))
	}
	form := strings.ReplaceAll(q.spec.Form, "{u}", q.nonce+"x"+strconv.FormatInt(k, 36))
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+path, strings.NewReader(form))
	req.Header.Set("Cookie", cookie)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", q.spec.CSRF)
	return req, true
}

// ok tells whether a response is a success: 200 for a page, the redirect
// after a write.
func (q *requester) ok(status int) bool {
	if q.spec.Method == http.MethodPost {
		return status == http.StatusSeeOther
	}
	return status == http.StatusOK
}

// hammer sends the requester's requests from conc keep-alive workers for d
// and measures every request. The loop ends at the deadline: no unbounded run.
func (c *client) hammer(ctx context.Context, q *requester, conc int, d time.Duration) result {
	deadline := time.Now().Add(d)
	lats := make([][]time.Duration, conc)
	errs := make([]int, conc)
	statuses := make([]int, conc)
	var wg sync.WaitGroup
	cpu0 := processCPU()
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			buf := make([]time.Duration, 0, 1<<14)
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				req, more := q.next(ctx, c.base, c.cookie)
				if !more {
					break
				}
				res, err := c.http.Do(req)
				if err != nil {
					errs[w]++
					continue
				}
				_, err = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				lat := time.Since(t0)
				if err != nil || !q.ok(res.StatusCode) {
					errs[w]++
					statuses[w] = res.StatusCode
					continue
				}
				buf = append(buf, lat)
			}
			lats[w] = buf
		}(w)
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	cpu := processCPU() - cpu0
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	r := summarize(all, secs)
	if r.N > 0 {
		r.CPU = cpu / time.Duration(r.N)
	}
	for w := range errs {
		r.Errors += errs[w]
		if statuses[w] != 0 {
			r.Status = statuses[w]
		}
	}
	return r
}

// processCPU is the user+system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
