package forms

import "partnerconsole/models"

// CaseForm is "Report a problem": the fields every case has, and the case
// type's own fields (Fields, by models.CaseField.Name, posted as
// CaseField.FormName(); the type decides which exist, so the handler reads
// them after binding).
type CaseForm struct {
	Type         string `form:"type"`
	Impact       string `form:"impact"`
	Title        string `form:"title"`
	Description  string `form:"description"`
	CustomerID   ID     `form:"customer_id"`
	ContactName  string `form:"contact_name"`
	ContactEmail string `form:"contact_email"`
	ContactPhone string `form:"contact_phone"`
	Fields       map[string]string
	Messages
}

// CaseType is the kind of problem picked.
func (f CaseForm) CaseType() models.CaseType { return models.CaseType(f.Type) }

// Field returns a type field's typed value.
func (f CaseForm) Field(fd models.CaseField) string { return f.Fields[fd.Name] }

// Input is the form as the domain's input (judged by CaseInput.Validate).
func (f CaseForm) Input() models.CaseInput {
	in := models.CaseInput{Type: f.CaseType(), Impact: models.Impact(f.Impact), Title: f.Title, Description: f.Description,
		CustomerID: f.CustomerID.Int64(), ContactName: f.ContactName, ContactEmail: f.ContactEmail, ContactPhone: f.ContactPhone,
		Fields: map[string]string{}}
	for _, fd := range in.Type.Spec().Fields {
		in.Fields[fd.Name] = f.Fields[fd.Name]
	}
	return in
}

// CommentForm adds a comment to a case (the desk may make it internal).
type CommentForm struct {
	Body     string   `form:"body"`
	Internal Checkbox `form:"internal"`
	Messages
}

// CaseStateForm moves a case (desk) with a note to the partner. The case's
// version travels in a hidden field rendered from the case itself, so a
// re-rendered form always carries the current one.
type CaseStateForm struct {
	State string `form:"state"`
	Note  string `form:"note"`
	Messages
}
