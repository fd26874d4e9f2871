package template

import (
	"strings"
	"testing"
)

// TestEvalStringsOne: Strings is the union of the outcomes, lists
// flattened and absent values left out; One is the value every deployment
// gives, or nil.
func TestEvalStringsOne(t *testing.T) {
	head := "Conditions:\n  C: !Equals [!Ref AWS::Region, x]\n"
	for _, tc := range []struct {
		value, strings, one string
	}{
		{`a`, `a`, `a`},
		{`!If [C, a, b]`, `a b`, `-`},
		{`!If [C, [a, b], !Ref AWS::NoValue]`, `a b`, `-`},
		{`[a, [b]]`, `a [b]`, `[a, [b]]`},
		{`!Split [",", "a,b"]`, `a b`, `[a, b]`},
		{`!Ref AWS::NoValue`, ``, `-`},
		{`!Sub "${AWS::Region}"`, `<pseudo AWS::Region>`, `<pseudo AWS::Region>`},
		{`!If [C, a, a]`, `a a`, `-`},
	} {
		t.Run(tc.value, func(t *testing.T) {
			tpl, v := parseCase(t, evalCase{head: head, value: tc.value})
			e := tpl.Evaluator(nil, false)
			var got []string
			for _, s := range e.Strings(v) {
				var b strings.Builder
				renderValue(&b, s)
				got = append(got, b.String())
			}
			if g := strings.Join(got, " "); g != tc.strings {
				t.Errorf("Strings = %q, want %q", g, tc.strings)
			}
			one := "-"
			if o := e.One(v); o != nil {
				var b strings.Builder
				renderValue(&b, o)
				one = b.String()
			}
			if one != tc.one {
				t.Errorf("One = %s, want %s", one, tc.one)
			}
		})
	}
}

// TestEvalDepth: nesting deeper than the evaluator reads is an unknown, not
// a stack overflow.
func TestEvalDepth(t *testing.T) {
	value := "x"
	for range 100 {
		value = `{"Fn::Join": ["", [a, ` + value + `]]}`
	}
	tpl, v := parseCase(t, evalCase{value: value})
	outs := tpl.Evaluator(nil, true).Eval(v)
	if len(outs) != 1 || outs[0].Value == nil {
		t.Fatalf("got %s", renderOutcomes(outs))
	}
	got := renderOutcomes(outs)
	if !strings.HasPrefix(got, "aaaa") || !strings.Contains(got, "<other ") {
		t.Errorf("got %.80s...; want the known prefix, then an unknown where the depth runs out", got)
	}
}
