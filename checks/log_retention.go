package checks

import (
	"fmt"

	"github.com/lambdagate/lambdagate/lambda"
)

// LogRetention requires a log group with a retention period.
var LogRetention = &Check{
	ID:    "log-retention",
	Title: "Lambda functions log to a log group with a retention period",
	Doc: `The function's log group (the one ` + "`LoggingConfig.LogGroup`" + ` names, or an ` + "`AWS::Logs::LogGroup`" + ` named
` + "`/aws/lambda/<function>`" + ` through ` + "`!Sub`" + `, ` + "`!Join`" + ` or the literal ` + "`FunctionName`" + `) must be in the template with
` + "`RetentionInDays`" + `. Default severity: warning.

**Why.** Without one, Lambda creates the log group on first invocation with no expiry: logs (and whatever
sensitive data slipped into them) are kept, and paid for, forever; and the group is outside the stack.

**Fails**

` + "```yaml" + `
Fn:
  Type: AWS::Serverless::Function
  Properties:
    Handler: app.handler
` + "```" + `

**Passes**

` + "```yaml" + `
FnLogs:
  Type: AWS::Logs::LogGroup
  Properties:
    LogGroupName: !Sub /aws/lambda/${Fn}
    RetentionInDays: 30
` + "```" + `

**Fix.** Add an ` + "`AWS::Logs::LogGroup`" + ` with ` + "`RetentionInDays`" + ` and point ` + "`LoggingConfig.LogGroup`" + ` at it (or name it
` + "`/aws/lambda/<function>`" + `).`,
	Run: func(p *Pass, fn *lambda.Function) {
		if fn.Around == nil || fn.Deployed {
			return // verify does not read the deployed log groups
		}
		lg := fn.Around.LogGroup
		switch {
		case lg == nil:
			p.Report(Warning, fn.Pos, fn.Around.LogGroupNote+"; add one with RetentionInDays")
		case lg.AbsentWhen != "":
			p.Report(Warning, fn.Pos, fmt.Sprintf("%s: log group %s is not created then, so Lambda creates one for the function that keeps logs forever; give the log group the same Condition as the function", lg.AbsentWhen, lg.ID))
		case lg.Retention == "":
			p.ReportOn(lg.ID, Warning, lg.Pos, fmt.Sprintf("log group %s has no RetentionInDays, so it keeps logs forever; set one", lg.ID))
		case lg.NoRetentionWhen != "":
			p.ReportOn(lg.ID, Warning, lg.RetentionPos, fmt.Sprintf("%s: log group %s has no RetentionInDays, so it keeps logs forever; set one on every branch", lg.NoRetentionWhen, lg.ID))
		}
	},
}
