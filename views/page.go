// Package views holds the templ components. Page is what every page needs
// from the request: who is signed in, their translator, the CSRF token and
// the flash message. Subpackages render one area each.
package views

import (
	"partnerconsole/i18n"
	"partnerconsole/models"
)

// Page is the request context a view renders with.
type Page struct {
	Title   string
	Actor   *models.Actor // nil when signed out
	T       *i18n.Translator
	CSRF    string
	Flash   Flash
	Path    string
	Unread  int // unread notices, for the bell
	OrgName string
}

// Flash is a one-time message shown after a redirect.
type Flash struct {
	Kind string // "success", "error", "info"
	Text string
}

// Tr translates with the page's translator.
func (p Page) Tr(msg string, args ...any) string { return p.T.T(msg, args...) }

// Can tells whether the signed-in user holds a permission (for navigation
// and buttons; the store enforces it again).
func (p Page) Can(perm models.Permission) bool { return p.Actor != nil && p.Actor.Can(perm) }

// Portal is the signed-in user's portal prefix.
func (p Page) Portal() string {
	if p.Actor == nil {
		return ""
	}
	return p.Actor.Role.Portal()
}
