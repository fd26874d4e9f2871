package checks

import (
	"regexp"
	"strings"
)

// matchGlob matches an ARN or a name against a configuration pattern, where
// `*` matches any run of characters (slashes and colons included, since ARNs
// hold both) and `?` one character.
func matchGlob(pattern, s string) bool {
	if !strings.ContainsAny(pattern, "*?") {
		// Most patterns (a statement's actions) are written out: no
		// expression to build, for every action of every statement.
		return pattern == s
	}
	var b strings.Builder
	b.WriteString("^")
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	return err == nil && re.MatchString(s)
}

// matchAny reports whether a managed policy (ARN or bare name) or a role ARN
// matches one of the patterns; a pattern without a colon is compared with
// the name after the last slash too.
func matchAny(patterns []string, s string) bool {
	name := s[strings.LastIndex(s, "/")+1:]
	for _, p := range patterns {
		if matchGlob(p, s) || (!strings.Contains(p, ":") && matchGlob(p, name)) {
			return true
		}
	}
	return false
}
