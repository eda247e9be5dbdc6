package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// The write path (issue 13, goal 6): a POST is loaded over HTTP like a
// page, and pgbench runs the statements that POST ran as one transaction.
// Replaying a write verbatim would collide with what the first one wrote,
// so the script is the captured one with three kinds of values made fresh
// per transaction, as the app makes them per request:
//
//   - a value holding the request's unique token (a new customer's domain,
//     name, e-mail, and the audit event's JSON that repeats them) has the
//     token replaced by a random number;
//   - a UUID (a new customer's tenant id) becomes gen_random_uuid();
//   - an id an INSERT … RETURNING produced is taken with \gset and used
//     wherever later statements used the captured id;
//   - the captured value of a rotating id (the offer accepted) becomes a
//     random id from the range the app's requests draw from.

// writeSubst is what writeScript makes fresh in each transaction.
type writeSubst struct {
	Token    string // the unique token of the captured request
	RotateID int64  // the captured value of the rotating id (0: none)
	RotateLo int64  // the range pgbench draws it from
	RotateHi int64
}

var uuidText = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// writeScript writes a captured request (reads and writes) as one pgbench
// transaction with fresh values (see writeSubst).
func writeScript(stmts []statement, sub writeSubst) (script string, defs []string, err error) {
	var b strings.Builder
	b.WriteString("\\set u random(1, 1000000000000)\n")
	if sub.RotateID != 0 {
		fmt.Fprintf(&b, "\\set rot random(%d, %d)\n", sub.RotateLo, sub.RotateHi)
	}
	b.WriteString("BEGIN;\n")
	returned := map[int64]string{} // captured id -> pgbench variable
	for i, st := range stmts {
		sqlText := strings.Join(strings.Fields(st.SQL), " ")
		var bad error
		sqlText = bindVar.ReplaceAllStringFunc(sqlText, func(m string) string {
			n, _ := strconv.Atoi(m[1:])
			if n < 1 || n > len(st.Vars) {
				bad = fmt.Errorf("statement %d: %s has no value", i+1, m)
				return m
			}
			v := plain(st.Vars[n-1])
			if x, ok := v.(int64); ok {
				if name, ok := returned[x]; ok && x != 0 {
					return ":" + name
				}
				if sub.RotateID != 0 && x == sub.RotateID {
					return ":rot"
				}
			}
			if bs, ok := v.([]byte); ok && bs == nil {
				return "NULL" // database/sql sends a nil []byte as NULL
			}
			if bs, ok := v.([]byte); ok && json.Valid(bs) {
				v = string(bs) // a jsonb value, sent as text
			}
			val, ok := text(v)
			if !ok {
				return "NULL"
			}
			if val == "" {
				return "''" // pgbench -D refuses an empty value
			}
			if uuidText.MatchString(val) {
				if _, err := uuid.Parse(val); err == nil {
					return "gen_random_uuid()"
				}
			}
			name := fmt.Sprintf("s%dp%d", i+1, n)
			if sub.Token != "" && strings.Contains(val, sub.Token) {
				cast := "text"
				if json.Valid([]byte(val)) && (strings.HasPrefix(val, "{") || strings.HasPrefix(val, "[")) {
					cast = "jsonb"
				}
				defs = append(defs, name+"="+val)
				return fmt.Sprintf("replace(:%s::text, '%s', :u::text)::%s", name, sub.Token, cast)
			}
			defs = append(defs, name+"="+val)
			return ":" + name
		})
		if bad != nil {
			return "", nil, bad
		}
		b.WriteString(sqlText)
		if st.Returned != 0 && !strings.Contains(sqlText, "),(") { // \gset takes one row
			name := fmt.Sprintf("r%d_", i+1)
			returned[st.Returned] = name + "id"
			b.WriteString(" \\gset " + name)
		} else {
			b.WriteString(";")
		}
		b.WriteString("\n")
	}
	b.WriteString("COMMIT;\n")
	sort.Strings(defs)
	return b.String(), dedupe(defs), nil
}
