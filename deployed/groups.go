package deployed

import (
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/template"
)

// Resource types whose physical id is a security group's id.
const typeSecurityGroup = "AWS::EC2::SecurityGroup"

// templateGroups are the sets of security group ids the template can deploy
// the function with, its Refs read as the stack resolved them: a parameter
// as the stack's value (DescribeStacks), `!Ref SG` and `!GetAtt SG.GroupId`
// as the stack's group. One set per branch (Fn::If, Mappings rows), each
// sorted; ok is false when some id is known only to AWS (an import, a
// resource outside the stack): identities are then not compared.
func templateGroups(t *template.Template, logical string, s *stack) (sets [][]string, ok bool) {
	res := t.Resource(logical)
	if res == nil || s.params == nil {
		return nil, false
	}
	ev := t.Evaluator(s.params, true)
	for _, f := range template.Lookup(t.Properties(res), "VpcConfig", "SecurityGroupIds") {
		if f.Value == nil {
			sets = append(sets, nil)
			continue
		}
		for _, o := range ev.Eval(f.Value) {
			if o.Truncated {
				return nil, false
			}
			var items []*template.Value
			switch {
			case o.Value == nil:
			case o.Value.Kind == template.List:
				items = o.Value.Items
			default:
				items = []*template.Value{o.Value}
			}
			var ids []string
			for _, it := range items {
				got, known := groupIDs(it, s)
				if !known {
					return nil, false
				}
				ids = append(ids, got...)
			}
			slices.Sort(ids)
			sets = append(sets, slices.Compact(ids))
		}
	}
	return sets, len(sets) > 0
}

// groupIDs is what one item of SecurityGroupIds deploys as.
func groupIDs(v *template.Value, s *stack) ([]string, bool) {
	if v == nil {
		return nil, true // AWS::NoValue
	}
	if text, ok := v.Known(); ok {
		// A List<AWS::EC2::SecurityGroup::Id> parameter deploys as its
		// comma-separated value.
		var ids []string
		for _, id := range strings.Split(text, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
		return ids, true
	}
	ref := v.OnlyRef()
	if ref == nil || (ref.Kind != template.RefResource && !(ref.Kind == template.RefAttr && ref.Attr == "GroupId")) {
		return nil, false
	}
	if r, ok := s.resources[ref.Name]; ok && r.typ == typeSecurityGroup && r.physical != "" {
		return []string{r.physical}, true
	}
	return nil, false
}
