// Package static holds the CSS, scripts and images served under /static.
// Third-party files are vendored from npm (see package.json).
package static

import "embed"

// FS holds every static file.
//
//go:embed css js img
var FS embed.FS
