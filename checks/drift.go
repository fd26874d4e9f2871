package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/source"
)

// Drift compares a deployed function with its template.
var Drift = &Check{
	ID:    "drift",
	Title: "Deployed functions match their template on the four controls",
	Doc: `Only ` + "`lambdagate verify`" + ` with a template (` + "`--template`" + `, or the templates found that define the
stack's logical ids) reports it. For each deployed function, the value AWS reports is compared with
every value the template can give it (each ` + "`Fn::If`" + ` branch; keys and roles of the stack are
resolved to what the stack created):

- tracing: the template says ` + "`Active`" + `, AWS says ` + "`PassThrough`" + ` (a template without tracing means
  Lambda's default, ` + "`PassThrough`" + `);
- KMS key: the template sets ` + "`KmsKeyArn`" + `, AWS has none, or another key;
- security groups: AWS has a different number of security groups than the template lists;
- role: the function runs with another role than the one the template gives it.

A deployment weaker than its template, or different from it, is an error; a deployment stronger than
its template (tracing enabled by hand, say) is a warning, since the next deploy undoes it. The finding
lands on the template's line and gives both values. Values known only at deploy time that the stack
does not resolve (a parameter, an import) are compared only for presence.

**Why.** The gate checks the template, but what runs is what is deployed: a security group attached
by hand, tracing switched off in the console, or a role swapped with the CLI all pass the gate and
stay invisible until someone compares the two.

**Fails**

` + "```yaml" + `
# template.yaml (deployed as stack app)
Fn:
  Type: AWS::Serverless::Function
  Properties:
    Tracing: Active   # AWS: PassThrough
` + "```" + `

**Passes**

` + "```yaml" + `
Fn:
  Type: AWS::Serverless::Function
  Properties:
    Tracing: Active   # AWS: Active
` + "```" + `

**Fix.** Find who changed the function (CloudTrail ` + "`UpdateFunctionConfiguration`" + `), then redeploy the
stack to restore the template's values, or change the template if the change was meant; CloudFormation
drift detection (` + "`aws cloudformation detect-stack-drift`" + `) shows the other properties.`,
	Run: func(p *Pass, fn *lambda.Function) {
		t := fn.Template
		if !fn.Deployed || t == nil {
			return
		}
		for _, c := range driftControls {
			if d, ok := c(fn, t); ok {
				p.Report(d.sev, d.pos, d.msg)
			}
		}
	},
}

type drift struct {
	sev Severity
	pos source.Pos
	msg string
}

// driftControls compare one control each; a table, so a fifth control is
// one more line.
var driftControls = []func(dep, tpl *lambda.Function) (drift, bool){
	tracingDrift, kmsDrift, securityGroupDrift, roleDrift,
}

// firstPos is where the template sets a control.
func firstPos(ss []lambda.Setting, fn *lambda.Function) source.Pos {
	if len(ss) > 0 && ss[0].Pos.Known() {
		return ss[0].Pos
	}
	return fn.Pos
}

func oneOf(vals []string) string {
	if len(vals) == 1 {
		return vals[0]
	}
	return "one of " + strings.Join(vals, ", ")
}

func tracingDrift(dep, tpl *lambda.Function) (drift, bool) {
	if len(dep.Tracing) == 0 {
		return drift{}, false
	}
	got := "PassThrough" // what Lambda applies when TracingConfig is absent
	if dep.Tracing[0].State == lambda.Literal {
		got = dep.Tracing[0].Text
	}
	var want []string
	active := false
	for _, s := range tpl.Tracing {
		switch s.State {
		case lambda.Literal:
			want = append(want, s.Text)
		case lambda.Absent:
			want = append(want, "PassThrough")
		default:
			return drift{}, false // known only at deploy time
		}
		if s.State == lambda.Literal && s.Text == got || s.State == lambda.Absent && got == "PassThrough" {
			return drift{}, false
		}
		active = active || s.Text == "Active"
	}
	if len(want) == 0 {
		return drift{}, false
	}
	d := drift{sev: Warning, pos: firstPos(tpl.Tracing, tpl)}
	if active || got != "Active" {
		d.sev = Error
	}
	d.msg = fmt.Sprintf("the template gives tracing %s, but the deployed function has %s: %s", oneOf(want), got, outside(dep, "it was"))
	return d, true
}

// keyID is the key id of a key ARN (arn:aws:kms:r:a:key/ID), or the text.
func keyID(s string) string {
	if i := strings.Index(s, ":key/"); i >= 0 {
		return s[i+len(":key/"):]
	}
	return strings.TrimPrefix(s, "key/")
}

func kmsDrift(dep, tpl *lambda.Function) (drift, bool) {
	if len(dep.KmsKey) == 0 {
		return drift{}, false
	}
	got := ""
	if dep.KmsKey[0].State == lambda.Literal {
		got = dep.KmsKey[0].Text
	}
	var want []string
	none, unknown := false, false
	for _, s := range tpl.KmsKey {
		switch s.State {
		case lambda.Absent, lambda.Empty:
			none = true
			want = append(want, "no key")
			if got == "" {
				return drift{}, false
			}
		case lambda.Literal:
			want = append(want, s.Text)
			if got != "" && keyID(s.Text) == keyID(got) {
				return drift{}, false
			}
		default:
			unknown = true
			want = append(want, s.Text)
			if got != "" {
				return drift{}, false // some key, we cannot tell which
			}
		}
	}
	if len(want) == 0 || (unknown && got != "") {
		return drift{}, false
	}
	d := drift{sev: Error, pos: firstPos(tpl.KmsKey, tpl)}
	switch {
	case got == "":
		d.msg = fmt.Sprintf("the template sets KmsKeyArn to %s, but the deployed function has no KMS key: its environment is encrypted with an AWS owned key; redeploy the stack", oneOf(want))
	case none && len(want) == 1:
		d.sev = Warning
		d.msg = fmt.Sprintf("the deployed function uses KMS key %s, but the template sets none: the next deploy removes it; add KmsKeyArn to the template", got)
	default:
		d.msg = fmt.Sprintf("the template sets KmsKeyArn to %s, but the deployed function uses %s: %s", oneOf(want), got, outside(dep, "the key was"))
	}
	return d, true
}

func securityGroupDrift(dep, tpl *lambda.Function) (drift, bool) {
	if len(dep.SecurityGroups) == 0 {
		return drift{}, false
	}
	if d, ok, known := securityGroupIdentityDrift(dep, tpl); known {
		return d, ok
	}
	got := 0
	if dep.SecurityGroups[0].State == lambda.Literal {
		got = dep.SecurityGroups[0].Count
	}
	var want []string
	more := true // the template has more groups than AWS on every branch
	for _, s := range tpl.SecurityGroups {
		n := 0
		switch s.State {
		case lambda.Literal:
			n = s.Count
		case lambda.Deferred:
			if got > 0 {
				return drift{}, false // a list known at deploy time: compare only presence
			}
			want = append(want, s.Text)
			continue
		}
		if n == got {
			return drift{}, false
		}
		more = more && n > got
		want = append(want, fmt.Sprint(n))
	}
	if len(want) == 0 {
		return drift{}, false
	}
	d := drift{sev: Error, pos: firstPos(tpl.SecurityGroups, tpl)}
	list := dep.SecurityGroups[0].Text
	if list == "" {
		list = "none"
	}
	switch {
	case got == 0:
		d.msg = fmt.Sprintf("the template gives the function security groups (%s), but the deployed function has none: it runs outside the VPC; redeploy the stack", oneOf(want))
	case !more && len(want) == 1 && want[0] == "0":
		d.sev = Warning
		d.msg = fmt.Sprintf("the deployed function runs behind %d security groups (%s), but the template gives none: the next deploy removes them; add VpcConfig to the template", got, list)
	default:
		d.msg = fmt.Sprintf("the template gives the function %s security groups, but the deployed function has %d (%s): %s", oneOf(want), got, list, outside(dep, "security groups were"))
	}
	return d, true
}

// securityGroupIdentityDrift compares the groups by identity when both sides
// know them (lambda.Setting.IDs: the deployed function's, and its template's
// resolved against the stack's parameters and resources); known is false
// otherwise, and the count is compared instead.
func securityGroupIdentityDrift(dep, tpl *lambda.Function) (d drift, ok, known bool) {
	got := dep.SecurityGroups[0].IDs
	if got == nil || len(tpl.SecurityGroups) == 0 {
		return drift{}, false, false
	}
	var want []string
	none := true // the template gives none on every branch: the count's warning says it
	for _, s := range tpl.SecurityGroups {
		if s.IDs == nil {
			return drift{}, false, false
		}
		none = none && len(s.IDs) == 0
		if slices.Equal(s.IDs, got) {
			return drift{}, false, true
		}
		want = append(want, groupList(s.IDs))
	}
	if none {
		return drift{}, false, false
	}
	slices.Sort(want)
	want = slices.Compact(want)
	d = drift{sev: Error, pos: firstPos(tpl.SecurityGroups, tpl)}
	if len(got) == 0 {
		d.msg = fmt.Sprintf("the template gives the function security groups %s, but the deployed function has none: it runs outside the VPC; redeploy the stack", strings.Join(want, " or "))
	} else {
		d.msg = fmt.Sprintf("the template gives the function security groups %s, but the deployed function has %s: %s", strings.Join(want, " or "), groupList(got), outside(dep, "security groups were"))
	}
	return d, true, true
}

func groupList(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return "[" + strings.Join(ids, ", ") + "]"
}

// roleName is the name in a role ARN (arn:aws:iam::1:role/path/name), or
// the name itself.
func roleName(s string) string { return s[strings.LastIndexByte(s, '/')+1:] }

func roleDrift(dep, tpl *lambda.Function) (drift, bool) {
	if len(dep.Roles) == 0 || dep.Roles[0].Role == nil {
		return drift{}, false
	}
	got := dep.Roles[0].Role.ID
	var want []string
	for _, use := range tpl.Roles {
		r := use.Role
		if r == nil || r.Kind != lambda.RoleUnresolved || !r.Written {
			return drift{}, false // not resolved to a name: nothing to compare
		}
		if roleName(r.ID) == roleName(got) {
			return drift{}, false
		}
		w := r.ID
		if use.Expr != "" && use.Expr != r.ID {
			w = fmt.Sprintf("%s (%s)", r.ID, use.Expr)
		}
		want = append(want, w)
	}
	if len(want) == 0 {
		return drift{}, false
	}
	pos := tpl.Pos
	if len(tpl.Roles) > 0 && tpl.Roles[0].Pos.Known() {
		pos = tpl.Roles[0].Pos
	}
	return drift{sev: Error, pos: pos, msg: fmt.Sprintf("the template gives the function role %s, but the deployed function runs with %s: %s", oneOf(want), got, outside(dep, "the role was"))}, true
}

// outside says where a difference comes from: changed outside
// CloudFormation, or, on a published version (which never changes), a
// version published before the template changed.
func outside(dep *lambda.Function, subject string) string {
	if dep.Version != "" {
		return fmt.Sprintf("version %s was published before the template changed, and versions never change; deploy the stack so that the alias serves a version published from this template", dep.Version)
	}
	return subject + " changed outside CloudFormation; redeploy the stack, or change the template if the change was meant"
}
