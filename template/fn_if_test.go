package template

import (
	"fmt"
	"strings"
	"testing"
)

const ifHead = `Parameters:
  Env: {Type: String}
Conditions:
  C: !Equals [!Ref Env, prod]
  D: !Equals [!Ref Env, dev]
`

func TestIf(t *testing.T) {
	runEvalCases(t, []evalCase{
		{head: ifHead, value: `!If [C, a, b]`, want: `a when C is true | b when C is false`},
		{name: "the long form", head: ifHead, value: `{Fn::If: [C, a, b]}`, want: `a when C is true | b when C is false`},
		{name: "AWS::NoValue on a branch", head: ifHead, value: `!If [C, !GetAtt Key.Arn, !Ref AWS::NoValue]`,
			want: `<attr Key.Arn> when C is true | (absent) when C is false`},
		{name: "nested on another condition", head: ifHead, value: `!If [C, a, !If [D, b, c]]`,
			want: `a when C is true | b when C is false and D is true | c when C is false and D is false`},
		{name: "a nested branch that contradicts is no deployment", head: ifHead, value: `!If [C, !If [C, a, never], !If [C, never, b]]`,
			want: `a when C is true | b when C is false`},
		{name: "two Fn::If of one condition in a list agree", head: ifHead, value: `[!If [C, a, b], !If [C, c, d]]`,
			want: `[a, c] when C is true | [b, d] when C is false`},
		{name: "two conditions in a map", head: ifHead, value: `{A: !If [C, a, b], B: !If [D, c, d]}`,
			want: `{A: a, B: c} when C is true and D is true | {A: a, B: d} when C is true and D is false | {A: b, B: c} when C is false and D is true | {A: b, B: d} when C is false and D is false`},
		{name: "a branch holding an intrinsic", head: ifHead, value: `!If [C, !Sub "${AWS::Region}-x", !Ref R]`,
			want: `<pseudo AWS::Region>-x when C is true | <resource R> when C is false`},
		{name: "a branch inside a Sub", head: ifHead, value: `!Sub ["${A}", {A: !If [C, p, d]}]`, want: `p when C is true | d when C is false`},
		{name: "the branches of a map", head: ifHead, value: `!If [C, {Mode: Active}, {Mode: PassThrough}]`,
			want: `{Mode: Active} when C is true | {Mode: PassThrough} when C is false`},
		// Conditions are names here: that D excludes C is condition.go's to reason (Reduce).
		{name: "exclusive conditions are both kept", head: ifHead, value: `!If [C, !If [D, both, c], x]`,
			want: `both when C is true and D is true | c when C is true and D is false | x when C is false`},
		{name: "an undefined condition is still two branches", value: `!If [Nowhere, a, b]`, want: `a when Nowhere is true | b when Nowhere is false`},
		// Malformed.
		{name: "two arguments", head: ifHead, value: `!If [C, a]`, want: `<other !If [C, a]>`},
		{name: "a condition that is not a name", head: ifHead, value: `!If [!Condition C, a, b]`, want: `<other !If [!Condition C, a, b]>`},
		{name: "a string argument", head: ifHead, value: `!If C`, want: `<other !If C>`},
		// Condition functions are no values.
		{name: "a condition function as a value", head: ifHead, value: `!Equals [a, a]`, want: `<other !Equals [a, a]>`},
		{name: "a Condition as a value", head: ifHead, value: `!Condition C`, want: `<other !Condition C>`},
		{name: "an unknown function", value: `{Fn::Nope: x}`, want: `<other !Nope x>`},
		{name: "Fn::Transform", value: `{Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://b/k}}}`,
			want: `<other !Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}>`},
	})
}

// TestIfMaxAlternatives: past MaxAlternatives combinations, the outcomes
// kept all say Truncated; at the bound, none does.
func TestIfMaxAlternatives(t *testing.T) {
	conditions := func(n int) (head, list string) {
		var h, l strings.Builder
		h.WriteString("Conditions:\n")
		var items []string
		for i := range n {
			fmt.Fprintf(&h, "  C%d: !Equals [a, b]\n", i)
			items = append(items, fmt.Sprintf("!If [C%d, a, b]", i))
		}
		l.WriteString("[" + strings.Join(items, ", ") + "]")
		return h.String(), l.String()
	}
	for _, tc := range []struct {
		name      string
		n         int
		wrap      func(string) string
		want      int
		truncated bool
	}{
		{"8 conditions in a list: 256, all kept", 8, func(s string) string { return s }, 256, false},
		{"9 conditions in a list: 512, cut", 9, func(s string) string { return s }, MaxAlternatives, true},
		{"9 conditions in a Join", 9, func(s string) string { return `!Join ["", ` + s + `]` }, MaxAlternatives, true},
		{"9 conditions in a Select", 9, func(s string) string { return `!Select [0, [!Join ["", ` + s + `]]]` }, MaxAlternatives, true},
		{"9 conditions in a map", 9, func(s string) string { return `{K: ` + s + `}` }, MaxAlternatives, true},
		{"9 conditions in a Sub's map", 9, func(s string) string { return `!Sub ["${A}", {A: !Join ["", ` + s + `]}]` }, MaxAlternatives, true},
		{"9 conditions in a ToJsonString", 9, func(s string) string { return `!ToJsonString ` + s }, MaxAlternatives, true},
		{"9 conditions in a Length", 9, func(s string) string { return `!Length ` + s }, MaxAlternatives, true},
		{"9 conditions under an Fn::If", 9, func(s string) string { return `!If [C0, ` + s + `, x]` }, MaxAlternatives, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			head, list := conditions(tc.n)
			tpl, v := parseCase(t, evalCase{head: head, value: tc.wrap(list)})
			outs := tpl.Evaluator(nil, false).Eval(v)
			if len(outs) != tc.want {
				t.Errorf("%d outcomes, want %d", len(outs), tc.want)
			}
			for i, o := range outs {
				if o.Truncated != tc.truncated {
					t.Fatalf("outcome %d: Truncated %t, want %t", i, o.Truncated, tc.truncated)
				}
			}
			// Strings and One read the same evaluation.
			if tc.truncated && tpl.Evaluator(nil, false).One(v) != nil {
				t.Errorf("One gave a single value for a property with %d combinations", 1<<tc.n)
			}
		})
	}
}

// TestIfTruncationKept: outcomes dropped after the cut (a Mappings row the
// kept combinations cannot choose) must not hide that there was a cut.
func TestIfTruncationKept(t *testing.T) {
	var h strings.Builder
	h.WriteString("Parameters:\n  Stage: {Type: String, AllowedValues: [b, a]}\nMappings:\n  M: {a: {K: v}}\nConditions:\n")
	items := []string{"!Ref Stage"}
	for i := range 9 {
		fmt.Fprintf(&h, "  C%d: !Equals [x, y]\n", i)
		items = append(items, fmt.Sprintf("!If [C%d, a, b]", i))
	}
	items = append(items, "!FindInMap [M, !Ref Stage, K]")
	tpl, v := parseCase(t, evalCase{head: h.String(), value: "[" + strings.Join(items, ", ") + "]"})
	outs := tpl.Evaluator(nil, true).Eval(v)
	truncated := len(outs) > 0
	for _, o := range outs {
		truncated = truncated && o.Truncated
	}
	// The cut keeps 257 combinations, all with Stage b; the FindInMap drops
	// them all (row b lacks K): what is left must still say it was cut.
	if !truncated {
		t.Errorf("got %d outcomes, none truncated; want outcomes that say Truncated", len(outs))
	}
}
