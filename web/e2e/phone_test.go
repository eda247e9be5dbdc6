package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"partnerconsole/models"
)

// A phone held upright: 390 CSS pixels wide.
const phoneWidth, phoneHeight = 390, 844

// On a phone the app shell fits the screen: the navigation folds behind the
// Menu button, which opens and closes it; Sign out stays in the top bar,
// drawn light on the dark bar; nothing makes the page scroll sideways
// (issue 7 §6).
func TestAppShellOnAPhone(t *testing.T) {
	e := start(t)
	s := e.signedIn("A:super_admin")
	s.resize(phoneWidth, phoneHeight)
	s.open("/console")
	s.shot("shell-closed")

	// Folded: the Menu button shows, the navigation and account row do not.
	if !s.shown("menu-toggle") {
		t.Fatal("no Menu button on a phone")
	}
	if s.shown("nav-customers") || s.shown("#locale-pick") {
		t.Error("the navigation or the language picker is open before the Menu button is pressed")
	}
	if got := s.attr("menu-toggle", "aria-expanded"); got != "false" {
		t.Errorf("Menu button: aria-expanded=%q while folded", got)
	}
	s.fitsWidth(phoneWidth)
	s.readable("sign-out", phoneWidth)

	// Open: the navigation and the language picker show, the page still fits.
	s.click("menu-toggle")
	s.waitVisible("nav-customers")
	if got := s.attr("menu-toggle", "aria-expanded"); got != "true" {
		t.Errorf("Menu button: aria-expanded=%q while open", got)
	}
	if !s.shown("#locale-pick") {
		t.Error("the open menu has no language picker")
	}
	s.shot("shell-open")
	s.fitsWidth(phoneWidth)
	s.readable("sign-out", phoneWidth)
	s.readable("nav-customers", phoneWidth)

	// Escape folds it again; the Menu button opens it once more.
	s.must("press Escape", chromedp.KeyEvent(kb.Escape))
	if s.shown("nav-customers") {
		t.Error("Escape leaves the menu open")
	}
	s.click("menu-toggle")
	s.waitVisible("nav-customers")

	// A link of the menu leads to its page, where the menu is folded again.
	s.submit("nav-customers")
	s.atPath("/console/customers")
	if s.shown("nav-customers") {
		t.Error("the menu is still open on the next page")
	}
	s.fitsWidth(phoneWidth)

	// Sign out is pressed as on any screen.
	s.signOut()
	s.atPath("/sign-in")
	s.fitsWidth(phoneWidth)
}

// On a phone the customers list fits the screen in English and in French:
// the filters wrap, and the table, wider than the screen, scrolls sideways
// inside its own box while the page does not (issue 7 §6).
func TestCustomerListOnAPhone(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	for i, name := range []string{
		"Établissements Hospitaliers Intercommunaux de la Vallée du Grésivaudan",
		"Fédération Départementale des Coopératives Agricoles et Viticoles",
	} {
		_, err := e.Store.CreateCustomer(ctx, e.Actor("A:super_admin"), models.CustomerInput{
			Name: name, Domain: fmt.Sprintf("etablissements-hospitaliers-intercommunaux-%d.example", i), Country: "FR",
			ContactName: "Marie-Hélène Dupont-Lefebvre", ContactEmail: fmt.Sprintf("marie-helene.dupont-lefebvre-%d@example.fr", i)})
		if err != nil {
			t.Fatalf("customer %q: %v", name, err)
		}
	}
	s := e.signedIn("A:super_admin")
	s.resize(phoneWidth, phoneHeight)
	for _, lang := range []string{"en", "fr"} {
		s.open("/console/customers")
		if lang != "en" {
			s.setLanguage(lang)
		}
		s.contains("customers", "Établissements Hospitaliers")
		s.shot("customers-" + lang)
		s.fitsWidth(phoneWidth)
		s.readable("sign-out", phoneWidth)
		// The table is wider than the phone, and scrolls in its own box.
		wrap := `.table-wrap:has([data-testid="customers"])`
		inner := value(s, "measure the table's box", chromedp.Evaluate[[]int](
			`(function(){var w=document.querySelector(`+jsString(wrap)+`);return [w.scrollWidth, w.clientWidth];})()`))
		if inner[0] <= inner[1] {
			t.Errorf("%s: the customers table (%d px) fits a phone; this test needs a wider one", lang, inner[0])
		}
		// Every field of the filter bar is within the screen.
		for _, edge := range value(s, "measure the filters", chromedp.Evaluate[[]int](
			`Array.from(document.querySelectorAll("form.filters input, form.filters select, form.filters button"), function(el){return Math.round(el.getBoundingClientRect().right);})`)) {
			if edge > phoneWidth {
				t.Errorf("%s: a filter ends at %d px, past the %d px screen", lang, edge, phoneWidth)
			}
		}
	}
}

// readable fails unless the element lies within the screen, is the element
// actually drawn at its centre, and its text contrasts with the background
// it is drawn on (WCAG AA, 4.5:1): a light button beyond the dark top bar's
// edge would be white on white.
func (s *session) readable(target string, viewport int) {
	s.t.Helper()
	res := value(s, "check that "+target+" is readable", chromedp.Evaluate[[]string](`(function(){
		var el = document.querySelector(`+jsString(string(sel(target)))+`);
		if (!el || !el.checkVisibility()) return ["not shown"];
		var r = el.getBoundingClientRect(), out = [];
		if (r.left < 0 || r.right > `+fmt.Sprint(viewport)+`) out.push("spans " + Math.round(r.left) + "–" + Math.round(r.right) + " px");
		var top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		if (top !== el && !el.contains(top)) out.push("covered by " + (top ? top.tagName : "nothing"));
		function rgb(c) { var m = c.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; }
		function lum(c) {
			var f = function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
			return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
		}
		// The background drawn behind the element's box: the first opaque
		// one among it and its ancestors whose box also covers that spot.
		var bg = {r: 255, g: 255, b: 255, a: 1};
		for (var p = el; p; p = p.parentElement) {
			var c = rgb(getComputedStyle(p).backgroundColor), pr = p.getBoundingClientRect();
			if (c.a > 0.5 && pr.left <= r.left && pr.right >= r.right && pr.top <= r.top && pr.bottom >= r.bottom) { bg = c; break; }
		}
		var fg = rgb(getComputedStyle(el).color), a = lum(fg), b = lum(bg);
		var ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
		if (ratio < 4.5) out.push("contrast " + ratio.toFixed(2) + ":1 (" + getComputedStyle(el).color + " on " + JSON.stringify(bg) + ")");
		return out;
	})()`))
	if len(res) > 0 {
		s.t.Errorf("[%s] %s on %s is not readable: %s", s.name, target, s.path(), strings.Join(res, "; "))
	}
}
