package checks

import (
	"fmt"

	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/source"
)

// FunctionURLCors reports function URLs whose CORS lets every website in.
var FunctionURLCors = &Check{
	ID:    "function-url-cors",
	Title: "Function URLs do not let every website call them",
	Doc: `A function URL (` + "`AWS::Lambda::Url`" + ` or SAM ` + "`FunctionUrlConfig`" + `) whose ` + "`Cors.AllowOrigins`" + ` holds ` + "`\"*\"`" + `
(on any ` + "`Fn::If`" + ` branch, or as a parameter deploys it) is a warning when ` + "`AllowCredentials`" + ` is true,
or when the URL's ` + "`AuthType`" + ` is ` + "`NONE`" + `. Default severity: warning.

**Why.** Every origin with credentials lets any website a user visits call the function with that
user's cookies and read the answer; every origin on an unauthenticated URL lets any page on the
internet use the function from its visitors' browsers.

**Fails**

` + "```yaml" + `
FunctionUrlConfig:
  AuthType: NONE
  Cors:
    AllowOrigins: ["*"]
` + "```" + `

**Passes**

` + "```yaml" + `
FunctionUrlConfig:
  AuthType: NONE
  Cors:
    AllowOrigins: [https://app.example.com]
` + "```" + `

**Fix.** List the origins that may call the function in ` + "`AllowOrigins`" + `.`,
	Run: func(p *Pass, fn *lambda.Function) {
		if fn.Around == nil {
			return
		}
		seen := map[source.Pos]bool{} // one URL on several AuthType branches is one finding
		for _, u := range fn.Around.URLs {
			c := u.Cors
			if c == nil || !c.AnyOrigin || seen[c.OriginPos] {
				continue
			}
			switch {
			case c.Credentials:
				seen[c.OriginPos] = true
				p.ReportOn(u.ID, Warning, c.OriginPos, fmt.Sprintf("%s allows every origin (AllowOrigins \"*\") with AllowCredentials: any website can call the function with its visitors' credentials; list the allowed origins", u.Where))
			case u.AuthType == "NONE":
				seen[c.OriginPos] = true
				p.ReportOn(u.ID, Warning, c.OriginPos, fmt.Sprintf("%s allows every origin (AllowOrigins \"*\") and has AuthType NONE: any website can call the function from its visitors' browsers; list the allowed origins", u.Where))
			}
		}
	},
}
