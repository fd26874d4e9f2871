package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/lambdagate/lambdagate/template"
)

// parseCounter counts the parses of each file.
type parseCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *parseCounter) parse(path string, data []byte, lim template.Limits) (*template.Template, error) {
	c.mu.Lock()
	c.n[filepath.Base(path)]++
	c.mu.Unlock()
	return template.Parse(path, data, lim)
}

// check fails unless every file was parsed exactly once.
func (c *parseCounter) check(t *testing.T, run string, files ...string) {
	t.Helper()
	for _, f := range files {
		if c.n[f] != 1 {
			t.Errorf("%s: %s parsed %d times, want once", run, f, c.n[f])
		}
	}
	var extra []string
	for f := range c.n {
		if !slices.Contains(files, f) {
			extra = append(extra, f)
		}
	}
	if len(extra) > 0 {
		t.Errorf("%s: parsed unexpected files %v", run, extra)
	}
}

const otherTemplate = `Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.13
`

// TestEachTemplateIsParsedOncePerRun: scan (with the GitHub output, whose
// summary lists every function), the Action (whose change filter needs each
// resource's lines) and verify --template (which maps the deployed functions
// onto the templates) parse each file once, and only once.
func TestEachTemplateIsParsedOncePerRun(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{"template.yaml": verifyTemplate, "other.yaml": otherTemplate, "notes.yaml": "just: notes\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files := []string{"notes.yaml", "other.yaml", "template.yaml"}
	summary := filepath.Join(t.TempDir(), "summary.md")

	c := &parseCounter{n: map[string]int{}}
	var stdout, stderr strings.Builder
	p := newProcess([]string{"GITHUB_STEP_SUMMARY=" + summary}, &stdout, &stderr)
	p.parse = c.parse
	if code := p.run([]string{"scan", "--format", "github", "--sarif", filepath.Join(t.TempDir(), "out.sarif"), dir}); code != exitFindings {
		t.Fatalf("scan: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	c.check(t, "scan", files...)

	c = &parseCounter{n: map[string]int{}}
	p = newProcess([]string{"INPUT_WORKING-DIRECTORY=" + dir, "GITHUB_STEP_SUMMARY=" + summary}, &stdout, &stderr)
	p.parse = c.parse
	if code := runAction(p); code != exitFindings {
		t.Fatalf("action: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	c.check(t, "the Action", files...)

	c = &parseCounter{n: map[string]int{}}
	out, errOut, code := runVerifyWith(t, verifyAccount("Active"), dir, nil, func(p *process) { p.parse = c.parse },
		"--stack", "shop", "--template", ".")
	if code != exitOK || !strings.Contains(out, "(1 template matched)") {
		t.Fatalf("verify: exit %d\n%s%s", code, out, errOut)
	}
	c.check(t, "verify", files...)
}
