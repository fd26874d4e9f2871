package iam

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// The star-only table: every action AWS documents, and which of them accept only Resource
// "*". Knowing every action, not only the star-only ones, is what lets a wildcard such as
// ec2:Describe* be judged: it is harmless on "*" when everything it can match is star-only.
//
//go:generate sh -c "python3 gen_actions.py > actions.txt"
//go:embed actions.txt
var actionsTxt string

// actionTable maps a lower-case service prefix to its actions.
type actionTable map[string]*serviceActions

type serviceActions struct {
	names    []string        // AWS spelling, sorted by lower case
	lower    []string        // names lower-cased, in the same order
	starOnly map[string]bool // lower-case action name -> accepts only "*"
}

// actionIndex finds each service's lines in actions.txt without reading
// them: a service's actions are parsed the first time a policy names it, so
// a run that meets three services does not pay for all of them at start-up.
type actionIndex map[string]*lazyService

type lazyService struct {
	text string // the service's lines
	once sync.Once
	s    *serviceActions
}

// actionsIndex indexes actions.txt once; it is never modified after.
var actionsIndex = sync.OnceValue(func() actionIndex { return indexActions(actionsTxt) })

// indexActions cuts the table into its services' lines. The generator writes
// each service's lines together; a service met again is appended to.
func indexActions(text string) actionIndex {
	x := actionIndex{}
	var cur *lazyService
	curSvc, start := "", 0
	flush := func(end int) {
		if cur != nil {
			cur.text += text[start:end]
		}
	}
	for off := 0; off < len(text); {
		end := strings.IndexByte(text[off:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += off
		}
		line := text[off:end]
		if line != "" && line[0] != '#' {
			svc, _, _ := strings.Cut(line, ":")
			if cur == nil || !strings.EqualFold(svc, curSvc) {
				flush(off)
				key := strings.ToLower(svc)
				if cur = x[key]; cur == nil {
					cur = &lazyService{}
					x[key] = cur
				}
				curSvc, start = svc, off
			}
		}
		off = end + 1
	}
	flush(len(text))
	return x
}

// service returns a service's actions, parsing them on first use; nil when
// the table does not know the service.
func service(svc string) *serviceActions {
	ls := actionsIndex()[svc]
	if ls == nil {
		return nil
	}
	ls.once.Do(func() {
		t, err := parseActions(ls.text)
		if err != nil {
			panic(fmt.Sprintf("iam: actions.txt: %v; regenerate it with go generate ./iam", err))
		}
		ls.s = t[svc]
	})
	return ls.s
}

// allActions parses the whole table (tests read it all).
func allActions() actionTable {
	t := actionTable{}
	for svc := range actionsIndex() {
		t[svc] = service(svc)
	}
	return t
}

func parseActions(text string) (actionTable, error) {
	t := actionTable{}
	for i, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, star := strings.CutSuffix(line, " *")
		svc, act, ok := strings.Cut(name, ":")
		if !ok || svc == "" || act == "" || strings.ContainsAny(name, " *?") {
			return nil, fmt.Errorf("line %d: %q is not service:Action", i+1, line)
		}
		s := t[strings.ToLower(svc)]
		if s == nil {
			s = &serviceActions{starOnly: map[string]bool{}}
			t[strings.ToLower(svc)] = s
		}
		lower := strings.ToLower(act)
		s.names = append(s.names, act)
		s.lower = append(s.lower, lower)
		s.starOnly[lower] = star
	}
	for _, s := range t {
		// Lower-cased once, not on every comparison.
		sort.Sort(byLower{s})
	}
	return t, nil
}

// byLower sorts a service's actions by their lower-case names.
type byLower struct{ s *serviceActions }

func (b byLower) Len() int           { return len(b.s.names) }
func (b byLower) Less(i, j int) bool { return b.s.lower[i] < b.s.lower[j] }
func (b byLower) Swap(i, j int) {
	b.s.names[i], b.s.names[j] = b.s.names[j], b.s.names[i]
	b.s.lower[i], b.s.lower[j] = b.s.lower[j], b.s.lower[i]
}

// StarOnly reports whether the action ("xray:PutTraceSegments", any case) accepts only
// Resource "*"; known is false when the table does not have the action.
func StarOnly(action string) (starOnly, known bool) {
	svc, act, ok := strings.Cut(strings.ToLower(action), ":")
	if !ok {
		return false, false
	}
	s := service(svc)
	if s == nil {
		return false, false
	}
	starOnly, known = s.starOnly[act]
	return starOnly, known
}

// Expand lists the known actions ("service:Action", AWS spelling) that an action pattern
// with * and ? wildcards matches; known is false when the table does not know the
// pattern's service, so the list cannot be complete.
func Expand(pattern string) (matched []string, known bool) {
	svc, act, ok := strings.Cut(strings.ToLower(pattern), ":")
	if !ok {
		return nil, false
	}
	s := service(svc)
	if s == nil {
		return nil, false
	}
	for i, name := range s.names {
		if globMatch(act, s.lower[i]) {
			matched = append(matched, svc+":"+name)
		}
	}
	return matched, true
}

// globMatch matches IAM's wildcards: * any run of characters, ? any one character.
// Both arguments are lower case, since IAM compares actions case-insensitively.
func globMatch(pattern, s string) bool {
	// Iterative matching with backtracking to the last star: linear in practice.
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// hasWildcard reports whether an action or resource uses IAM wildcards.
func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// onlyWildcards reports whether s is non-empty and made of nothing but wildcards.
func onlyWildcards(s string) bool {
	return s != "" && strings.Trim(s, "*?") == ""
}
