package iam

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/lambdagate/lambdagate/source"
)

// Permissions analyses an identity policy attached to a Lambda execution role.
//
// Messages say what is wrong and how to fix it; they do not repeat Policy.Name, which a
// caller reporting a policy without positions (one read from AWS) should add.
func Permissions(p Policy) []Problem {
	return permissions(p)
}

// allows reports whether a statement grants: a literal "Allow", or an intrinsic Effect,
// which may well be Allow at deploy time.
func allows(st Statement) bool {
	return st.Effect.Intrinsic || st.Effect.Value == "Allow"
}

func permissions(p Policy) []Problem {
	return analyse(p, grantedEverywhere(p))
}

// analyse is permissions with the grants passed in, so a test can see the work they did.
func analyse(p Policy, granted *grants) []Problem {
	var out []Problem
	when := "" // the branch of the statement being read
	add := func(kind Kind, pos source.Pos, sev Severity, format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if when != "" {
			msg = when + ": " + msg
		}
		out = append(out, Problem{Pos: pos, Severity: sev, Message: msg, Kind: kind, Origin: p.Origin})
	}
	for _, st := range p.Statements {
		when = st.When
		if !allows(st) {
			continue
		}
		// A Condition may narrow a grant in ways lambdagate cannot evaluate (tags,
		// iam:PassedToService, source ARNs), so resource findings become warnings under one.
		resSev := Error
		if st.HasCondition {
			resSev = Warning
		}
		if st.HasNotAction {
			add(KindNotAction, or(st.NotActionPos, st.Pos), Error,
				"Allow with NotAction grants every action except the listed ones, including actions AWS adds later; list the actions the function needs under Action")
		}
		if st.HasNotResource {
			add(KindNotResource, or(st.NotResourcePos, st.Pos), Error,
				"Allow with NotResource grants the actions on every resource except the listed ones; list the resources the function uses under Resource")
		}
		var every []Str
		if !st.HasNotResource {
			for _, r := range st.Resource {
				if !r.Intrinsic && strings.TrimSpace(r.Value) == "" {
					add(KindOther, or(r.Pos, st.Pos), Error,
						"Resource is empty: IAM rejects the policy, so the role cannot be deployed as written; name the ARNs of the resources the function uses")
				}
				if everyResource(r) {
					every = append(every, r)
				}
			}
		}
		var scoped []string // actions on "*" that support resource-level permissions
		var unknown []string
		for _, a := range st.Action {
			if a.Intrinsic {
				continue // known only at deploy time
			}
			lower := strings.ToLower(a.Value)
			if onlyWildcards(lower) || lower == "*:*" {
				add(KindAction, or(a.Pos, st.Pos), Error,
					"Allow of %q grants every action of every service; list the actions the function needs", a.Value)
				continue
			}
			svc, name, ok := strings.Cut(lower, ":")
			if !ok || svc == "" || name == "" {
				add(KindAction, or(a.Pos, st.Pos), Warning,
					"Action %q is not of the form service:Action and IAM rejects it; write it as, e.g., s3:GetObject", a.Value)
				continue
			}
			if onlyWildcards(name) {
				msg := fmt.Sprintf("Allow of %q grants every action of %s", a.Value, svc)
				if esc := matchedEscalations(lower, granted); len(esc) > 0 {
					msg += fmt.Sprintf(", including the privilege escalation %s (%s)", esc[0].Action, esc[0].How)
				}
				add(KindAction, or(a.Pos, st.Pos), Error, "%s; list the actions the function needs", msg)
				continue
			}
			if hasWildcard(name) {
				if esc := matchedEscalations(lower, granted); len(esc) > 0 {
					add(KindEscalation, or(a.Pos, st.Pos), Error,
						"Allow of %q includes %s, a privilege escalation: whoever runs as the role can %s; list the actions the function needs instead of a wildcard",
						a.Value, actionList(escalationNames(esc)), esc[0].How)
					continue
				}
			}
			if len(every) == 0 {
				continue
			}
			if !hasWildcard(name) {
				if isRuntimeAction(lower) {
					continue
				}
				if e, ok := escalationFor(lower); ok && granted.needs(e) {
					for _, r := range every {
						add(KindEscalation, or(r.Pos, st.Pos), resSev,
							"Allow of %q on Resource %q is a privilege escalation: whoever runs as the role can %s; scope the Resource to the ARNs the function uses%s",
							a.Value, r.Value, e.How, passRoleHint(lower))
					}
					continue
				}
				star, known := StarOnly(lower)
				switch {
				case star:
				case known:
					scoped = append(scoped, a.Value)
				default:
					unknown = append(unknown, a.Value)
				}
				continue
			}
			matched, known := Expand(lower)
			if !known || len(matched) == 0 {
				unknown = append(unknown, a.Value)
				continue
			}
			var resourceLevel []string
			for _, m := range matched {
				if star, _ := StarOnly(m); !star && !isRuntimeAction(m) {
					resourceLevel = append(resourceLevel, m)
				}
			}
			if len(resourceLevel) > 0 {
				scoped = append(scoped, fmt.Sprintf("%s (e.g. %s)", a.Value, actionList(resourceLevel[:min(len(resourceLevel), 2)])))
			}
		}
		if len(scoped)+len(unknown) == 0 {
			continue
		}
		scoped, unknown = distinct(scoped), distinct(unknown) // an action listed twice is said once
		for _, r := range every {
			var msg strings.Builder
			fmt.Fprintf(&msg, "Resource %q grants ", r.Value)
			switch {
			case len(scoped) > 0:
				fmt.Fprintf(&msg, "%s on every resource, though %s resource-level permissions", actionList(scoped), pick(len(scoped) == 1, "it supports", "they support"))
				if len(unknown) > 0 {
					fmt.Fprintf(&msg, " (and %s, unknown to lambdagate and so assumed to as well)", actionList(unknown))
				}
			default:
				fmt.Fprintf(&msg, "%s on every resource; lambdagate does not know %s and so assumes %s resource-level permissions", actionList(unknown), pick(len(unknown) == 1, "this action", "these actions"), pick(len(unknown) == 1, "it supports", "they support"))
			}
			msg.WriteString("; scope the Resource to the ARNs of the resources the function uses")
			add(KindEveryResource, or(r.Pos, st.Pos), resSev, "%s", msg.String())
		}
	}
	return out
}

// grants is what the Allow statements of a policy grant on every resource: what an
// escalation's Needs are checked against. It remembers each answer, since a policy may list
// the same escalation thousands of times and rescanning every grant for each copy made the
// analysis quadratic in the number of actions.
type grants struct {
	patterns []string        // distinct, lower case
	covered  map[string]bool // lower-case action -> whether some pattern matches it
	matches  int             // globMatch calls made, so a test can bound the work
}

// grantedEverywhere collects, lower case, the actions (patterns) that Allow statements of
// the policy grant on every resource.
func grantedEverywhere(p Policy) *grants {
	g := &grants{covered: map[string]bool{}}
	seen := map[string]bool{}
	for _, st := range p.Statements {
		if !allows(st) || st.HasNotAction {
			continue
		}
		every := st.HasNotResource
		for _, r := range st.Resource {
			every = every || everyResource(r)
		}
		if !every {
			continue
		}
		for _, a := range st.Action {
			if a.Intrinsic {
				continue
			}
			lower := strings.ToLower(a.Value)
			if !seen[lower] {
				seen[lower] = true
				g.patterns = append(g.patterns, lower)
			}
		}
	}
	return g
}

// has reports whether the policy grants an action (any case) on every resource.
func (g *grants) has(action string) bool {
	action = strings.ToLower(action)
	if ok, done := g.covered[action]; done {
		return ok
	}
	ok := false
	for _, pattern := range g.patterns {
		g.matches++
		if globMatch(pattern, action) {
			ok = true
			break
		}
	}
	g.covered[action] = ok
	return ok
}

// needs reports whether the policy grants every action an escalation path needs.
func (g *grants) needs(e escalation) bool {
	for _, need := range e.Needs {
		if !g.has(need) {
			return false
		}
	}
	return true
}

// matchedEscalations lists the escalation paths a lower-case action pattern opens, given
// what the policy grants on every resource.
func matchedEscalations(pattern string, granted *grants) []escalation {
	var out []escalation
	for _, e := range escalations {
		if globMatch(pattern, strings.ToLower(e.Action)) && granted.needs(e) {
			out = append(out, e)
		}
	}
	return out
}

func escalationNames(es []escalation) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Action
	}
	return out
}

func passRoleHint(lowerAction string) string {
	if lowerAction == "iam:passrole" {
		return " (list only the roles the function hands to a service, and add a Condition on iam:PassedToService)"
	}
	return ""
}

// distinct returns the names sorted, each once.
func distinct(names []string) []string {
	names = append([]string(nil), names...)
	sort.Strings(names)
	return slices.Compact(names)
}

// actionList renders at most five distinct names, sorted, then a count of
// the rest.
func actionList(names []string) string {
	names = distinct(names)
	if len(names) > 5 {
		return strings.Join(names[:5], ", ") + fmt.Sprintf(" and %d more", len(names)-5)
	}
	return strings.Join(names, ", ")
}

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// or returns p, or fallback when p is unknown.
func or(p, fallback source.Pos) source.Pos {
	if p == (source.Pos{}) {
		return fallback
	}
	return p
}
