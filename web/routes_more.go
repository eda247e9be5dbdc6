package web

import "partnerconsole/handlers"

// Later areas add their routes in their own files, each returning its part
// of the table; Routes appends them.
var areaRoutes []func(h *handlers.H) []Route
