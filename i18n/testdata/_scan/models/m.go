package models

type Error struct{ Code, Field, Message string }

var NotFound = &Error{Code: "not_found", Message: "Model message."}

var ActionLabels = map[string]string{"x": "Table label"}

var Specs = []Spec{{Label: "Spec label", Fields: []Field{{Name: "n", Label: "Field label"}}}}

func (in X) Validate() error {
	f := FieldErrors{}
	f.Add("name", "Field message.")
	if msg := check(); msg != "" {
		f.Add("x", msg)
	}
	return Errorf("conflict", "Errorf message.")
}

func check() string { return "Returned message." }

func (s State) Label() string {
	if s == "a" {
		return "State label"
	}
	return "Other state"
}

func (s State) String() string { return "Not a label" }

func bad(name string) error { return &Error{Message: "The file " + name + " is empty."} }

func bad2(n int) error { return Errorf("invalid", "At most %d.", n) }

// ActionLabel is a label table written as a switch (the console's shape).
func ActionLabel(a string) string {
	switch a {
	case "y":
		return "Switch label"
	}
	return ""
}

func errGone() *Error { return &Error{Code: "not_found", Message: "Constructor message."} }
