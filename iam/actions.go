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
	starOnly map[string]bool // lower-case action name -> accepts only "*"
}

// actions parses actions.txt once; the result is never modified.
var actions = sync.OnceValue(func() actionTable {
	t, err := parseActions(actionsTxt)
	if err != nil {
		panic(fmt.Sprintf("iam: actions.txt: %v; regenerate it with go generate ./iam", err))
	}
	return t
})

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
		s.names = append(s.names, act)
		s.starOnly[strings.ToLower(act)] = star
	}
	for _, s := range t {
		sort.Slice(s.names, func(i, j int) bool { return strings.ToLower(s.names[i]) < strings.ToLower(s.names[j]) })
	}
	return t, nil
}

// StarOnly reports whether the action ("xray:PutTraceSegments", any case) accepts only
// Resource "*"; known is false when the table does not have the action.
func StarOnly(action string) (starOnly, known bool) {
	svc, act, ok := strings.Cut(strings.ToLower(action), ":")
	if !ok {
		return false, false
	}
	s := actions()[svc]
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
	s := actions()[svc]
	if s == nil {
		return nil, false
	}
	for _, name := range s.names {
		if globMatch(act, strings.ToLower(name)) {
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
