package models

import (
	"database/sql/driver"
	"fmt"
	"strings"
)

// TextArray maps a PostgreSQL text[] column. Scan reads the array's text
// form; Value writes it. Elements are quoted so commas and quotes survive.
type TextArray []string

// Scan implements sql.Scanner.
func (a *TextArray) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*a = nil
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("text array: cannot scan %T", src)
	}
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return fmt.Errorf("text array: bad literal %q", s)
	}
	body := s[1 : len(s)-1]
	out := TextArray{}
	if body == "" {
		*a = out
		return nil
	}
	var cur strings.Builder
	quoted, inQuotes, escaped := false, false, false
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case escaped:
			cur.WriteByte(c)
			escaped = false
		case c == '\\':
			escaped = true
		case c == '"':
			inQuotes = !inQuotes
			quoted = true
		case c == ',' && !inQuotes:
			out = append(out, elem(cur.String(), quoted))
			cur.Reset()
			quoted = false
		default:
			cur.WriteByte(c)
		}
	}
	out = append(out, elem(cur.String(), quoted))
	*a = out
	return nil
}

func elem(s string, quoted bool) string {
	if !quoted && s == "NULL" {
		return ""
	}
	return s
}

// Value implements driver.Valuer.
func (a TextArray) Value() (driver.Value, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, s := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String(), nil
}

// Has tells whether the array holds s.
func (a TextArray) Has(s string) bool {
	for _, x := range a {
		if x == s {
			return true
		}
	}
	return false
}
