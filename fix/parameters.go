package fix

import (
	"fmt"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/template"
)

// kmsKeyPattern is what a KMS key ARN looks like, in every partition.
const kmsKeyPattern = "^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$"

// kmsKey sets KmsKeyArn: !Ref FunctionKmsKeyArn where it is missing or
// empty, and adds the parameter: the key is a person's choice, given at
// deploy time.
func (p *planner) kmsKey(f checks.Finding, fn *lambda.Function, r *template.Resource) (Change, error) {
	s, err := unconditional(fn.KmsKey, f.Pos)
	if err != nil {
		return Change{}, err
	}
	edits, err := p.parameters()
	if err != nil {
		return Change{}, err
	}
	e, err := p.setOrAdd(fn, r, s, "KmsKeyArn", ref(KmsKeyParameter))
	if err != nil {
		return Change{}, err
	}
	return Change{Summary: "KmsKeyArn: !Ref " + KmsKeyParameter, Edits: append([]Edit{e}, edits...)}, nil
}

// securityGroups puts the function in a VPC whose security groups and
// subnets are parameters.
func (p *planner) securityGroups(f checks.Finding, fn *lambda.Function, r *template.Resource) (Change, error) {
	s, err := unconditional(fn.SecurityGroups, f.Pos)
	if err != nil {
		return Change{}, err
	}
	edits, err := p.parameters()
	if err != nil {
		return Change{}, err
	}
	pf, err := p.properties(r)
	if err != nil {
		return Change{}, err
	}
	vpc, hasVPC := pf.Value.Field("VpcConfig")
	var e Edit
	switch {
	case !hasVPC && s.State == lambda.Absent:
		if err := p.noMisspelling(fn, "VpcConfig"); err != nil {
			return Change{}, err
		}
		e, err = p.x.addField(pf.Value, pf.KeyPos, kv("VpcConfig", mapOf(
			kv("SecurityGroupIds", ref(SecurityGroupsParameter)), kv("SubnetIds", ref(SubnetsParameter)))))
	case hasVPC:
		if err := p.x.owned(vpc); err != nil {
			return Change{}, err
		}
		if vpc.Value.Get("SubnetIds") == nil {
			return Change{}, fmt.Errorf("VpcConfig has no SubnetIds either; complete it by hand")
		}
		e, err = p.setOrAdd(fn, r, s, "SecurityGroupIds", ref(SecurityGroupsParameter))
	default:
		return Change{}, fmt.Errorf("VpcConfig comes from Globals; complete it there")
	}
	if err != nil {
		return Change{}, err
	}
	return Change{Summary: "VpcConfig.SecurityGroupIds: !Ref " + SecurityGroupsParameter, Edits: append([]Edit{e}, edits...)}, nil
}

// setOrAdd writes key: n in the map that lacks it or holds it empty: the
// function's Properties for KmsKeyArn, its VpcConfig for SecurityGroupIds.
func (p *planner) setOrAdd(fn *lambda.Function, r *template.Resource, s lambda.Setting, key string, n node) (Edit, error) {
	pf, err := p.properties(r)
	if err != nil {
		return Edit{}, err
	}
	holder := pf
	if key == "SecurityGroupIds" {
		if holder, _ = pf.Value.Field("VpcConfig"); holder.Value == nil {
			return Edit{}, fmt.Errorf("no VpcConfig")
		}
	}
	switch s.State {
	case lambda.Absent:
		if err := p.noMisspelling(fn, key); err != nil {
			return Edit{}, err
		}
		if s.Globals != "" {
			return Edit{}, fmt.Errorf("the value comes from Globals; set it there")
		}
		return p.x.addField(holder.Value, holder.KeyPos, kv(key, n))
	case lambda.Empty:
		vf, ok := holder.Value.Field(key)
		if !ok || vf.Value.Pos != s.Pos {
			return Edit{}, fmt.Errorf("the empty value is not written on the function")
		}
		if err := p.x.owned(vf); err != nil {
			return Edit{}, err
		}
		return p.x.replaceValue(vf.Value, n)
	}
	return Edit{}, fmt.Errorf("%s is set; check its value by hand", key)
}
