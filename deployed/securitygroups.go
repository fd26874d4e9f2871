package deployed

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lambdagate/lambdagate/lambda"
)

const ruleOpenGroup = "open-security-group"

// groupBatch bounds the group ids of one DescribeSecurityGroups call: EC2
// takes at most 200 values in a filter.
const groupBatch = 200

// readGroups reads the security groups the functions run behind, for
// open-security-group, once the functions are read: one
// ec2:DescribeSecurityGroups call (paginated, 200 ids a call) for every
// group of every function of the region, each group read once however many
// functions share it, and gives each function its groups as lambda.Group,
// the model the template's groups fill. A group that cannot be read leaves
// the rule not verified on the functions behind it, never passed.
//
// The ids go in a group-id filter rather than GroupIds: with GroupIds, one
// group deleted since the function was read fails the whole call
// (InvalidGroup.NotFound), and every function with it.
func (r *run) readGroups(entries []*entry) {
	users := map[string][]*entry{}
	for _, e := range entries {
		if e.fn == nil || e.fn.Around == nil {
			continue
		}
		for _, s := range e.fn.SecurityGroups {
			for _, id := range s.IDs {
				if !slices.Contains(users[id], e) {
					users[id] = append(users[id], e)
				}
			}
		}
	}
	if len(users) == 0 {
		return
	}
	ids := make([]string, 0, len(users))
	for id := range users {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	fail := func(ids []string, p pendingProblem) {
		var of []*entry
		for _, id := range ids {
			for _, e := range users[id] {
				if !slices.Contains(of, e) {
					of = append(of, e)
				}
			}
		}
		of = sortedUsers(of)
		p.e, p.rule = of[0], ruleOpenGroup
		p.subject = fmt.Sprintf("%s (of %s)", describeGroups(ids), describeFunctions(of))
		r.problem(p)
		for _, e := range of {
			r.unverified(e, ruleOpenGroup)
		}
	}
	if r.c.EC2 == nil {
		for _, id := range ids {
			for _, e := range users[id] {
				r.unverified(e, ruleOpenGroup)
			}
		}
		return
	}
	read := map[string]lambda.Group{}
	for batch := range slices.Chunk(ids, groupBatch) {
		in := &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: ptr("group-id"), Values: batch}}}
		pages := ec2.NewDescribeSecurityGroupsPaginator(r.c.EC2, in)
		var failed error
		for pages.HasMorePages() && failed == nil {
			var out *ec2.DescribeSecurityGroupsOutput
			failed = r.call("ec2:DescribeSecurityGroups", "*", func(ctx context.Context) error {
				var err error
				out, err = pages.NextPage(ctx)
				return err
			})
			if failed != nil {
				break
			}
			for _, sg := range out.SecurityGroups {
				if id := deref(sg.GroupId); users[id] != nil {
					read[id] = group(sg)
				}
			}
		}
		switch missing := unread(batch, read); {
		case len(missing) == 0:
		case failed != nil:
			fail(missing, pendingProblem{err: failed})
		default:
			it := "it"
			if len(missing) > 1 {
				it = "them"
			}
			fail(missing, pendingProblem{msg: fmt.Sprintf("ec2:DescribeSecurityGroups in %s does not return %s: deleted since the function was configured, or not visible to these credentials", r.c.Region, it)})
		}
	}
	for _, e := range entries {
		if e.fn == nil || e.fn.Around == nil {
			continue
		}
		for _, s := range e.fn.SecurityGroups {
			for _, id := range s.IDs {
				if g, ok := read[id]; ok {
					e.fn.Around.Groups = append(e.fn.Around.Groups, g)
				}
			}
		}
	}
}

// unread are the ids of batch not in read.
func unread(batch []string, read map[string]lambda.Group) []string {
	var out []string
	for _, id := range batch {
		if _, ok := read[id]; !ok {
			out = append(out, id)
		}
	}
	return out
}

// group is a deployed security group as the template's are modelled: its
// inbound rules by CIDR (IPv4 and IPv6) with their ports.
func group(sg ec2types.SecurityGroup) lambda.Group {
	g := lambda.Group{ID: deref(sg.GroupId)}
	for _, p := range sg.IpPermissions {
		port := ports(p)
		for _, rg := range p.IpRanges {
			g.Ingress = append(g.Ingress, lambda.Ingress{CIDR: deref(rg.CidrIp), Port: port})
		}
		for _, rg := range p.Ipv6Ranges {
			g.Ingress = append(g.Ingress, lambda.Ingress{CIDR: deref(rg.CidrIpv6), Port: port})
		}
	}
	return g
}

// ports says what an inbound rule opens, as the template's rules are said:
// "all ports", "port 443", "ports 1024-2048".
func ports(p ec2types.IpPermission) string {
	proto := deref(p.IpProtocol)
	if proto == "-1" || proto == "all" || p.FromPort == nil || p.ToPort == nil || *p.FromPort == -1 {
		return "all ports"
	}
	if *p.FromPort == *p.ToPort {
		return fmt.Sprintf("port %d", *p.FromPort)
	}
	return fmt.Sprintf("ports %d-%d", *p.FromPort, *p.ToPort)
}

// describeGroups names security groups in a message: "security group
// sg-1", "security groups sg-1, sg-2, sg-3 and 4 more".
func describeGroups(ids []string) string {
	if len(ids) == 1 {
		return "security group " + ids[0]
	}
	shown := ids
	more := ""
	if len(ids) > 3 {
		shown, more = ids[:3], fmt.Sprintf(" and %d more", len(ids)-3)
	}
	return "security groups " + strings.Join(shown, ", ") + more
}

func ptr[T any](v T) *T { return &v }
