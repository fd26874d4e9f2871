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

	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/scan"
)

// wantComment is `# want: rule-a rule-b` at the end of a YAML line. The
// pseudo-rule "error" stands for a template error (parse error, duplicate key);
// `rule/suppressed` is a finding a justified exception covers.
var wantComment = regexp.MustCompile(`#\s*want:\s*([a-z0-9 /-]+)\s*$`)

// TestWant runs every template under testdata against every check and
// compares the findings with the `# want:` comments written on the lines
// where they must land (for JSON, a sibling .want file of `line rule`
// lines). Any missing or extra finding fails.
func TestWant(t *testing.T) {
	var files []string
	for _, dir := range []string{"../testdata/checks", "../testdata/examples"} {
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
			want := readWants(t, file)
			res, err := scan.Scan([]string{file}, scan.Options{Stage: evaluation.New(evaluation.Config{Checks: checksFor(t, file)})})
			if err != nil {
				t.Fatal(err)
			}
			functions += res.Functions
			var got []string
			messages := map[string][]string{}
			for _, f := range res.Findings {
				k := fmt.Sprintf("%d %s", f.Pos.Line, f.Rule)
				if f.Suppression != nil {
					k += "/suppressed"
				}
				got = append(got, k)
				messages[k] = append(messages[k], f.Severity.String()+": "+f.Resource+": "+f.Message)
			}
			for _, e := range res.Errors {
				k := fmt.Sprintf("%d error", e.Pos.Line)
				got = append(got, k)
				messages[k] = append(messages[k], e.Message)
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
		return checks.All()
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

func readWants(t *testing.T, file string) []string {
	t.Helper()
	var want []string
	if strings.HasSuffix(file, ".json") || strings.HasSuffix(file, ".template") {
		data, err := os.ReadFile(file + ".want")
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "checks:") {
				want = append(want, strings.Join(strings.Fields(line), " "))
			}
		}
		return want
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if m := wantComment.FindStringSubmatch(sc.Text()); m != nil {
			for _, rule := range strings.Fields(m[1]) {
				want = append(want, fmt.Sprintf("%d %s", n, rule))
			}
		}
	}
	return want
}
