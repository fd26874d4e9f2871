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

// TestEvalDepth: nesting the parser accepts is evaluated whole (33 nested
// Selects once hid an empty KmsKeyArn); a Value built deeper than the
// evaluator reads is an unknown that says it was cut, not a stack overflow.
func TestEvalDepth(t *testing.T) {
	value := "x"
	for range 100 {
		value = `{"Fn::Join": ["", [a, ` + value + `]]}`
	}
	tpl, v := parseCase(t, evalCase{value: value})
	outs := tpl.Evaluator(nil, true).Eval(v)
	if got := renderOutcomes(outs); got != strings.Repeat("a", 100)+"x" {
		t.Errorf("got %.80s...; want 100 a's and x", got)
	}
	deep := &Value{Kind: String, Text: "x"}
	for range maxDepth {
		deep = &Value{Kind: Map, Fields: []Field{{Key: "Fn::Join", Value: &Value{Kind: List, Items: []*Value{{Kind: String}, {Kind: List, Items: []*Value{deep}}}}}}}
	}
	outs = tpl.Evaluator(nil, true).Eval(deep)
	if len(outs) != 1 || !outs[0].Truncated || func() bool { _, ok := outs[0].Value.Known(); return ok }() {
		t.Errorf("past maxDepth: got %s, want an unknown that says it was cut", renderOutcomes(outs))
	}
}

// TestEvalGrowth: values that double at each level (a Join of itself, as
// YAML aliases can write one, a Base64 of a Base64) stop at a bounded size
// instead of exhausting memory. (The parser bounds how many values aliases
// expand to, so a template cannot make the walk itself exponential.)
func TestEvalGrowth(t *testing.T) {
	x := &Value{Kind: String, Text: "abcdefgh"}
	for range 18 { // 2 MB of text
		x = &Value{Kind: Map, Fields: []Field{{Key: "Fn::Join", Value: &Value{Kind: List, Items: []*Value{{Kind: String}, {Kind: List, Items: []*Value{x, x}}}}}}}
	}
	tpl, _ := parseCase(t, evalCase{value: "x"})
	outs := tpl.Evaluator(nil, true).Eval(x)
	if len(outs) != 1 || len(outs[0].Value.Text) > 2*maxText {
		t.Fatalf("got %d outcomes", len(outs))
	}
	if _, ok := outs[0].Value.Known(); ok {
		t.Error("a text of 2 MB is read as known")
	}
	b := &Value{Kind: String, Text: "abcdefgh"}
	for range 200 {
		b = &Value{Kind: Map, Fields: []Field{{Key: "Fn::Base64", Value: b}}}
	}
	if _, ok := tpl.Evaluator(nil, true).One(b).Known(); ok {
		t.Error("200 nested Base64 are read as known")
	}
}
