package checks

import (
	"fmt"

	"github.com/lambdagate/lambdagate/lambda"
)

// CodeSigning asks for a code signing configuration.
var CodeSigning = &Check{
	ID:    "code-signing",
	Title: "Lambda functions only run signed code",
	Doc: `The function must have a ` + "`CodeSigningConfigArn`" + ` on every ` + "`Fn::If`" + ` branch (from SAM ` + "`Globals`" + ` too).
A value known only at deployment counts as declared, as ` + "`--unresolved`" + ` says. Container images
(` + "`PackageType: Image`" + `) cannot use code signing and are not reported. Default severity: notice (many
teams do not sign their code yet); a team that signs makes it an error in ` + "`.lambdagate.yml`" + `:

` + "```yaml" + `
rules:
  code-signing: error
` + "```" + `

**Why.** Without a code signing configuration, Lambda runs any code package anyone with
` + "`lambda:UpdateFunctionCode`" + ` uploads; with one whose policy is ` + "`Enforce`" + `, only packages signed by your
signing profiles deploy.

**Fails**

` + "```yaml" + `
Fn:
  Type: AWS::Lambda::Function
  Properties:
    Runtime: python3.13
    Handler: app.handler
` + "```" + `

**Passes**

` + "```yaml" + `
Fn:
  Type: AWS::Lambda::Function
  Properties:
    Runtime: python3.13
    Handler: app.handler
    CodeSigningConfigArn: !Ref SigningConfig
` + "```" + `

**Fix.** Create an ` + "`AWS::Signer::SigningProfile`" + ` and an ` + "`AWS::Lambda::CodeSigningConfig`" + ` that allows it, sign
the package (` + "`sam package --signing-profiles`" + `), and set ` + "`CodeSigningConfigArn`" + ` (SAM: in ` + "`Globals.Function`" + `).`,
	Run: func(p *Pass, fn *lambda.Function) {
		if fn.Deployed {
			return // verify does not read the function's code signing configuration
		}
		for _, pt := range fn.PackageType {
			if v, _ := pt.Deploys(); v == "Image" {
				return
			}
		}
		for _, s := range fn.CodeSigning {
			switch s.State {
			case lambda.Absent:
				p.Report(Notice, s.Pos, where(s, "the function has no CodeSigningConfigArn, so Lambda runs any code package that is uploaded; sign the code and set one"))
			case lambda.Empty:
				p.Report(Notice, s.Pos, where(s, "CodeSigningConfigArn is empty, so Lambda runs any code package that is uploaded; set it to a code signing configuration"))
			case lambda.Deferred:
				if s.Param != nil && s.Param.CanBeEmpty {
					p.Report(Notice, s.Pos, where(s, fmt.Sprintf("CodeSigningConfigArn is parameter %s, whose default is empty, so the function may deploy unsigned; give it a value or a constraint", s.Param.Name)))
					continue
				}
				p.deferred(s, "CodeSigningConfigArn")
			}
		}
	},
}
