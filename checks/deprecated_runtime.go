package checks

import (
	"fmt"
	"time"

	"github.com/lambdagate/lambdagate/lambda"
)

// soon is how long before a runtime's deprecation a notice is given.
const soon = 90 * 24 * time.Hour

// DeprecatedRuntime reports runtimes past, or near, their deprecation.
var DeprecatedRuntime = &Check{
	ID:    "deprecated-runtime",
	Title: "Lambda functions use a runtime AWS still supports",
	Doc: `The function's ` + "`Runtime`" + ` (on every ` + "`Fn::If`" + ` branch, from SAM ` + "`Globals`" + `, or the value a
parameter deploys with) is looked up in lambdagate's table of Lambda runtimes, which holds the
deprecation, block-create and block-update dates AWS publishes for each
(https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). A runtime past its deprecation
date is a warning; one within 90 days of it is a notice. The dates are compared with the day of the
scan (` + "`lambdagate scan --date YYYY-MM-DD`" + ` judges as of another day). Container images
(` + "`PackageType: Image`" + `) have no runtime, and a runtime the table does not know (a newer one) is not
reported. ` + "`lambdagate verify`" + ` checks the deployed function's runtime too. Default severity: warning.

**Why.** A deprecated runtime no longer gets security patches; after the block dates the function
can no longer be created, and then no longer be updated, so a fix cannot even be deployed.

**Fails**

` + "```yaml" + `
Fn:
  Type: AWS::Serverless::Function
  Properties:
    Runtime: python3.8
` + "```" + `

**Passes**

` + "```yaml" + `
Fn:
  Type: AWS::Serverless::Function
  Properties:
    Runtime: python3.13
` + "```" + `

**Fix.** Move the function to the runtime's successor (the newest version of the language), test
it, and deploy before the block-update date.`,
	Run: func(p *Pass, fn *lambda.Function) {
		for _, pt := range fn.PackageType {
			if v, _ := pt.Deploys(); v == "Image" {
				return
			}
		}
		today := p.opts.today()
		for _, s := range fn.Runtime {
			id, ok := s.Deploys()
			if !ok || id == "" {
				continue
			}
			r, known := Runtimes[id]
			if !known {
				continue
			}
			switch {
			case !today.Before(r.Deprecated):
				msg := fmt.Sprintf("runtime %s was deprecated on %s and gets no security patches", id, r.Deprecated.Format(time.DateOnly))
				switch {
				case !r.BlockUpdate.IsZero() && !today.Before(r.BlockUpdate):
					msg += fmt.Sprintf("; since %s Lambda refuses to update functions that use it", r.BlockUpdate.Format(time.DateOnly))
				case !r.BlockCreate.IsZero() && !today.Before(r.BlockCreate):
					msg += fmt.Sprintf("; since %s Lambda refuses to create functions with it, and from %s to update them", r.BlockCreate.Format(time.DateOnly), r.BlockUpdate.Format(time.DateOnly))
				case !r.BlockCreate.IsZero():
					msg += fmt.Sprintf("; Lambda refuses to create functions with it from %s", r.BlockCreate.Format(time.DateOnly))
				}
				p.Report(Warning, s.Pos, where(s, msg+"; move to a supported runtime"))
			case r.Deprecated.Sub(today) <= soon:
				days := int(r.Deprecated.Sub(today).Hours() / 24)
				p.Report(Notice, s.Pos, where(s, fmt.Sprintf("runtime %s is deprecated on %s, in %d days; plan the move to a supported runtime", id, r.Deprecated.Format(time.DateOnly), days)))
			}
		}
	},
}
