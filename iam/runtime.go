package iam

import "strings"

// runtimeActions are the actions the Lambda service itself uses with the execution role
// to run a function: writing its logs and, in a VPC, managing its network interfaces.
// AWS's own execution policies (AWSLambdaBasicExecutionRole, AWSLambdaVPCAccessExecutionRole,
// the SAM VPCAccessPolicy template) grant exactly these on Resource "*", and the managed
// policies are Accepted (managed.go). Flagging the same grant written inline would punish
// the template that spells out what the managed policy does, so on every resource these
// are tolerated. Action wildcards are not: logs:* on "*" is still an error.
var runtimeActions = map[string]string{
	"logs:createloggroup":            "the function's log group",
	"logs:createlogstream":           "the function's log streams",
	"logs:putlogevents":              "the function's log events",
	"ec2:createnetworkinterface":     "the network interfaces of a function in a VPC",
	"ec2:deletenetworkinterface":     "the network interfaces of a function in a VPC",
	"ec2:assignprivateipaddresses":   "the network interfaces of a function in a VPC",
	"ec2:unassignprivateipaddresses": "the network interfaces of a function in a VPC",
	"ec2:detachnetworkinterface":     "the network interfaces of a function in a VPC",
}

func isRuntimeAction(action string) bool {
	_, ok := runtimeActions[strings.ToLower(action)]
	return ok
}
