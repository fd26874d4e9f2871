package deployed_test

import (
	"testing"

	"github.com/lambdagate/lambdagate/deployed"
	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/lambda"
)

// Of several regions, a function without a logical id is named once with
// its region, and a problem of a function named directly says its region.
func TestMergeNamesEachFunctionOnceWithItsRegion(t *testing.T) {
	regional := func(region string) *deployed.Result {
		r := &deployed.Result{Unverified: map[string][]string{}}
		r.Deployed = evaluation.Deployed{Region: region}
		r.Functions = []*lambda.Function{
			{Name: "good:live (version 2, 10% of the traffic)", Resource: "good:live (version 2, 10% of the traffic)"},
			{Name: "app-Fn-1", Resource: "Fn"},
		}
		r.Problems = []deployed.Problem{{Resource: "good", Message: "cannot verify role"}}
		return r
	}
	out := deployed.Merge([]*deployed.Result{regional("eu-west-1"), regional("us-east-1")})
	if fn := out.Functions[0]; fn.Resource != fn.Name || fn.Name != "good:live (version 2, 10% of the traffic) (eu-west-1)" {
		t.Errorf("name %q, resource %q", fn.Name, fn.Resource)
	}
	if fn := out.Functions[1]; fn.Resource != "Fn" || fn.Name != "app-Fn-1 (eu-west-1)" {
		t.Errorf("a logical id stays: name %q, resource %q", fn.Name, fn.Resource)
	}
	if a, b := out.Problems[0].Resource, out.Problems[1].Resource; a != "good (eu-west-1)" || b != "good (us-east-1)" {
		t.Errorf("problems' resources %q, %q", a, b)
	}
}
