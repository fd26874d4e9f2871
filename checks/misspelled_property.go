package checks

import (
	"fmt"

	"github.com/lambdagate/lambdagate/lambda"
)

// MisspelledProperty reports property names that are almost a real one.
var MisspelledProperty = &Check{
	ID:    "misspelled-property",
	Title: "Function properties are spelled as CloudFormation and SAM spell them",
	Doc: `A key of a function's properties (or of ` + "`VpcConfig`" + `, ` + "`TracingConfig`" + ` and the other nested
property maps) that is not a property of the resource type but is within two edits of one, or differs
only in case, is an error. ` + "`TracingConfg`" + ` would otherwise read as "no tracing" and the real
problem, a typo, would stay hidden behind a misleading finding. Property names come from the
CloudFormation resource specification (through goformation), plus the properties added since.
Keys that are nowhere near a known property are left to cfn-lint.

**Why.** CloudFormation rejects unknown properties only at deploy time, and SAM passes some through;
until then a typo reads as a missing control, and the fix people reach for (adding the property
again) leaves the typo behind.

**Fails**

` + "```yaml" + `
Fn:
  Type: AWS::Lambda::Function
  Properties:
    TracingConfg:
      Mode: Active
` + "```" + `

**Passes**

` + "```yaml" + `
Fn:
  Type: AWS::Lambda::Function
  Properties:
    TracingConfig:
      Mode: Active
` + "```" + `

**Fix.** Correct the name; the message says which property was meant.`,
	Run: func(p *Pass, fn *lambda.Function) {
		for _, m := range fn.Misspelled {
			p.Report(Error, m.Pos, fmt.Sprintf("%s is not a property of %s; did you mean %s?", m.Name, fn.Type, m.Want))
		}
	},
}
