package iam

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// awsManagedPolicies is ../../shared/iam/aws-managed-policies.json: every AWS managed
// policy ARN with its default version's document, as AWS publishes them. It is third-party
// data kept outside the repository, so the tests that hold lambdagate's tables against
// what AWS really grants skip when it is absent.
const awsManagedPoliciesFile = "../../shared/iam/aws-managed-policies.json"

type awsManaged struct {
	arn, name  string
	deprecated bool
	policy     Policy
}

func loadAWSManaged(t *testing.T) []awsManaged {
	t.Helper()
	b, err := os.ReadFile(awsManagedPoliciesFile)
	if os.IsNotExist(err) {
		t.Skipf("%s is absent; these checks need the shared IAM data set", awsManagedPoliciesFile)
	}
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]struct {
		Deprecated bool            `json:"deprecated"`
		Document   json.RawMessage `json:"document"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatalf("%s: %v", awsManagedPoliciesFile, err)
	}
	var out []awsManaged
	for arn, v := range raw {
		p, err := ParseJSON("managed policy "+arn, v.Document)
		if err != nil {
			t.Fatalf("ParseJSON cannot read a document AWS publishes: %v", err)
		}
		out = append(out, awsManaged{arn, arn[strings.LastIndex(arn, "/")+1:], v.Deprecated, p})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].arn < out[j].arn })
	return out
}

func values(ss []Str) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Value
	}
	return out
}

// starOnlyWithARN lists the star-only actions that some AWS managed policy grants, in a
// statement of nothing but star-only actions, on specific ARNs, and that the table keeps
// star-only all the same. Each entry says why the reference is right and the policy's ARN
// merely ineffective (IAM authorizes a star-only action against "*" only).
var starOnlyWithARN = map[string]string{
	"iam:listroles": "the IAM reference lists no resource type for ListRoles, which returns every role; " +
		"AWSOrganizationsServiceTrustPolicy pairs it with role/aws-service-role/*, which cannot narrow a list call",
}

// TestStarOnlyActionsAreNeverScopedByAWS holds the star-only table against AWS's own
// managed policies: a star-only action granted on a specific ARN suggests it accepts ARNs.
//
// The evidence counts when the statement grants nothing but star-only actions: AWS wrote
// that ARN for them. When a statement mixes them with actions that do take ARNs (AWS's
// policies often do, to stay short: s3:ListAllMyBuckets beside s3:GetObject on DeepRacer
// buckets), the ARN was written for the others and says nothing about the star-only
// action, whose grant there simply never matches; those are counted and logged.
func TestStarOnlyActionsAreNeverScopedByAWS(t *testing.T) {
	policies := loadAWSManaged(t)
	strong := map[string][]string{} // lower action -> where AWS scopes it alone
	mixed := map[string]bool{}
	checked := 0
	for _, m := range policies {
		for _, st := range m.policy.Statements {
			if !allows(st) || st.HasCondition || len(st.Resource) == 0 {
				continue
			}
			specific := true
			for _, r := range st.Resource {
				if everyResource(r) {
					specific = false
				}
			}
			if !specific {
				continue
			}
			var starOnly []string
			onlyStar := true
			for _, a := range st.Action {
				if hasWildcard(a.Value) {
					onlyStar = false
					continue
				}
				checked++
				if star, _ := StarOnly(a.Value); star {
					starOnly = append(starOnly, strings.ToLower(a.Value))
				} else {
					onlyStar = false
				}
			}
			for _, a := range starOnly {
				if onlyStar {
					strong[a] = append(strong[a], m.name+" on "+strings.Join(values(st.Resource), ", "))
				} else {
					mixed[a] = true
				}
			}
		}
	}
	for a, where := range strong {
		if _, ok := starOnlyWithARN[a]; ok {
			continue
		}
		t.Errorf("%s is star-only in actions.txt, yet AWS grants it alone on specific ARNs (%s); check the Service Authorization Reference and add it to SCOPED_BY_AWS in gen_actions.py, or to starOnlyWithARN here with the reason", a, where[0])
	}
	for a := range starOnlyWithARN {
		if star, _ := StarOnly(a); !star {
			t.Errorf("starOnlyWithARN lists %s, which actions.txt no longer marks star-only; remove the entry", a)
		}
	}
	t.Logf("%d action grants on specific ARNs in %d AWS managed policies: %d star-only actions scoped alone (%d documented exceptions), %d only beside actions that take ARNs",
		checked, len(policies), len(strong), len(starOnlyWithARN), len(mixed))
}

// TestStarOnlyTableIsRealActions checks that every star-only entry is a well-formed
// service:Action and counts how many AWS managed policies use. The rest are justified by
// their source: the table is generated from the Service Authorization Reference, which
// documents actions no managed policy happens to grant.
func TestStarOnlyTableIsRealActions(t *testing.T) {
	valid := regexp.MustCompile(`^[a-z0-9-]+:[A-Za-z0-9_-]+$`)
	var star []string
	for svc, s := range allActions() {
		for _, n := range s.names {
			if !valid.MatchString(svc + ":" + n) {
				t.Errorf("actions.txt: %s:%s is not a service:Action name", svc, n)
			}
			if s.starOnly[strings.ToLower(n)] {
				star = append(star, strings.ToLower(svc+":"+n))
			}
		}
	}
	// The actions the brief of this package names as star-only must be so.
	for _, a := range []string{
		"xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
		"ec2:DescribeNetworkInterfaces", "cloudwatch:PutMetricData", "s3:ListAllMyBuckets",
		"sts:GetCallerIdentity", "ecr:GetAuthorizationToken",
	} {
		if s, known := StarOnly(a); !s || !known {
			t.Errorf("StarOnly(%q) = %v, %v; want true, true", a, s, known)
		}
	}
	policies := loadAWSManaged(t)
	used := map[string]bool{}
	for _, m := range policies {
		for _, st := range m.policy.Statements {
			for _, a := range st.Action {
				used[strings.ToLower(a.Value)] = true
			}
		}
	}
	n := 0
	for _, a := range star {
		if used[a] {
			n++
		}
	}
	t.Logf("%d star-only actions in %d services; %d of them granted by name in some AWS managed policy", len(star), len(allActions()), n)
}

// grantsEverything reports what makes a policy broad: an Allow of "*" or service:* on every
// resource, or of NotAction, with no Condition.
func grantsEverything(p Policy) (string, bool) {
	for _, st := range p.Statements {
		if !allows(st) || st.HasCondition {
			continue
		}
		every := st.HasNotResource
		for _, r := range st.Resource {
			every = every || everyResource(r)
		}
		if !every {
			continue
		}
		if st.HasNotAction {
			return "NotAction", true
		}
		for _, a := range st.Action {
			if _, name, _ := strings.Cut(a.Value, ":"); onlyWildcards(a.Value) || onlyWildcards(name) {
				return a.Value, true
			}
		}
	}
	return "", false
}

func TestManagedPolicyTablesAgreeWithAWS(t *testing.T) {
	policies := loadAWSManaged(t)
	byName := map[string]awsManaged{}
	for _, m := range policies {
		byName[m.name] = m
	}
	accepted, broad, broadByName := 0, 0, 0
	for _, a := range acceptedPolicies {
		m, ok := byName[a.Name]
		if !ok {
			t.Errorf("accepted policy %s is not an AWS managed policy; remove it from acceptedPolicies", a.Name)
			continue
		}
		if m.deprecated {
			t.Errorf("accepted policy %s is deprecated by AWS; remove it from acceptedPolicies", a.Name)
		}
		if v := ManagedPolicy(m.arn); v.Kind != Accepted {
			t.Errorf("ManagedPolicy(%q) = %v, want accepted", m.arn, v.Kind)
		}
		var errs []string
		for _, p := range Permissions(m.policy) {
			if p.Severity == Error {
				errs = append(errs, p.Message)
			}
		}
		switch {
		case len(errs) > 0 && a.EveryResource == "":
			t.Errorf("accepted policy %s has errors, and acceptedPolicies does not say why it is accepted anyway:\n  %s", a.Name, strings.Join(errs, "\n  "))
		case len(errs) == 0 && a.EveryResource != "":
			t.Errorf("accepted policy %s has no errors; drop its EveryResource note", a.Name)
		}
		accepted++
	}
	for _, m := range policies {
		v := ManagedPolicy(m.arn)
		if v.Kind != Broad {
			continue
		}
		broad++
		if _, listed := broadPolicies[m.name]; !listed && strings.Contains(m.name, "FullAccess") {
			broadByName++
			continue // broad by AWS's own naming
		}
		if _, ok := grantsEverything(m.policy); !ok {
			t.Errorf("%s is classified broad, but its document grants neither \"*\", service:* nor NotAction on every resource; remove it from broadPolicies", m.name)
		}
	}
	for n := range broadPolicies {
		if _, ok := byName[n]; !ok {
			t.Errorf("broad policy %s is not an AWS managed policy; remove it from broadPolicies", n)
		}
	}
	missed := 0
	for _, m := range policies {
		if _, ok := grantsEverything(m.policy); ok && ManagedPolicy(m.arn).Kind != Broad && !m.deprecated {
			missed++
		}
	}
	t.Logf("%d accepted, %d broad (%d by the FullAccess name); %d other AWS managed policies grant *, service:* or NotAction on every resource and stay unknown (service roles and the like)",
		accepted, broad, broadByName, missed)
}
