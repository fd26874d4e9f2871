package checks

import (
	"fmt"

	"github.com/lambdagate/lambdagate/lambda"
)

// OpenSecurityGroup reports security groups open to the internet.
var OpenSecurityGroup = &Check{
	ID:    "open-security-group",
	Title: "Security groups of functions allow no ingress from the whole internet",
	Doc: `For an ` + "`AWS::EC2::SecurityGroup`" + ` of the template that a function runs behind: an inbound rule
(inline ` + "`SecurityGroupIngress`" + ` or an ` + "`AWS::EC2::SecurityGroupIngress`" + ` resource) from ` + "`0.0.0.0/0`" + ` or ` + "`::/0`" + ` is a
warning. Default severity: warning.

**Why.** A Lambda function never needs inbound connections: Lambda invokes it through the service, not
through the network. An open rule only widens what a compromised neighbour can reach.

**Fails**

` + "```yaml" + `
FnSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    GroupDescription: fn
    SecurityGroupIngress:
      - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
` + "```" + `

**Passes**

` + "```yaml" + `
FnSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    GroupDescription: fn, egress only
` + "```" + `

**Fix.** Remove the ingress rule; a function's security group needs egress rules only.`,
	Run: func(p *Pass, fn *lambda.Function) {
		if fn.Around == nil {
			return
		}
		for _, g := range fn.Around.Groups {
			for _, in := range g.Ingress {
				if in.CIDR == "0.0.0.0/0" || in.CIDR == "::/0" {
					p.ReportOn(g.ID, Warning, in.Pos, fmt.Sprintf("security group %s allows ingress from %s on %s; a function needs no inbound rule, remove it", g.ID, in.CIDR, in.Port))
				}
			}
		}
	},
}
