package fix

import (
	"fmt"

	"github.com/lambdagate/lambdagate/source"
	"github.com/lambdagate/lambdagate/template"
)

// addTopLevel adds a section (Globals, Parameters) to the template, just
// before Resources.
func (p *planner) addTopLevel(f field) (Edit, error) {
	root := p.t.Root
	i := -1
	for j, rf := range root.Fields {
		if rf.Key == "Resources" {
			i = j
		}
	}
	if i < 0 {
		return Edit{}, fmt.Errorf("the template has no Resources section")
	}
	return p.x.addBefore(root, source.Pos{}, i, f, true)
}

// resources is the Resources section, with its key.
func (p *planner) resources() (template.Field, error) {
	rf, ok := p.t.Root.Field("Resources")
	if !ok || rf.Value.Kind != template.Map {
		return template.Field{}, fmt.Errorf("no Resources map")
	}
	return rf, nil
}

// parameterDefs are the parameters the kms-key and security-groups fixes add.
var parameterDefs = map[string]node{
	KmsKeyParameter: mapOf(kv("Type", str("String")), kv("AllowedPattern", str(kmsKeyPattern)),
		kv("Description", str("ARN of the customer managed KMS key that encrypts the environment variables of the functions"))),
	SecurityGroupsParameter: mapOf(kv("Type", str("List<AWS::EC2::SecurityGroup::Id>")), kv("Description", str("Security groups of the functions"))),
	SubnetsParameter:        mapOf(kv("Type", str("List<AWS::EC2::Subnet::Id>")), kv("Description", str("Subnets the functions run in"))),
}

// parameters is the one edit that declares every parameter the file's
// fixes use (p.needed), shared by each change that uses one, so that two
// fixes never create the Parameters section twice. A parameter already
// declared is used as it is: a person chose its definition.
func (p *planner) parameters() ([]Edit, error) {
	if p.paramsDone {
		return p.paramEdits, p.paramErr
	}
	p.paramsDone = true
	var add []field
	for _, name := range []string{KmsKeyParameter, SecurityGroupsParameter, SubnetsParameter} {
		if p.needed[name] && p.t.Parameters[name] == nil {
			add = append(add, kv(name, parameterDefs[name]))
		}
	}
	if len(add) == 0 {
		return nil, nil
	}
	pf, ok := p.t.Root.Field("Parameters")
	if !ok {
		e, err := p.addTopLevel(kv("Parameters", mapOf(add...)))
		p.paramEdits, p.paramErr = []Edit{e}, err
		return p.paramEdits, p.paramErr
	}
	if err := p.x.owned(pf); err != nil {
		p.paramErr = err
		return nil, err
	}
	e, err := p.x.addFields(pf.Value, pf.KeyPos, add)
	if err != nil {
		p.paramErr = err
		return nil, err
	}
	p.paramEdits = []Edit{e}
	return p.paramEdits, nil
}

// resourceAfter adds a resource right after the resource id.
func (p *planner) resourceAfter(id string, f field) (Edit, error) {
	rf, err := p.resources()
	if err != nil {
		return Edit{}, err
	}
	for i, r := range rf.Value.Fields {
		if r.Key != id {
			continue
		}
		if i+1 < len(rf.Value.Fields) {
			return p.x.addBefore(rf.Value, rf.KeyPos, i+1, f, p.blankBefore(rf.Value.Fields[i+1]))
		}
		return p.x.addField(rf.Value, rf.KeyPos, f)
	}
	return Edit{}, fmt.Errorf("%s is not in Resources", id)
}

// blankBefore: a blank line comes before the resource (or before the
// comments right above it), so a resource added before it keeps one too.
func (p *planner) blankBefore(f template.Field) bool {
	off, err := p.x.offset(f.KeyPos)
	if err != nil {
		return false
	}
	for line := p.x.lineOf(off); line > 0; line-- {
		if _, blank := p.x.indentOf(line - 1); !blank {
			return false
		}
		if isSpace(p.x.line(line - 1)) {
			return true
		}
	}
	return false
}

func isSpace(s string) bool {
	for _, c := range s {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// uniqueID is id, or id with a number, not yet used in the template.
func (p *planner) uniqueID(id string) string {
	out := id
	for n := 2; p.taken[out]; n++ {
		out = fmt.Sprintf("%s%d", id, n)
	}
	p.taken[out] = true
	return out
}
