// Package checks holds lambdagate's rules: one file per rule, each with its
// id, title and documentation, and the registry that lists them. A check
// reads a lambda.Function and reports findings with positions; it does not
// know whether the function came from a template or from AWS.
package checks

import (
	"fmt"
	"strings"
	"time"

	"github.com/lambdagate/lambdagate/iam"
	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/source"
)

// Severity of a finding. The order matters: a threshold fails on its level
// and every level above it.
type Severity int

const (
	Notice Severity = iota + 1
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Notice:
		return "notice"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "none"
}

// ParseSeverity reads "error", "warning" or "notice".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "error":
		return Error, nil
	case "warning":
		return Warning, nil
	case "notice":
		return Notice, nil
	}
	return 0, fmt.Errorf("unknown severity %q; use error, warning or notice", s)
}

// Finding is one problem on one function.
type Finding struct {
	Rule     string
	Severity Severity
	Pos      source.Pos // the offending value, or the function when something is missing
	Resource string     // the function's logical id
	Message  string
	// Kind tells least-privilege findings apart (Resource "*", a trust
	// policy...), so that another tool's exception covers only what its own
	// rule checked.
	Kind iam.Kind
	// Origin is the logical id of the resource the offending value is
	// written in, when it is not the function: the role or policy resource.
	// An exception written on that resource covers the finding.
	Origin string
	// Deployed findings name the live function.
	FunctionName string
	FunctionARN  string
	// Suppression is set when a justified exception covers the finding: it
	// is still reported, but does not fail the gate.
	Suppression *Suppression
}

// Suppression is a vetted exception, and where it was written.
type Suppression struct {
	Source string // "lambdagate", "cfn_nag", "checkov", "guard" or "baseline"
	ID     string // the rule id as the source wrote it (W89, CKV_AWS_117...)
	Reason string
	Pos    source.Pos
}

// Options tune the checks; the zero value is the default policy.
type Options struct {
	// Unresolved says what to do with a control whose value is known only at
	// deploy time (a parameter without a default, an import).
	Unresolved Unresolved
	// AllowedRoleARNs are glob patterns of external roles already vetted.
	AllowedRoleARNs []string
	// AllowedManagedPolicies and DeniedManagedPolicies extend the built-in
	// lists; names or ARNs, glob patterns allowed.
	AllowedManagedPolicies []string
	DeniedManagedPolicies  []string
	// Today is the date the scan judges dates against (deprecated-runtime);
	// zero means the current date. Tests set it.
	Today time.Time
}

// today is the scan date, in UTC, at midnight.
func (o Options) today() time.Time {
	t := o.Today
	if t.IsZero() {
		t = time.Now()
	}
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Unresolved is the verdict for values known only at deploy time.
type Unresolved int

const (
	UnresolvedPass Unresolved = iota
	UnresolvedWarn
	UnresolvedFail
)

// ParseUnresolved reads "pass", "warn" or "fail".
func ParseUnresolved(s string) (Unresolved, bool) {
	u, ok := map[string]Unresolved{"pass": UnresolvedPass, "warn": UnresolvedWarn, "fail": UnresolvedFail}[s]
	return u, ok
}

// Check is one rule.
type Check struct {
	ID    string
	Title string
	// Doc is Markdown: what the rule requires, why, a failing and a passing
	// example, and how to fix it.
	Doc string
	Run func(p *Pass, fn *lambda.Function)
	// DefaultOff rules run only when the configuration turns them on.
	DefaultOff bool
}

// Pass runs checks over the functions of one template (or one deployment)
// and collects their findings. It analyses each role once, however many
// functions share it.
type Pass struct {
	opts     Options
	findings []Finding
	check    *Check
	fn       *lambda.Function
	roles    map[*lambda.Role][]iam.Problem
}

// NewPass starts a pass.
func NewPass(opts Options) *Pass {
	return &Pass{opts: opts, roles: map[*lambda.Role][]iam.Problem{}}
}

// Options are the pass's options.
func (p *Pass) Options() Options { return p.opts }

// Run applies the checks to the functions.
func (p *Pass) Run(cs []*Check, fns []*lambda.Function) {
	for _, fn := range fns {
		for _, c := range cs {
			p.check, p.fn = c, fn
			c.Run(p, fn)
		}
	}
	p.check, p.fn = nil, nil
}

// Findings returns what the pass found, in the order found.
func (p *Pass) Findings() []Finding { return p.findings }

// Report records a finding of the running check on the running function.
// pos falls back to the function when it is unknown.
func (p *Pass) Report(sev Severity, pos source.Pos, msg string) {
	p.report(Finding{Severity: sev, Pos: pos, Message: msg})
}

// ReportOn records a finding about a value written in another resource of
// the template (a key, a security group, a permission): an exception
// written on that resource covers it.
func (p *Pass) ReportOn(origin string, sev Severity, pos source.Pos, msg string) {
	p.report(Finding{Severity: sev, Pos: pos, Message: msg, Origin: origin})
}

func (p *Pass) report(f Finding) {
	if !f.Pos.Known() {
		f.Pos = p.fn.Pos
	}
	if f.Origin == p.fn.Resource {
		f.Origin = ""
	}
	f.Rule, f.Resource, f.FunctionName, f.FunctionARN = p.check.ID, p.fn.Resource, p.fn.Name, p.fn.ARN
	p.findings = append(p.findings, f)
}

// where adds the branch and Globals context to a message about a setting.
func where(s lambda.Setting, msg string) string {
	if s.Globals != "" {
		msg += " (set in " + s.Globals + ")"
	}
	if s.When != "" {
		msg = s.When + ": " + msg
	}
	return msg
}

// deferred reports, as the options say, a value known only at deploy time.
func (p *Pass) deferred(s lambda.Setting, prop string) {
	if s.Unresolved == "" {
		return
	}
	msg := where(s, fmt.Sprintf("%s is known only at deploy time (%s), so it cannot be checked here; give the value under parameters in .lambdagate.yml, or verify after deployment with `lambdagate verify`", prop, s.Unresolved))
	switch p.opts.Unresolved {
	case UnresolvedWarn:
		p.Report(Warning, s.Pos, msg)
	case UnresolvedFail:
		p.Report(Error, s.Pos, msg)
	}
}
