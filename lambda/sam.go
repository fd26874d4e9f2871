package lambda

import (
	"github.com/lambdagate/lambdagate/source"
	"github.com/lambdagate/lambdagate/template"
)

// generatedRole is the role SAM generates for another function, named by a
// function that uses it (`Role: !GetAtt OtherFnRole.Arn`): every statement
// SAM puts in it, on all of that function's branches at once.
func (b *builder) generatedRole(g *template.Generated) *Role {
	if r, ok := b.roles[g.ID]; ok {
		return r
	}
	owner := &Function{Resource: g.Function.ID, Type: TypeServerless, Pos: g.Function.Pos}
	saved := b.deployed
	b.deployed = g.Function.Condition
	uses := b.samRoles(owner, b.t.Properties(g.Function), nil)
	b.deployed = saved
	role := &Role{Kind: RoleSAMDefault, ID: g.ID, Pos: g.Function.Pos}
	for _, u := range uses {
		if u.Role == nil || u.Role.Kind == RoleSAMDefault {
			continue
		}
		role.Kind = RoleTemplate
		role.Policies = append(role.Policies, u.Role.Policies...)
		role.Managed = append(role.Managed, u.Role.Managed...)
		role.SAMTemplates = append(role.SAMTemplates, u.Role.SAMTemplates...)
		role.Problems = append(role.Problems, u.Role.Problems...)
		if role.Trust == nil {
			role.Trust = u.Role.Trust
		}
	}
	b.roles[g.ID] = role
	return role
}

// samActions are the actions SAM grants the role it generates on a
// DeadLetterQueue and on EventInvokeConfig destinations, by Type
// (samtranslator 1.110: sam_resources.py dead_letter_queue_policy_actions,
// iam.py *_role_policy).
var samActions = map[string][]string{
	"DLQ:SQS":         {"sqs:SendMessage"},
	"DLQ:SNS":         {"sns:Publish"},
	"EIC:SQS":         {"sqs:SendMessage"},
	"EIC:SNS":         {"sns:publish"},
	"EIC:Lambda":      {"lambda:InvokeFunction"},
	"EIC:EventBridge": {"events:PutEvents"},
}

// samAdded adds to the role SAM generates the statements SAM puts there
// outside Policies: the DeadLetterQueue, the EventInvokeConfig
// destinations. It reports whether it added any.
func (b *builder) samAdded(role *Role, fn *Function, props *template.Value) bool {
	var stmts []*template.Value
	for _, dlq := range template.Leaves(props.Get("DeadLetterQueue")) {
		if t, ok := b.literal(dlq.Get("Type")); ok {
			if arn := dlq.Get("TargetArn"); arn != nil {
				stmts = append(stmts, allow(samActions["DLQ:"+t], arn, arn.Pos))
			}
		}
	}
	for _, eic := range template.Leaves(props.Get("EventInvokeConfig")) {
		for _, on := range []string{"OnSuccess", "OnFailure"} {
			for _, d := range template.Leaves(eic.Get("DestinationConfig").Get(on)) {
				t, ok := b.literal(d.Get("Type"))
				arn := d.Get("Destination")
				if !ok || arn == nil {
					continue // SAM creates the queue or topic itself: scoped to it
				}
				if t == "S3Bucket" {
					objects := &template.Value{Kind: template.Map, Pos: arn.Pos, Fields: []template.Field{{Key: "Fn::Join", Value: &template.Value{
						Kind: template.List, Pos: arn.Pos, Items: []*template.Value{str("/", arn.Pos), {Kind: template.List, Pos: arn.Pos, Items: []*template.Value{arn, str("*", arn.Pos)}}}}}}}
					stmts = append(stmts, allow([]string{"s3:PutObject"}, objects, arn.Pos), allow([]string{"s3:ListBucket"}, arn, arn.Pos))
					continue
				}
				if acts := samActions["EIC:"+t]; acts != nil {
					stmts = append(stmts, allow(acts, arn, arn.Pos))
				}
			}
		}
	}
	if len(stmts) == 0 {
		return false
	}
	doc := &template.Value{Kind: template.Map, Pos: fn.Pos, Fields: []template.Field{{Key: "Statement", Value: &template.Value{Kind: template.List, Pos: fn.Pos, Items: stmts}}}}
	b.addDocument(role, fn.Resource, "the policy SAM adds to "+fn.Resource+"Role for its DeadLetterQueue and EventInvokeConfig destinations", doc, fn.Pos)
	return true
}

func str(s string, at source.Pos) *template.Value {
	return &template.Value{Kind: template.String, Text: s, Pos: at}
}

// allow is a statement SAM writes: Allow actions on resource.
func allow(actions []string, resource *template.Value, at source.Pos) *template.Value {
	list := &template.Value{Kind: template.List, Pos: at}
	for _, a := range actions {
		list.Items = append(list.Items, str(a, at))
	}
	return &template.Value{Kind: template.Map, Pos: at, Fields: []template.Field{
		{Key: "Effect", Value: str("Allow", at)},
		{Key: "Action", Value: list},
		{Key: "Resource", Value: resource},
	}}
}
