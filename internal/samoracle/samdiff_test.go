package samoracle

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

// The shared material, beside the checkout.
const (
	corpusDir       = "../../../shared/corpus"
	managedPolicies = "../../../shared/iam/aws-managed-policies.json"
)

// requireOracles makes a missing oracle a failure (CI sets it) instead of a skip.
func requireOracles(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("LAMBDAGATE_REQUIRE_ORACLES") != "" {
		t.Fatalf("%s is required here (LAMBDAGATE_REQUIRE_ORACLES is set) but absent", what)
	}
	t.Skipf("%s is absent; skipping (CI sets LAMBDAGATE_REQUIRE_ORACLES so it cannot skip)", what)
}

// TestVerdictsMatchSAMTranslation scans every SAM template of the corpus, and
// the probes, in its SAM form and as the SAM translator translates it, and
// compares the verdict of every function on every rule. The translation is
// the oracle: it is what CloudFormation deploys. A disagreement fails unless
// testdata/accepted.tsv accepts it, with its reason.
//
// SAMDIFF_DUMP=FILE also writes every disagreement, with the findings of both
// sides, as JSON (for the report the lead reads).
// SAMDIFF_LAMBDAGATE=BINARY judges that build instead of this checkout's.
func TestVerdictsMatchSAMTranslation(t *testing.T) {
	if _, err := os.Stat(filepath.Join(corpusDir, "MANIFEST.tsv")); err != nil {
		requireOracles(t, "../shared/corpus")
	}
	if _, err := os.Stat(managedPolicies); err != nil {
		requireOracles(t, "../shared/iam/aws-managed-policies.json")
	}
	if err := exec.Command("python3", "-c", "import samtranslator").Run(); err != nil {
		requireOracles(t, "Python's samtranslator")
	}
	accepted, err := readAccepted("testdata/accepted.tsv")
	if err != nil {
		t.Fatal(err)
	}
	inputs, err := samTemplates()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	bin := buildLambdagate(t, tmp)
	rules := ruleIDs(t, bin)

	outDir := filepath.Join(tmp, "translated")
	if err := os.Mkdir(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, in := range inputs {
		paths = append(paths, in.path)
	}
	translations := translate(t, outDir, paths)

	var samFiles, cfnFiles []string
	skipped := map[string]int{}
	for i, tr := range translations {
		if tr.Error != "" {
			skipped[skipReason(tr.Error)]++
			if testing.Verbose() {
				t.Logf("%s: skipped, the SAM translator refuses it: %s", inputs[i].name, tr.Error)
			}
			if inputs[i].probe {
				t.Errorf("%s: the SAM translator refuses this probe: %s", inputs[i].name, tr.Error)
			}
			continue
		}
		samFiles = append(samFiles, tr.Path)
		cfnFiles = append(cfnFiles, tr.Out)
	}
	sam := scanJSON(t, bin, tmp, samFiles)
	cfn := scanJSON(t, bin, tmp, cfnFiles)

	var diffs []disagreement
	functions := 0
	for i, tr := range translations {
		if tr.Error != "" {
			continue
		}
		name := inputs[i].name
		if !slices.Equal(tr.SAMFunctions, tr.Functions) {
			t.Errorf("%s: the translation's functions %v are not the template's %v", name, tr.Functions, tr.SAMFunctions)
		}
		functions += len(tr.SAMFunctions)
		diffs = append(diffs, compare(name, tr.SAMFunctions, rules, sam.of(tr.Path), cfn.of(tr.Out))...)
		checkResources(t, name, "SAM form", tr.SAMFunctions, sam.of(tr.Path))
		checkResources(t, name, "translation", tr.SAMFunctions, cfn.of(tr.Out))
		if inputs[i].probe {
			checkExpectations(t, inputs[i], tr.SAMFunctions, rules, sam.of(tr.Path), cfn.of(tr.Out))
		}
	}

	used := make([]bool, len(accepted))
	var failing []disagreement
	for _, d := range diffs {
		if i := slices.IndexFunc(accepted, d.acceptedBy); i >= 0 {
			used[i] = true
			continue
		}
		failing = append(failing, d)
	}
	for _, d := range failing {
		t.Error(d)
	}
	for i, a := range accepted {
		if !used[i] {
			t.Errorf("testdata/accepted.tsv:%d: no disagreement matches this entry any more; remove it", a.line)
		}
	}
	if dump := os.Getenv("SAMDIFF_DUMP"); dump != "" {
		data, err := json.MarshalIndent(diffs, "", "  ")
		if err == nil {
			err = os.WriteFile(dump, data, 0o644)
		}
		if err != nil {
			t.Error(err)
		}
	}
	translated, probes := len(samFiles), countProbes(inputs)
	t.Logf("%d SAM templates of the corpus: %d translated, %d refused by the SAM translator %v; and %d probes",
		len(inputs)-probes, translated-probes, len(inputs)-translated, skipped, probes)
	t.Logf("%d functions, %d rules: %d verdicts compared; %d disagreements (%d accepted, %d failing)",
		functions, len(rules), functions*len(rules), len(diffs), len(diffs)-len(failing), len(failing))
	if translated < 500 || functions < 800 {
		t.Errorf("only %d templates and %d functions compared; is the corpus complete?", translated, functions)
	}
}

// checkResources fails on a finding whose resource is not a function: the
// JSON contract says a finding's resource is the function's logical id, and
// a finding on a role or a permission would be compared with nothing in the
// other form.
func checkResources(t *testing.T, name, form string, functions []string, s fileScan) {
	t.Helper()
	for _, f := range s.findings {
		if !slices.Contains(functions, f.Resource) {
			t.Errorf("%s: %s: a %s finding of the %s is on %s, which is not a function: %s", name, f.Resource, f.Rule, form, f.Resource, f.Message)
		}
	}
}

// input is one SAM template to compare.
type input struct {
	path  string // absolute, as given to both tools
	name  string // corpus-relative path, or probes/NAME
	probe bool
}

func countProbes(in []input) int {
	n := 0
	for _, i := range in {
		if i.probe {
			n++
		}
	}
	return n
}

// samTemplates lists the corpus templates MANIFEST.tsv marks as SAM, then
// the probes.
func samTemplates() ([]input, error) {
	f, err := os.Open(filepath.Join(corpusDir, "MANIFEST.tsv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []input
	sc := bufio.NewScanner(f)
	header := true
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if header {
			header = false
			if len(cols) < 7 || cols[0] != "path" || cols[6] != "has_sam_transform" {
				return nil, fmt.Errorf("MANIFEST.tsv: unexpected header %q", sc.Text())
			}
			continue
		}
		if len(cols) < 7 || cols[6] != "y" {
			continue
		}
		p, err := filepath.Abs(filepath.Join(corpusDir, cols[0]))
		if err != nil {
			return nil, err
		}
		out = append(out, input{path: p, name: cols[0]})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	probes, err := filepath.Glob("testdata/probes/*.yaml")
	if err != nil {
		return nil, err
	}
	if len(probes) == 0 {
		return nil, fmt.Errorf("no probe in testdata/probes")
	}
	for _, p := range probes {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		out = append(out, input{path: abs, name: "probes/" + filepath.Base(p), probe: true})
	}
	return out, nil
}

// buildLambdagate builds the command once per run, or takes the one
// SAMDIFF_LAMBDAGATE names (to judge another checkout's build with these
// probes, e.g. go build -o /tmp/lg /work/main).
func buildLambdagate(t *testing.T, dir string) string {
	t.Helper()
	if bin := os.Getenv("SAMDIFF_LAMBDAGATE"); bin != "" {
		abs, err := filepath.Abs(bin) // the scans run in another folder
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	bin := filepath.Join(dir, "lambdagate")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/lambdagate/lambdagate")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// ruleIDs lists the rules `lambdagate rules` prints, but drift, which only
// `lambdagate verify` reports.
func ruleIDs(t *testing.T, bin string) []string {
	t.Helper()
	out, err := exec.Command(bin, "rules").Output()
	if err != nil {
		t.Fatalf("lambdagate rules: %v", err)
	}
	var ids []string
	for _, line := range strings.Split(string(out), "\n") {
		if id, _, _ := strings.Cut(line, " "); id != "" && id != "drift" {
			ids = append(ids, id)
		}
	}
	if len(ids) < 4 {
		t.Fatalf("lambdagate rules lists %q", out)
	}
	return ids
}

// translation is what the Python script says of one template.
type translation struct {
	Path         string
	Error        string
	Out          string
	SAMFunctions []string `json:"sam_functions"`
	Functions    []string
}

// translate runs the SAM translator on every template, in one process.
func translate(t *testing.T, outDir string, paths []string) []translation {
	t.Helper()
	cmd := exec.Command("python3", append([]string{"testdata/sam_translate.py", managedPolicies, outDir}, paths...)...)
	// No AWS configuration or credentials of the machine reach the translator.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the SAM translator script failed: %v\n%s", err, stderr.String())
	}
	var res struct {
		SAMTranslator string
		Results       []translation
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	t.Logf("samtranslator %s", res.SAMTranslator)
	if len(res.Results) != len(paths) {
		t.Fatalf("the SAM translator script answered for %d of %d templates", len(res.Results), len(paths))
	}
	return res.Results
}

// skipReason is the kind of a translator error (its exception's name), to
// count the templates skipped.
func skipReason(msg string) string {
	kind, _, _ := strings.Cut(msg, ":")
	return kind
}

// The JSON contract of `lambdagate scan --format json`.
type scanOutput struct {
	Findings []finding
	Errors   []struct {
		File    string
		Line    int
		Message string
	}
}

type finding struct {
	Rule, Severity, File, Resource, Message string
	Line                                    int
	Suppression                             *struct{ Source, ID, Reason string }
}

// scanned is a scan's findings and errors by file.
type scanned struct {
	findings map[string][]finding
	errors   map[string][]string
}

func (s scanned) of(file string) fileScan {
	return fileScan{s.findings[file], s.errors[file]}
}

type fileScan struct {
	findings []finding
	errors   []string
}

// scanJSON runs one scan of files, from an empty folder so that no
// configuration file applies but the one that turns on the rules that are
// off by default (reserved-concurrency), so that they are compared too. The
// scan date is fixed: deprecated-runtime never reads the clock here.
func scanJSON(t *testing.T, bin, dir string, files []string) scanned {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "all-rules.yml")
	if err := os.WriteFile(cfg, []byte("rules:\n  reserved-concurrency: on\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"scan", "--format", "json", "--fail-on", "never", "--date", "2026-12-01", "--config", cfg}, files...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("lambdagate scan: %v\n%s", err, stderr.String())
	}
	var res scanOutput
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	s := scanned{findings: map[string][]finding{}, errors: map[string][]string{}}
	for _, f := range res.Findings {
		s.findings[f.File] = append(s.findings[f.File], f)
	}
	for _, e := range res.Errors {
		s.errors[e.File] = append(s.errors[e.File], e.Message)
	}
	return s
}

// Verdicts. A rule's verdict on a function is the worst severity of its
// findings that no exception covers, else "suppressed" when all are covered,
// else "pass".
const (
	pass       = "pass"
	suppressed = "suppressed"
	// notVerified is the verdict of the pseudo-rule notVerifiedRule: a
	// property lambdagate could not check on every branch.
	notVerified     = "not verified"
	notVerifiedRule = "(not verified)"
	// templateErrors is the pseudo-rule of the template's own errors (what
	// fails the gate without being a finding), on the pseudo-function
	// templateResource.
	templateErrors   = "(template errors)"
	templateResource = "(template)"
)

var severityRank = map[string]int{"notice": 1, "warning": 2, "error": 3}

func verdict(fs []finding) string {
	v := pass
	for _, f := range fs {
		switch {
		case f.Suppression != nil:
			if v == pass {
				v = suppressed
			}
		case v == pass || v == suppressed || severityRank[f.Severity] > severityRank[v]:
			v = f.Severity
		}
	}
	return v
}

// notVerifiedOf reads the function an "is not verified" error names. The
// JSON contract gives errors no resource, so this reads the message.
var notVerifiedOf = regexp.MustCompile(`so (\S+) is not verified`)

// disagreement is one function and rule on which the two forms differ.
type disagreement struct {
	Template    string
	Function    string
	Rule        string
	SAM         string
	Translation string
	// NotAFunction names the form in which Function is not a function (a
	// finding reported on another resource).
	NotAFunction string   `json:",omitempty"`
	SAMFindings  []string `json:",omitempty"`
	CFNFindings  []string `json:",omitempty"`
}

func (d disagreement) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: %s: SAM form %s, translation %s", d.Template, d.Function, d.Rule, d.SAM, d.Translation)
	if d.NotAFunction != "" {
		fmt.Fprintf(&b, " (%s is not a function of the %s)", d.Function, d.NotAFunction)
	}
	for _, m := range d.SAMFindings {
		fmt.Fprintf(&b, "\n\tSAM:         %s", m)
	}
	for _, m := range d.CFNFindings {
		fmt.Fprintf(&b, "\n\ttranslation: %s", m)
	}
	return b.String()
}

// compare gives the disagreements of one template.
func compare(name string, functions, rules []string, sam, cfn fileScan) []disagreement {
	type key struct{ resource, rule string }
	group := func(s fileScan) map[key][]finding {
		g := map[key][]finding{}
		for _, f := range s.findings {
			g[key{f.Resource, f.Rule}] = append(g[key{f.Resource, f.Rule}], f)
		}
		for _, e := range s.errors {
			k := key{templateResource, templateErrors}
			if m := notVerifiedOf.FindStringSubmatch(e); m != nil {
				k = key{m[1], notVerifiedRule}
			}
			g[k] = append(g[k], finding{Rule: k.rule, Severity: "error", Resource: k.resource, Message: e})
		}
		return g
	}
	gs, gc := group(sam), group(cfn)
	var keys []key
	for _, fn := range functions {
		for _, r := range rules {
			keys = append(keys, key{fn, r})
		}
	}
	for _, g := range []map[key][]finding{gs, gc} {
		for k := range g {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	var out []disagreement
	for _, k := range keys {
		vs, vc := verdict(gs[k]), verdict(gc[k])
		if k.rule == notVerifiedRule {
			vs, vc = errorsVerdict(gs[k], notVerified), errorsVerdict(gc[k], notVerified)
		}
		if k.rule == templateErrors {
			vs, vc = errorKinds(gs[k]), errorKinds(gc[k])
		}
		if vs == vc {
			continue
		}
		d := disagreement{Template: name, Function: k.resource, Rule: k.rule, SAM: vs, Translation: vc,
			SAMFindings: describe(gs[k]), CFNFindings: describe(gc[k])}
		if k.resource != templateResource && !slices.Contains(functions, k.resource) {
			d.NotAFunction = "template or its translation"
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b disagreement) int {
		return strings.Compare(a.Function+"\x00"+a.Rule, b.Function+"\x00"+b.Rule)
	})
	return out
}

func errorsVerdict(fs []finding, some string) string {
	if len(fs) == 0 {
		return pass
	}
	return some
}

// errorKinds is the verdict of a template's own errors: what each says is
// wrong (the text before its advice, names and numbers left out), sorted.
func errorKinds(fs []finding) string {
	if len(fs) == 0 {
		return pass
	}
	var kinds []string
	for _, f := range fs {
		k, _, _ := strings.Cut(f.Message, ";")
		k = quoted.ReplaceAllString(k, `"…"`)
		k = number.ReplaceAllString(k, "#")
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	slices.Sort(kinds)
	return strings.Join(kinds, " | ")
}

var (
	quoted = regexp.MustCompile(`"[^"]*"`)
	number = regexp.MustCompile(`[0-9]+`)
)

func describe(fs []finding) []string {
	var out []string
	for _, f := range fs {
		s := fmt.Sprintf("%s: %s", f.Severity, f.Message)
		if f.Suppression != nil {
			s = fmt.Sprintf("suppressed (%s %s): %s", f.Suppression.Source, f.Suppression.ID, f.Message)
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// acceptedDiff is one accepted difference of testdata/accepted.tsv.
type acceptedDiff struct {
	line                                       int
	template, function, rule, sam, cfn, reason string
}

func (d disagreement) acceptedBy(a acceptedDiff) bool {
	match := func(pattern, s string) bool {
		ok, err := doublestar.Match(pattern, s)
		return err == nil && ok
	}
	return match(a.template, d.Template) && match(a.function, d.Function) && match(a.rule, d.Rule) &&
		match(a.sam, d.SAM) && match(a.cfn, d.Translation)
}

// readAccepted reads the accepted differences: tab-separated template,
// function, rule, SAM verdict, translation verdict (each a glob) and the
// reason, which is required.
func readAccepted(path string) ([]acceptedDiff, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []acceptedDiff
	for i, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 6 || strings.TrimSpace(c[5]) == "" {
			return nil, fmt.Errorf("%s:%d: want 6 tab-separated columns (template, function, rule, SAM verdict, translation verdict, reason), the reason not empty", path, i+1)
		}
		for _, p := range c[:5] {
			if !doublestar.ValidatePattern(p) {
				return nil, fmt.Errorf("%s:%d: bad pattern %q", path, i+1, p)
			}
		}
		out = append(out, acceptedDiff{line: i + 1, template: c[0], function: c[1], rule: c[2], sam: c[3], cfn: c[4], reason: c[5]})
	}
	return out, nil
}

// An expectation of a probe: "# expect: FUNCTION RULE VERDICT" (RULE may be
// *). Where both forms agree on a wrong verdict the differential cannot see
// it, so each probe also says what the right verdict is, and both forms must
// give it.
var expectLine = regexp.MustCompile(`^# expect: (\S+) (\S+) (pass|notice|warning|error|suppressed)$`)

func checkExpectations(t *testing.T, in input, functions, rules []string, sam, cfn fileScan) {
	t.Helper()
	data, err := os.ReadFile(in.path)
	if err != nil {
		t.Fatal(err)
	}
	byKey := func(s fileScan, fn, rule string) []finding {
		var out []finding
		for _, f := range s.findings {
			if f.Resource == fn && f.Rule == rule {
				out = append(out, f)
			}
		}
		return out
	}
	for n, line := range strings.Split(string(data), "\n") {
		m := expectLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			if strings.HasPrefix(line, "# expect") {
				t.Errorf("%s:%d: write # expect: FUNCTION RULE VERDICT", in.name, n+1)
			}
			continue
		}
		fn, want := m[1], m[3]
		if !slices.Contains(functions, fn) {
			t.Errorf("%s:%d: %s is not a function of the probe", in.name, n+1, fn)
			continue
		}
		if m[2] != "*" && !slices.Contains(rules, m[2]) {
			t.Errorf("%s:%d: %s is not a rule of lambdagate rules", in.name, n+1, m[2])
			continue
		}
		for _, rule := range rules {
			if m[2] != "*" && m[2] != rule {
				continue
			}
			fs, fc := byKey(sam, fn, rule), byKey(cfn, fn, rule)
			vs, vc := verdict(fs), verdict(fc)
			if vs == want && vc == want {
				continue
			}
			d := disagreement{Template: in.name, Function: fn, Rule: rule, SAM: vs, Translation: vc,
				SAMFindings: describe(fs), CFNFindings: describe(fc)}
			t.Errorf("%s:%d: expected %s; %v", in.name, n+1, want, d)
		}
	}
}
