// Command console runs the Partner Console: the web server (default), schema
// migrations, demo data and user creation.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // time zones work in a distroless image too
)

// main stops the console cleanly on Ctrl-C (SIGINT), SIGTERM (a service
// manager, docker stop) and SIGHUP (the terminal closed), and exits 0.
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	giveBack := takeTerminal()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	giveBack()
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "console:", err)
		os.Exit(1)
	}
}
