package views

import (
	"time"

	"partnerconsole/models"
)

// Msg translates a domain message (an eligibility fact, a note the code
// wrote into a timeline) in the reader's language: dates in their format,
// countries by name.
func (p Page) Msg(m models.Msg) string {
	args := make([]any, 0, len(m.Args))
	for i, a := range m.Args {
		if i%2 == 1 {
			switch v := a.(type) {
			case time.Time:
				a = p.T.Date(v)
			case models.CountryCode:
				a = p.T.CountryName(string(v)) + " (" + string(v) + ")"
			}
		}
		args = append(args, a)
	}
	return p.Tr(m.Text, args...)
}
