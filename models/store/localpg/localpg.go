// Package localpg starts a private PostgreSQL server from the binaries
// installed on the machine (initdb, postgres). `serve` uses it when
// DATABASE_URL is unset, and every test package uses it, so nobody needs a
// database running beforehand.
//
// embedded-postgres was tried: it downloads binaries at run time and refuses
// to run as root, so this small helper of our own is justified.
package localpg

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Options say where and how to run the server.
type Options struct {
	// Dir holds the data folder ("data") and the socket folder ("run").
	Dir string
	// Ephemeral turns off fsync: fine for tests, never for `serve`.
	Ephemeral bool
	// Log receives the server's output; nil discards it.
	Log *os.File
}

// Server is a running private PostgreSQL.
type Server struct {
	cmd     *exec.Cmd
	port    int
	sock    string
	dataDir string
	done    chan struct{}
}

// FindBinDir looks for the PostgreSQL binaries: $PG_BINDIR, then the Debian
// layout (/usr/lib/postgresql/<ver>/bin, newest first), then PATH.
func FindBinDir() (string, error) {
	if d := os.Getenv("PG_BINDIR"); d != "" {
		return d, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(matches, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(matches[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(matches[j])))
		return vi > vj
	})
	for _, m := range matches {
		if _, err := os.Stat(filepath.Join(m, "postgres")); err == nil {
			return m, nil
		}
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("no PostgreSQL binaries found: install them (apt-get install postgresql) or set DATABASE_URL to an existing database")
}

// credential returns the uid/gid to run PostgreSQL as: postgres refuses to run
// as root, so as root we switch to the "postgres" user.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs a 'postgres' system user to own the database: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func chownTree(dir string, cred *syscall.Credential) error {
	if cred == nil {
		return nil
	}
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(cred.Uid), int(cred.Gid))
	})
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start initialises the data folder if needed and starts the server. The
// server dies with this process (Pdeathsig) even if Stop is never called.
func Start(ctx context.Context, opt Options) (*Server, error) {
	bin, err := FindBinDir()
	if err != nil {
		return nil, err
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opt.Dir)
	if err != nil {
		return nil, err
	}
	dataDir := filepath.Join(dir, "data")
	sockDir := filepath.Join(dir, "run")
	if err := os.MkdirAll(sockDir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", sockDir, err)
	}
	// Parent folders must be traversable by the postgres user.
	if cred != nil {
		for p := dir; p != "/" && p != "."; p = filepath.Dir(p) {
			if st, err := os.Stat(p); err == nil && st.Mode().Perm()&0o001 == 0 {
				_ = os.Chmod(p, st.Mode().Perm()|0o011)
			}
		}
	}
	if err := chownTree(dir, cred); err != nil {
		return nil, fmt.Errorf("give %s to postgres: %w", dir, err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); err != nil {
		args := []string{"-D", dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"}
		if opt.Ephemeral {
			args = append(args, "--no-sync")
		}
		cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("initdb: %w: %s", err, out)
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args := []string{"-D", dataDir, "-p", strconv.Itoa(port), "-k", sockDir, "-c", "listen_addresses=127.0.0.1",
		"-c", "max_connections=200", "-c", "shared_buffers=128MB"}
	if opt.Ephemeral {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if opt.Log != nil {
		cmd.Stdout, cmd.Stderr = opt.Log, opt.Log
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	s := &Server{cmd: cmd, port: port, sock: sockDir, dataDir: dataDir, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	if err := s.waitReady(ctx, 30*time.Second); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		c, err := pgx.Connect(ctx, s.URL("postgres"))
		if err == nil {
			c.Close(ctx)
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("postgres exited during start-up (see its log): %w", err)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres not ready after %s: %w", limit, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// URL returns a connection string for the named database.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// Port is the loopback TCP port the server listens on.
func (s *Server) Port() int { return s.port }

// EnsureDatabase creates the database if it does not exist.
func (s *Server) EnsureDatabase(ctx context.Context, name string) error {
	c, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	var exists bool
	if err := c.QueryRow(ctx, "SELECT EXISTS(SELECT 1 FROM pg_database WHERE datname=$1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = c.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return err
}

// Stop asks the server for a fast shutdown and waits for it.
func (s *Server) Stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}
