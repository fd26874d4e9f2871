package checks

import "github.com/lambdagate/lambdagate/lambda"

// ReservedConcurrency asks for reserved concurrency; off by default.
var ReservedConcurrency = &Check{
	ID:         "reserved-concurrency",
	Title:      "Lambda functions reserve their concurrency",
	DefaultOff: true,
	Doc: `The function must set ` + "`ReservedConcurrentExecutions`" + ` on every ` + "`Fn::If`" + ` branch (from SAM ` + "`Globals`" + `
too). **Off by default**: many functions rightly share the account's pool. A team that wants every
function capped turns it on in ` + "`.lambdagate.yml`" + ` (` + "`on`" + ` gives its default severity, warning):

` + "```yaml" + `
rules:
  reserved-concurrency: on
` + "```" + `

**Why.** Without reserved concurrency, one function flooded with events (a retry storm, an
attacker hammering a public endpoint) can take the whole account's concurrency and throttle every
other function, and run up the bill unbounded.

**Fails**

` + "```yaml" + `
Fn:
  Type: AWS::Serverless::Function
  Properties:
    Runtime: python3.13
` + "```" + `

**Passes**

` + "```yaml" + `
Fn:
  Type: AWS::Serverless::Function
  Properties:
    Runtime: python3.13
    ReservedConcurrentExecutions: 50
` + "```" + `

**Fix.** Set ` + "`ReservedConcurrentExecutions`" + ` to the most the function should ever run at once.`,
	Run: func(p *Pass, fn *lambda.Function) {
		if fn.Deployed {
			return // verify does not read the function's concurrency
		}
		for _, s := range fn.ReservedConcurrency {
			switch s.State {
			case lambda.Absent, lambda.Empty:
				p.Report(Warning, s.Pos, where(s, "the function has no ReservedConcurrentExecutions, so it can take the whole account's concurrency; reserve what it needs"))
			case lambda.Deferred:
				p.deferred(s, "ReservedConcurrentExecutions")
			}
		}
	},
}
