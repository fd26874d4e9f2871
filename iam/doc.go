// Package iam reads IAM policy documents and judges them for a Lambda execution role.
//
// It holds the policy model (Policy, Statement, Str with a source position on every
// value), the analyses the least-privilege-role check runs (Permissions for identity
// policies, Trust for assume-role policies, ManagedPolicy for attached AWS managed
// policies, CheckSAMTemplate for SAM policy templates), and the knowledge they rest on,
// each kept as one table:
//
//   - actions.txt: every IAM action AWS documents, and which accept only Resource "*"
//     (generated from the Service Authorization Reference by gen_actions.py);
//   - escalation.go: the privilege-escalation actions;
//   - runtime.go: the actions the Lambda service needs on "*" for a function to run;
//   - managed.go: the AWS managed policies accepted for, or too broad for, a function;
//   - samtemplates/: the SAM translator's policy templates.
//
// The package does not read templates or call AWS: the template and deployed packages
// build Policies (with positions, or zero positions for policies read from AWS) and
// the checks turn Problems into findings.
//
// What counts as "every resource": a Resource of "*", or an ARN whose resource part is
// nothing but wildcards after its resource type (arn:aws:s3:::*, arn:aws:s3:::*/*,
// arn:aws:dynamodb:*:*:table/*, arn:aws:logs:us-east-1:123456789012:*). The partition,
// region and account do not count: a function has no business with every table of its
// own account any more than with every table of every account. An intrinsic (!Sub)
// resource is scoped unless its resource part is such a literal wildcard.
//
// Unknown actions are judged conservatively: an action (or a wildcard matching only
// actions) missing from actions.txt is assumed to support resource-level permissions,
// so granting it on "*" is an error until the table learns better.
package iam
