package web

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gorilla/securecookie"

	"partnerconsole/views"
)

// cookieValues is everything the session cookie ever holds: the session
// token, the pre-session id and pending flash messages.
type cookieValues struct {
	T       string        `json:"t,omitempty"`
	P       string        `json:"p,omitempty"`
	Flashes []views.Flash `json:"f,omitempty"`
}

// flashesKey is where gorilla/sessions keeps AddFlash's messages.
const flashesKey = "_flash"

// cookieSerializer writes the cookie's values as a small JSON object instead
// of gorilla's default gob: gob sends its type descriptions in every cookie,
// and decoding them on every request was ~4 % of a list page's CPU (issue 13).
// The cookie is still signed and encrypted by securecookie around it. A
// cookie written as gob before this change is still read, so nobody is
// signed out by a deploy.
type cookieSerializer struct{}

func (cookieSerializer) Serialize(src any) ([]byte, error) {
	m, ok := src.(map[any]any)
	if !ok {
		return nil, fmt.Errorf("session cookie: cannot serialise %T", src)
	}
	var v cookieValues
	for k, val := range m {
		switch k {
		case "t":
			v.T, ok = val.(string)
		case "p":
			v.P, ok = val.(string)
		case flashesKey:
			var list []any
			list, ok = val.([]any)
			for _, f := range list {
				fl, isFlash := f.(views.Flash)
				ok = ok && isFlash
				v.Flashes = append(v.Flashes, fl)
			}
		default:
			ok = false
		}
		if !ok {
			return nil, fmt.Errorf("session cookie: unexpected value %v of type %T", k, val)
		}
	}
	return json.Marshal(v)
}

func (cookieSerializer) Deserialize(src []byte, dst any) error {
	m, ok := dst.(*map[any]any)
	if !ok {
		return fmt.Errorf("session cookie: cannot deserialise into %T", dst)
	}
	if len(src) == 0 || src[0] != '{' {
		return securecookie.GobEncoder{}.Deserialize(src, dst) // written before the JSON form
	}
	var v cookieValues
	if err := json.Unmarshal(src, &v); err != nil {
		return errors.Join(errors.New("session cookie"), err)
	}
	if *m == nil {
		*m = map[any]any{}
	}
	if v.T != "" {
		(*m)["t"] = v.T
	}
	if v.P != "" {
		(*m)["p"] = v.P
	}
	if len(v.Flashes) > 0 {
		list := make([]any, len(v.Flashes))
		for i, f := range v.Flashes {
			list[i] = f
		}
		(*m)[flashesKey] = list
	}
	return nil
}
