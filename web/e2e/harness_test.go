// Package e2e drives the real console in a real browser (Debian's chromium
// through chromedp): each journey of SPEC.md is clicked as a person would.
//
// Reusing the harness in a new journey file (one file per journey):
//
//	func TestMyJourney(t *testing.T) {
//		e := start(t)                              // fixture + server + browser
//		s := e.signedIn("A:super_admin")           // a browser session, signed in
//		s.open("/console/customers")               // navigate and wait for the page
//		s.fill("#f-name", "Acme")                  // CSS selector...
//		s.submit("save-customer")                  // ...or a data-testid; waits for the next page
//		s.waitVisible("flash")
//		s.contains("customers", "Acme")            // text of an element
//		other := e.session("customer")             // a second, independent session (own cookies)
//	}
//
// A target string that is a bare identifier ("save-customer") is a
// data-testid; anything else ("#f-name", "main h1", `[name="q"]`) is a CSS
// selector. Every step has its own generous timeout (stepTimeout); a failed
// test leaves a full-page screenshot per session in screenshots/<test>.png.
// Set E2E_SCREENSHOTS=1 to also keep the snapshots a journey takes with shot().
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"partnerconsole/models/store/storetest"
	"partnerconsole/web/webtest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// stepTimeout bounds one browser step (a navigation, a click, a wait).
const stepTimeout = 30 * time.Second

// screenshotDir is where failure screenshots and snapshots go.
const screenshotDir = "screenshots"

// env is one journey's world: the fixture platform, the real server over it,
// and one headless chromium.
type env struct {
	*webtest.Server
	t       *testing.T
	browser context.Context // has run once: the browser is up
}

// chromiumPath finds the browser: Debian's package first, then PATH.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no chromium found: install Debian's chromium (apt-get install chromium); .ci/run does it")
	return ""
}

// start serves a fresh fixture (webtest.Start) and starts a browser for it.
func start(t *testing.T) *env {
	t.Helper()
	return startWith(t, webtest.Start(t))
}

// startWith starts a browser against an already running server.
func startWith(t *testing.T, srv *webtest.Server) *env {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("accept-lang", "en-US,en"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(func() { bcancel(); acancel() })
	// The first run starts the browser; it must carry no timeout (it would
	// stop the whole browser), so guard it from the outside instead.
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(bctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("start chromium: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("start chromium: no answer in 60s")
	}
	return &env{Server: srv, t: t, browser: bctx}
}

// session is one person at one browser: a tab in its own browser context,
// so cookies and storage are never shared with another session.
type session struct {
	t    *testing.T
	name string
	base string
	ctx  context.Context
	srv  *webtest.Server
}

// session opens a new, signed-out browser session named for screenshots.
func (e *env) session(name string) *session {
	t := e.t
	t.Helper()
	ctx, cancel := chromedp.NewContext(e.browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// First run on the tab: creates the browser context and the target.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open session %s: %v", name, err)
	}
	s := &session{t: t, name: name, base: e.URL, ctx: ctx, srv: e.Server}
	// Every request of this tab asks for English, whatever the machine's locale.
	s.must("set Accept-Language", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"Accept-Language": "en-US,en;q=0.9"}})
		return err
	}))
	// A stray confirm() or alert() never blocks a journey: accept it. (The
	// app asks with its own dialogs; see confirm.)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	// Registered after cancel, so it runs before it: the tab is still open.
	t.Cleanup(func() {
		if t.Failed() {
			s.screenshot(fileName(t.Name(), name))
		}
	})
	return s
}

// signedIn opens a session and signs in a fixture user by key ("A:super_admin").
func (e *env) signedIn(key string) *session {
	e.t.Helper()
	s := e.session(key)
	s.signIn(e.Email(key), storetest.Password)
	return s
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func fileName(test, session string) string {
	n := unsafeName.ReplaceAllString(test, "_")
	if session != "" {
		n += "-" + unsafeName.ReplaceAllString(session, "_")
	}
	return n
}

// screenshot saves a full-page PNG to screenshots/<name>.png and returns its path.
func (s *session) screenshot(name string) string {
	ctx, cancel := context.WithTimeout(s.ctx, stepTimeout)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100 = PNG
	if err != nil {
		s.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		s.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	path := filepath.Join(screenshotDir, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		s.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	s.t.Logf("screenshot saved: %s", path)
	return path
}

// shot keeps a snapshot of the page when E2E_SCREENSHOTS=1 (for looking at
// the pages by eye); otherwise it does nothing.
func (s *session) shot(name string) {
	if os.Getenv("E2E_SCREENSHOTS") == "" {
		return
	}
	s.screenshot(fileName(s.t.Name(), name))
}

// sel turns a target string into a selector: a bare identifier is a
// data-testid, anything else is CSS.
var bareID = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func sel(target string) chromedp.CSS {
	if bareID.MatchString(target) {
		return chromedp.CSS(`[data-testid="` + target + `"]`)
	}
	return chromedp.CSS(target)
}

// run runs steps with the step timeout and fails the test on error.
func (s *session) must(what string, steps ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		s.t.Fatalf("[%s] %s: %v (at %s)", s.name, what, err, s.location())
	}
}

// value runs one value-returning action with the step timeout.
func value[T any](s *session, what string, a chromedp.Action[T]) T {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		s.t.Fatalf("[%s] %s: %v (at %s)", s.name, what, err, s.location())
	}
	return v
}

// location is the page's current URL ("" if unknown).
func (s *session) location() string {
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	u, _ := chromedp.Run(ctx, chromedp.Location())
	return u
}

// path is the current page's path and query, without the server's address.
func (s *session) path() string {
	return strings.TrimPrefix(s.location(), s.base)
}

// navigate loads a path (or a full URL) and waits for the load; it returns
// the HTTP status of the document.
func (s *session) navigate(path string) int {
	s.t.Helper()
	u := path
	if strings.HasPrefix(path, "/") {
		u = s.base + path
	}
	ctx, cancel := context.WithTimeout(s.ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
	if err != nil {
		s.t.Fatalf("[%s] navigate %s: %v", s.name, path, err)
	}
	if res == nil {
		return 0
	}
	return int(res.Status)
}

// open loads a path and fails unless it answers 200.
func (s *session) open(path string) {
	s.t.Helper()
	if st := s.navigate(path); st != http.StatusOK {
		s.t.Fatalf("[%s] open %s: status %d, want 200 (at %s)", s.name, path, st, s.location())
	}
}

// signIn fills the one sign-in page and waits for the portal (app shell).
func (s *session) signIn(email, password string) {
	s.t.Helper()
	s.open("/sign-in")
	s.fill("#f-email", email)
	s.fill("#f-password", password)
	if st := s.submit("sign-in-submit"); st != http.StatusOK {
		s.t.Fatalf("[%s] sign in %s: status %d (at %s)", s.name, email, st, s.location())
	}
	// Two-factor sign-in: a fixture user of a role that requires it types
	// the current code of their known seed, as from an authenticator app.
	if strings.HasPrefix(s.path(), "/sign-in/code") {
		for key, u := range s.srv.Users {
			if u.Email == email {
				s.fill("#f-code", s.srv.NextCode(s.t, key))
				if st := s.submit("code-submit"); st != http.StatusOK {
					s.t.Fatalf("[%s] sign-in code %s: status %d (at %s)", s.name, email, st, s.location())
				}
			}
		}
	}
	s.waitVisible("who")
}

// signOut uses the top bar's button and waits for the sign-in page.
func (s *session) signOut() {
	s.t.Helper()
	s.submit("sign-out")
	s.waitVisible("sign-in-submit")
}

// click clicks an element (no navigation expected; see submit).
func (s *session) click(target string) {
	s.t.Helper()
	s.must("click "+target, chromedp.Click(sel(target), chromedp.NodeVisible))
}

// submit clicks an element that loads a new page (a submit button, a link),
// waits for that page and returns its HTTP status (after redirects).
func (s *session) submit(target string) int {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, chromedp.Click(sel(target), chromedp.NodeVisible))
	if err != nil {
		s.t.Fatalf("[%s] click %s and wait for the page: %v (at %s)", s.name, target, err, s.location())
	}
	if res == nil {
		return 0
	}
	return int(res.Status)
}

// confirm clicks a button guarded by a confirmation dialog
// (components.ConfirmForm), checks the dialog opened and stayed on the page,
// confirms it, and returns the status of the page the form loads.
func (s *session) confirm(target string) int {
	s.t.Helper()
	before := s.location()
	s.click(target)
	s.waitVisible(`dialog[open] [data-testid="confirm-ok"]`)
	if now := s.location(); now != before {
		s.t.Fatalf("[%s] %s posted before it was confirmed (now at %s)", s.name, target, now)
	}
	return s.submit(`dialog[open] [data-testid="confirm-ok"]`)
}

// fill replaces a text field's value by typing, as a person would.
func (s *session) fill(target, v string) {
	s.t.Helper()
	s.must("fill "+target,
		chromedp.WaitVisible(sel(target)),
		setValueJS(sel(target), ""),
		chromedp.SendKeys(sel(target), v),
	)
}

// choose picks an option of a <select> by its value (and fires change).
func (s *session) choose(target, optionValue string) {
	s.t.Helper()
	s.must("choose "+optionValue+" in "+target,
		chromedp.WaitVisible(sel(target)),
		// setValueJS refuses a missing option before changing anything, so
		// there is no read-back: a data-autosubmit select may already be
		// loading the next page.
		setValueJS(sel(target), optionValue),
	)
}

// check ticks or unticks a checkbox.
func (s *session) check(target string, on bool) {
	s.t.Helper()
	checked := value(s, "read "+target, chromedp.JavascriptAttribute[bool](sel(target), "checked"))
	if checked != on {
		s.click(target)
	}
}

// value reads a form field's current value.
func (s *session) value(target string) string {
	s.t.Helper()
	return value(s, "read value of "+target, chromedp.Value(sel(target)))
}

// waitVisible waits until an element is visible.
func (s *session) waitVisible(target string) {
	s.t.Helper()
	s.must("wait for "+target+" to be visible", chromedp.WaitVisible(sel(target)))
}

// waitGone waits until no element matches target (a closed dialog, say).
func (s *session) waitGone(target string) {
	s.t.Helper()
	s.must("wait for "+target+" to go", chromedp.WaitNotPresent(sel(target)))
}

// text waits for an element and returns its visible text.
func (s *session) text(target string) string {
	s.t.Helper()
	return value(s, "read text of "+target, chromedp.Text(sel(target), chromedp.NodeVisible))
}

// contains fails unless the element's text contains want.
func (s *session) contains(target, want string) {
	s.t.Helper()
	if got := s.text(target); !strings.Contains(got, want) {
		s.t.Fatalf("[%s] %s: text %q does not contain %q (at %s)", s.name, target, got, want, s.location())
	}
}

// exists tells, without waiting, whether an element is on the page now.
func (s *session) exists(target string) bool {
	s.t.Helper()
	return value(s, "look for "+target, chromedp.Evaluate[bool](`document.querySelector(`+jsString(string(sel(target)))+`) !== null`))
}

// count is how many elements match now (no waiting).
func (s *session) count(target string) int {
	s.t.Helper()
	return value(s, "count "+target, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(string(sel(target)))+`).length`))
}

// texts is the visible text of every element that matches now.
func (s *session) texts(target string) []string {
	s.t.Helper()
	return value(s, "read texts of "+target, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll(`+jsString(string(sel(target)))+`), function(el){return el.innerText;})`))
}

// attr reads an attribute of the first matching element ("" when absent).
func (s *session) attr(target, name string) string {
	s.t.Helper()
	return value(s, "read "+name+" of "+target, chromedp.Evaluate[string](
		`(function(){var el=document.querySelector(`+jsString(string(sel(target)))+`);`+
			`return el ? (el.getAttribute(`+jsString(name)+`) || "") : "";})()`))
}

// pageText is the whole page's visible text.
func (s *session) pageText() string {
	s.t.Helper()
	return value(s, "read the page", chromedp.Evaluate[string](`document.body.innerText`))
}

// atPath fails unless the current path (without query) is want.
func (s *session) atPath(want string) {
	s.t.Helper()
	got := s.path()
	if i := strings.IndexAny(got, "?#"); i >= 0 {
		got = got[:i]
	}
	if got != want {
		s.t.Fatalf("[%s] at %s, want %s", s.name, got, want)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// setValueJS sets a field's value property and fires input and change, as
// an edit would. (chromedp's SetValue cannot set "": the empty argument is
// dropped on the wire and the field gets "undefined".)
func setValueJS(css chromedp.CSS, v string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		js := `(function(){var el=document.querySelector(` + jsString(string(css)) + `);` +
			`if(!el){return "missing";}` +
			`if(el.tagName==="SELECT"&&!Array.from(el.options).some(function(o){return o.value===` + jsString(v) + `;})){return "nooption";}` +
			`el.value=` + jsString(v) + `;` +
			`el.dispatchEvent(new Event("input",{bubbles:true}));` +
			`el.dispatchEvent(new Event("change",{bubbles:true}));return "ok";})()`
		res, err := chromedp.Evaluate[string](js)(ctx, t)
		if err != nil {
			return chromedp.Void{}, err
		}
		switch res {
		case "ok":
		case "nooption":
			return chromedp.Void{}, fmt.Errorf("the select %s has no option %q", css, v)
		default:
			return chromedp.Void{}, fmt.Errorf("no element matches %s", css)
		}
		return chromedp.Void{}, nil
	}
}

// resize sets the tab's viewport to w×h CSS pixels, as a window of that
// size would (a phone held upright is 390×844). It holds until changed.
func (s *session) resize(w, h int64) {
	s.t.Helper()
	s.must(fmt.Sprintf("resize to %d×%d", w, h), chromedp.EmulateViewport(w, h))
}

// pageWidth is how wide the document is (scrollWidth): more than the
// viewport means the page scrolls sideways.
func (s *session) pageWidth() int {
	s.t.Helper()
	return value(s, "measure the page", chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
}

// overflowing names the elements (tag#id.class, up to five) whose right edge
// passes the viewport, outside any box that scrolls on its own: what makes a
// page wider than the screen, for failure messages.
func (s *session) overflowing() []string {
	s.t.Helper()
	return value(s, "find what overflows", chromedp.Evaluate[[]string](`(function(){
		var vw = document.documentElement.clientWidth, out = [];
		function scrolls(el){
			for (var p = el.parentElement; p && p !== document.body; p = p.parentElement) {
				var o = getComputedStyle(p).overflowX;
				if (o === "auto" || o === "scroll" || o === "hidden") return true;
			}
			return false;
		}
		// First what sticks out of the page's flow; if nothing does, what
		// escapes a scrolling box (an absolutely placed child, say).
		[true, false].forEach(function(flowOnly){
		if (out.length > 0) return;
		document.querySelectorAll("body *").forEach(function(el){
			if (out.length >= 5) return;
			var r = el.getBoundingClientRect();
			if (r.width > 0 && r.right > vw + 1 && !(flowOnly && scrolls(el))) {
				var n = el.tagName.toLowerCase();
				if (el.id) n += "#" + el.id;
				if (typeof el.className === "string" && el.className) n += "." + el.className.trim().split(/\s+/).join(".");
				out.push(n + " (right edge " + Math.round(r.right) + ")");
			}
		});
		});
		return out;
	})()`))
}

// fitsWidth fails unless the page is no wider than its viewport.
func (s *session) fitsWidth(viewport int) {
	s.t.Helper()
	if w := s.pageWidth(); w > viewport {
		s.t.Errorf("[%s] %s is %d px wide in a %d px window; too wide: %q", s.name, s.path(), w, viewport, s.overflowing())
	}
}

// setLanguage picks a language in the top bar (it saves the user's choice
// and reloads the page) and waits for the page in that language.
func (s *session) setLanguage(locale string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, setValueJS(sel("#locale-pick"), locale)); err != nil {
		s.t.Fatalf("[%s] choose language %s: %v (at %s)", s.name, locale, err, s.location())
	}
	s.must("wait for the page in "+locale, chromedp.WaitReady(`html[lang=`+jsString(locale)+`] main`))
}

// shown tells, without waiting, whether an element is on the page and drawn
// (not display:none, not in a hidden ancestor).
func (s *session) shown(target string) bool {
	s.t.Helper()
	return value(s, "is "+target+" shown", chromedp.Evaluate[bool](
		`(function(){var el=document.querySelector(`+jsString(string(sel(target)))+`);`+
			`return el !== null && el.checkVisibility();})()`))
}
