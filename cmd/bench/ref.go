package main

import (
	"context"
	"crypto/subtle"
	"html/template"
	"net/http"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The reference server: what a page costs when written by hand with
// net/http, a pgx pool and html/template. For each measured page it runs
// the very statements the app ran for it (recorded by the GORM callback:
// the session join, the page, the count when there is one), with the same
// bind values, over the same kind of pool (prepared statements, cached per
// connection), scans every row and renders its first refColumns cells in a plain table. Writes
// (the once-a-minute last-seen touch) are not replayed.

// refQuerier is the part of a pgx pool the reference uses.
type refQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// refColumns is how many cells of each row the reference renders: a list
// shows about six (the customers list: name, domain, country, channel,
// console, added), not every column of "customers.*".
const refColumns = 6

type refServer struct {
	db     refQuerier
	cookie string // the one session cookie value accepted
	tmpl   *template.Template
	mu     sync.RWMutex
	pages  map[string][]statement // by page name
}

const refTemplate = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body><header><nav><a href="/">Home</a> <a href="/customers">Customers</a></nav></header><main><h1>{{.Title}}</h1>
{{range .Tables}}<table><tbody>{{range .}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</tbody></table>{{end}}
</main></body></html>`

func newRefServer(db refQuerier, cookie string) *refServer {
	return &refServer{db: db, cookie: cookie, tmpl: template.Must(template.New("page").Parse(refTemplate)), pages: map[string][]statement{}}
}

// set gives a page its statements.
func (s *refServer) set(name string, stmts []statement) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[name] = stmts
}

// ServeHTTP serves /ref/<page>: cookie check, the statements, the table.
func (s *refServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ck, err := r.Cookie("ref")
	if err != nil || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(s.cookie)) != 1 {
		http.Error(w, "sign in", http.StatusUnauthorized)
		return
	}
	name := r.URL.Path[len("/ref/"):]
	s.mu.RLock()
	stmts, ok := s.pages[name]
	s.mu.RUnlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	data := struct {
		Title  string
		Tables [][][]string
	}{Title: name}
	for _, st := range stmts {
		// Text results: the cells arrive as PostgreSQL formats them, no
		// decoding in Go (what a hand-written page of strings would do).
		args := make([]any, 0, len(st.Vars)+1)
		args = append(args, pgx.QueryResultFormats{pgx.TextFormatCode})
		for _, v := range st.Vars {
			args = append(args, plain(v))
		}
		rows, err := s.db.Query(r.Context(), st.SQL, args...)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		var table [][]string
		for rows.Next() {
			vals := rows.RawValues()
			row := make([]string, min(len(vals), refColumns))
			for i := range row {
				row[i] = string(vals[i])
			}
			table = append(table, row)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		data.Tables = append(data.Tables, table)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.tmpl.Execute(w, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// openRefPool opens the reference's pool, sized as the app's.
func openRefPool(ctx context.Context, url string, conns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = conns
	return pgxpool.NewWithConfig(ctx, cfg)
}
