package iam

import "strings"

// escalation is one way an identity holding an action can raise its own privileges.
type escalation struct {
	Action string   // the action, AWS spelling
	Needs  []string // other actions the path needs (granted anywhere in the policy on every resource)
	How    string   // what an attacker does, for the message
}

// escalations is the privilege-escalation table: actions that, granted on every resource,
// let whoever runs as the role (an attacker with code execution in the function) take
// more power than the role has. An entry with Needs is a path only together with those
// actions.
//
// Sources: Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation"
// (Spencer Gietzen, 2018, the 21 methods); Bishop Fox, "5 privesc attack vectors in AWS"
// (as encoded in duo-labs/parliament, community_auditors/privilege_escalation.py);
// salesforce/policy_sentry, shared/data/audit/privilege-escalation.txt (used by
// cloudsplaining).
var escalations = []escalation{
	{"iam:CreatePolicyVersion", nil, "write a new default version of any customer managed policy, e.g. one that allows *"},
	{"iam:SetDefaultPolicyVersion", nil, "switch any customer managed policy to an older, more permissive version"},
	{"iam:CreatePolicy", []string{"iam:AttachRolePolicy"}, "create an allow-everything policy and attach it"},
	{"iam:AttachUserPolicy", nil, "attach AdministratorAccess to a user"},
	{"iam:AttachGroupPolicy", nil, "attach AdministratorAccess to a group"},
	{"iam:AttachRolePolicy", nil, "attach AdministratorAccess to a role, including its own"},
	{"iam:PutUserPolicy", nil, "write an allow-everything inline policy into a user"},
	{"iam:PutGroupPolicy", nil, "write an allow-everything inline policy into a group"},
	{"iam:PutRolePolicy", nil, "write an allow-everything inline policy into a role, including its own"},
	{"iam:AddUserToGroup", nil, "join a more privileged group"},
	{"iam:CreateAccessKey", nil, "create access keys for another, more privileged user"},
	{"iam:CreateLoginProfile", nil, "set a console password for a user that has none and log in as it"},
	{"iam:UpdateLoginProfile", nil, "change another user's console password and log in as it"},
	{"iam:UpdateAssumeRolePolicy", nil, "make any role trust the attacker, then assume it"},
	{"iam:CreateRole", []string{"iam:AttachRolePolicy"}, "create a role trusting the attacker and make it an administrator"},
	{"iam:PassRole", nil, "hand any role, up to an administrator's, to a service (Lambda, EC2, CloudFormation, Glue, ...) that runs the attacker's code"},
	{"sts:AssumeRole", nil, "become any role whose trust policy allows this account"},
	{"lambda:UpdateFunctionCode", nil, "replace another function's code and run as that function's role"},
	{"lambda:UpdateFunctionConfiguration", nil, "add a layer that wraps another function's code and run as that function's role"},
	{"lambda:CreateFunction", []string{"iam:PassRole"}, "create a function with a more privileged role and invoke it"},
	{"ec2:RunInstances", []string{"iam:PassRole"}, "start an instance with a more privileged instance profile"},
	{"cloudformation:CreateStack", []string{"iam:PassRole"}, "create a stack that runs as a more privileged role"},
	{"glue:CreateDevEndpoint", []string{"iam:PassRole"}, "create a Glue development endpoint with a more privileged role"},
	{"glue:UpdateDevEndpoint", nil, "add an SSH key to an existing Glue development endpoint and use its role"},
	{"datapipeline:CreatePipeline", []string{"iam:PassRole"}, "create a pipeline that runs as a more privileged role"},
	{"sagemaker:CreateNotebookInstance", []string{"iam:PassRole"}, "create a notebook with a more privileged role"},
	{"sagemaker:CreatePresignedNotebookInstanceUrl", nil, "open an existing notebook and use its role"},
	{"codestar:CreateProject", []string{"iam:PassRole"}, "create a project that runs as a more privileged role"},
	{"ssm:SendCommand", nil, "run commands on managed instances and use their roles"},
	{"ec2-instance-connect:SendSSHPublicKey", nil, "log in to instances and use their roles"},
}

// escalationFor returns the table entry for an action (any case).
func escalationFor(action string) (escalation, bool) {
	for _, e := range escalations {
		if strings.EqualFold(e.Action, action) {
			return e, true
		}
	}
	return escalation{}, false
}
