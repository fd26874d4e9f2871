package iam

import (
	"fmt"
	"strings"
)

// lambdaServices are the service principals a Lambda execution role is meant to trust:
// Lambda itself, and Lambda@Edge, which runs replicas of the function.
var lambdaServices = map[string]bool{
	"lambda.amazonaws.com":     true,
	"edgelambda.amazonaws.com": true,
}

// Trust analyses a role's trust (assume-role) policy.
func Trust(p Policy) []Problem {
	var out []Problem
	// An intrinsic Service principal is known only at deploy time and may well be Lambda;
	// the deployed source sees the real value.
	trustsLambda, serviceUnknown := false, false
	for _, st := range p.Statements {
		if !allows(st) {
			continue
		}
		from := len(out)
		for _, pr := range st.Principal {
			pos := or(pr.Value.Pos, st.Pos)
			switch {
			case pr.Kind == "*" || (pr.Kind == "AWS" && !pr.Value.Intrinsic && pr.Value.Value == "*"):
				if st.HasCondition {
					out = append(out, Problem{Pos: pos, Severity: Warning, Kind: KindTrust, Origin: p.Origin, Message: `the trust policy lets Principal "*" assume this role, limited only by a Condition lambdagate cannot evaluate; trust "lambda.amazonaws.com" as a Service principal instead`})
				} else {
					out = append(out, Problem{Pos: pos, Severity: Error, Kind: KindTrust, Origin: p.Origin, Message: `anyone can assume this role: the trust policy allows Principal "*" without a Condition; trust only the Service principal "lambda.amazonaws.com"`})
				}
			case pr.Kind == "Service" && pr.Value.Intrinsic:
				serviceUnknown = true
			case pr.Kind == "Service" && lambdaServices[strings.ToLower(pr.Value.Value)]:
				trustsLambda = true
			default:
				// Any other principal, an intrinsic one too (its text, such as the Sub
				// template, names it): an account or a user is never Lambda.
				// An error, as the rule's documentation says; a Condition
				// lambdagate cannot evaluate may narrow it: a warning then.
				sev := Error
				if st.HasCondition {
					sev = Warning
				}
				out = append(out, Problem{Pos: pos, Severity: sev, Kind: KindTrust, Origin: p.Origin, Message: fmt.Sprintf(
					"the role also trusts %s principal %q, which can then act with the function's permissions; trust only lambda.amazonaws.com, or give that principal a role of its own",
					pr.Kind, pr.Value.Value)})
			}
		}
		for i := from; i < len(out) && st.When != ""; i++ {
			out[i].Message = st.When + ": " + out[i].Message // the statement's branch
		}
	}
	if !trustsLambda && !serviceUnknown {
		out = append(out, Problem{Pos: p.Pos, Severity: Warning, Kind: KindTrust, Origin: p.Origin, Message: `the trust policy does not trust the Service principal "lambda.amazonaws.com", so Lambda cannot run a function with this role; allow sts:AssumeRole for it`})
	}
	return out
}
