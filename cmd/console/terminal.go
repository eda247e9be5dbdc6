package main

import (
	"os"
	"os/signal"
	"syscall"
	"unsafe"
)

// takeTerminal lets Ctrl-C reach the console alone when a parent that does
// no job control started it on a terminal (`make run`, `go run`): the
// console moves to its own process group and takes the terminal's
// foreground. Ctrl-C then stops the console cleanly, it exits 0, and so does
// make, which would otherwise be interrupted too and fail. Started by a
// shell (already a group leader), in the background or without a terminal,
// nothing changes. The returned function gives the terminal back.
func takeTerminal() (giveBack func()) {
	noop := func() {}
	if syscall.Getpgrp() == os.Getpid() {
		return noop
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return noop
	}
	fd := tty.Fd()
	var fg int32
	if ioctl(fd, syscall.TIOCGPGRP, &fg) != nil || int(fg) != syscall.Getpgrp() {
		tty.Close()
		return noop
	}
	if syscall.Setpgid(0, 0) != nil {
		tty.Close()
		return noop
	}
	// A background group may only take the terminal with SIGTTOU ignored.
	signal.Ignore(syscall.SIGTTOU)
	me := int32(os.Getpid())
	if ioctl(fd, syscall.TIOCSPGRP, &me) != nil {
		_ = syscall.Setpgid(0, int(fg))
		signal.Reset(syscall.SIGTTOU)
		tty.Close()
		return noop
	}
	return func() {
		_ = ioctl(fd, syscall.TIOCSPGRP, &fg)
		signal.Reset(syscall.SIGTTOU)
		tty.Close()
	}
}

func ioctl(fd uintptr, req uint, pgrp *int32) error {
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, fd, uintptr(req), uintptr(unsafe.Pointer(pgrp))); errno != 0 {
		return errno
	}
	return nil
}
