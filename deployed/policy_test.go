package deployed_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/deployed"
	"github.com/lambdagate/lambdagate/deployed/fakeaws"
)

// readmePolicy is the actions of the verify role's policy the README
// prints, under "Least privilege for the verify role".
func readmePolicy(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "### Least privilege for the verify role")
	if !ok {
		t.Fatal("the README has no section \"Least privilege for the verify role\"")
	}
	_, rest, _ = strings.Cut(rest, "```json\n")
	block, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("no JSON policy in the section")
	}
	var doc struct {
		Statement []struct {
			Action any
		}
	}
	if err := json.Unmarshal([]byte(block), &doc); err != nil {
		t.Fatalf("the README's policy is not JSON: %v\n%s", err, block)
	}
	var actions []string
	for _, st := range doc.Statement {
		switch a := st.Action.(type) {
		case string:
			actions = append(actions, a)
		case []any:
			for _, x := range a {
				actions = append(actions, x.(string))
			}
		}
	}
	slices.Sort(actions)
	return slices.Compact(actions)
}

// The README's IAM policy is exactly what a full run calls (through the
// fake: stacks and a nested stack, roles with inline, attached and customer
// managed policies and a boundary, keys, security groups, a function S3
// invokes, --all, --tag and an alias named alone):
// neither can drift from the other.
func TestTheREADMEsPolicyIsWhatVerifyCalls(t *testing.T) {
	a := app()
	a.Roles["app-BadRole-B2"].Boundary = "arn:aws:iam::123456789012:policy/boundary"
	a.Policies["arn:aws:iam::123456789012:policy/boundary"] = scoped
	nested := "arn:aws:cloudformation:eu-west-1:123456789012:stack/app-Api-N1/abc"
	a.Stacks["app"] = append(a.Stacks["app"], &fakeaws.Resource{Logical: "Api", Physical: nested, Type: "AWS::CloudFormation::Stack"})
	a.Stacks["app-Api-N1"] = []*fakeaws.Resource{{Logical: "Handler", Physical: "app-Api-N1-Handler-H", Type: "AWS::Lambda::Function"}}
	a.Functions["app-Api-N1-Handler-H"] = &fakeaws.Function{Name: "app-Api-N1-Handler-H", Role: "app-FnRole-A1", Tracing: "Active", KMSKeyArn: keyARN, SecurityGroups: []string{"sg-9"}, VpcID: "vpc-1"}
	a.Functions["app-Good-X"].Versions = map[string]*fakeaws.Function{"1": {Name: "app-Good-X", Role: "app-FnRole-A1", KMSKeyArn: keyARN, Tracing: "Active", SecurityGroups: []string{"sg-1"}, VpcID: "vpc-1"}}
	a.Functions["app-Good-X"].Aliases = map[string]*fakeaws.Alias{"live": {Version: "1"}}
	// S3 invokes it asynchronously: lambda:GetFunctionEventInvokeConfig.
	a.Functions["app-Also-Y"].Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"},"StringEquals":{"AWS:SourceAccount":"123456789012"}}}]}`
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	if len(out.Problems) > 0 {
		t.Fatalf("the full run is not clean: %v", lines)
	}
	all, _ := verify(t, a, deployed.Target{All: true}, deployed.Options{}) // lambda:ListFunctions
	a.Functions["app-Good-X"].Tags = map[string]string{"team": "orders"}
	tagged, _ := verify(t, a, deployed.Target{Tags: []deployed.Tag{{Key: "team", Value: "orders"}}}, deployed.Options{}) // tag:GetResources
	if len(tagged.Problems) > 0 || len(tagged.Functions) == 0 {
		t.Fatalf("the run by tags is not clean: %v", tagged.Problems)
	}
	named, _ := verify(t, a, deployed.Target{Functions: []string{"app-Good-X:live"}}, deployed.Options{}) // lambda:GetAlias
	if len(named.Problems) > 0 {
		t.Fatalf("the run of an alias is not clean: %v", named.Problems)
	}
	var called []string
	for action := range out.Calls {
		called = append(called, action)
	}
	for _, other := range []*deployed.Result{all, tagged, named} {
		for action := range other.Calls {
			if !slices.Contains(called, action) {
				called = append(called, action)
			}
		}
	}
	slices.Sort(called)
	if want := readmePolicy(t); !slices.Equal(called, want) {
		t.Errorf("verify calls %v;\nthe README's policy allows %v", called, want)
	}
}
