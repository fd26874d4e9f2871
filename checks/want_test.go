package checks_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/scan"
)

// wantComment is `# want: rule-a rule-b "pattern"` at the end of a YAML
// line. The pseudo-rule "error" stands for a template error (parse error,
// duplicate key); `rule/suppressed` is a finding a justified exception
// covers. A quoted regular expression after a rule, as analysistest's, must
// match the message of one of that rule's findings on the line.
var wantComment = regexp.MustCompile(`#\s*want:\s*((?:[a-z0-9/-]+|"(?:[^"\\]|\\.)*"|\s)+)$`)

// wantToken is a rule or a quoted pattern of a want comment.
var wantToken = regexp.MustCompile(`[a-z0-9/-]+|"(?:[^"\\]|\\.)*"`)

// wantPattern is a message pattern for the findings of key ("12 kms-key").
type wantPattern struct {
	key string
	re  *regexp.Regexp
}

// wantToday is the scan date of the testdata: deprecated-runtime compares
// the runtime table's dates with it, never with the clock.
var wantToday = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// TestWant runs every template under testdata against every check and
// compares the findings with the `# want:` comments written on the lines
// where they must land (for JSON, a sibling .want file of `line rule`
// lines). Any missing or extra finding fails.
func TestWant(t *testing.T) {
	var files []string
	for _, dir := range []string{"../testdata/checks"} { // testdata/examples are for people: their self-checking copies are in testdata/checks/examples
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch filepath.Ext(p) {
			case ".yaml", ".yml", ".json", ".template":
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) == 0 {
		t.Fatal("no testdata templates found")
	}
	functions := 0
	for _, file := range files {
		t.Run(filepath.ToSlash(strings.TrimPrefix(file, "../testdata/")), func(t *testing.T) {
			want, patterns := readWants(t, file)
			res, err := scan.Scan([]string{file}, scan.Options{Stage: evaluation.New(evaluation.Config{Checks: checksFor(t, file), CheckOptions: checks.Options{Today: wantToday}})})
			if err != nil {
				t.Fatal(err)
			}
			functions += res.Functions
			var got []string
			messages := map[string][]string{}
			raw := map[string][]string{} // the messages alone, for the patterns
			for _, f := range res.Findings {
				k := fmt.Sprintf("%d %s", f.Pos.Line, f.Rule)
				if f.Suppression != nil {
					k += "/suppressed"
				}
				got = append(got, k)
				messages[k] = append(messages[k], f.Severity.String()+": "+f.Resource+": "+f.Message)
				raw[k] = append(raw[k], f.Message)
			}
			for _, e := range res.Errors {
				k := fmt.Sprintf("%d error", e.Pos.Line)
				got = append(got, k)
				messages[k] = append(messages[k], e.Message)
				raw[k] = append(raw[k], e.Message)
			}
			for _, p := range patterns {
				// Each pattern takes a message of its own.
				i := slices.IndexFunc(raw[p.key], p.re.MatchString)
				if i < 0 {
					t.Errorf("%s:%s: no finding's message matches %q; the messages: %q", file, p.key, p.re, raw[p.key])
					continue
				}
				raw[p.key] = slices.Delete(raw[p.key], i, i+1)
			}
			slices.SortFunc(got, byLine)
			slices.SortFunc(want, byLine)
			if diff := cmp.Diff(want, got); diff != "" {
				var b strings.Builder
				for _, k := range got {
					fmt.Fprintf(&b, "  %s:%s: %s\n", file, k, strings.Join(messages[k], " | "))
				}
				t.Errorf("findings differ from the # want: comments (-want +got):\n%s\nall findings:\n%s", diff, b.String())
			}
		})
	}
	if functions < 30 {
		t.Errorf("the testdata holds %d functions; keep at least 30 so every rule is covered on both types", functions)
	}
}

var checksHeader = regexp.MustCompile(`(?m)^#\s*checks:\s*([a-z0-9 -]+?)\s*$`)

// checksFor reads a `# checks: id id...` line: the file is a specification
// for those rules only (JSON files put it in their .want file). Without one,
// every rule runs.
func checksFor(t *testing.T, file string) []*checks.Check {
	t.Helper()
	src := file
	if strings.HasSuffix(file, ".json") || strings.HasSuffix(file, ".template") {
		src = file + ".want"
	}
	data, _ := os.ReadFile(src)
	m := checksHeader.FindSubmatch(data)
	if m == nil {
		return checks.Default()
	}
	var out []*checks.Check
	for _, id := range strings.Fields(string(m[1])) {
		c := checks.ByID(id)
		if c == nil {
			t.Fatalf("%s: # checks: names unknown rule %q", src, id)
		}
		out = append(out, c)
	}
	return out
}

func byLine(a, b string) int {
	la, _, _ := strings.Cut(a, " ")
	lb, _, _ := strings.Cut(b, " ")
	na, _ := strconv.Atoi(la)
	nb, _ := strconv.Atoi(lb)
	if na != nb {
		return na - nb
	}
	return strings.Compare(a, b)
}

// readWants reads the wanted findings ("12 kms-key") and their message
// patterns.
func readWants(t *testing.T, file string) ([]string, []wantPattern) {
	t.Helper()
	var want []string
	var patterns []wantPattern
	add := func(where string, line int, tokens []string) {
		for _, tok := range tokens {
			if !strings.HasPrefix(tok, `"`) {
				want = append(want, fmt.Sprintf("%d %s", line, tok))
				continue
			}
			text, err := strconv.Unquote(tok)
			if err != nil {
				t.Fatalf("%s: %s is not a Go string literal (write a backslash as \\\\)", where, tok)
			}
			if len(want) == 0 {
				t.Fatalf("%s: the message pattern %s must follow the rule it is about", where, tok)
			}
			re, err := regexp.Compile(text)
			if err != nil {
				t.Fatalf("%s: the message pattern %s: %v", where, tok, err)
			}
			patterns = append(patterns, wantPattern{want[len(want)-1], re})
		}
	}
	if strings.HasSuffix(file, ".json") || strings.HasSuffix(file, ".template") {
		data, err := os.ReadFile(file + ".want")
		if os.IsNotExist(err) {
			return nil, nil
		}
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "checks:") {
				continue
			}
			num, rest, _ := strings.Cut(line, " ")
			n, err := strconv.Atoi(num)
			if err != nil {
				t.Fatalf("%s.want:%d: %q: want a line number, then rules", file, i+1, line)
			}
			add(fmt.Sprintf("%s.want:%d", file, i+1), n, wantToken.FindAllString(rest, -1))
		}
		return want, patterns
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if m := wantComment.FindStringSubmatch(sc.Text()); m != nil {
			add(fmt.Sprintf("%s:%d", file, n), n, wantToken.FindAllString(m[1], -1))
		}
	}
	return want, patterns
}

// docExample is a fenced YAML block after a **Fails** or **Passes** heading.
var docExample = regexp.MustCompile("(?s)\\*\\*(Fails|Passes)[^*]*\\*\\*\\s*```ya?ml\\n(.*?)```")

// exampleFunction is the function an example of a resource a function
// uses (a key, a security group, a permission) is read with.
const exampleFunction = `  Fn:
    Type: AWS::Lambda::Function
    Properties:
      KmsKeyArn: !GetAtt Key.Arn
      VpcConfig:
        SecurityGroupIds: [!GetAtt FnSecurityGroup.GroupId]
        SubnetIds: [subnet-1]
`

// exampleTemplate makes a template of a documented example: a template as
// is; resources under Resources, with a function that uses them when none
// is among them; properties as a function's.
func exampleTemplate(text string) string {
	if regexp.MustCompile(`(?m)^(Resources|AWSTemplateFormatVersion|Transform):`).MatchString(text) {
		return text
	}
	indent := func(s, by string) string {
		return regexp.MustCompile(`(?m)^`).ReplaceAllString(strings.TrimRight(s, "\n"), by) + "\n"
	}
	if strings.HasPrefix(text, "Globals:") {
		// SAM Globals: what a SAM function with nothing of its own inherits.
		return "Transform: AWS::Serverless-2016-10-31\n" + text + "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n"
	}
	if !regexp.MustCompile(`(?m)^  Type: `).MatchString(text) {
		return "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n" + indent(text, "      ")
	}
	out := "Resources:\n" + indent(text, "  ")
	if !strings.Contains(text, "Type: AWS::Lambda::Function") && !strings.Contains(text, "Type: AWS::Serverless::Function") {
		out += exampleFunction
	}
	return out
}

// TestDocumentedExamples scans each rule's documented failing and passing
// examples: the failing one must have a finding of the rule, the passing one
// none. An example that is a resource, not a template, is put under
// Resources.
func TestDocumentedExamples(t *testing.T) {
	for _, c := range checks.All() {
		t.Run(c.ID, func(t *testing.T) {
			ms := docExample.FindAllStringSubmatch(c.Doc, -1)
			if c.ID == "drift" {
				return // compares a deployment with its template: verify's tests
			}
			kinds := map[string]bool{}
			for i, m := range ms {
				kinds[m[1]] = true
				text := exampleTemplate(m[2])
				name := fmt.Sprintf("%s-example-%d.yaml", c.ID, i+1)
				res := scan.ScanBytes(name, []byte(text), scan.Options{Stage: evaluation.New(evaluation.Config{Checks: []*checks.Check{c}, CheckOptions: checks.Options{Today: wantToday}})})
				if len(res.Errors) > 0 {
					t.Errorf("the %s example does not read: %v\n%s", m[1], res.Errors, text)
					continue
				}
				n := 0
				for _, f := range res.Findings {
					if f.Rule == c.ID && f.Suppression == nil {
						n++
					}
				}
				switch {
				case m[1] == "Fails" && n == 0:
					t.Errorf("the failing example has no %s finding:\n%s", c.ID, text)
				case m[1] == "Passes" && n > 0:
					t.Errorf("the passing example has %d %s findings (%v):\n%s", n, c.ID, res.Findings, text)
				}
			}
			if !kinds["Fails"] || !kinds["Passes"] {
				t.Errorf("the documentation has no failing or no passing YAML example (found %v)", kinds)
			}
		})
	}
}
