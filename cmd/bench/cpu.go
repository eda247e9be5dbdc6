package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The machine may be shared (other builds and tests): cpuMeter tells how
// much of its CPU went to processes other than this run's (this process,
// its pgbench children, and the private PostgreSQL), so a figure taken on a
// busy machine can be recognised as such.
type cpuMeter struct {
	postmaster int // PID of this run's PostgreSQL
	busy0      time.Duration
	ours0      time.Duration
	t0         time.Time
}

const clockTick = 10 * time.Millisecond // USER_HZ is 100 on Linux

// machineBusy is the CPU time every core has spent not idle (/proc/stat).
func machineBusy() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return 0
	}
	var total, idle int64
	for i, s := range f[1:] {
		if i >= 8 { // guest time is already counted in user
			break
		}
		n, _ := strconv.ParseInt(s, 10, 64)
		total += n
		if i == 3 || i == 4 { // idle, iowait
			idle += n
		}
	}
	return time.Duration(total-idle) * clockTick
}

// procCPU reads a process's own and reaped children's CPU time, and its parent.
func procCPU(pid int) (cpu time.Duration, ppid int, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command name may hold spaces
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3 (state)
	if len(f) < 15 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	var t int64
	for _, k := range []int{11, 12, 13, 14} { // utime, stime, cutime, cstime
		n, _ := strconv.ParseInt(f[k], 10, 64)
		t += n
	}
	return time.Duration(t) * clockTick, ppid, true
}

// ours is the CPU used by this process, its waited-for children (pgbench)
// and the PostgreSQL tree.
func (m *cpuMeter) ours() time.Duration {
	var self, kids syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	t := time.Duration(self.Utime.Nano() + self.Stime.Nano() + kids.Utime.Nano() + kids.Stime.Nano())
	if m.postmaster == 0 {
		return t
	}
	if pm, _, ok := procCPU(m.postmaster); ok {
		t += pm
	}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil || pid == m.postmaster {
			continue
		}
		if c, ppid, ok := procCPU(pid); ok && ppid == m.postmaster {
			t += c
		}
	}
	return t
}

func (m *cpuMeter) start() {
	m.busy0, m.ours0, m.t0 = machineBusy(), m.ours(), time.Now()
}

// others is the share of the machine's CPU (0–100 %) used by other
// processes since start.
func (m *cpuMeter) others() float64 {
	capacity := time.Since(m.t0).Seconds() * float64(runtime.NumCPU())
	if capacity <= 0 {
		return 0
	}
	other := (machineBusy() - m.busy0) - (m.ours() - m.ours0)
	return max(0, 100*other.Seconds()/capacity)
}

// postmasterPID reads the PID of the PostgreSQL serving dataDir.
func postmasterPID(dataDir string) int {
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(line))
	return pid
}
