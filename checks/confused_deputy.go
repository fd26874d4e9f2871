package checks

import (
	"fmt"

	"github.com/lambdagate/lambdagate/lambda"
)

// ConfusedDeputy reports service permissions not scoped to the caller's resource.
var ConfusedDeputy = &Check{
	ID:    "confused-deputy",
	Title: "Permissions for AWS services name the resource that may invoke the function",
	Doc: `An ` + "`AWS::Lambda::Permission`" + ` that targets the function (directly, or through an alias or version)
and lets an AWS service principal invoke it must say on whose behalf: a ` + "`SourceArn`" + ` (the bucket,
topic, rule, API...) or a ` + "`SourceAccount`" + `, on every ` + "`Fn::If`" + ` branch. For a service whose resource ARNs
carry no account (S3: ` + "`arn:aws:s3:::bucket`" + `), ` + "`SourceArn`" + ` alone is not enough and ` + "`SourceAccount`" + ` is required.
The services are one table (` + "`checks/services.go`" + `), from AWS's confused-deputy guidance and each
service's Lambda permission example. The permissions SAM writes for its event sources always carry a
` + "`SourceArn`" + ` (S3: a ` + "`SourceAccount`" + `), so SAM events pass, as their translation does. Default severity: error.

**Why.** A permission for ` + "`s3.amazonaws.com`" + ` with no source lets S3 invoke the function for *any*
account's bucket: anyone can point their own bucket's notifications at your function and run it
with your role (the confused deputy).

**Fails**

` + "```yaml" + `
FromBucket:
  Type: AWS::Lambda::Permission
  Properties:
    FunctionName: !Ref Fn
    Action: lambda:InvokeFunction
    Principal: s3.amazonaws.com
    SourceArn: !GetAtt Bucket.Arn
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

**Fix.** Add ` + "`SourceArn`" + ` with the ARN of the resource that invokes the function, and for S3 also
` + "`SourceAccount: !Ref AWS::AccountId`" + `.`,
	Run: func(p *Pass, fn *lambda.Function) {
		if fn.Around == nil {
			return
		}
		for _, perm := range fn.Around.Permissions {
			svc, ok := deputyService(perm.Principal)
			if !ok {
				continue
			}
			switch {
			case !perm.SourceArn && !perm.SourceAccount:
				p.ReportOn(perm.ID, Error, perm.PrincPos, fmt.Sprintf("permission %s lets %s invoke the function with no SourceArn or SourceAccount: %s can invoke it for any AWS account's resources; add SourceArn (and SourceAccount)", perm.ID, perm.Principal, svc.Name))
			case !svc.AccountInARN && !perm.SourceAccount:
				p.ReportOn(perm.ID, Error, perm.PrincPos, fmt.Sprintf("permission %s names its source only by SourceArn, but %s ARNs carry no account: a bucket of that name in another account (once yours is deleted) can invoke the function; add SourceAccount: !Ref AWS::AccountId", perm.ID, svc.Name))
			}
		}
	},
}
