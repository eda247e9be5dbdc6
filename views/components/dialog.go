package components

// DialogSpec is a modal dialog: a native <dialog>, opened by static/js/app.js
// (no inline script), closed by its own buttons or Escape.
type DialogSpec struct {
	ID     string // unique on the page
	Title  string // translated; names the dialog
	TestID string
}

// Confirm is a form that asks before a destructive action: its submit
// button opens a dialog, and only the dialog's confirming button posts it.
// Without JavaScript the form posts directly.
type Confirm struct {
	ID       string // unique on the page, e.g. "withdraw-12"
	Action   string // where the form posts
	Class    string // the form's class, e.g. "inline"
	Question string // translated: the dialog's title, e.g. "Withdraw this offer?"
	Detail   string // translated, optional: what happens
	OK       string // translated label of the confirming button, e.g. "Withdraw"
}
