package template

import (
	"fmt"
	"strings"
	"testing"
)

const condHead = `Parameters:
  Stage: {Type: String, AllowedValues: [prod, dev, test]}
  Stage2: {Type: String, AllowedValues: [prod, dev]}
  Name: {Type: String}
  Other: {Type: String}
  WithDefault: {Type: String, Default: x}
  A: {Type: String, AllowedValues: [x, y]}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Equals [!Ref Stage, dev]
  IsProd2: !Equals [!Ref Stage2, prod]
  IsDev2: !Equals [dev, !Ref Stage2]
  IsUsEast1: !Equals [!Ref AWS::Region, us-east-1]
  IsEuWest1: !Equals [!Ref "AWS::Region", eu-west-1]
  IsProdInUsEast1: !And [!Condition IsProd, !Equals [!Ref "AWS::Region", us-east-1]]
  NotProd: !Not [!Condition IsProd]
  ProdOrDev: !Or [!Condition IsProd, !Condition IsDev]
  ProdAndDev: !And [!Condition IsProd, !Condition IsDev]
  ProdByNesting: !And [!Or [!Condition IsProd, !Condition IsDev], !Not [!Condition IsDev]]
  Never: !Equals [always, never]
  NeverNot: !Not [!Equals ["", ""]]
  Always: !Equals [a, a]
  AlwaysTyped: !Equals [true, "true"]
  HasName: !Not [!Equals [!Ref Name, ""]]
  NameIsA: !Equals [!Ref Name, a]
  NameIsB: !Equals [!Ref Name, b]
  SameNames: !Equals [!Ref Name, !Ref Other]
  SameAB: !Equals [!Ref A, !Ref Name]
  DefaultIsX: !Equals [!Ref WithDefault, x]
  Imported: !Equals [!ImportValue flag, "yes"]
  NotImported: !Not [!Equals [!ImportValue flag, "yes"]]
  ListAtom: !Equals [[a], [a]]
  BadNot: !Not [!Condition IsProd, !Condition IsDev]
  Undefined: !Condition Nowhere
  CycleA: !Condition CycleB
  CycleB: !Not [!Condition CycleA]
  Self: !Condition Self
  SelfAnd: !And [!Condition SelfAnd, !Equals [a, b]]
`

// condCase asks whether a path of choices can hold together with a
// resource's Condition, and what Reduce leaves of it.
type condCase struct {
	name string
	cond string // the resource's Condition, or ""
	path string // choices: "IsProd=true, !Ref Stage=prod"
	// want is "impossible", "always" (nothing left to say), or the reduced
	// path as messages write it.
	want     string
	knownBug string
}

func parsePath(t *testing.T, s string) Path {
	t.Helper()
	var p Path
	for _, c := range strings.Split(s, ", ") {
		if c == "" {
			continue
		}
		name, val, ok := strings.Cut(c, "=")
		switch {
		case !ok:
			t.Fatalf("bad choice %q", c)
		case strings.HasPrefix(name, "!Ref "):
			p = append(p, Choice{Condition: name, Is: val, Value: true, Note: "parameter value"})
		default:
			p = append(p, Choice{Condition: name, Value: val == "true"})
		}
	}
	return p
}

func runCondCases(t *testing.T, head string, cases []condCase) {
	t.Helper()
	for _, c := range cases {
		name := c.name
		if name == "" {
			name = fmt.Sprintf("%s with %s", c.path, c.cond)
		}
		t.Run(name, func(t *testing.T) {
			extra := ""
			if c.cond != "" {
				extra = "  G:\n    Type: AWS::SNS::Topic\n    Condition: " + c.cond + "\n"
			}
			tpl, _ := parseCase(t, evalCase{head: head, extra: extra, value: "x"})
			p := parsePath(t, c.path)
			reduced, ok := tpl.Reduce(p, c.cond)
			got := "impossible"
			switch {
			case ok && len(reduced) == 0:
				got = "always"
			case ok:
				got = reduced.String()
			}
			if c.path == "" && c.cond != "" {
				if exists := tpl.CanExist(tpl.Resource("G")); exists != ok {
					t.Errorf("CanExist %t, but Reduce of no choice says %t", exists, ok)
				}
			}
			// A second question gives the same answer (satisfiability is cached).
			if again, ok2 := tpl.Reduce(p, c.cond); ok2 != ok || again.String() != reduced.String() {
				t.Errorf("asked again: %v %t, first %v %t", again, ok2, reduced, ok)
			}
			switch {
			case c.knownBug != "" && got == c.want:
				t.Errorf("known bug fixed (%s): remove the knownBug mark", c.knownBug)
			case c.knownBug != "":
				t.Logf("KNOWN BUG (%s):\n got %s\nwant %s", c.knownBug, got, c.want)
			case got != c.want:
				t.Errorf("Reduce(%q, %q)\n got %s\nwant %s", c.path, c.cond, got, c.want)
			}
		})
	}
}

func TestConditions(t *testing.T) {
	runCondCases(t, condHead, []condCase{
		// Resources whose condition can never hold, or always does.
		{name: "never: two different literals", cond: "Never", want: "impossible"},
		{name: "never: not two equal literals", cond: "NeverNot", want: "impossible"},
		{name: "always: two equal literals", cond: "Always", want: "always"},
		{name: "always: a boolean and its text", cond: "AlwaysTyped", want: "always"},
		{name: "never: prod and dev at once", cond: "ProdAndDev", want: "impossible"},
		{name: "a parameter and a pseudo parameter", cond: "IsProdInUsEast1", want: "always"},
		{name: "no condition, no choice", want: "always"},
		// Choices alone.
		{path: "IsProd=true", want: "when IsProd is true"},
		{path: "IsProd=true, IsDev=true", want: "impossible"},
		{path: "IsProd=false, IsDev=false", want: "when IsProd is false and IsDev is false"},
		{name: "AllowedValues are all a parameter can be", path: "IsProd2=false, IsDev2=false", want: "impossible"},
		{name: "sides in either order", path: "IsProd2=true, IsDev2=true", want: "impossible"},
		{path: "IsProd=true, NotProd=true", want: "impossible"},
		{path: "IsProd=false, NotProd=true", want: "when IsProd is false and NotProd is true"},
		{path: "ProdOrDev=true, IsProd=false, IsDev=false", want: "impossible"},
		{path: "ProdByNesting=true, IsProd=false", want: "impossible"},
		{path: "ProdByNesting=false, IsProd=true", want: "impossible"},
		{name: "a pseudo parameter is one value", path: "IsUsEast1=true, IsEuWest1=true", want: "impossible"},
		{name: "a pseudo parameter may be neither", path: "IsUsEast1=false, IsEuWest1=false", want: "when IsUsEast1 is false and IsEuWest1 is false"},
		// A parameter without AllowedValues: every value it is compared with, and one more.
		{name: "a free parameter empty or not", path: "HasName=false", want: "when HasName is false"},
		{name: "a free parameter is one value", path: "NameIsA=true, NameIsB=true", want: "impossible"},
		{name: "a free parameter may be neither", path: "NameIsA=false, NameIsB=false, HasName=true", want: "when NameIsA is false and NameIsB is false and HasName is true"},
		{name: "a is not empty", path: "NameIsA=true, HasName=false", want: "impossible"},
		{name: "two free parameters equal", path: "SameNames=true", want: "when SameNames is true"},
		{name: "two free parameters different", path: "SameNames=false", want: "when SameNames is false"},
		{name: "a parameter over AllowedValues equal to a free one", cond: "SameAB", want: "always"},
		{name: "a default does not fix the value", path: "DefaultIsX=false", want: "when DefaultIsX is false"},
		// Free atoms: one variable per atom, shared where the atom repeats.
		{name: "a free atom true", path: "Imported=true", want: "when Imported is true"},
		{name: "a free atom false", path: "Imported=false", want: "when Imported is false"},
		{name: "a free atom and its negation", path: "Imported=true, NotImported=true", want: "impossible"},
		{name: "a list atom", path: "ListAtom=false", want: "when ListAtom is false"},
		{name: "a malformed Not", path: "BadNot=true", want: "when BadNot is true"},
		{name: "an undefined condition", path: "Undefined=true", want: "when Undefined is true"},
		{name: "a choice of a condition not in the template", path: "Nowhere=true, Nowhere2=false", want: "when Nowhere is true and Nowhere2 is false"},
		// Cycles do not hang; nothing is known of them.
		{name: "a cycle of two", cond: "CycleA", want: "always"},
		{name: "a cycle of one", path: "Self=false", want: "when Self is false"},
		{name: "a cycle inside And", cond: "SelfAnd", want: "impossible"},
		// Reduce: the choices the resource's Condition implies are dropped.
		{name: "IsProd is implied", cond: "IsProdInUsEast1", path: "IsProd=true", want: "always"},
		{name: "IsProd false cannot exist", cond: "IsProdInUsEast1", path: "IsProd=false", want: "impossible"},
		{name: "the region atom is shared", cond: "IsProdInUsEast1", path: "IsUsEast1=false", want: "impossible"},
		{name: "the region atom is implied", cond: "IsProdInUsEast1", path: "IsUsEast1=true, IsEuWest1=false", want: "always"},
		{name: "dev cannot be prod", cond: "IsProdInUsEast1", path: "IsDev=true", want: "impossible"},
		{name: "not dev is implied", cond: "IsProdInUsEast1", path: "IsDev=false", want: "always"},
		{name: "a choice the condition leaves open is kept", cond: "ProdOrDev", path: "IsProd=false", want: "when IsProd is false"},
		{name: "an unrelated choice is kept", cond: "IsProd", path: "HasName=true, IsProd=true", want: "when HasName is true"},
		{name: "choices implied only by each other are not both dropped", cond: "ProdOrDev", path: "IsProd=false, IsDev=true",
			want: "when IsDev is true"},
		{name: "the resource's own condition", cond: "IsProd", path: "IsProd=true", want: "always"},
		{name: "the negation of the resource's own condition", cond: "IsProd", path: "NotProd=true", want: "impossible"},
		// Values chosen at deployment (Choice.Is) fix their atoms.
		{name: "a parameter value fixes IsProd", path: "IsProd=true, !Ref Stage=dev", want: "impossible"},
		{name: "a parameter value agrees", path: "IsProd=true, !Ref Stage=prod", want: "when IsProd is true and !Ref Stage is prod (parameter value)"},
		{name: "a parameter value is kept, the implied choice dropped", cond: "IsProdInUsEast1", path: "IsProd=true, !Ref Stage=prod",
			want: "when !Ref Stage is prod (parameter value)"},
		{name: "a parameter value against the resource's condition", cond: "IsProd", path: "!Ref Stage=dev", want: "impossible"},
		{name: "a free parameter's value", path: "HasName=false, !Ref Name=a", want: "impossible"},
		{name: "a Mappings row of the region fixes the region", path: "IsUsEast1=false, !Ref AWS::Region=us-east-1", want: "impossible"},
	})
}

// TestConditionsYAMLBooleans: CloudFormation reads YAML 1.1, where an
// unquoted True (or yes) is the boolean true, which Fn::Equals compares as
// "true".
func TestConditionsYAMLBooleans(t *testing.T) {
	head := `Parameters:
  Flag: {Type: String, AllowedValues: ["true", "false"]}
Conditions:
  On: !Equals [!Ref Flag, true]
  OnTitle: !Equals [!Ref Flag, True]
  Quoted: !Equals [!Ref Flag, "True"]
  OnYes: !Equals [!Ref Flag, yes]
`
	runCondCases(t, head, []condCase{
		{name: "true", cond: "On", want: "always"},
		{name: "a quoted True is text", cond: "Quoted", want: "impossible"},
		{name: "an unquoted True is the boolean", cond: "OnTitle", want: "always"},
		{name: "an unquoted yes is the boolean too", cond: "OnYes", want: "always"},
	})
}

// TestConditionsBudget: past maxAssignments a combination is taken as
// possible (checked rather than passed), and the answer comes at once.
func TestConditionsBudget(t *testing.T) {
	// Independent atoms are pruned as they are assigned: a contradiction
	// over many is found at once.
	head := func(n int) string {
		var atoms []string
		for i := range n {
			atoms = append(atoms, fmt.Sprintf("!Equals [!ImportValue x%d, y]", i))
		}
		and := strings.Join(atoms, ", ")
		return fmt.Sprintf("Conditions:\n  Many: !And [%s]\n  NotMany: !Not [!And [%s]]\n", and, and)
	}
	runCondCases(t, head(14), []condCase{
		{name: "14 free atoms: the contradiction is found", path: "Many=true, NotMany=true", want: "impossible"},
		{name: "14 free atoms", cond: "Many", want: "always"},
	})
	// The parity of n atoms, written twice: known only once every atom is,
	// so nothing prunes, and 2^n assignments are tried.
	parity := func(n int) string {
		var b strings.Builder
		b.WriteString("Conditions:\n")
		for _, name := range []string{"P", "Q"} {
			fmt.Fprintf(&b, "  %s0: !Equals [!ImportValue x0, y]\n", name)
			for i := 1; i < n; i++ {
				atom := fmt.Sprintf("!Equals [!ImportValue x%d, y]", i)
				fmt.Fprintf(&b, "  %s%d: !Or [!And [!Condition %s%d, !Not [%s]], !And [!Not [!Condition %s%d], %s]]\n", name, i, name, i-1, atom, name, i-1, atom)
			}
		}
		return b.String()
	}
	runCondCases(t, parity(10), []condCase{
		{name: "the parity of 10 atoms: the contradiction is found", path: "P9=true, Q9=false", want: "impossible"},
	})
	runCondCases(t, parity(14), []condCase{
		{name: "the parity of 14 atoms: past the budget a contradiction is taken as possible", path: "P13=true, Q13=false",
			want: "when P13 is true and Q13 is false"},
	})
}

// TestConditionsDomains: a variable ranges over the values the formulas
// compare it with and one for the rest, so eight parameters with three
// AllowedValues each are 2^8 assignments, well inside maxAssignments (3^8
// was past it, and a function's own Condition was then ignored).
func TestConditionsDomains(t *testing.T) {
	var b strings.Builder
	b.WriteString("Parameters:\n")
	for i := range 8 {
		fmt.Fprintf(&b, "  P%d: {Type: String, AllowedValues: [a, b, c], Default: a}\n", i)
	}
	b.WriteString(`  Only: {Type: String, AllowedValues: [a]}
  X: {Type: String, AllowedValues: [a, b, c]}
  Y: {Type: String, AllowedValues: [c, d, e]}
  Z1: {Type: String, AllowedValues: [p, q]}
  Z2: {Type: String, AllowedValues: [p, q]}
  Z3: {Type: String, AllowedValues: [p, q]}
  W1: {Type: String, AllowedValues: [p, q, r]}
  W2: {Type: String, AllowedValues: [p, q, r]}
  W3: {Type: String, AllowedValues: [p, q, r]}
  F1: {Type: String}
  F2: {Type: String}
  F3: {Type: String}
  G: {Type: String}
  Flag: {Type: String, AllowedValues: [yes, no, maybe]}
Conditions:
`)
	var all []string
	for i := range 8 {
		fmt.Fprintf(&b, "  C%d: !Equals [!Ref P%d, a]\n", i, i)
		all = append(all, fmt.Sprintf("!Condition C%d", i))
	}
	fmt.Fprintf(&b, "  All: !And [%s]\n", strings.Join(all, ", "))
	b.WriteString(`  OnlyA: !Equals [!Ref Only, a]
  XA: !Equals [!Ref X, a]
  XisY: !Equals [!Ref X, !Ref Y]
  YisC: !Equals [!Ref Y, c]
  AllXisY: !And [!Condition All, !Condition XisY]
  ZDiffer: !And [!Not [!Equals [!Ref Z1, !Ref Z2]], !Not [!Equals [!Ref Z2, !Ref Z3]], !Not [!Equals [!Ref Z1, !Ref Z3]]]
  WDiffer: !And [!Not [!Equals [!Ref W1, !Ref W2]], !Not [!Equals [!Ref W2, !Ref W3]], !Not [!Equals [!Ref W1, !Ref W3]]]
  FDiffer: !And [!Not [!Equals [!Ref F1, !Ref F2]], !Not [!Equals [!Ref F2, !Ref F3]], !Not [!Equals [!Ref F1, !Ref F3]]]
  FAll: !And [!Condition All, !Condition FDiffer]
  GisOther: !Equals [!Ref G, "\0other 0"]
  FlagOn: !Equals [!Ref Flag, true]
  FlagOff: !Equals [!Ref Flag, false]
  FlagAll: !And [!Condition All, !Not [!Condition FlagOn], !Not [!Condition FlagOff]]
`)
	runCondCases(t, b.String(), []condCase{
		{name: "a branch the resource's own Condition rules out", cond: "All", path: "C7=false", want: "impossible"},
		{name: "the branch it keeps", cond: "All", path: "C7=true", want: "always"},
		{name: "a value not compared with is still a value", path: "C0=false", want: "when C0 is false"},
		{name: "no value is left over", path: "OnlyA=false", want: "impossible"},
		{name: "a parameter value fixed by the path", cond: "All", path: "!Ref P3=b", want: "impossible"},
		{name: "a parameter value no formula names", path: "C3=false, !Ref P3=c",
			want: "when C3 is false and !Ref P3 is c (parameter value)"},
		// Variables compared with each other: equal only on a value both allow.
		{name: "equal on the one value both allow", cond: "AllXisY", path: "XA=false", want: "always"},
		{name: "equal, not on a", cond: "AllXisY", path: "XA=true", want: "impossible"},
		{name: "equal means c", cond: "AllXisY", path: "YisC=false", want: "impossible"},
		{name: "three of two values cannot all differ", cond: "ZDiffer", want: "impossible"},
		{name: "three of three values can", cond: "WDiffer", want: "always"},
		{name: "three free parameters can all differ", cond: "FDiffer", want: "always"},
		{name: "and do where eight others are read", cond: "FAll", want: "always"},
		{name: "a value of its own is no value of the template", path: "GisOther=false", want: "when GisOther is false"},
		// YAML 1.1 booleans in AllowedValues and in the formulas are "true" and "false".
		{name: "neither true nor false", cond: "FlagAll", want: "always"},
	})
	tpl, err := Parse("t.yaml", []byte(b.String()+"Resources:\n  Fn: {Type: AWS::Lambda::Function, Condition: All}\n"), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if tpl.Evaluator(map[string]string{"P5": "b"}, true).CanExist(tpl.Resource("Fn")) {
		t.Error("with P5 given as b, All never holds")
	}
	if !tpl.Evaluator(map[string]string{"P5": "a"}, true).CanExist(tpl.Resource("Fn")) {
		t.Error("with P5 given as a, All holds when the others are a")
	}
}

// TestConditionsGiven: the values the configuration gives (Evaluator.Given)
// fix the parameters' atoms: with Stage given as dev, IsProd is false.
func TestConditionsGiven(t *testing.T) {
	tpl, v := parseCase(t, evalCase{head: condHead, value: "!If [IsProd, a, b]"})
	e := tpl.Evaluator(map[string]string{"Stage": "dev"}, true)
	var kept []string
	for _, o := range e.Eval(v) {
		if _, ok := e.Reduce(o.When, ""); ok {
			kept = append(kept, renderOutcomes([]Outcome{o}))
		}
	}
	if got, want := strings.Join(kept, " | "), "b when IsProd is false"; got != want {
		t.Errorf("with Stage given as dev: got %s, want %s", got, want)
	}
}

// TestConditionDAG: conditions that share sub-conditions are read once per
// assignment, not once per path to them (40 levels of
// `Cn: !And [!Condition Cn-1, !Condition Cn-1]` was 2^40 walks).
func TestConditionDAG(t *testing.T) {
	var b strings.Builder
	b.WriteString("Parameters:\n  Stage: {Type: String, AllowedValues: [a, b]}\nConditions:\n  C0: !Equals [!Ref Stage, a]\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "  C%d: !And [!Condition C%d, !Condition C%d]\n", i, i-1, i-1)
	}
	b.WriteString("Resources:\n  Fn: {Type: AWS::Lambda::Function, Condition: C40}\n")
	tpl, err := Parse("t.yaml", []byte(b.String()), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if !tpl.CanExist(tpl.Resource("Fn")) {
		t.Error("C40 holds when Stage is a")
	}
	if _, ok := tpl.Reduce(Path{{Condition: "C39", Value: false}}, "C40"); ok {
		t.Error("C39 is false where C40 holds: impossible")
	}
}
