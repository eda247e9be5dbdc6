package handlers

import "fmt"

func PageFor(c any, title string) Page { return Page{Title: Translator(c).T(title)} }

func (h *H) page(c any, title string) Page { return PageFor(c, title) }

func (h *H) redirect(c any, url, flash string) error {
	h.Sessions.Flash(c, Flash{Text: Translator(c).T(flash)})
	return nil
}

func (h *H) Show(c any) error {
	title := "Assigned title"
	if c == nil {
		title = "Reassigned title"
	}
	_ = h.page(c, title)
	heading, detail := describe(1)
	tr := Translator(c)
	_, _ = tr.T(heading), tr.T(detail)
	_ = tr.T("Built " + "at run time")
	_ = tr.T(fmt.Sprintf("Count %d", 3))
	add := func(ok bool, label string) { _ = tr.T(label) }
	add(true, "Closure label")
	f := formOf(c)
	f.Errors.Add("x", "Handler field message.")
	q := url.Values{}
	q.Add("lang", "Not a message")
	return h.redirect(c, "/path", "Flash text")
}

func describe(n int) (string, string) {
	if n == 0 {
		return "Heading text", "Detail text"
	}
	return "Other heading", "Other detail"
}
