package i18n

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// untranslatedOK is visible text that stays as it is in every language.
var untranslatedOK = map[string]bool{
	"Partner Console": true, // the product's name
}

// TestTemplatesHaveNoRawText finds text written straight into templ markup
// (<h1>Customers</h1>, placeholder="Search") instead of through p.Tr: the
// coverage test cannot see it, and it would stay English in French and
// Japanese.
func TestTemplatesHaveNoRawText(t *testing.T) {
	s := scanRepo(t)
	found := map[string][]string{}
	n := 0
	for _, f := range s.files {
		for _, c := range f.comps {
			if c.name == "" {
				continue
			}
			for _, r := range rawText(c.body) {
				found[f.rel] = append(found[f.rel], fmt.Sprintf("%5d: %s", c.line+r.line, r.text))
				n++
			}
		}
	}
	if n > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "%d texts in templ markup do not go through the translator; write { p.Tr(\"…\") } (or attr={ p.Tr(\"…\") }) instead:\n", n)
		writeGrouped(&b, found)
		t.Error(b.String())
	}
}

func TestRawTextFinder(t *testing.T) {
	body := `
		<h1>{ p.Tr("Fine") }</h1>
		<p>Raw words</p>
		if x {
			<input
				type="search"
				placeholder="Type here"
				if y {
					aria-invalid="true"
				}
			/>
		} else {
			<span title={ p.Tr("ok") }>·</span>
		}
		@components.Empty(p, "Not raw", "Not raw either")
		<input placeholder="customer.created"/><input placeholder="customer"/>
		<meta content='{"a":1}'/>
		<p>Partner Console <small>{ x }</small></p><title>{ p.Title } · Partner Console</title>
		<a href="/x">Go { "on" }</a>
		<p>&lt; &amp; &gt; &#8212;</p>
		<td>@components.Text(p.Tr("In a cell"))</td><td>@x.Y(f("a)b"), 2) raw after</td>
	`
	var got []string
	for _, r := range rawText(body) {
		got = append(got, fmt.Sprintf("%d:%s", r.line, r.text))
	}
	want := []string{"2:Raw words", "6:placeholder=\"Type here\"", "18:Go", "20:raw after"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("rawText found %q, want %q", got, want)
	}
}

type rawHit struct {
	line int // 0-based line within the body
	text string
}

var (
	controlLine = regexp.MustCompile(`^(if|else|for|switch|case|default)\b|^\}|^@|^//|^\{\{`)
	textAttr    = regexp.MustCompile(`\b(placeholder|title|alt|aria-label|aria-description|aria-placeholder|data-confirm|data-copied)\s*=\s*("[^"]*"|'[^']*')`)
	technical   = regexp.MustCompile(`^[a-z0-9_.\-]+$`)
	entity      = regexp.MustCompile(`&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);`)
)

// rawText returns the visible text and the text attributes a templ body
// writes literally. Go expressions ({ … }), components (@…), control lines
// and tags are skipped.
func rawText(body string) []rawHit {
	var out []rawHit
	inTag := false
	var quote byte
	depth := 0
	var tag strings.Builder
	tagLine := 0
	for i, line := range strings.Split(body, "\n") {
		trimmed := strings.TrimSpace(line)
		if !inTag && controlLine.MatchString(trimmed) {
			continue
		}
		var text strings.Builder
		for j := 0; j < len(line); j++ {
			ch := line[j]
			if inTag {
				tag.WriteByte(ch)
				switch {
				case quote != 0:
					if ch == quote {
						quote = 0
					}
				case ch == '"' || ch == '\'':
					quote = ch
				case ch == '{':
					depth++
				case ch == '}':
					depth--
				case ch == '>' && depth <= 0:
					inTag, depth = false, 0
					tagText := tag.String()
					for _, m := range textAttr.FindAllStringSubmatchIndex(tagText, -1) {
						name, val := tagText[m[2]:m[3]], tagText[m[4]:m[5]]
						v := val[1 : len(val)-1]
						if isProse(entity.ReplaceAllString(v, "")) && !technical.MatchString(v) && !untranslatedOK[v] {
							out = append(out, rawHit{tagLine + strings.Count(tagText[:m[0]], "\n"), name + "=" + val})
						}
					}
				}
				continue
			}
			switch {
			case ch == '<' && j+1 < len(line) && (line[j+1] == '/' || line[j+1] == '!' || isASCIILetter(line[j+1])):
				inTag, quote, depth = true, 0, 0
				tag.Reset()
				tagLine = i
			case ch == '@' && j+1 < len(line) && isASCIILetter(line[j+1]):
				// An inline component call, <td>@components.Text(x)</td>.
				end := skipCall(line, j)
				if end < 0 {
					j = len(line)
				} else {
					j = end
				}
				text.WriteByte(' ')
			case ch == '{':
				end := skipExpr(line, j)
				if end < 0 {
					j = len(line)
				} else {
					j = end
				}
				text.WriteByte(' ')
			default:
				text.WriteByte(ch)
			}
		}
		if inTag {
			tag.WriteByte('\n')
		}
		words := strings.Join(strings.Fields(text.String()), " ")
		rest := entity.ReplaceAllString(words, "")
		for ok := range untranslatedOK {
			rest = strings.ReplaceAll(rest, ok, "")
		}
		if hasLetter(rest) {
			out = append(out, rawHit{i, words})
		}
	}
	return out
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// skipExpr returns the index of the "}" closing the "{" at open on one
// line, skipping Go strings; -1 when the line ends first.
func skipExpr(s string, open int) int { return skipBalanced(s, open, '{', '}') }

// skipCall returns the index of the ")" ending the component call "@a.B(…)"
// at at; -1 when the line ends first.
func skipCall(s string, at int) int {
	i := at + 1
	for i < len(s) && (isASCIILetter(s[i]) || s[i] == '.' || s[i] == '_' || s[i] >= '0' && s[i] <= '9') {
		i++
	}
	if i == len(s) || s[i] != '(' {
		return -1
	}
	return skipBalanced(s, i, '(', ')')
}

// skipBalanced returns the index of the close matching the open at open,
// skipping Go strings; -1 when the line ends first.
func skipBalanced(s string, open int, opening, closing byte) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case opening:
			depth++
		case closing:
			depth--
			if depth == 0 {
				return i
			}
		case '"', '\'', '`':
			q := s[i]
			for i++; i < len(s) && s[i] != q; i++ {
				if s[i] == '\\' && q != '`' {
					i++
				}
			}
		}
	}
	return -1
}
