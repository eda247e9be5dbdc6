package main

import "runtime/debug"

// serveGCPercent and serveMemoryLimit are the collector's settings for
// `console serve` when the operator set neither GOGC nor GOMEMLIMIT: the
// bench measured +15 % on the customers list's first page at GOGC=200 (CPU
// per request 0.69 → 0.57 ms) with RSS after the run 55 → 65 MB; the soft
// limit makes the collector work harder before the heap passes 256 MiB
// (docs/BENCH.md, "GOGC").
const (
	serveGCPercent   = 200
	serveMemoryLimit = 256 << 20
)

// serveGC says which collector settings serve applies: each one only when
// its environment variable is unset (-1: leave it as the runtime read it).
func serveGC(getenv func(string) string) (percent int, limit int64) {
	percent, limit = -1, -1
	if getenv("GOGC") == "" {
		percent = serveGCPercent
	}
	if getenv("GOMEMLIMIT") == "" {
		limit = serveMemoryLimit
	}
	return percent, limit
}

// applyServeGC applies serveGC's settings to this process.
func applyServeGC(getenv func(string) string) {
	percent, limit := serveGC(getenv)
	if percent >= 0 {
		debug.SetGCPercent(percent)
	}
	if limit >= 0 {
		debug.SetMemoryLimit(limit)
	}
}
