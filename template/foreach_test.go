package template

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestForEach(t *testing.T) {
	const head = "Transform: AWS::LanguageExtensions\nMappings:\n  Lists: {A: {Items: [x, y]}, B: {Items: [z]}}\nResources:\n"
	tests := []struct {
		name, resources string
		want            []string // "id: properties" of each resource, in order
		copies          map[string]string
	}{{
		name: "a Ref to the identifier makes one copy per value",
		resources: `
  Fn::ForEach::Fns:
    - Mode
    - [Active, PassThrough]
    - Fn${Mode}:
        Type: AWS::Lambda::Function
        Properties: {TracingConfig: {Mode: !Ref Mode}, Handler: !Ref Handler}`,
		want: []string{
			"FnActive: {TracingConfig: {Mode: Active}, Handler: !Ref Handler}",
			"FnPassThrough: {TracingConfig: {Mode: PassThrough}, Handler: !Ref Handler}",
		},
	}, {
		name: "${Identifier} in Fn::Sub, &{Identifier} in the key",
		resources: `
  Fn::ForEach::Fns:
    - Name
    - [a-b.c, "1"]
    - Fn&{Name}:
        Type: AWS::Lambda::Function
        Properties: {FunctionName: !Sub "fn-${Name}-${AWS::Region}", Other: !Sub ["${Name}", {Name: kept}]}`,
		want: []string{
			"Fnabc: {FunctionName: !Sub fn-a-b.c-${AWS::Region}, Other: !Sub [${Name}, {Name: kept}]}",
			"Fn1: {FunctionName: !Sub fn-1-${AWS::Region}, Other: !Sub [${Name}, {Name: kept}]}",
		},
	}, {
		name: "a fragment that never names the identifier is read once",
		resources: `
  Fn::ForEach::Workers:
    - Name
    - [Orders, Invoices]
    - Worker${Name}:
        Type: AWS::Lambda::Function
        Properties: {Handler: app.handler}`,
		want:   []string{"Worker${Name}: {Handler: app.handler}"},
		copies: map[string]string{"WorkerOrders": "Worker${Name}", "WorkerInvoices": "Worker${Name}"},
	}, {
		name: "a collection known at deployment leaves the identifier unknown",
		resources: `
  Fn::ForEach::Fns:
    - Mode
    - !Ref Modes
    - Fn${Mode}:
        Type: AWS::Lambda::Function
        Properties: {TracingConfig: {Mode: !Ref Mode}}`,
		want: []string{"Fn${Mode}: {TracingConfig: {Mode: !Ref Mode}}"},
	}, {
		name: "a collection that folds",
		resources: `
  Fn::ForEach::Fns:
    - Mode
    - !Split [",", "Active,PassThrough"]
    - Fn${Mode}:
        Type: AWS::Lambda::Function
        Properties: {TracingConfig: {Mode: !Ref Mode}}`,
		want: []string{
			"FnActive: {TracingConfig: {Mode: Active}}",
			"FnPassThrough: {TracingConfig: {Mode: PassThrough}}",
		},
	}, {
		name: "an empty collection makes nothing",
		resources: `
  Fn::ForEach::Fns:
    - Mode
    - []
    - Fn${Mode}:
        Type: AWS::Lambda::Function
        Properties: {TracingConfig: {Mode: !Ref Mode}}
  Plain:
    Type: AWS::Lambda::Function`,
		want: []string{"Plain: (absent)"},
	}, {
		name: "nested loops, the inner collection from the outer identifier",
		resources: `
  Fn::ForEach::Outer:
    - O
    - [A, B]
    - Fn::ForEach::Inner:
        - I
        - !FindInMap [Lists, !Ref O, Items]
        - Fn${O}${I}:
            Type: AWS::Lambda::Function
            Properties: {Description: !Sub "${O}/${I}", Name: !Ref I}
          Role${O}:
            Type: AWS::IAM::Role
            Properties: {RoleName: !Ref O}`,
		want: []string{
			"FnAx: {Description: !Sub A/x, Name: x}",
			"RoleA: {RoleName: A}",
			"FnAy: {Description: !Sub A/y, Name: y}",
			"FnBz: {Description: !Sub B/z, Name: z}",
			"RoleB: {RoleName: B}",
		},
	}, {
		name: "an identifier the key does not name is left as written",
		resources: `
  Fn::ForEach::Outer:
    - O
    - [A, B]
    - Fn::ForEach::Inner:
        - I
        - [x, y]
        - Fn${I}:
            Type: AWS::Lambda::Function
            Properties: {Name: !Ref I, Outer: !Ref O}`,
		want: []string{
			"Fnx: {Name: x, Outer: !Ref O}",
			"Fny: {Name: y, Outer: !Ref O}",
		},
		copies: map[string]string{"Fnx": "Fnx", "Fny": "Fny"},
	}, {
		// Placeholders are found as the copy replaces them, not by reading
		// ${...} names: ${Fn${N}} names N (review2 R5), in both forms of
		// Fn::Sub, with ${N} or &{N}; ${!N} is Fn::Sub's literal ${N}, which
		// the transform leaves, and so does a variable of the Sub's own map.
		name: "an identifier inside a placeholder",
		resources: `
  Fn::ForEach::Logs:
    - N
    - [a-1, b]
    - Logs${N}:
        Type: AWS::Logs::LogGroup
        Properties: {LogGroupName: !Sub "/aws/lambda/${Fn${N}}"}
      List${N}:
        Type: AWS::Logs::LogGroup
        Properties: {LogGroupName: !Sub ["/aws/lambda/${Fn&{N}}", {}]}
      Bang${N}:
        Type: AWS::Logs::LogGroup
        Properties: {LogGroupName: !Sub "/aws/lambda/${!N}"}
      Own${N}:
        Type: AWS::Logs::LogGroup
        Properties: {LogGroupName: !Sub ["/aws/lambda/${N}", {N: x}]}`,
		want: []string{
			"Logsa-1: {LogGroupName: !Sub /aws/lambda/${Fna-1}}",
			"Lista-1: {LogGroupName: !Sub [/aws/lambda/${Fna1}, {}]}",
			"Bang${N}: {LogGroupName: !Sub /aws/lambda/${!N}}",
			"Own${N}: {LogGroupName: !Sub [/aws/lambda/${N}, {N: x}]}",
			"Logsb: {LogGroupName: !Sub /aws/lambda/${Fnb}}",
			"Listb: {LogGroupName: !Sub [/aws/lambda/${Fnb}, {}]}",
		},
		copies: map[string]string{"Banga-1": "Bang${N}", "Ownb": "Own${N}"},
	}, {
		name: "an identifier in a key inside the fragment",
		resources: `
  Fn::ForEach::Fns:
    - N
    - [a, b]
    - Fn${N}:
        Type: AWS::Lambda::Function
        Properties: {Tags: {"tag-${N}": x}}`,
		want: []string{"Fna: {Tags: {tag-a: x}}", "Fnb: {Tags: {tag-b: x}}"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl, err := Parse("t.yaml", []byte(head+strings.TrimPrefix(tt.resources, "\n")+"\n"), DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if len(tpl.Problems) > 0 {
				t.Errorf("problems: %v", tpl.Problems)
			}
			var got []string
			for _, r := range tpl.Resources {
				got = append(got, r.ID+": "+Describe(r.Properties))
				if tpl.Resource(r.ID) != r {
					t.Errorf("Resource(%q) is not the resource read", r.ID)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("resources (-want +got):\n%s", diff)
			}
			for id, to := range tt.copies {
				if r := tpl.Resource(id); r == nil || r.ID != to {
					t.Errorf("Resource(%q) = %v, want the resource %s", id, r, to)
				}
			}
		})
	}
}

// TestForEachCopies checks what the copies keep of the fragment: positions,
// the loop's name, and the fragment itself, untouched.
func TestForEachCopies(t *testing.T) {
	src := `Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Fns:
    - Mode
    - [Active, PassThrough]
    - Fn${Mode}:
        Type: AWS::Lambda::Function
        Properties:
          TracingConfig: {Mode: !Ref Mode}
          Layers: [!Sub "arn:${Mode}"]
          Handler: index.handler
`
	tpl, err := Parse("t.yaml", []byte(src), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	a, b := tpl.Resource("FnActive"), tpl.Resource("FnPassThrough")
	if a == nil || b == nil {
		t.Fatalf("resources %v, want FnActive and FnPassThrough", tpl.Resources)
	}
	for _, r := range []*Resource{a, b} {
		if r.Loop != "Fn::ForEach::Fns" {
			t.Errorf("%s: Loop = %q", r.ID, r.Loop)
		}
		if r.Pos.Line != 6 || r.Type != "AWS::Lambda::Function" {
			t.Errorf("%s: at %v, type %q; want line 6, the OutputKey", r.ID, r.Pos, r.Type)
		}
		mode := r.Properties.Get("TracingConfig").Get("Mode")
		if mode.Pos.Line != 9 || mode.Pos.Column != 33 {
			t.Errorf("%s: Mode at %v, want 9:33, the Ref's place", r.ID, mode.Pos)
		}
		if layer := r.Properties.Get("Layers").Items[0]; layer.Pos.Line != 10 {
			t.Errorf("%s: layer at %v, want line 10", r.ID, layer.Pos)
		}
	}
	// Each copy has its own nodes on the way to a substituted value.
	if a.Properties == b.Properties || a.Properties.Get("TracingConfig") == b.Properties.Get("TracingConfig") ||
		a.Properties.Get("Layers") == b.Properties.Get("Layers") {
		t.Error("the copies share a node that differs between them")
	}
	// The fragment as written is untouched.
	frag := tpl.Root.Get("Resources").Get("Fn::ForEach::Fns").Items[2].Get("Fn${Mode}")
	if got := Describe(frag.Get("Properties")); got != "{TracingConfig: {Mode: !Ref Mode}, Layers: [!Sub arn:${Mode}], Handler: index.handler}" {
		t.Errorf("the fragment became %s", got)
	}
}

// TestForEachBudget: a loop whose copies would hold more values than the
// limits allow is read once, as written, with a problem that says so.
func TestForEachBudget(t *testing.T) {
	src := `Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Fns:
    - N
    - [a, b, c, d, e, f, g, h, i, j]
    - Fn${N}:
        Type: AWS::Lambda::Function
        Properties: {Name: !Ref N, A: x, B: y, C: z}
`
	tpl, err := Parse("t.yaml", []byte(src), Limits{MaxDepth: 64, MaxNodes: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(tpl.Resources) != 1 || tpl.Resources[0].ID != "Fn${N}" {
		t.Errorf("resources %v, want Fn${N} read once", tpl.Resources)
	}
	if len(tpl.Problems) != 1 || !strings.Contains(tpl.Problems[0].Msg, "checked once, as written") || tpl.Problems[0].Pos.Line != 3 {
		t.Errorf("problems %v, want one on line 3 saying the fragment is checked once", tpl.Problems)
	}
	tpl, err = Parse("t.yaml", []byte(src), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(tpl.Resources) != 10 || len(tpl.Problems) != 0 {
		t.Errorf("with the default limits: %d resources, problems %v; want 10 and none", len(tpl.Resources), tpl.Problems)
	}
}

// TestForEachManyCopies bounds the copies nested loops make: past maxCopies the
// outer loop is read once, as written.
func TestForEachManyCopies(t *testing.T) {
	var list []string
	for i := range 25 {
		list = append(list, fmt.Sprintf("v%d", i))
	}
	l := "[" + strings.Join(list, ", ") + "]"
	src := fmt.Sprintf(`Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::A:
    - A
    - %[1]s
    - Fn::ForEach::B:
        - B
        - %[1]s
        - Fn::ForEach::C:
            - C
            - %[1]s
            - Fn${A}${B}${C}:
                Type: AWS::Lambda::Function
                Properties: {Name: !Sub "${A}${B}${C}"}
`, l)
	tpl, err := Parse("t.yaml", []byte(src), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(tpl.Resources) != 1 || tpl.Resources[0].ID != "Fn${A}${B}${C}" {
		t.Errorf("%d resources, want Fn${A}${B}${C} read once", len(tpl.Resources))
	}
	if len(tpl.Problems) != 1 || tpl.Problems[0].Pos.Line != 3 {
		t.Errorf("problems %v, want one on line 3", tpl.Problems)
	}
}

// TestForEachBudgetCountsWork: what a collection folds to, and every visit of
// a fragment, cost against the budget, so that a short text that splits into
// many values, or fragments that make nothing, cannot run without bound.
func TestForEachBudgetCountsWork(t *testing.T) {
	long := strings.Repeat("x,", 5000) + "x"
	for name, src := range map[string]string{
		"a split of a long text": `Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Outer:
    - O
    - [a, b, c, d]
    - Fn::ForEach::Inner:
        - I
        - !Split [",", "` + long + `"]
        - {}
`,
		"empty fragments": `Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Outer:
    - O
    - [` + strings.Repeat("a,", 200) + `a]
    - Fn::ForEach::Inner:
        - I
        - [` + strings.Repeat("b,", 200) + `b]
        - Fn::ForEach::Deepest:
            - D
            - [` + strings.Repeat("c,", 200) + `c]
            - {}
`,
	} {
		t.Run(name, func(t *testing.T) {
			tpl, err := Parse("t.yaml", []byte(src), Limits{MaxDepth: 64, MaxNodes: 20_000})
			if err != nil {
				t.Fatal(err)
			}
			if len(tpl.Problems) != 1 || !strings.Contains(tpl.Problems[0].Msg, "checked once, as written") {
				t.Errorf("problems %v, want one saying the loop is past the budget", tpl.Problems)
			}
		})
	}
}

// TestForEachRefToCopy: a fragment read once is the resource each copy's
// id names, so `${FnA}` of a copied log group is a Ref to Fn${N}, the id a
// function is read under (a log group of the copy is then the function's).
func TestForEachRefToCopy(t *testing.T) {
	src := `Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Fns:
    - N
    - [A, B]
    - Fn${N}:
        Type: AWS::Lambda::Function
        Properties: {Handler: app.handler}
      Logs${N}:
        Type: AWS::Logs::LogGroup
        Properties: {LogGroupName: !Sub "/aws/lambda/${Fn${N}}", KmsKeyId: !Sub "${Fn${N}.Arn}"}
`
	tpl, err := Parse("t.yaml", []byte(src), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, id := range []string{"LogsA", "LogsB"} {
		r := tpl.Resource(id)
		if r == nil {
			t.Fatalf("no resource %s", id)
		}
		for _, o := range tpl.plainEvaluator().Eval(r.Properties.Get("LogGroupName")) {
			for _, p := range o.Value.Parts {
				if p.Ref != nil {
					got = append(got, p.Ref.Name)
				}
			}
		}
	}
	if want := []string{"Fn${N}", "Fn${N}"}; !slices.Equal(got, want) {
		t.Errorf("the log groups name %v, want %v", got, want)
	}
	// A GetAtt of a copy likewise.
	for _, id := range []string{"LogsA", "LogsB"} {
		outs := tpl.plainEvaluator().Eval(tpl.Resource(id).Properties.Get("KmsKeyId"))
		if len(outs) != 1 || outs[0].Value.OnlyRef() == nil || outs[0].Value.OnlyRef().Name != "Fn${N}" {
			t.Errorf("%s: the GetAtt names %v, want Fn${N}", id, outs)
		}
	}
}
