package checks

import (
	"fmt"

	"github.com/lambdagate/lambdagate/lambda"
)

// SecurityGroups requires VpcConfig.SecurityGroupIds.
var SecurityGroups = &Check{
	ID:    "security-groups",
	Title: "Lambda functions run in a VPC behind security groups",
	Doc: `Every function must declare ` + "`VpcConfig`" + ` with a non-empty ` + "`SecurityGroupIds`" + `:
a list, a list parameter, ` + "`!Split`" + `, an import... Missing ` + "`VpcConfig`" + `, missing or empty
` + "`SecurityGroupIds`" + ` are errors, on every ` + "`Fn::If`" + ` branch. A parameter whose default is empty and
that has no constraint forbidding it is a warning: the function can be deployed without security groups.

**Why.** A function outside a VPC reaches the internet and every public AWS endpoint with no
network control; security groups are where egress is restricted and audited.

**Fails**

` + "```yaml" + `
Fn:
  Type: AWS::Serverless::Function
  Properties:
    VpcConfig:
      SubnetIds: [subnet-1]
      SecurityGroupIds: []
` + "```" + `

**Passes**

` + "```yaml" + `
Fn:
  Type: AWS::Serverless::Function
  Properties:
    VpcConfig:
      SubnetIds: !Ref Subnets
      SecurityGroupIds: [!GetAtt FnSecurityGroup.GroupId]
` + "```" + `

**Fix.** Add ` + "`VpcConfig`" + ` with ` + "`SecurityGroupIds`" + ` and ` + "`SubnetIds`" + ` (in SAM, once in
` + "`Globals.Function`" + ` for every function).`,
	Run: func(p *Pass, fn *lambda.Function) {
		for _, s := range fn.SecurityGroups {
			switch s.State {
			case lambda.Absent:
				if s.Missing == "VpcConfig" {
					p.Report(Error, s.Pos, where(s, "the function has no VpcConfig, so it runs outside any VPC without security groups; add VpcConfig with SecurityGroupIds and SubnetIds"))
				} else {
					p.Report(Error, s.Pos, where(s, "VpcConfig has no SecurityGroupIds; add the security groups the function runs behind"))
				}
			case lambda.Empty:
				p.Report(Error, s.Pos, where(s, "SecurityGroupIds is empty; list at least one security group"))
			default:
				p.deferred(s, "SecurityGroupIds")
				if s.Param != nil && s.Param.CanBeEmpty {
					p.Report(Warning, s.Pos, where(s, fmt.Sprintf("SecurityGroupIds comes from parameter %s, which %s; give it a default or an AllowedPattern/MinLength that forbids the empty value", s.Param.Name, emptyDefault)))
				}
			}
		}
	},
}

// emptyDefault says why a parameter's empty default is a risk.
const emptyDefault = "defaults to an empty value and no constraint forbids it, so it can be deployed empty"
