// Package forms holds one typed struct per HTML form: its fields, named by
// `form:"…"` tags for echo's binder, and the messages to show on them.
//
// A handler binds a form, turns it into the domain's input with Input(),
// and hands that to one store method. The rules that judge the input live in
// models, next to the business they belong to (CustomerInput.Validate,
// UserInput.Validate, CaseInput.Validate, …): the store runs them after it
// checked who may act, so a forbidden role gets 403 and a foreign id 404
// before any 422. What comes back is put on the form (SetError) and the
// template re-renders it with the user's values and the field messages.
//
// Views import this package to render a form typed (f.Name,
// f.Errors["name"]); it imports only models, never the store, echo or views.
package forms

import (
	"strconv"

	"partnerconsole/models"
)

// Messages are a form's field messages (message ids, translated by the
// view), keyed by field name; "_form" is a message for the whole form. Every
// form embeds it, so a template reads f.Errors["name"].
type Messages struct {
	Errors models.FieldErrors
}

// SetErrors replaces the form's messages.
func (e *Messages) SetErrors(fe models.FieldErrors) { e.Errors = fe }

// Checkbox is a tick box: browsers send "on" (or the box's value) when it is
// ticked and nothing when it is not.
type Checkbox bool

// UnmarshalParam reads a posted tick box for echo's binder.
func (c *Checkbox) UnmarshalParam(s string) error {
	*c = s == "on" || s == "true" || s == "1"
	return nil
}

// ID is a record id picked in a form (a select or a hidden field). A value
// that is not a number binds as 0 (nothing chosen), which the rules refuse
// with a message on the field, rather than failing the whole request.
type ID int64

// UnmarshalParam reads a posted id for echo's binder.
func (id *ID) UnmarshalParam(s string) error {
	*id = ParseID(s)
	return nil
}

// ParseID reads an id from a query or form value; anything else is 0.
func ParseID(s string) ID {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0
	}
	return ID(n)
}

// String is the id as a form value: "" when none is chosen.
func (id ID) String() string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(int64(id), 10)
}

// Int64 is the id for the domain's inputs.
func (id ID) Int64() int64 { return int64(id) }
