package deployed_test

import (
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/deployed"
	"github.com/lambdagate/lambdagate/deployed/fakeaws"
	"github.com/lambdagate/lambdagate/template"
)

func parse(t *testing.T, file, text string) *template.Template {
	t.Helper()
	tpl, err := template.Parse(file, []byte(text), template.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// onlyGood is a demo template that shares the stack's function logical id
// and nothing else: with the old score (function ids only) it tied with the
// real template and, given first, won.
const onlyGood = `Metadata:
  lambdagate:
    ignore:
      - rule: public-invoke
        reason: demo function, public on purpose
Resources:
  Good:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/demo
`

func templateFiles(out *deployed.Result) []string {
	var files []string
	for _, u := range out.Templates {
		files = append(files, u.Template.File)
	}
	return files
}

func TestAStackTakesTheTemplateDefiningMostOfItsLogicalIDs(t *testing.T) {
	a := app()
	a.Stacks["app"] = append(a.Stacks["app"], &fakeaws.Resource{Logical: "Key", Physical: "1111-2222", Type: "AWS::KMS::Key"})
	demo, real := parse(t, "examples/sample.yaml", onlyGood), parse(t, "infra/template.yaml", appTemplate)
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}}, deployed.Options{Templates: units(demo, real)})
	if got := templateFiles(out); len(got) != 1 || got[0] != "infra/template.yaml" {
		t.Fatalf("want the stack matched to infra/template.yaml (Key, FnRole, Good are the stack's), got %v; %v", got, lines)
	}
	hasNo(t, lines, "drift")
}

func TestATieBetweenTemplatesIsAProblemNotAGuess(t *testing.T) {
	a := app()
	out, lines := verify(t, a, deployed.Target{Stacks: []string{"app"}},
		deployed.Options{Templates: units(parse(t, "examples/sample.yaml", onlyGood), parse(t, "other/sample.yaml", onlyGood))})
	if got := templateFiles(out); len(got) != 0 {
		t.Fatalf("no template should be used when two tie, got %v", got)
	}
	has(t, lines, "unverified app: cannot verify stack app against a template: examples/sample.yaml and other/sample.yaml define its logical ids equally well, so none is used", "no template's suppressions apply")
	for _, fn := range out.Functions {
		if fn.Pos.File != "" {
			t.Errorf("%s placed at %v, from a template that only tied", fn.Name, fn.Pos)
		}
	}
}

const parentTemplate = `Resources:
  Good:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/app-FnRole-A1
      TracingConfig: {Mode: Active}
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested/child-b.yaml
`

const childTemplate = `Resources:
  Good:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/app-FnRole-A1
      TracingConfig: {Mode: PassThrough}
`

// nestedApp is stack app (Good and the nested stack Child, both of
// parentTemplate) whose child (childTemplate) has a function Good too.
func nestedApp() *fakeaws.Account {
	a := app()
	a.Stacks["app"] = []*fakeaws.Resource{
		{Logical: "Good", Physical: "app-Good-X", Type: "AWS::Lambda::Function"},
		{Logical: "Child", Physical: "arn:aws:cloudformation:eu-west-1:123456789012:stack/app-Child-C1/abc", Type: "AWS::CloudFormation::Stack"},
	}
	a.Stacks["app-Child-C1"] = []*fakeaws.Resource{{Logical: "Good", Physical: "app-Child-Good-G", Type: "AWS::Lambda::Function"}}
	a.Functions["app-Good-X"] = &fakeaws.Function{Name: "app-Good-X", Role: "app-FnRole-A1", Tracing: "Active"}
	a.Functions["app-Child-Good-G"] = &fakeaws.Function{Name: "app-Child-Good-G", Role: "app-FnRole-A1", Tracing: "PassThrough"}
	return a
}

func TestAParentStackTakesTheTemplateWithItsNestedStacks(t *testing.T) {
	child, parent := parse(t, "infra/nested/child-b.yaml", childTemplate), parse(t, "infra/parent.yaml", parentTemplate)
	out, lines := verify(t, nestedApp(), deployed.Target{Stacks: []string{"app"}}, deployed.Options{Templates: units(child, parent)})
	for _, fn := range out.Functions {
		want := "infra/parent.yaml"
		if fn.Name == "app-Child-Good-G" {
			want = "infra/nested/child-b.yaml"
		}
		if fn.Pos.File != want {
			t.Errorf("%s placed in %q, want %s; %v", fn.Name, fn.Pos.File, want, lines)
		}
	}
	hasNo(t, lines, "drift")
}

func TestANestedStackTakesTheTemplateItsParentNames(t *testing.T) {
	// Two children alike: only the parent's TemplateURL tells them apart.
	a, b := parse(t, "infra/nested/child-a.yaml", childTemplate), parse(t, "infra/nested/child-b.yaml", childTemplate)
	out, lines := verify(t, nestedApp(), deployed.Target{Stacks: []string{"app"}},
		deployed.Options{Templates: units(a, b, parse(t, "infra/parent.yaml", parentTemplate))})
	if got := strings.Join(templateFiles(out), " "); got != "infra/nested/child-b.yaml infra/parent.yaml" {
		t.Fatalf("want the child matched to the parent's TemplateURL, got %v; %v", got, lines)
	}
	hasNo(t, lines, "equally well")
}
