package lambda

// This file reads what invokes a function asynchronously, and its
// EventInvokeConfigs (async-failure-destination).

import (
	"fmt"
	"strings"

	"github.com/lambdagate/lambdagate/template"
)

// AsyncServices are the service principals that invoke Lambda functions
// asynchronously, from AWS's list of the services that invoke functions
// asynchronously (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html,
// and each service's page under "Invoking Lambda with events from other AWS
// services"). A permission for one of them means asynchronous invocations.
var AsyncServices = map[string]string{
	"s3.amazonaws.com":             "Amazon S3",
	"sns.amazonaws.com":            "Amazon SNS",
	"ses.amazonaws.com":            "Amazon SES",
	"events.amazonaws.com":         "Amazon EventBridge",
	"logs.amazonaws.com":           "CloudWatch Logs",
	"iot.amazonaws.com":            "AWS IoT",
	"iotevents.amazonaws.com":      "AWS IoT Events",
	"codecommit.amazonaws.com":     "AWS CodeCommit",
	"config.amazonaws.com":         "AWS Config",
	"codepipeline.amazonaws.com":   "AWS CodePipeline",
	"cloudformation.amazonaws.com": "AWS CloudFormation",
}

// asyncEvents are the SAM event types that invoke the function
// asynchronously: SAM translates each into an AWS::Lambda::Permission for
// one of AsyncServices (samtranslator eventsources/push.py). ScheduleV2
// (EventBridge Scheduler) invokes through a role, with no permission in
// the translation, and is not counted on either form.
var asyncEvents = map[string]bool{
	"S3": true, "SNS": true, "EventBridgeRule": true, "CloudWatchEvent": true,
	"Schedule": true, "CloudWatchLogs": true, "IoTRule": true,
}

// invocation reads the asynchronous sources and the EventInvokeConfigs of
// a function whose permissions s already holds; keys find the resources
// that name it (see surroundings).
func (b *builder) invocation(s *Surroundings, r *template.Resource, props *template.Value, keys []string) {
	s.Async = append(s.Async, b.connectorSources(r.ID)...)
	for _, ev := range fieldsOf(props.Get("Events")) {
		t, _ := b.literal(ev.Value.Get("Type"))
		if !asyncEvents[t] {
			continue
		}
		if t == "SNS" && b.sqsSubscription(ev.Value.Get("Properties").Get("SqsSubscription")) {
			continue // SNS -> SQS -> an event source mapping: polled, not invoked
		}
		s.Async = append(s.Async, AsyncSource{What: fmt.Sprintf("SAM event %s (%s)", ev.Key, t), Pos: ev.KeyPos})
	}
	s.Async = append(s.Async, AsyncSources(s.Permissions)...)
	if eic := props.Get("EventInvokeConfig"); eic != nil {
		s.InvokeConfigs = append(s.InvokeConfigs, InvokeConfig{Where: "EventInvokeConfig", Pos: eic.Pos,
			OnFailure: b.onEveryBranch(props, "EventInvokeConfig", "DestinationConfig", "OnFailure")})
	}
	for _, r := range b.index("FunctionName", b.functionNameKeys, "AWS::Lambda::EventInvokeConfig").find(keys...) {
		s.InvokeConfigs = append(s.InvokeConfigs, InvokeConfig{Where: "AWS::Lambda::EventInvokeConfig " + r.ID, ID: r.ID, Pos: r.Pos,
			OnFailure: b.onEveryBranch(r.Properties, "DestinationConfig", "OnFailure", "Destination")})
	}
}

// sqsSubscription reads SAM's SqsSubscription: true, or a map.
func (b *builder) sqsSubscription(v *template.Value) bool {
	if v == nil {
		return false
	}
	if v.Kind == template.Map {
		if _, _, intrinsic := v.Intrinsic(); !intrinsic {
			return true
		}
	}
	text, ok := b.literal(v)
	return ok && strings.EqualFold(text, "true")
}

// invokes reports whether a permission's action lets the principal invoke
// the function (an action known only at deployment counts).
// AsyncSources are the permissions that let a service of AsyncServices
// invoke the function: the template's and a deployed resource policy's
// are read by this one rule.
func AsyncSources(perms []Permission) []AsyncSource {
	var out []AsyncSource
	for _, p := range perms {
		if svc, ok := AsyncServices[p.Principal]; ok && invokes(p.Action) {
			out = append(out, AsyncSource{What: fmt.Sprintf("permission %s (%s)", p.ID, svc), ID: p.ID, Pos: p.PrincPos})
		}
	}
	return out
}

func invokes(action string) bool {
	a := strings.ToLower(action)
	return a == "" || a == "lambda:invokefunction" || a == "lambda:*" || a == "*"
}

// onEveryBranch reports whether the property at the path is present and
// not empty on every branch where the resource being read exists.
func (b *builder) onEveryBranch(props *template.Value, path ...string) bool {
	found := b.lookup(props, path...)
	if len(found) == 0 {
		return false
	}
	for _, f := range found {
		if f.Value == nil || f.Value.Kind == template.Null {
			return false
		}
		if text, ok := b.literal(f.Value); ok && strings.TrimSpace(text) == "" && f.Value.IsScalar() {
			return false
		}
	}
	return true
}

// connectorServices are the connector sources SAM writes an
// AWS::Lambda::Permission for, when the destination is a function and the
// connector grants Write (samtranslator's connector profiles), by the
// service that then invokes the function asynchronously.
var connectorServices = map[string]string{
	"AWS::SNS::Topic":   "Amazon SNS",
	"AWS::S3::Bucket":   "Amazon S3",
	"AWS::Events::Rule": "Amazon EventBridge",
}

// connectorSources are the SAM connectors (embedded in a resource's
// Connectors, or AWS::Serverless::Connector resources) by which a topic, a
// bucket or a rule invokes the function.
func (b *builder) connectorSources(fnID string) []AsyncSource {
	var out []AsyncSource
	add := func(id string, src *template.Resource, props *template.Value, at template.Field) {
		if src == nil || connectorServices[src.Type] == "" || !b.writes(props) {
			return
		}
		for _, d := range b.unionItems(props.Get("Destination")) {
			dest, ok := b.literal(d.Get("Id"))
			if (ok && dest == fnID) || (d.Get("Arn") != nil && b.resourceNamed(d.Get("Arn"), b.t.Resource(fnID).Type) == fnID) {
				out = append(out, AsyncSource{What: fmt.Sprintf("SAM connector %s (%s)", id, connectorServices[src.Type]), Pos: at.KeyPos})
				return
			}
		}
	}
	for _, src := range b.t.ResourcesOfType("AWS::SNS::Topic", "AWS::S3::Bucket", "AWS::Events::Rule") {
		for _, f := range fieldsOf(src.Node.Get("Connectors")) {
			add(f.Key, src, f.Value.Get("Properties"), f)
		}
	}
	for _, c := range b.t.ResourcesOfType("AWS::Serverless::Connector") {
		if id, ok := b.literal(c.Properties.Get("Source").Get("Id")); ok {
			add(c.ID, b.t.Resource(id), c.Properties, template.Field{KeyPos: c.Pos})
		}
	}
	return out
}

// writes reports whether a connector's Permissions include Write.
func (b *builder) writes(props *template.Value) bool {
	for _, p := range b.ev.Strings(props.Get("Permissions")) {
		if p.Text == "Write" {
			return true
		}
	}
	return false
}
