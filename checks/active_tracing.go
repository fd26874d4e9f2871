package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/lambda"
)

// ActiveTracing requires X-Ray active tracing.
var ActiveTracing = &Check{
	ID:    "active-tracing",
	Title: "Lambda functions have active X-Ray tracing",
	Doc: `` + "`AWS::Lambda::Function`" + ` must set ` + "`TracingConfig.Mode: Active`" + `; ` + "`AWS::Serverless::Function`" + ` must
set ` + "`Tracing: Active`" + ` (directly or through ` + "`Globals.Function`" + `). ` + "`PassThrough`" + `, ` + "`Disabled`" + `, a value in
the wrong case (Lambda rejects ` + "`active`" + `) or no value at all are errors. A parameter is accepted when
its default (if any) is ` + "`Active`" + ` and its ` + "`AllowedValues`" + ` (if any) are only ` + "`Active`" + `; one whose default or
allowed values include another mode is a warning, since the stack can be deployed without active
tracing; one whose allowed values exclude ` + "`Active`" + ` is an error.

**Why.** Active tracing samples and records every invocation, so an incident can be followed through
the function into the services it calls. ` + "`PassThrough`" + ` only traces when the caller already does.

**Fails**

` + "```yaml" + `
Fn:
  Type: AWS::Lambda::Function
  Properties:
    TracingConfig:
      Mode: PassThrough
` + "```" + `

**Passes**

` + "```yaml" + `
Globals:
  Function:
    Tracing: Active
` + "```" + `

**Fix.** Set ` + "`TracingConfig: {Mode: Active}`" + ` (Lambda) or ` + "`Tracing: Active`" + ` (SAM), and allow the role
` + "`xray:PutTraceSegments`" + ` and ` + "`xray:PutTelemetryRecords`" + ` (SAM adds them for you).`,
	Run: func(p *Pass, fn *lambda.Function) {
		prop := "TracingConfig.Mode"
		if fn.Type == lambda.TypeServerless {
			prop = "Tracing"
		}
		for _, s := range fn.Tracing {
			switch s.State {
			case lambda.Absent:
				fix := "add TracingConfig: {Mode: Active}"
				if fn.Type == lambda.TypeServerless {
					fix = "add Tracing: Active (on the function or in Globals.Function)"
				}
				if s.Missing == "Mode" {
					p.Report(Error, s.Pos, where(s, "TracingConfig has no Mode; set Mode: Active"))
				} else {
					p.Report(Error, s.Pos, where(s, "the function has no active tracing; "+fix))
				}
			case lambda.Empty:
				p.Report(Error, s.Pos, where(s, prop+" is empty; set it to Active"))
			case lambda.Literal:
				if s.Text == "Active" {
					continue
				}
				msg := fmt.Sprintf("%s is %s, not Active; set it to Active", prop, s.Text)
				if s.Param != nil && s.Param.Given {
					msg = fmt.Sprintf("%s comes from parameter %s, which the configuration gives as %q, not Active; deploy it with Active", prop, s.Param.Name, s.Text)
				}
				if strings.EqualFold(s.Text, "Active") {
					msg = fmt.Sprintf("%s is %q: the value is case-sensitive and Lambda rejects it; write Active", prop, s.Text)
				}
				p.Report(Error, s.Pos, where(s, msg))
			case lambda.Deferred:
				p.deferred(s, prop)
				par := s.Param
				switch {
				case par == nil:
				case len(par.Allowed) > 0 && !slices.Contains(par.Allowed, "Active"):
					p.Report(Error, s.Pos, where(s, fmt.Sprintf("%s comes from parameter %s, whose AllowedValues exclude Active; allow only Active", prop, par.Name)))
				case par.HasDefault && par.Default != "Active":
					p.Report(Warning, s.Pos, where(s, fmt.Sprintf("%s comes from parameter %s, which defaults to %q; default it to Active or set it to Active", prop, par.Name, par.Default)))
				default:
					if other := slices.DeleteFunc(slices.Clone(par.Allowed), func(v string) bool { return v == "Active" }); len(other) > 0 {
						p.Report(Warning, s.Pos, where(s, fmt.Sprintf("%s comes from parameter %s, whose AllowedValues also allow %s, so the stack can be deployed without active tracing; allow only Active", prop, par.Name, strings.Join(other, ", "))))
					}
				}
			}
		}
	},
}
