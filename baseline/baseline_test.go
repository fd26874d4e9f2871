package baseline_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/baseline"
	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/source"
)

// finding is a finding at file:line of the function resource.
func finding(file string, line int, resource, rule, msg string) checks.Finding {
	return checks.Finding{Rule: rule, Severity: checks.Error, Pos: source.Pos{File: file, Line: line, Column: 7}, Resource: resource, Message: msg}
}

func TestFingerprint(t *testing.T) {
	base := finding("infra/app.yaml", 12, "Fn", "kms-key", "KmsKeyArn is missing")
	tests := []struct {
		name  string
		other func(f checks.Finding) checks.Finding
		same  bool
	}{
		{"the same finding", func(f checks.Finding) checks.Finding { return f }, true},
		{"moved to another line and column", func(f checks.Finding) checks.Finding { f.Pos.Line, f.Pos.Column = 40, 3; return f }, true},
		{"another severity", func(f checks.Finding) checks.Finding { f.Severity = checks.Warning; return f }, true},
		{"the path written another way", func(f checks.Finding) checks.Finding { f.Pos.File = "./infra//app.yaml"; return f }, true},
		{"another file", func(f checks.Finding) checks.Finding { f.Pos.File = "infra/other.yaml"; return f }, false},
		{"another function", func(f checks.Finding) checks.Finding { f.Resource = "Other"; return f }, false},
		{"another rule", func(f checks.Finding) checks.Finding { f.Rule = "kms-key-rotation"; return f }, false},
		{"another message", func(f checks.Finding) checks.Finding { f.Message = "KmsKeyArn is an empty string"; return f }, false},
		// The parts are kept apart: moving text from one to the next is another finding.
		{"the same text split elsewhere", func(f checks.Finding) checks.Finding { f.Resource, f.Rule = "Fnk", "ms-key"; return f }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := baseline.Fingerprint(base), baseline.Fingerprint(tt.other(base))
			if (a == b) != tt.same {
				t.Errorf("fingerprints %s and %s: same = %v, want %v", a, b, a == b, tt.same)
			}
		})
	}
}

// Messages may name lines of the template; those numbers change with edits
// elsewhere and must not re-open the finding. Other numbers are what is wrong.
func TestFingerprintIgnoresLineNumbersInMessages(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"Globals.Function at line 12 sets Tracing", "Globals.Function at line 140 sets Tracing", true},
		{"set at line 3 and at line 9", "set at line 4 and at line 10", true},
		{"set at line 3 and at line 9", "set at line 3 and at line 9 and at line 11", false},
		{"Timeout is 900 seconds", "Timeout is 30 seconds", false},
		{"deadline 5 minutes", "deadline 6 minutes", false}, // "line" inside a word is not a line number
		{"port 22 is open to the world", "port 3389 is open to the world", false},
	}
	for _, tt := range tests {
		a := baseline.Fingerprint(finding("app.yaml", 1, "Fn", "log-retention", tt.a))
		b := baseline.Fingerprint(finding("app.yaml", 1, "Fn", "log-retention", tt.b))
		if (a == b) != tt.same {
			t.Errorf("%q and %q: same fingerprint = %v, want %v", tt.a, tt.b, a == b, tt.same)
		}
	}
}

func TestWriteThenRead(t *testing.T) {
	suppressed := finding("app.yaml", 30, "Quiet", "kms-key", "KmsKeyArn is missing")
	suppressed.Suppression = &checks.Suppression{Source: "lambdagate", ID: "kms-key", Reason: "encrypted by default"}
	fs := []checks.Finding{
		finding("app.yaml", 12, "Fn", "kms-key", "KmsKeyArn is missing"),
		suppressed,
		finding("nested/api.yaml", 8, "Api", "active-tracing", "Tracing is PassThrough"),
	}
	path := filepath.Join(t.TempDir(), "base.json")
	written := baseline.New(fs)
	if err := written.Write(path); err != nil {
		t.Fatal(err)
	}
	got, err := baseline.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	want := &baseline.File{Version: baseline.Version, Findings: []baseline.Entry{
		{Fingerprint: baseline.Fingerprint(fs[0]), Rule: "kms-key", File: "app.yaml", Resource: "Fn", Message: "KmsKeyArn is missing"},
		{Fingerprint: baseline.Fingerprint(fs[2]), Rule: "active-tracing", File: "nested/api.yaml", Resource: "Api", Message: "Tracing is PassThrough"},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(data, []byte("}\n")) || !bytes.Contains(data, []byte("\n  \"findings\": [\n")) {
		t.Errorf("the file is not indented JSON ending in a newline, as a reviewer reads it in a diff:\n%s", data)
	}
}

// A baseline of nothing is a valid file: an empty list, not null.
func TestWriteEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "base.json")
	if err := baseline.New(nil).Write(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if want := "{\n  \"version\": 1,\n  \"findings\": []\n}\n"; string(data) != want {
		t.Errorf("wrote %q, want %q", data, want)
	}
	if b, err := baseline.Read(path); err != nil || len(b.Findings) != 0 {
		t.Errorf("read back %+v, %v", b, err)
	}
}

func TestWriteNamesThePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-dir", "base.json")
	if err := baseline.New(nil).Write(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("writing into a missing folder: %v; want an error naming %s", err, path)
	}
}

// The file is written in an order that depends neither on the order the
// findings came in nor on their lines, so writing it again after unrelated
// edits changes nothing.
func TestWriteIsStable(t *testing.T) {
	fs := []checks.Finding{
		finding("b.yaml", 3, "Fn", "kms-key", "KmsKeyArn is missing"),
		finding("a.yaml", 9, "Zed", "active-tracing", "Tracing is PassThrough"),
		finding("a.yaml", 4, "Alpha", "security-groups", "SecurityGroupIds is empty"),
		finding("a.yaml", 5, "Alpha", "least-privilege-role", "Action s3:* on every resource"),
		finding("a.yaml", 6, "Alpha", "least-privilege-role", "Action iam:* on every resource"),
	}
	write := func(fs []checks.Finding) string {
		path := filepath.Join(t.TempDir(), "base.json")
		if err := baseline.New(fs).Write(path); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	want := write(fs)
	moved := slices.Clone(fs)
	for i := range moved {
		moved[i].Pos.Line = 100 - moved[i].Pos.Line // the functions swapped places in the files
	}
	for name, other := range map[string][]checks.Finding{
		"reversed":    reversed(fs),
		"rotated":     append(slices.Clone(fs[2:]), fs[:2]...),
		"lines moved": moved,
	} {
		if got := write(other); got != want {
			t.Errorf("%s: the file differs:\n%s", name, cmp.Diff(want, got))
		}
	}
	var order []string
	for _, e := range baseline.New(fs).Findings {
		order = append(order, e.File+" "+e.Resource+" "+e.Rule+" "+e.Message)
	}
	wantOrder := []string{
		"a.yaml Alpha least-privilege-role Action iam:* on every resource",
		"a.yaml Alpha least-privilege-role Action s3:* on every resource",
		"a.yaml Alpha security-groups SecurityGroupIds is empty",
		"a.yaml Zed active-tracing Tracing is PassThrough",
		"b.yaml Fn kms-key KmsKeyArn is missing",
	}
	if diff := cmp.Diff(wantOrder, order); diff != "" {
		t.Errorf("entries are not by file, function, rule and message (-want +got):\n%s", diff)
	}
}

func reversed[T any](s []T) []T {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}

// A baseline that cannot be used names the file and, where the JSON says
// where, the line and column, and says how to get a good one.
func TestReadMalformed(t *testing.T) {
	tests := []struct {
		name    string
		content string
		// The error, PATH the file's; "…" stands for the JSON decoder's own
		// words, which are not ours to pin.
		want string
	}{
		{"empty", "",
			"PATH:1:1: not a lambdagate baseline: …; write one with `lambdagate baseline write PATH`"},
		{"cut short", "{\n  \"version\": 1,\n  \"findings\": [\n",
			"PATH:3:16: not a lambdagate baseline: …; write one with `lambdagate baseline write PATH`"},
		{"a comma too many", "{\n  \"version\": 1,\n  \"findings\": [\n    {\"fingerprint\": \"ab\",}\n  ]\n}\n",
			"PATH:4:26: not a lambdagate baseline: …; write one with `lambdagate baseline write PATH`"},
		{"text after the object", "{\"version\": 1, \"findings\": []}\n}\n",
			"PATH:2:1: not a lambdagate baseline: …; write one with `lambdagate baseline write PATH`"},
		{"a fingerprint that is a number", "{\n  \"version\": 1,\n  \"findings\": [\n    {\"fingerprint\": 12}\n  ]\n}\n",
			"PATH:4:22: not a lambdagate baseline: …; write one with `lambdagate baseline write PATH`"},
		{"findings that are an object", "{\n  \"version\": 1,\n  \"findings\": {}\n}\n",
			"PATH:3:15: not a lambdagate baseline: …; write one with `lambdagate baseline write PATH`"},
		{"an array", "[\n]\n",
			"PATH:1:1: not a lambdagate baseline: …; write one with `lambdagate baseline write PATH`"},
		{"no version", "{\n  \"findings\": []\n}\n",
			"PATH: not a lambdagate baseline: it has no \"version\"; write one with `lambdagate baseline write PATH`"},
		{"another version", "{\n  \"version\": 2,\n  \"findings\": []\n}\n",
			"PATH: baseline version 2, this lambdagate reads version 1; write it again"},
		{"an entry without a fingerprint", "{\n  \"version\": 1,\n  \"findings\": [\n    {\"fingerprint\": \"ab\"},\n    {\"fingerprint\": \"cd\"},\n    {\"rule\": \"kms-key\"}\n  ]\n}\n",
			"PATH:6:5: finding 3 of the baseline has no \"fingerprint\"; write the baseline again rather than edit it"},
		{"an entry without a fingerprint after other keys", "{\"findings\": [{\"fingerprint\": \"ab\"}, {\"fingerprint\": \"\"}], \"version\": 1}",
			"PATH:1:38: finding 2 of the baseline has no \"fingerprint\"; write the baseline again rather than edit it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "base.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			b, err := baseline.Read(path)
			if err == nil {
				t.Fatalf("read %+v, want an error", b)
			}
			want := strings.ReplaceAll(tt.want, "PATH", path)
			prefix, suffix, _ := strings.Cut(want, "…")
			if got := err.Error(); !strings.HasPrefix(got, prefix) || !strings.HasSuffix(got, suffix) || len(got) < len(want)-len("…") {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

func TestReadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "base.json")
	_, err := baseline.Read(path)
	if err == nil || !strings.Contains(err.Error(), path) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("reading a missing baseline: %v; want a not-exist error naming %s", err, path)
	}
}

// TestApply records the findings of before, then applies the baseline to
// after: each finding of after is marked (by the baseline or by what already
// covered it) or not, and the entries no finding matched are fixed.
func TestApply(t *testing.T) {
	kms := finding("app.yaml", 12, "Fn", "kms-key", "KmsKeyArn is missing")
	tracing := finding("app.yaml", 20, "Fn", "active-tracing", "Tracing is PassThrough")
	sg := finding("app.yaml", 31, "Api", "security-groups", "SecurityGroupIds is empty")
	moved := func(f checks.Finding, by int) checks.Finding { f.Pos.Line += by; return f }
	withMessage := func(f checks.Finding, msg string) checks.Finding { f.Message = msg; return f }
	covered := func(f checks.Finding) checks.Finding {
		f.Suppression = &checks.Suppression{Source: "lambdagate", ID: f.Rule, Reason: "vetted"}
		return f
	}
	tests := []struct {
		name          string
		before, after []checks.Finding
		marked        []string // per finding of after: who covers it, "" for a new finding
		fixed         []string // FILE RESOURCE RULE: MESSAGE
	}{
		{
			name:   "unchanged",
			before: []checks.Finding{kms, tracing}, after: []checks.Finding{kms, tracing},
			marked: []string{"baseline", "baseline"},
		},
		{
			name:   "a new finding",
			before: []checks.Finding{kms}, after: []checks.Finding{kms, sg},
			marked: []string{"baseline", ""},
		},
		{
			name:   "a fixed finding",
			before: []checks.Finding{kms, tracing, sg}, after: []checks.Finding{sg},
			marked: []string{"baseline"},
			fixed:  []string{"app.yaml Fn active-tracing: Tracing is PassThrough", "app.yaml Fn kms-key: KmsKeyArn is missing"},
		},
		{
			name:   "new, fixed and unchanged at once",
			before: []checks.Finding{kms, tracing}, after: []checks.Finding{sg, kms},
			marked: []string{"", "baseline"},
			fixed:  []string{"app.yaml Fn active-tracing: Tracing is PassThrough"},
		},
		{
			name:   "moved to other lines",
			before: []checks.Finding{kms, tracing}, after: []checks.Finding{moved(kms, 40), moved(tracing, -5)},
			marked: []string{"baseline", "baseline"},
		},
		{
			name:   "a message naming a line that moved",
			before: []checks.Finding{withMessage(tracing, "Globals.Function at line 3 sets PassThrough")},
			after:  []checks.Finding{moved(withMessage(tracing, "Globals.Function at line 9 sets PassThrough"), 6)},
			marked: []string{"baseline"},
		},
		{
			name:   "the same place, something else wrong",
			before: []checks.Finding{kms}, after: []checks.Finding{withMessage(kms, "KmsKeyArn is an empty string")},
			marked: []string{""},
			fixed:  []string{"app.yaml Fn kms-key: KmsKeyArn is missing"},
		},
		{
			name:   "recorded once, found twice: one is new",
			before: []checks.Finding{kms}, after: []checks.Finding{kms, moved(kms, 1)},
			marked: []string{"baseline", ""},
		},
		{
			name:   "recorded twice, found once: one is fixed",
			before: []checks.Finding{kms, moved(kms, 1)}, after: []checks.Finding{kms},
			marked: []string{"baseline"},
			fixed:  []string{"app.yaml Fn kms-key: KmsKeyArn is missing"},
		},
		{
			// A finding an exception covers keeps it, and does not use up
			// the baseline's entry: the uncovered one does.
			name:   "a finding covered already",
			before: []checks.Finding{kms}, after: []checks.Finding{covered(kms), moved(kms, 3)},
			marked: []string{"lambdagate", "baseline"},
		},
		{
			// Covered when recorded, so not recorded: the exception goes and
			// the finding is new.
			name:   "an exception removed",
			before: []checks.Finding{covered(kms), tracing}, after: []checks.Finding{kms, tracing},
			marked: []string{"", "baseline"},
		},
		{
			name:   "everything fixed",
			before: []checks.Finding{sg, kms}, after: nil,
			marked: nil,
			fixed:  []string{"app.yaml Api security-groups: SecurityGroupIds is empty", "app.yaml Fn kms-key: KmsKeyArn is missing"},
		},
		{
			name:   "an empty baseline",
			before: nil, after: []checks.Finding{kms},
			marked: []string{""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			after := slices.Clone(tt.after)
			fixed := baseline.New(tt.before).Apply("base.json", after)
			var marked []string
			for _, f := range after {
				if f.Suppression == nil {
					marked = append(marked, "")
				} else {
					marked = append(marked, f.Suppression.Source)
				}
			}
			if diff := cmp.Diff(tt.marked, marked); diff != "" {
				t.Errorf("findings covered (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.fixed, entries(fixed)); diff != "" {
				t.Errorf("fixed (-want +got):\n%s", diff)
			}
		})
	}
}

func entries(es []baseline.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.File+" "+e.Resource+" "+e.Rule+": "+e.Message)
	}
	return out
}

// A finding the baseline covers says so, and where, as an exception would.
func TestApplyMarksWithTheBaseline(t *testing.T) {
	f := finding("app.yaml", 12, "Fn", "kms-key", "KmsKeyArn is missing")
	fs := []checks.Finding{f}
	baseline.New(fs).Apply("ci/base.json", fs)
	want := &checks.Suppression{Source: "baseline", ID: baseline.Fingerprint(f), Reason: "recorded in the baseline ci/base.json", Pos: source.Pos{File: "ci/base.json"}}
	if diff := cmp.Diff(want, fs[0].Suppression); diff != "" {
		t.Errorf("suppression (-want +got):\n%s", diff)
	}
}

// Recorded under one spelling of the path, found under another: the same.
func TestApplyAcrossPathSpellings(t *testing.T) {
	recorded := finding("./infra/app.yaml", 12, "Fn", "kms-key", "KmsKeyArn is missing")
	found := recorded
	found.Pos.File = "infra/app.yaml"
	fs := []checks.Finding{found}
	if fixed := baseline.New([]checks.Finding{recorded}).Apply("base.json", fs); len(fixed) != 0 || fs[0].Suppression == nil {
		t.Errorf("fixed %v, covered %v: the spelling of the path made it another finding", entries(fixed), fs[0].Suppression != nil)
	}
}

// The fixed entries come out in one order, whatever the order of the
// baseline file and of the findings: by file, function, rule and message.
func TestFixedOrderIsDeterministic(t *testing.T) {
	recorded := []checks.Finding{
		finding("b.yaml", 1, "Fn", "kms-key", "KmsKeyArn is missing"),
		finding("a.yaml", 2, "Zed", "active-tracing", "Tracing is PassThrough"),
		finding("a.yaml", 3, "Alpha", "least-privilege-role", "Action s3:* on every resource"),
		finding("a.yaml", 4, "Alpha", "least-privilege-role", "Action iam:* on every resource"),
		finding("a.yaml", 5, "Alpha", "least-privilege-role", "Action ec2:* on every resource"),
		finding("a.yaml", 6, "Alpha", "kms-key", "KmsKeyArn is missing"),
		finding("a.yaml", 7, "Keep", "kms-key", "KmsKeyArn is missing"),
	}
	want := []string{
		"a.yaml Alpha kms-key: KmsKeyArn is missing",
		"a.yaml Alpha least-privilege-role: Action ec2:* on every resource",
		"a.yaml Alpha least-privilege-role: Action iam:* on every resource",
		"a.yaml Alpha least-privilege-role: Action s3:* on every resource",
		"a.yaml Zed active-tracing: Tracing is PassThrough",
		"b.yaml Fn kms-key: KmsKeyArn is missing",
	}
	remaining := []checks.Finding{recorded[6]}
	b := baseline.New(recorded)
	for i := range len(b.Findings) {
		// Every rotation of the file, forwards and backwards, as a
		// hand-edited or older baseline may hold them.
		for _, order := range [][]baseline.Entry{rotate(b.Findings, i), reversed(rotate(b.Findings, i))} {
			shuffled := &baseline.File{Version: baseline.Version, Findings: order}
			got := shuffled.Apply("base.json", slices.Clone(remaining))
			if diff := cmp.Diff(want, entries(got)); diff != "" {
				t.Fatalf("baseline order %v: fixed (-want +got):\n%s", entries(order), diff)
			}
		}
	}
}

func rotate[T any](s []T, n int) []T { return append(slices.Clone(s[n:]), s[:n]...) }
