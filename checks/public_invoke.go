package checks

import (
	"fmt"

	"github.com/lambdagate/lambdagate/lambda"
)

// PublicInvoke reports functions anyone can invoke.
var PublicInvoke = &Check{
	ID:    "public-invoke",
	Title: "Lambda functions cannot be invoked by anyone on the internet",
	Doc: `An ` + "`AWS::Lambda::Permission`" + ` that targets the function (directly, or through an alias or version)
with ` + "`Principal: \"*\"`" + ` and no ` + "`SourceArn`" + `, ` + "`SourceAccount`" + ` or ` + "`PrincipalOrgID`" + ` is a warning, and so is a
function URL (` + "`AWS::Lambda::Url`" + ` or SAM ` + "`FunctionUrlConfig`" + `) with ` + "`AuthType: NONE`" + `. A permission
for ` + "`Principal: \"*\"`" + ` to invoke a URL with ` + "`FunctionUrlAuthType: AWS_IAM`" + ` is one too: every authenticated
principal of every AWS account can then call the URL. A ` + "`SourceArn`" + ` that
any account's resource matches (` + "`arn:aws:s3:::*`" + `, a bucket name with a wildcard, an account that is
` + "`*`" + `) limits nothing. A value a parameter gives is read on its default and on every value its
` + "`AllowedValues`" + ` or Mappings rows allow: the finding names that branch. The permissions SAM creates for
its event sources name a service principal and a source ARN, so they are not reported. After
deployment, the function's resource policy and its URLs (per alias) are read the same way.
Default severity: warning.

**Why.** Anyone who can invoke the function can run it with its role, fill its logs, and run up its
bill; a public function URL is a public API with no authentication.

**Fails**

` + "```yaml" + `
Public:
  Type: AWS::Lambda::Permission
  Properties:
    FunctionName: !Ref Fn
    Action: lambda:InvokeFunction
    Principal: "*"
` + "```" + `

**Passes**

` + "```yaml" + `
FromBucket:
  Type: AWS::Lambda::Permission
  Properties:
    FunctionName: !Ref Fn
    Action: lambda:InvokeFunction
    Principal: s3.amazonaws.com
    SourceArn: !GetAtt Bucket.Arn
    SourceAccount: !Ref AWS::AccountId
` + "```" + `

**Fix.** Name the service or account that invokes the function and scope it with ` + "`SourceArn`" + ` /
` + "`SourceAccount`" + `; give function URLs ` + "`AuthType: AWS_IAM`" + `.`,
	Run: func(p *Pass, fn *lambda.Function) {
		if fn.Around == nil {
			return
		}
		for _, perm := range fn.Around.Permissions {
			switch {
			case perm.Principal != "*" || perm.Scoped:
			case perm.URLAuthType == "AWS_IAM":
				p.ReportOn(perm.ID, Warning, perm.PrincPos, whenMsg(perm.PrincipalWhen, fmt.Sprintf("permission %s lets any authenticated principal of any AWS account invoke the function URL (Principal \"*\" for AuthType AWS_IAM, with no SourceAccount or PrincipalOrgID); name the account or organization that calls it", perm.ID)))
			default:
				p.ReportOn(perm.ID, Warning, perm.PrincPos, whenMsg(perm.PrincipalWhen, fmt.Sprintf("permission %s lets any principal invoke the function (Principal \"*\" with no SourceArn that names sources of one account, SourceAccount or PrincipalOrgID); name the caller and scope it", perm.ID)))
			}
		}
		for _, u := range fn.Around.URLs {
			if u.AuthType == "NONE" {
				p.ReportOn(u.ID, Warning, u.Pos, whenMsg(u.When, fmt.Sprintf("%s has AuthType NONE: anyone on the internet can invoke the function; use AuthType: AWS_IAM", u.Where)))
			}
		}
	},
}
