package e2e

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, the accessibility checker, pinned in package.json
// and copied here by `make vendor`. It is a test file only: the console
// never serves it.
//
//go:embed testdata/axe.min.js
var axeSource string

// axeViolation is one rule a page breaks, as axe reports it.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"` // minor, moderate, serious, critical
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"` // CSS selectors of the first offending elements
}

func (v axeViolation) String() string {
	return fmt.Sprintf("%s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "))
}

// severe tells whether a violation fails the build (serious or critical).
func (v axeViolation) severe() bool { return v.Impact == "serious" || v.Impact == "critical" }

// axeRun is the script that runs axe on the page and returns its
// violations, each with up to three offending elements.
const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
	return JSON.stringify(r.violations.map(function (v) {
		return {id: v.id, impact: v.impact || "", help: v.help,
			nodes: v.nodes.slice(0, 3).map(function (n) { return n.target.join(" "); })};
	}));
})`

// axe checks the page as it is now with axe-core's WCAG rules. The page's
// CSP forbids injected scripts, so axe is evaluated through the DevTools
// protocol (Runtime.evaluate), as a person would paste it into the console.
func (s *session) axe() []axeViolation {
	s.t.Helper()
	s.must("load axe-core", chromedp.Evaluate[chromedp.Void](axeSource))
	raw := value(s, "run axe-core", chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		s.t.Fatalf("[%s] read axe's report: %v", s.name, err)
	}
	return vs
}

// accessible runs axe on the page: serious and critical violations fail the
// test, minor and moderate ones are logged. It returns how many were logged.
func (s *session) accessible() int {
	s.t.Helper()
	logged := 0
	for _, v := range s.axe() {
		if v.severe() {
			s.t.Errorf("[%s] %s: %s", s.name, s.path(), v)
			continue
		}
		logged++
		s.t.Logf("[%s] %s: %s", s.name, s.path(), v)
	}
	return logged
}

// The accessibility check is not vacuous: axe runs under the page's CSP and
// reports a button without a name and an image without text as severe.
func TestHarnessAxeFindsViolations(t *testing.T) {
	e := start(t)
	s := e.session("guest")
	s.open("/sign-in")
	s.must("break the page", chromedp.Evaluate[chromedp.Void](
		`document.querySelector("main").insertAdjacentHTML("beforeend", '<button type="button"></button><img src="/static/img/logo.svg">')`))
	found := map[string]bool{}
	for _, v := range s.axe() {
		if v.severe() {
			found[v.ID] = true
		}
	}
	for _, id := range []string{"button-name", "image-alt"} {
		if !found[id] {
			t.Errorf("axe did not report %s as serious or critical; found %v", id, found)
		}
	}
}
