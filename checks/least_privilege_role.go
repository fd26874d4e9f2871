package checks

import (
	"fmt"
	"strings"

	"github.com/lambdagate/lambdagate/iam"
	"github.com/lambdagate/lambdagate/lambda"
)

// LeastPrivilegeRole follows a function to its real permissions.
var LeastPrivilegeRole = &Check{
	ID:    "least-privilege-role",
	Title: "Lambda execution roles grant least privilege",
	Doc: `The function's execution role is followed to everything that grants it permissions: for an
` + "`AWS::IAM::Role`" + ` of the template (named by ` + "`!GetAtt Role.Arn`" + `, ` + "`!Ref`" + `, or a ` + "`!Sub`" + `/` + "`!Join`" + ` that builds
its ARN) its inline ` + "`Policies`" + `, its ` + "`ManagedPolicyArns`" + `, every ` + "`AWS::IAM::Policy`" + `,
` + "`AWS::IAM::ManagedPolicy`" + ` and ` + "`AWS::IAM::RolePolicy`" + ` that attaches to it, and its trust policy; for a SAM
function without ` + "`Role`" + `, its ` + "`Policies`" + ` (managed policy names or ARNs, SAM policy templates with their
parameters, inline documents) and the policies attached by name to the role SAM generates for it. A SAM
function with neither is given the basic execution role: fine. The role SAM generates also holds what
SAM adds outside ` + "`Policies`" + `, read as the SAM translator writes it: the ` + "`DeadLetterQueue`" + `, the
` + "`EventInvokeConfig`" + ` destinations, a DocumentDB event source, and each SAM connector (embedded, or an
` + "`AWS::Serverless::Connector`" + ` whose source is the function) with the statements of SAM's own connector
profile for its destination type, so a destination ` + "`Arn: \"*\"`" + ` or ` + "`table/*`" + ` is judged like any policy.
Another function may use that role (` + "`Role: !GetAtt OtherFnRole.Arn`" + `): it is followed the same way.

Errors, for an ` + "`Allow`" + ` statement:
- ` + "`Action: \"*\"`" + ` or ` + "`service:*`" + `;
- ` + "`NotAction`" + ` or ` + "`NotResource`" + `;
- ` + "`Resource: \"*\"`" + ` on an action that supports resource-level permissions (actions that only accept ` + "`*`" + `,
  such as ` + "`xray:PutTraceSegments`" + ` or ` + "`ec2:DescribeNetworkInterfaces`" + `, are fine);
- privilege-escalation actions (` + "`iam:PassRole`" + `, ` + "`iam:Put*Policy`" + `, ` + "`iam:Attach*Policy`" + `, ` + "`sts:AssumeRole`" + `...) on ` + "`*`" + `;
- broad AWS managed policies (` + "`AdministratorAccess`" + `, ` + "`PowerUserAccess`" + `, ` + "`IAMFullAccess`" + `, the ` + "`*FullAccess`" + ` family);
- a SAM policy template whose resource parameter is ` + "`*`" + `;
- a trust policy that lets anyone but the Lambda service assume the role.

The managed policies AWS provides for Lambda execution (` + "`AWSLambdaBasicExecutionRole`" + `,
` + "`AWSLambdaVPCAccessExecutionRole`" + `, ` + "`AWSXRayDaemonWriteAccess`" + `, the event-source execution roles) are accepted.
A role that is not in the template (a literal ARN, a parameter, an import) is a warning: it cannot be
verified here; ` + "`lambdagate verify`" + ` checks the deployed role. A role shared by several functions is
analysed once and reported on each.

On a deployed role (` + "`lambdagate verify`" + `), the inline and customer managed policies are read from IAM
and analysed the same way, AWS managed ones are judged by name, and a permissions boundary that itself
grants nothing the rules above call an error turns the errors of the role's policies into warnings: the
boundary caps what they grant.

**Why.** A function runs code that parses untrusted input. Whatever its role allows, an attacker who
finds a bug in that code can do, with the function's credentials, from inside your VPC. A scoped role
turns a compromised function into a small incident instead of an account takeover.

**Fails**

` + "```yaml" + `
Fn:
  Type: AWS::Serverless::Function
  Properties:
    Policies:
      - Statement:
          - Effect: Allow
            Action: dynamodb:*
            Resource: "*"
` + "```" + `

**Passes**

` + "```yaml" + `
Fn:
  Type: AWS::Serverless::Function
  Properties:
    Policies:
      - DynamoDBReadPolicy:
          TableName: !Ref Table
` + "```" + `

**Fix.** Grant the actions the function calls on the resources it touches, by ARN; prefer SAM policy
templates, which are scoped by construction.`,
	Run: func(p *Pass, fn *lambda.Function) {
		for _, use := range fn.Roles {
			r := use.Role
			switch {
			case r == nil:
				p.Report(Error, use.Pos, whenMsg(use.When, "the function has no Role; CloudFormation requires one for AWS::Lambda::Function. Define an AWS::IAM::Role and set Role: !GetAtt FnRole.Arn"))
				continue
			case r.Kind == lambda.RoleSAMDefault:
				continue
			case r.Kind == lambda.RoleUnresolved && matchAny(p.opts.AllowedRoleARNs, r.ID):
				continue // vetted in the configuration
			case r.Kind == lambda.RoleDeployed && matchAny(p.opts.AllowedRoleARNs, r.ID):
				continue
			case r.Kind == lambda.RoleUnresolved:
				msg := fmt.Sprintf("the role %s is not defined in this template, so its permissions cannot be verified here; run `lambdagate verify` after deployment, or allow it in the configuration once vetted", use.Expr)
				if r.SameName != "" {
					msg += fmt.Sprintf(". A role of that name is defined here (%s): if it is this one, write Role: !GetAtt %s.Arn so that it is checked", r.SameName, r.SameName)
				}
				p.report(Finding{Severity: Warning, Pos: use.Pos, Kind: iam.KindUnverified, Message: whenMsg(use.When, msg)})
				continue
			}
			for _, prob := range p.roleProblems(r) {
				msg := prob.Message
				if use.Expr != "" && r.Kind == lambda.RoleTemplate {
					msg = "role " + r.ID + ": " + msg
				}
				pos := prob.Pos
				if !pos.Known() {
					pos = use.Pos // a policy read from IAM: the line that names the role
				}
				p.report(Finding{Severity: severityOf(prob.Severity), Pos: pos, Message: whenMsg(use.When, msg), Kind: prob.Kind, Origin: prob.Origin})
			}
		}
	},
}

func whenMsg(when, msg string) string {
	if when == "" {
		return msg
	}
	return when + ": " + msg
}

func severityOf(s iam.Severity) Severity {
	if s == iam.Error {
		return Error
	}
	return Warning
}

// roleProblems analyses a role once per pass.
func (p *Pass) roleProblems(r *lambda.Role) []iam.Problem {
	if probs, ok := p.roles[r]; ok {
		return probs
	}
	probs := append([]iam.Problem(nil), r.Problems...)
	for _, pol := range r.Policies {
		for _, prob := range iam.Permissions(pol) {
			if !prob.Pos.Known() {
				// A policy read from AWS has no line to point at: name it.
				prob.Message = pol.Name + ": " + prob.Message
			}
			probs = append(probs, prob)
		}
	}
	for _, m := range r.Managed {
		for _, prob := range p.managedProblems(r, m) {
			// Attached on one branch only: the message says which.
			prob.Message = whenMsg(m.When, prob.Message)
			probs = append(probs, prob)
		}
	}
	if r.Boundary != nil && boundedBy(*r.Boundary) {
		// Effective permissions are the intersection with the boundary: a
		// scoped boundary makes a broad grant ineffective, though still worth
		// removing.
		for i := len(r.Problems); i < len(probs); i++ {
			probs[i].Severity = iam.Warning
			probs[i].Message += "; the permissions boundary (" + r.Boundary.Name + ") allows only scoped permissions, so this is not effective, but remove it"
		}
	}
	for _, t := range r.SAMTemplates {
		tp, err := iam.CheckSAMTemplate(t.Name, t.Args, t.Policy, t.Pos)
		if err != nil {
			tp = append(tp, iam.Problem{Pos: t.Pos, Severity: iam.Error, Kind: iam.KindSAMTemplate, Message: err.Error()})
		}
		for _, prob := range tp {
			prob.Origin = t.Origin
			probs = append(probs, prob)
		}
	}
	if r.Trust != nil {
		probs = append(probs, iam.Trust(*r.Trust)...)
	}
	p.roles[r] = probs
	return probs
}

// managedProblems judges one managed policy of a role.
func (p *Pass) managedProblems(r *lambda.Role, m lambda.ManagedRef) []iam.Problem {
	problem := func(sev iam.Severity, msg string) []iam.Problem {
		return []iam.Problem{{Pos: m.Pos, Severity: sev, Kind: iam.KindManaged, Origin: m.Origin, Message: msg}}
	}
	if matchAny(p.opts.DeniedManagedPolicies, m.ARN) {
		return problem(iam.Error, fmt.Sprintf("managed policy %s is denied by the configuration (denied-managed-policies); replace it with a policy scoped to what the function needs", m.ARN))
	}
	if matchAny(p.opts.AllowedManagedPolicies, m.ARN) {
		return nil
	}
	// An ARN with a part known only at deployment is no name to judge:
	// its text is for people.
	v := iam.ManagedVerdict{Kind: iam.Unknown}
	if !m.Intrinsic {
		v = iam.ManagedPolicy(m.ARN)
	}
	switch {
	case v.Kind == iam.Broad:
		return problem(iam.Error, v.Reason)
	case v.Kind != iam.Unknown:
		return nil
	case !m.Intrinsic && awsManaged(m.ARN) && v.Name != "":
		return problem(iam.Warning, fmt.Sprintf("AWS managed policy %s is not one of the Lambda execution policies, and AWS managed policies grant their actions on every resource; attach a policy scoped to the function's resources, or list it under allowed-managed-policies once vetted", v.Name))
	case r.Kind != lambda.RoleDeployed:
		return problem(iam.Warning, fmt.Sprintf("managed policy %s is not defined in this template, so what it grants cannot be verified here; define it as an AWS::IAM::ManagedPolicy or run `lambdagate verify` after deployment", m.ARN))
	}
	return nil
}

// awsManaged: an AWS managed policy ARN, or a bare name (which SAM reads as
// one), written out.
func awsManaged(arn string) bool {
	return strings.Contains(arn, ":iam::aws:policy/") || !strings.HasPrefix(arn, "arn:")
}

// boundedBy reports whether a permissions boundary grants nothing the
// least-privilege analysis would call an error.
func boundedBy(b iam.Policy) bool {
	for _, prob := range iam.Permissions(b) {
		if prob.Severity == iam.Error {
			return false
		}
	}
	return true
}
