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
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
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

// The two roles of a console database (least privilege): the owner runs
// the migrations and owns every table; the app serves requests with row
// rights only, and on audit_events only INSERT and SELECT.
const (
	OwnerRole = "console_owner"
	AppRole   = "console_app"
)

// socketPort names the socket file (.s.PGSQL.5432); the server listens on
// no TCP port at all, only on its Unix socket in a folder of mode 0700.
const socketPort = 5432

// Server is a running private PostgreSQL.
type Server struct {
	cmd     *exec.Cmd
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

// checkReachable tells, when PostgreSQL runs as another user, whether that
// user can reach dir: every folder above it must let it pass (x). Nothing is
// changed: folders above the data folder are the machine owner's business.
func checkReachable(dir string, cred *syscall.Credential) error {
	if cred == nil {
		return nil
	}
	groups := map[uint32]bool{cred.Gid: true}
	if u, err := user.LookupId(strconv.Itoa(int(cred.Uid))); err == nil {
		if ids, err := u.GroupIds(); err == nil {
			for _, g := range ids {
				if n, err := strconv.Atoi(g); err == nil {
					groups[uint32(n)] = true
				}
			}
		}
	}
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("check %s: %w", p, err)
		}
		sys, ok := st.Sys().(*syscall.Stat_t)
		if ok {
			perm := st.Mode().Perm()
			var pass bool
			switch {
			case sys.Uid == cred.Uid:
				pass = perm&0o100 != 0
			case groups[sys.Gid]:
				pass = perm&0o010 != 0
			default:
				pass = perm&0o001 != 0
			}
			if !pass {
				return fmt.Errorf("PostgreSQL runs as the 'postgres' user (postgres refuses to run as root), and that user cannot reach %s: "+
					"the folder %s (mode %04o) does not let it pass. Either choose a data folder it can reach "+
					"(e.g. DATA_DIR=/var/lib/partner-console), or allow it to pass through that folder: chmod o+x %s",
					dir, p, perm, p)
			}
		}
		if p == "/" || p == "." {
			return nil
		}
	}
}

// waitLeftover waits for a PostgreSQL left on this data folder by a console
// that was killed (it dies with its console, but not at once) to be gone:
// PostgreSQL refuses to start while its postmaster.pid names a live process.
func waitLeftover(dataDir string, limit time.Duration) error {
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return nil
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 {
		return nil
	}
	deadline := time.Now().Add(limit)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			return fmt.Errorf("a PostgreSQL (PID %d) left by an earlier console still runs on %s: stop it (kill %d) and start again", pid, dataDir, pid)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil
}

// socketDir is where the server puts its socket: <dir>/run, or a short
// folder under the temp folder when that path is too long for a Unix
// socket (107 bytes on Linux).
func socketDir(dir string, cred *syscall.Credential) (string, error) {
	sock := filepath.Join(dir, "run")
	if len(sock)+len("/.s.PGSQL.5432.lock") < 100 {
		if err := os.MkdirAll(sock, 0o700); err != nil {
			return "", fmt.Errorf("create %s: %w", sock, err)
		}
		return sock, nil
	}
	sock, err := os.MkdirTemp("", "console-pg-")
	if err != nil {
		return "", err
	}
	if cred != nil {
		if err := os.Lchown(sock, int(cred.Uid), int(cred.Gid)); err != nil {
			return "", err
		}
	}
	return sock, nil
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
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	if err := checkReachable(dir, cred); err != nil {
		return nil, err
	}
	sockDir, err := socketDir(dir, cred)
	if err != nil {
		return nil, err
	}
	if err := chownTree(dir, cred); err != nil {
		return nil, fmt.Errorf("give %s to postgres: %w", dir, err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); err != nil {
		args := []string{"-D", dataDir, "-U", "postgres", "--auth-local=trust", "--auth-host=reject", "--encoding=UTF8", "--locale=C.UTF-8"}
		if opt.Ephemeral {
			args = append(args, "--no-sync")
		}
		cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("initdb: %w: %s", err, out)
		}
	}
	if err := waitLeftover(dataDir, 15*time.Second); err != nil {
		return nil, err
	}
	// No TCP at all: only the Unix socket, in a folder only the server's
	// user (and root) can enter. Local connections need no password because
	// nobody else can reach the socket.
	args := []string{"-D", dataDir, "-p", strconv.Itoa(socketPort), "-k", sockDir, "-c", "listen_addresses=",
		"-c", "unix_socket_permissions=0700", "-c", "max_connections=200", "-c", "shared_buffers=128MB"}
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
	s := &Server{cmd: cmd, sock: sockDir, dataDir: dataDir, done: make(chan struct{})}
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

// URL returns a superuser connection string for the named database: for
// setting up roles and databases, never for serving.
func (s *Server) URL(db string) string { return s.URLAs("postgres", db) }

// URLAs returns a connection string for the named role and database, over
// the server's Unix socket.
func (s *Server) URLAs(role, db string) string {
	return fmt.Sprintf("postgres://%s@/%s?host=%s&port=%d&sslmode=disable", url.PathEscape(role), url.PathEscape(db),
		url.QueryEscape(s.sock), socketPort)
}

// SocketDir is the folder of the server's Unix socket (psql -h, pgbench -h).
func (s *Server) SocketDir() string { return s.sock }

// Port names the server's socket file (with SocketDir); there is no TCP port.
func (s *Server) Port() int { return socketPort }

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

// EnsureRoles creates the owner and app login roles if they do not exist:
// neither is a superuser, neither may create roles or databases.
func (s *Server) EnsureRoles(ctx context.Context) error {
	c, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	for _, r := range []string{OwnerRole, AppRole} {
		var exists bool
		if err := c.QueryRow(ctx, "SELECT EXISTS(SELECT 1 FROM pg_roles WHERE rolname=$1)", r).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			if _, err := c.Exec(ctx, "CREATE ROLE "+pgx.Identifier{r}.Sanitize()+" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"); err != nil && !strings.Contains(err.Error(), "already exists") {
				return fmt.Errorf("create role %s: %w", r, err)
			}
		}
	}
	return nil
}

// Provision makes a database ready for the two roles: the roles exist, the
// database and its public schema belong to the owner role, nobody else may
// create objects in it, and objects left by an older console (made by the
// superuser) are handed to the owner. The app role's grants are given after
// the migrations (store.GrantApp).
func (s *Server) Provision(ctx context.Context, name string) error {
	if err := s.EnsureRoles(ctx); err != nil {
		return err
	}
	if err := s.EnsureDatabase(ctx, name); err != nil {
		return err
	}
	c, err := pgx.Connect(ctx, s.URL(name))
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	owner := pgx.Identifier{OwnerRole}.Sanitize()
	stmts := []string{
		"ALTER DATABASE " + pgx.Identifier{name}.Sanitize() + " OWNER TO " + owner,
		"ALTER SCHEMA public OWNER TO " + owner,
		"REVOKE CREATE ON SCHEMA public FROM PUBLIC",
		// Tables, views and free-standing sequences (a serial's sequence follows its table).
		`DO $$ DECLARE r record; BEGIN
		FOR r IN SELECT c.oid::regclass AS n FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
			WHERE ns.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
			AND pg_get_userbyid(c.relowner) <> '` + OwnerRole + `'
			AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i', 'e'))
		LOOP EXECUTE format('ALTER TABLE %s OWNER TO ` + OwnerRole + `', r.n); END LOOP;
		FOR r IN SELECT p.oid::regprocedure AS n FROM pg_proc p JOIN pg_namespace ns ON ns.oid = p.pronamespace
			WHERE ns.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '` + OwnerRole + `'
			AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e')
		LOOP EXECUTE format('ALTER ROUTINE %s OWNER TO ` + OwnerRole + `', r.n); END LOOP;
		FOR r IN SELECT t.oid::regtype AS n FROM pg_type t JOIN pg_namespace ns ON ns.oid = t.typnamespace
			WHERE ns.nspname = 'public' AND t.typtype = 'e' AND pg_get_userbyid(t.typowner) <> '` + OwnerRole + `'
			AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.classid = 'pg_type'::regclass AND d.deptype = 'e')
		LOOP EXECUTE format('ALTER TYPE %s OWNER TO ` + OwnerRole + `', r.n); END LOOP;
		END $$`,
	}
	for _, q := range stmts {
		if _, err := c.Exec(ctx, q); err != nil {
			return fmt.Errorf("provision database %s: %w", name, err)
		}
	}
	return nil
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
