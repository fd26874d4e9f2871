package template

import (
	"strings"
	"testing"
)

// The intrinsic tables (fn_*_test.go) share this harness: a case is a small
// template and one value, and what the evaluator makes of it is rendered in
// one line, so that a table reads as a specification:
//
//	a-<param P>-b                   a string with a part known only at deployment
//	{P=x}                           text a parameter gives (P's value or default)
//	<attr R.Arn> <resource R> <pseudo AWS::Region> <import E> <dynamic {{...}}> <other ...>
//	[a, b]  {k: v}  5 (number)  true (bool)  null  ""  (absent)
//	... when IsProd is true         the branch the outcome is deployed on
//	... (truncated)                 Outcome.Truncated
//
// Outcomes are separated by " | ", in the order Eval returns them.

// evalCase is one row of an intrinsic table.
type evalCase struct {
	name   string            // defaults to value
	head   string            // sections before Resources: Transform, Parameters, Mappings, Conditions
	extra  string            // more resources, as YAML lines indented by two spaces
	value  string            // the value of property X of resource F, on one line
	given  map[string]string // Evaluator.Given
	params bool              // Evaluator.Params
	want   string
	// knownBug says why want is right and the evaluator is not: the case
	// logs the difference instead of failing, and fails once the evaluator
	// gives want, so that the mark is removed with the fix.
	knownBug string
}

// baseResources are resources every case may refer to.
const baseResources = `
  R:
    Type: AWS::IAM::Role
  B:
    Type: AWS::S3::Bucket
  Key:
    Type: AWS::KMS::Key
`

// caseTemplate writes the template of a case; the value is property X of F.
func caseTemplate(c evalCase) string {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\n")
	if c.head != "" {
		b.WriteString(strings.TrimLeft(c.head, "\n"))
		if !strings.HasSuffix(c.head, "\n") {
			b.WriteByte('\n')
		}
	}
	b.WriteString("Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      X: ")
	b.WriteString(c.value)
	b.WriteString("\n")
	b.WriteString(strings.TrimLeft(baseResources, "\n"))
	if c.extra != "" {
		b.WriteString(strings.TrimLeft(c.extra, "\n"))
		if !strings.HasSuffix(c.extra, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// parseCase parses the template of a case and returns it with the value.
func parseCase(t *testing.T, c evalCase) (*Template, *Value) {
	t.Helper()
	src := caseTemplate(c)
	tpl, err := Parse("t.yaml", []byte(src), DefaultLimits)
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	for _, p := range tpl.Problems {
		t.Fatalf("the case's template has a problem: %v\n%s", p, src)
	}
	f := tpl.Resource("F")
	if f == nil || f.Properties.Get("X") == nil {
		t.Fatalf("no property X in\n%s", src)
	}
	return tpl, f.Properties.Get("X")
}

// runEvalCases evaluates every case and compares the rendered outcomes.
func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range cases {
		name := c.name
		if name == "" {
			name = c.value
		}
		if seen[name] {
			t.Fatalf("two cases are named %q", name)
		}
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			tpl, v := parseCase(t, c)
			outs := tpl.Evaluator(c.given, c.params).Eval(v)
			got := renderOutcomes(outs)
			for _, o := range outs {
				checkInvariants(t, o.Value)
			}
			switch {
			case c.knownBug != "" && got == c.want:
				t.Errorf("known bug fixed (%s): remove the knownBug mark", c.knownBug)
			case c.knownBug != "":
				t.Logf("KNOWN BUG (%s):\n got %s\nwant %s", c.knownBug, got, c.want)
			case got != c.want:
				t.Errorf("Eval(%s)\n got %s\nwant %s\ntemplate:\n%s", c.value, got, c.want, caseTemplate(c))
			}
		})
	}
}

// renderOutcomes renders outcomes as the tables write them.
func renderOutcomes(outs []Outcome) string {
	if len(outs) == 0 {
		return "(none)"
	}
	parts := make([]string, len(outs))
	for i, o := range outs {
		var b strings.Builder
		renderValue(&b, o.Value)
		if len(o.When) > 0 {
			b.WriteString(" " + o.When.String())
		}
		if o.Truncated {
			b.WriteString(" (truncated)")
		}
		parts[i] = b.String()
	}
	return strings.Join(parts, " | ")
}

func renderValue(b *strings.Builder, v *Value) {
	if v == nil {
		b.WriteString("(absent)")
		return
	}
	switch v.Kind {
	case Null:
		b.WriteString("null")
	case Bool:
		b.WriteString(v.Text + " (bool)")
	case Number:
		b.WriteString(v.Text + " (number)")
	case String:
		if v.Parts == nil {
			if v.Text == "" {
				b.WriteString(`""`)
			}
			b.WriteString(v.Text)
			return
		}
		for _, p := range v.Parts {
			switch {
			case p.Ref != nil:
				b.WriteString(renderRef(p.Ref))
			case p.Param != "":
				b.WriteString("{" + p.Param + "=" + p.Text + "}")
			default:
				b.WriteString(p.Text)
			}
		}
	case List:
		b.WriteByte('[')
		for i, it := range v.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			renderValue(b, it)
		}
		b.WriteByte(']')
	case Map:
		b.WriteByte('{')
		for i, f := range v.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.Key + ": ")
			renderValue(b, f.Value)
		}
		b.WriteByte('}')
	}
}

var refKindNames = map[RefKind]string{
	RefParam: "param", RefResource: "resource", RefAttr: "attr", RefPseudo: "pseudo",
	RefImport: "import", RefDynamic: "dynamic", RefOther: "other",
}

func renderRef(r *Ref) string {
	name := r.Name
	if r.Kind == RefAttr {
		name += "." + r.Attr
	}
	kind := refKindNames[r.Kind]
	if kind == "" {
		kind = "kind?"
	}
	return "<" + kind + " " + name + ">"
}

// checkInvariants checks what every evaluated value must keep: a string's
// text renders its parts, a part known only at deployment makes it unknown,
// and every value and reference has a position in the file.
func checkInvariants(t *testing.T, v *Value) {
	t.Helper()
	if v == nil {
		return
	}
	if !v.Pos.Known() {
		t.Errorf("value %s has no position", Describe(v))
	}
	if v.Kind == String && v.Parts != nil {
		var b strings.Builder
		unknown := false
		for _, p := range v.Parts {
			if p.Ref != nil {
				unknown = true
				b.WriteString(p.Ref.String())
				if !p.Ref.Pos.Known() {
					t.Errorf("reference %s has no position", renderRef(p.Ref))
				}
				if p.Ref.Kind < RefParam || p.Ref.Kind > RefOther {
					t.Errorf("reference %s has no kind", p.Ref.Name)
				}
			} else {
				b.WriteString(p.Text)
			}
		}
		if b.String() != v.Text {
			t.Errorf("text %q does not render its parts %q", v.Text, b.String())
		}
		if _, known := v.Known(); known == unknown {
			t.Errorf("%q: Known() is %t with a reference among its parts: %t", v.Text, known, unknown)
		}
	}
	for _, it := range v.Items {
		checkInvariants(t, it)
	}
	for _, f := range v.Fields {
		checkInvariants(t, f.Value)
	}
}
