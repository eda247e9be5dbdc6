package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// console is the console started as a process (the test binary as main).
type console struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	seen chan string // "listening on" address
	done chan error
}

func startConsole(t *testing.T, dataDir string, args ...string) *console {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "CONSOLE_TEST_AS_MAIN=1", "CONSOLE_TEST_ARGS="+strings.Join(args, " "),
		"DATA_DIR="+dataDir, "ADDR=127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &console{cmd: cmd, seen: make(chan string, 1), done: make(chan error, 1)}
	cmd.Stderr = &lockedWriter{c: c}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	listening := regexp.MustCompile(`listening on http://(\S+)`)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			c.mu.Lock()
			c.out.WriteString(line + "\n")
			c.mu.Unlock()
			if m := listening.FindStringSubmatch(line); m != nil {
				c.seen <- m[1]
			}
		}
		c.done <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return c
}

type lockedWriter struct{ c *console }

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	return w.c.out.Write(p)
}

func (c *console) output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.String()
}

// address waits for "listening on" and checks the port really answers.
func (c *console) address(t *testing.T) string {
	t.Helper()
	select {
	case addr := <-c.seen:
		res, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			t.Fatalf("printed listening on %s, but: %v", addr, err)
		}
		res.Body.Close()
		return addr
	case err := <-c.done:
		t.Fatalf("console exited before listening: %v\n%s", err, c.output())
	case <-time.After(2 * time.Minute):
		t.Fatalf("console not listening:\n%s", c.output())
	}
	return ""
}

// stop sends sig and wants a clean exit 0.
func (c *console) stop(t *testing.T, sig syscall.Signal) {
	t.Helper()
	_ = c.cmd.Process.Signal(sig)
	select {
	case err := <-c.done:
		if err != nil {
			t.Fatalf("after %v: %v\n%s", sig, err, c.output())
		}
	case <-time.After(time.Minute):
		t.Fatalf("console did not stop on %v", sig)
	}
	if !strings.Contains(c.output(), "shutting down") {
		t.Fatalf("no clean shutdown on %v:\n%s", sig, c.output())
	}
}

// TestConsoleStartsAndStopsLikeAService: the first start seeds and prints
// the demo sign-ins with roles; a second console on the same data folder
// names the first one's PID; SIGTERM, SIGHUP and SIGINT each stop it
// cleanly with exit 0 (and its PostgreSQL with it); a later start prints
// the same sign-ins; after kill -9 the next start works.
func TestConsoleStartsAndStopsLikeAService(t *testing.T) {
	dir := dataDir(t)
	first := startConsole(t, dir, "serve")
	first.address(t)
	out := first.output()
	for _, want := range []string{"operator_admin", "operator@desk.example", "super_admin", "super@northwind.example", "customer_admin"} {
		if !strings.Contains(out, want) {
			t.Fatalf("first start does not print %q:\n%s", want, out)
		}
	}
	// A second console on the same folder, in this process and as a process.
	err := run(context.Background(), []string{"serve"}, env(map[string]string{"DATA_DIR": dir, "ADDR": "127.0.0.1:0"}), io.Discard)
	want := fmt.Sprintf("another console (PID %d) is using this data folder", first.cmd.Process.Pid)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("second console: %v, want %q", err, want)
	}
	second := startConsole(t, dir, "serve")
	if err := <-second.done; err == nil || !strings.Contains(second.output(), want) {
		t.Fatalf("second console process: %v\n%s", err, second.output())
	}
	first.stop(t, syscall.SIGTERM)
	if _, err := os.Stat(filepath.Join(dir, "postgres", "data", "postmaster.pid")); err == nil {
		t.Fatal("PostgreSQL still running after the console stopped")
	}
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGINT} {
		c := startConsole(t, dir, "serve")
		c.address(t)
		if out := c.output(); !strings.Contains(out, "operator_admin") || !strings.Contains(out, "super@northwind.example") || !strings.Contains(out, "sales_agent") {
			t.Fatalf("a later start does not print the sign-ins with roles:\n%s", out)
		}
		c.stop(t, sig)
	}
	// Killed outright: its PostgreSQL dies with it, the lock with the
	// process, and the next start works at once.
	killed := startConsole(t, dir, "serve")
	killed.address(t)
	_ = killed.cmd.Process.Kill()
	<-killed.done
	again := startConsole(t, dir, "serve")
	again.address(t)
	again.stop(t, syscall.SIGTERM)
}

// TestTakenPortIsSaidPlainly: the port is bound before anything starts, and
// a taken one is named with what to do.
func TestTakenPortIsSaidPlainly(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var out bytes.Buffer
	err = run(context.Background(), []string{"serve"}, env(map[string]string{"DATA_DIR": dataDir(t), "ADDR": ln.Addr().String()}), &out)
	if err == nil || !strings.Contains(err.Error(), ln.Addr().String()+" is already in use") || strings.Contains(out.String(), "listening") {
		t.Fatalf("taken port: %v\n%s", err, out.String())
	}
}
