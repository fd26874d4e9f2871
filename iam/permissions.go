package iam

import (
	"fmt"
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
	granted := grantedEverywhere(p)
	var out []Problem
	add := func(kind Kind, pos source.Pos, sev Severity, format string, args ...any) {
		out = append(out, Problem{Pos: pos, Severity: sev, Message: fmt.Sprintf(format, args...), Kind: kind, Origin: p.Origin})
	}
	for _, st := range p.Statements {
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
				if e, ok := escalationFor(lower); ok && needsGranted(e, granted) {
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

// grantedEverywhere collects, lower case, the actions (patterns) that Allow statements of
// the policy grant on every resource: what an escalation's Needs are checked against.
func grantedEverywhere(p Policy) []string {
	var out []string
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
			if !a.Intrinsic {
				out = append(out, strings.ToLower(a.Value))
			}
		}
	}
	return out
}

// needsGranted reports whether the policy grants every action an escalation path needs.
func needsGranted(e escalation, granted []string) bool {
	for _, need := range e.Needs {
		ok := false
		for _, g := range granted {
			if globMatch(g, strings.ToLower(need)) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// matchedEscalations lists the escalation paths a lower-case action pattern opens, given
// what the policy grants on every resource.
func matchedEscalations(pattern string, granted []string) []escalation {
	var out []escalation
	for _, e := range escalations {
		if globMatch(pattern, strings.ToLower(e.Action)) && needsGranted(e, granted) {
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

// actionList renders at most five names, sorted, then a count of the rest.
func actionList(names []string) string {
	names = append([]string(nil), names...)
	sort.Strings(names)
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
