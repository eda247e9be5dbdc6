package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// The load generator runs in a child process (this binary, re-executed with
// --load-child), so that the server's CPU is measured alone: the bench
// process serves (the app and the reference), the child only requests.

// loadSpec is what the parent asks the child to load.
type loadSpec struct {
	Base     string        `json:"base"`
	Path     string        `json:"path"`
	Cookie   string        `json:"cookie"`
	Conc     int           `json:"conc"`
	Warmup   time.Duration `json:"warmup"`
	Duration time.Duration `json:"duration"`
	// The write path: a POST of Form (each "{u}" replaced by a token unique
	// to the request) with the CSRF token; each "{id}" of Path takes the
	// next of IDs (each used once; a worker stops when they run out).
	Method string  `json:"method,omitempty"`
	Form   string  `json:"form,omitempty"`
	CSRF   string  `json:"csrf,omitempty"`
	IDs    []int64 `json:"ids,omitempty"`
}

// startLine is what the child prints when the measured window opens; the
// result follows as one JSON line when it closes.
const startLine = "measuring"

// loadChild is the child's side: warm up, say "measuring", load for the
// duration, print the result as JSON.
func loadChild(ctx context.Context, in io.Reader, out io.Writer) error {
	var spec loadSpec
	if err := json.NewDecoder(in).Decode(&spec); err != nil {
		return fmt.Errorf("load child: read spec: %w", err)
	}
	c := newClient(spec.Base, spec.Conc)
	c.cookie = spec.Cookie
	reqs := newRequester(spec)
	if spec.Warmup > 0 {
		c.hammer(ctx, reqs, spec.Conc, spec.Warmup)
	}
	fmt.Fprintln(out, startLine)
	r := c.hammer(ctx, reqs, spec.Conc, spec.Duration)
	return json.NewEncoder(out).Encode(r)
}

// serverUse is what the serving process spent during the measured window.
type serverUse struct {
	CPU    time.Duration
	Allocs uint64 // heap allocations
	Bytes  uint64 // heap bytes allocated
	GCs    uint32
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadFromChild runs the load generator in a child process and measures
// this process (the servers) between the child's "measuring" line and its
// result: CPU from getrusage(RUSAGE_SELF), which does not include the child.
func loadFromChild(ctx context.Context, spec loadSpec) (result, serverUse, error) {
	var r result
	var use serverUse
	exe, err := os.Executable()
	if err != nil {
		return r, use, err
	}
	spec2, _ := json.Marshal(spec)
	cmd := exec.CommandContext(ctx, exe, "--load-child")
	cmd.Stdin = strings.NewReader(string(spec2))
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return r, use, err
	}
	if err := cmd.Start(); err != nil {
		return r, use, err
	}
	defer func() { _ = cmd.Wait() }()
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	var ms0, ms1 runtime.MemStats
	var cpu0 time.Duration
	started := false
	for sc.Scan() {
		line := sc.Text()
		if line == startLine {
			runtime.ReadMemStats(&ms0)
			cpu0 = selfCPU()
			started = true
			continue
		}
		if !started {
			continue
		}
		use.CPU = selfCPU() - cpu0
		runtime.ReadMemStats(&ms1)
		use.Allocs = ms1.Mallocs - ms0.Mallocs
		use.Bytes = ms1.TotalAlloc - ms0.TotalAlloc
		use.GCs = ms1.NumGC - ms0.NumGC
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return r, use, fmt.Errorf("load child: %q: %w", line, err)
		}
		return r, use, nil
	}
	if err := cmd.Wait(); err != nil {
		return r, use, fmt.Errorf("load child: %w", err)
	}
	return r, use, fmt.Errorf("load child ended without a result")
}

// perReq divides a server's use by the requests served.
func (u serverUse) perReq(n int) (cpu time.Duration, allocs, bytes float64) {
	if n <= 0 {
		return 0, 0, 0
	}
	return u.CPU / time.Duration(n), float64(u.Allocs) / float64(n), float64(u.Bytes) / float64(n)
}
