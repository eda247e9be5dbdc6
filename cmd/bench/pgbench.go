package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// pgbenchRun is one pgbench invocation against the bench database.
type pgbenchRun struct {
	Bin    string // path of the pgbench binary
	Host   string // the server's socket folder
	Port   int
	DB     string
	Dir    string // where the script and the per-transaction logs go
	Conc   int
	Jobs   int
	Secs   int
	Name   string
	Script string
	Defs   []string
}

var (
	tpsLine = regexp.MustCompile(`tps = ([0-9.]+)`)
	avgLine = regexp.MustCompile(`latency average = ([0-9.]+) ms`)
)

// run executes pgbench -n -M prepared -c -j -T -f with --log, and reads the
// per-transaction log for the percentiles.
func (p pgbenchRun) run(ctx context.Context) (result, string, error) {
	var r result
	dir := filepath.Join(p.Dir, p.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return r, "", err
	}
	script := filepath.Join(dir, "script.sql")
	if err := os.WriteFile(script, []byte(p.Script), 0o644); err != nil {
		return r, "", err
	}
	args := []string{"-h", p.Host, "-p", strconv.Itoa(p.Port), "-U", "postgres",
		"-n", "-M", "prepared", "-c", strconv.Itoa(p.Conc), "-j", strconv.Itoa(p.Jobs), "-T", strconv.Itoa(p.Secs),
		"-f", script, "--log", "--log-prefix", filepath.Join(dir, "tx")}
	for _, d := range p.Defs {
		args = append(args, "-D", d)
	}
	args = append(args, p.DB)
	cmd := exec.CommandContext(ctx, p.Bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PGCONNECT_TIMEOUT=10")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return r, string(out), fmt.Errorf("pgbench %s: %w\n%s", p.Name, err, out)
	}
	lats, err := readTxLogs(dir)
	if err != nil {
		return r, string(out), err
	}
	r = summarize(lats, float64(p.Secs))
	// pgbench's own figures are the reference; keep its tps and average.
	if m := tpsLine.FindStringSubmatch(string(out)); m != nil {
		r.RPS, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := avgLine.FindStringSubmatch(string(out)); m != nil {
		ms, _ := strconv.ParseFloat(m[1], 64)
		r.Avg = time.Duration(ms * float64(time.Millisecond))
	}
	return r, string(out), nil
}

// readTxLogs reads pgbench's per-transaction logs: the third field is the
// transaction's latency in microseconds.
func readTxLogs(dir string) ([]time.Duration, error) {
	files, err := filepath.Glob(filepath.Join(dir, "tx.*"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("pgbench wrote no transaction log in %s", dir)
	}
	var lats []time.Duration
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 3 {
				continue
			}
			us, err := strconv.ParseInt(fields[2], 10, 64)
			if err != nil {
				continue
			}
			lats = append(lats, time.Duration(us)*time.Microsecond)
		}
		fh.Close()
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	return lats, nil
}
