package deployed_test

import (
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/deployed"
	"github.com/lambdagate/lambdagate/deployed/fakeaws"
)

// A deleted stack is found by its ARN only, with every resource
// DELETE_COMPLETE: nothing of it is verified, and it must not pass.
func TestADeletedStackIsNotVerified(t *testing.T) {
	for _, status := range []string{"DELETE_COMPLETE", "DELETE_IN_PROGRESS"} {
		a := app()
		a.StackStatus = map[string]string{"app": status}
		if status == "DELETE_COMPLETE" {
			for _, res := range a.Stacks["app"] {
				res.Status = "DELETE_COMPLETE"
			}
		}
		out, lines := verify(t, a, deployed.Target{Stacks: []string{"arn:aws:cloudformation:eu-west-1:123456789012:stack/app/0000"}}, deployed.Options{})
		has(t, lines, "unverified app: cannot verify stack app: the stack was deleted ("+status+")")
		if len(out.Functions) != 0 {
			t.Errorf("%s: no function of a deleted stack is verified, got %d", status, len(out.Functions))
		}
	}
}

func TestAStackWithoutFunctionsIsNotAPass(t *testing.T) {
	a := app()
	a.Stacks["app"] = []*fakeaws.Resource{{Logical: "FnRole", Physical: "app-FnRole-A1", Type: "AWS::IAM::Role"}}
	_, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	has(t, lines, "unverified app: cannot verify stack app: it holds no function", "nothing was verified")

	// A function in a nested stack is one.
	b := app()
	b.Stacks["app"] = []*fakeaws.Resource{{Logical: "Api", Physical: "arn:aws:cloudformation:eu-west-1:123456789012:stack/app-Api-N1/abc", Type: "AWS::CloudFormation::Stack"}}
	b.Stacks["app-Api-N1"] = []*fakeaws.Resource{{Logical: "Good", Physical: "app-Good-X", Type: "AWS::Lambda::Function"}}
	_, lines = verify(t, b, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
	hasNo(t, lines, "holds no function")
}

func TestAnEmptyRegionIsNotAPass(t *testing.T) {
	a := app()
	a.Functions = map[string]*fakeaws.Function{}
	_, lines := verify(t, a, deployed.Target{All: true}, deployed.Options{})
	has(t, lines, "cannot verify the functions of eu-west-1: lambda:ListFunctions lists none, so nothing was verified")
}

// Cleaning up after an update deletes only what it replaced: the
// functions are final and verified; after a rollback (or an import
// rolled back), with the rolled-back warning.
func TestSettledStatusesAreVerified(t *testing.T) {
	for status, note := range map[string]string{
		"UPDATE_COMPLETE_CLEANUP_IN_PROGRESS":          "",
		"UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS": "its last update failed and was rolled back",
		"IMPORT_ROLLBACK_COMPLETE":                     "its last import failed and was rolled back",
	} {
		a := app()
		a.StackStatus = map[string]string{"app": status}
		out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{})
		hasNo(t, lines, "unverified app")
		if len(out.Functions) != 3 {
			t.Errorf("%s: want the 3 functions verified, got %d", status, len(out.Functions))
		}
		var notes []string
		for _, n := range out.Deployed.Notes {
			if n.Stack == "app" {
				notes = append(notes, n.Text)
			}
		}
		switch {
		case note == "" && len(notes) > 0:
			t.Errorf("%s: no note wanted, got %q", status, notes)
		case note != "" && (len(notes) != 1 || !strings.Contains(notes[0], "is "+status+": "+note)):
			t.Errorf("%s: want the note %q, got %q", status, note, notes)
		}
	}
}
