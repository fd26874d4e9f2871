package checks

import (
	"fmt"

	"github.com/lambdagate/lambdagate/lambda"
)

// KmsKey requires KmsKeyArn.
var KmsKey = &Check{
	ID:    "kms-key",
	Title: "Lambda functions encrypt their environment with a customer managed KMS key",
	Doc: `Every function must declare a non-empty ` + "`KmsKeyArn`" + `, whether or not it has environment
variables today. A value set through an intrinsic (` + "`!GetAtt Key.Arn`" + `, ` + "`!Ref`" + `, ` + "`!ImportValue`" + `,
` + "`!Sub`" + `...) is declared. An empty string is absent. A parameter whose default is empty and that has
no constraint forbidding it is a warning. An AWS managed key (` + "`alias/aws/lambda`" + ` in the template; after
deployment, a key whose ` + "`KeyManager`" + ` is AWS) is an error: it is no customer managed key. After
deployment, a key that is not ` + "`Enabled`" + ` (` + "`Disabled`" + `, ` + "`PendingDeletion`" + `) is an error too: the function
cannot decrypt its environment, and what the key encrypted is lost with it.

**Why.** Without a customer managed key, Lambda encrypts environment variables and the function's
snapshot with an AWS owned key: you cannot restrict who decrypts them, audit their use, or revoke it.
Environment variables are added later by people who do not think of encryption; requiring the key
up front closes that door.

**Fails**

` + "```yaml" + `
Fn:
  Type: AWS::Lambda::Function
  Properties:
    KmsKeyArn: ""
` + "```" + `

**Passes**

` + "```yaml" + `
Fn:
  Type: AWS::Lambda::Function
  Properties:
    KmsKeyArn: !GetAtt FunctionKey.Arn
` + "```" + `

**Fix.** Create an ` + "`AWS::KMS::Key`" + ` (with key rotation) or import a shared one, and set ` + "`KmsKeyArn`" + `
(in SAM, once in ` + "`Globals.Function`" + `).`,
	Run: func(p *Pass, fn *lambda.Function) {
		if fn.Around != nil {
			for _, k := range fn.Around.Keys {
				if k.State != "" {
					p.ReportOn(k.ID, Error, k.Pos, fmt.Sprintf("KMS key %s is %s: Lambda cannot decrypt the function's environment with it, so the function fails to start, and once the key is deleted what it encrypted is lost; enable the key, or set KmsKeyArn to one that is", k.ID, k.State))
				}
			}
		}
		for _, s := range fn.KmsKey {
			switch s.State {
			case lambda.Absent:
				p.Report(Error, s.Pos, where(s, "the function has no KmsKeyArn; set it to a customer managed key, e.g. KmsKeyArn: !GetAtt FunctionKey.Arn"))
			case lambda.Empty:
				p.Report(Error, s.Pos, where(s, "KmsKeyArn is empty; set it to a key ARN, e.g. !GetAtt FunctionKey.Arn"))
			case lambda.Literal:
				if s.AWSManaged {
					p.Report(Error, s.Pos, where(s, fmt.Sprintf("KmsKeyArn %s is an AWS managed key, which no one on the team controls: its key policy is AWS's and anyone in the account who may use Lambda can decrypt with it; set a customer managed key, e.g. KmsKeyArn: !GetAtt FunctionKey.Arn", s.Text)))
				}
			default:
				p.deferred(s, "KmsKeyArn")
				if s.Param != nil && s.Param.CanBeEmpty {
					p.Report(Warning, s.Pos, where(s, fmt.Sprintf("KmsKeyArn comes from parameter %s, which %s; give it a default or an AllowedPattern that requires a key ARN", s.Param.Name, emptyDefault)))
				}
			}
		}
	},
}
