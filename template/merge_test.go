package template

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// mergeHead holds the anchors the merge cases use; each case's lines follow
// it, from line 8, as the value of Out.
const mergeHead = `AWSTemplateFormatVersion: "2010-09-09"
Metadata:
  A: &A {K: a, L: a}
  B: &B {K: b, M: b}
  Ref: &Ref {Ref: X}
  List: &List [*A, *B]
Out:
`

// mergeCases: want is Out as JSON with scalars as text, or the parse error.
var mergeCases = []struct {
	name, body string
	want       string
}{
	{"one map", "  <<: *A\n  N: n\n",
		`{"K": "a", "L": "a", "N": "n"}`},
	{"a written key wins, after the merge", "  <<: *A\n  K: k\n",
		`{"K": "k", "L": "a"}`},
	{"a written key wins, before the merge", "  K: k\n  <<: *A\n",
		`{"K": "k", "L": "a"}`},
	{"the first map of a list wins", "  <<: [*A, *B]\n",
		`{"K": "a", "L": "a", "M": "b"}`},
	{"a list through an alias", "  <<: *List\n",
		`{"K": "a", "L": "a", "M": "b"}`},
	{"a later merge key wins", "  <<: *A\n  <<: *B\n",
		`{"K": "b", "L": "a", "M": "b"}`},
	{"a map written in place", "  <<: {K: i}\n  L: l\n",
		`{"K": "i", "L": "l"}`},
	{"a merged map that merges", "  <<: &C {<<: *B, M: c}\n",
		`{"K": "b", "M": "c"}`},
	{"an intrinsic merged in", "  <<: *Ref\n",
		`{"Ref": "X"}`},
	{"a tagged map merges its keys", "  <<: !Sub {K: s}\n",
		`{"K": "s"}`},
	{"an empty list merges nothing", "  <<: []\n  N: n\n",
		`{"N": "n"}`},
	{"a quoted key is not a merge", "  \"<<\": *A\n",
		`{"<<": {"K": "a", "L": "a"}}`},
	{"a merge in an anchor, used twice", "  P: &P {<<: *A}\n  Q: *P\n  R: *P\n",
		`{"P": {"K": "a", "L": "a"}, "Q": {"K": "a", "L": "a"}, "R": {"K": "a", "L": "a"}}`},
	{"a string", "  <<: x\n",
		"error: t.yaml:8:7: the merge key << takes a map or a list of maps, e.g. <<: *Common or <<: [*Common, *Network]; write the keys out instead"},
	{"nothing", "  <<:\n  N: n\n",
		"error: t.yaml:8:6: the merge key << takes a map or a list of maps, e.g. <<: *Common or <<: [*Common, *Network]; write the keys out instead"},
	{"an intrinsic", "  <<: !Ref X\n",
		"error: t.yaml:8:7: the merge key << takes a map or a list of maps, e.g. <<: *Common or <<: [*Common, *Network]; write the keys out instead"},
	{"a list holding a string", "  <<: [*A, x]\n",
		"error: t.yaml:8:12: each entry of a merge key's list must be a map, e.g. <<: [*Common, *Network]; write the keys out instead"},
}

// TestMergeKeys: merge keys are expanded as YAML 1.1 says (and as the AWS
// CLI and the SAM CLI expand them before upload), without a problem, and
// merged values keep the positions they were written at.
func TestMergeKeys(t *testing.T) {
	for _, tc := range mergeCases {
		t.Run(tc.name, func(t *testing.T) {
			tpl, err := Parse("t.yaml", []byte(mergeHead+tc.body), DefaultLimits)
			if strings.HasPrefix(tc.want, "error: ") {
				if err == nil || err.Error() != strings.TrimPrefix(tc.want, "error: ") {
					t.Fatalf("error:\n got %v\nwant %s", err, strings.TrimPrefix(tc.want, "error: "))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var want any
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, generic(tpl.Root.Get("Out"))); diff != "" {
				t.Errorf("Out (-want +got):\n%s", diff)
			}
			for _, p := range tpl.Problems {
				t.Errorf("unexpected problem %v", p) // merges are expanded silently, as aliases are
			}
		})
	}
}

// TestMergedPositions: a merged key and its value keep the positions of the
// map they come from, so a finding about them lands where they are written.
func TestMergedPositions(t *testing.T) {
	tpl, err := Parse("t.yaml", []byte(mergeHead+"  N: n\n  <<: [*A, *B]\n"), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	out, md := tpl.Root.Get("Out"), tpl.Root.Get("Metadata")
	for _, tc := range []struct{ key, from string }{{"K", "A"}, {"L", "A"}, {"M", "B"}} {
		got, _ := out.Field(tc.key)
		src, _ := md.Get(tc.from).Field(tc.key)
		if got.KeyPos != src.KeyPos || got.Value.Pos != src.Value.Pos {
			t.Errorf("%s at %v (value %v), want %v (value %v), where %s writes it", tc.key, got.KeyPos, got.Value.Pos, src.KeyPos, src.Value.Pos, tc.from)
		}
	}
	// The merged keys take the place of the merge key, among the written ones.
	if diff := cmp.Diff([]string{"N", "K", "L", "M"}, out.Keys()); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
}

// TestMergeKeysMatchAWSCLI reads every case with the AWS CLI's own YAML
// reader (what `aws cloudformation package` uploads; the SAM CLI's is a copy,
// and so is the SAM translator's, which stands in when the AWS CLI is absent):
// where it fails, Parse fails, and where it reads a map, Parse reads the same.
func TestMergeKeysMatchAWSCLI(t *testing.T) {
	if exec.Command("python3", "-c", "import awscli.customizations.cloudformation.yamlhelper").Run() != nil &&
		exec.Command("python3", "-c", "import samtranslator.yaml_helper").Run() != nil {
		requireOracles(t, "Python's awscli or samtranslator")
	}
	dir := t.TempDir()
	var files []string
	for i, tc := range mergeCases {
		p := filepath.Join(dir, fmt.Sprintf("case%02d.yaml", i))
		if err := os.WriteFile(p, []byte(mergeHead+tc.body), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	out := runOracle(t, "the AWS CLI oracle", "testdata/merge_oracle.py", files)
	var theirs map[string]struct {
		Error string
		Out   any
	}
	if err := json.Unmarshal(out, &theirs); err != nil {
		t.Fatal(err)
	}
	for i, tc := range mergeCases {
		cli := theirs[files[i]]
		tpl, err := Parse("t.yaml", []byte(mergeHead+tc.body), DefaultLimits)
		switch {
		case cli.Error != "" && err == nil:
			t.Errorf("%s: the AWS CLI rejects it (%s); Parse reads it", tc.name, cli.Error)
		case cli.Error == "" && err != nil:
			t.Errorf("%s: the AWS CLI reads it; Parse fails: %v", tc.name, err)
		case err == nil:
			if diff := cmp.Diff(cli.Out, generic(tpl.Root.Get("Out"))); diff != "" {
				t.Errorf("%s: Out differs from the AWS CLI's (-cli +ours):\n%s", tc.name, diff)
			}
		}
	}
}

// TestAnchorProblemsOnce: an anchored map is converted where it is written
// and again for its aliases; a problem inside it is still reported once.
func TestAnchorProblemsOnce(t *testing.T) {
	tpl, err := Parse("t.yaml", []byte(mergeHead+"  P: &P {K: a, K: b, T: !Nope x}\n  Q: *P\n  R: *P\n"), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range tpl.Problems {
		got = append(got, p.Error())
	}
	want := []string{
		`t.yaml:8:16: duplicate key "K" (first at line 8); the last one wins, so remove the one you do not mean`,
		`t.yaml:8:25: unknown tag !Nope; CloudFormation knows only the short forms of its intrinsic functions such as !Ref and !Sub`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
