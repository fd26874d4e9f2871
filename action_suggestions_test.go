package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/review/fakegithub"
)

// readSources concatenates the files of the Action's code, for the test
// that checks every input read is declared.
func readSources(names ...string) ([]byte, error) {
	var all []byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		all = append(all, b...)
	}
	return all, nil
}

// No function sets Tracing: lambdagate fix would set it in Globals, off the
// change, so the suggestions set it on each new function instead.
const suggestBase = `Transform: AWS::Serverless-2016-10-31
Resources:
  Old:
    Type: AWS::Serverless::Function
    Properties:
      Handler: old.handler
      Runtime: python3.12
      Layers: [arn:aws:lambda:eu-west-1:123456789012:layer:x:1]
`

// The pull request adds A (lines 9-13) and B (lines 14-18), neither traced.
const suggestAdded = `  A:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.handler
      Runtime: python3.12
  B:
    Type: AWS::Serverless::Function
    Properties:
      Handler: b.handler
      Runtime: python3.12
`

// suggestWorkspace is GitHub's test merge commit of a pull request adding
// two functions without tracing, with fetch-depth: 2's history.
func suggestWorkspace(t *testing.T) (dir, event, head string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir = t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q", "-b", "main")
	write(".lambdagate.yml", "rules:\n  log-retention: off\n")
	write("template.yaml", suggestBase)
	git("add", ".")
	git("commit", "-qm", "base")
	base := git("rev-parse", "HEAD")
	git("checkout", "-qb", "feature")
	write("template.yaml", suggestBase+suggestAdded)
	git("commit", "-qam", "add A and B")
	head = git("rev-parse", "HEAD")
	git("checkout", "-q", "--detach", base)
	git("merge", "-q", "--no-ff", "-m", "Merge "+head+" into "+base, head)
	event = filepath.Join(t.TempDir(), "event.json")
	payload, _ := json.Marshal(map[string]any{"pull_request": map[string]any{"number": 7,
		"base": map[string]string{"sha": base, "ref": "main"}, "head": map[string]string{"sha": head, "ref": "feature"}}})
	if err := os.WriteFile(event, payload, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, event, head
}

// runSuggesting runs the Action in-process against the fake API.
func runSuggesting(t *testing.T, dir, event, apiURL string) (int, string) {
	t.Helper()
	env, _, _ := runnerEnv(t, dir, event, map[string]string{"suggestions": "true", "github-token": "t0ken", "working-directory": dir})
	env = append(env, "GITHUB_API_URL="+apiURL)
	var stdout, stderr bytes.Buffer
	code := runAction(newProcess(env, &stdout, &stderr))
	if stderr.Len() > 0 {
		t.Logf("stderr: %s", stderr.String())
	}
	return code, stdout.String()
}

// A pull request adding two functions without tracing gets one review with
// two suggestions, each on the last line of a function's Properties; a
// re-run posts nothing new.
func TestActionSuggestsFixesInOneReview(t *testing.T) {
	dir, event, head := suggestWorkspace(t)
	gh := fakegithub.New(t, "acme", "orders", 7)
	code, out := runSuggesting(t, dir, event, gh.URL)
	if code != exitFindings {
		t.Errorf("exit code %d, want 1 (the findings still fail until the fixes are committed)\n%s", code, out)
	}
	reviews := gh.Reviews()
	if len(reviews) != 1 {
		t.Fatalf("%d reviews, want 1\n%s", len(reviews), out)
	}
	rv := reviews[0]
	if rv.CommitID != head || rv.Event != "COMMENT" {
		t.Errorf("review on %s as %s, want the head %s as COMMENT", rv.CommitID, rv.Event, head)
	}
	want := map[int]string{13: "      Runtime: python3.12\n      Tracing: Active", 18: "      Runtime: python3.12\n      Tracing: Active"}
	if len(rv.Comments) != 2 {
		t.Fatalf("%d comments, want 2: %+v", len(rv.Comments), rv.Comments)
	}
	for _, c := range rv.Comments {
		repl, ok := want[c.Line]
		if !ok || c.Path != "template.yaml" || c.Side != "RIGHT" || c.StartLine != nil {
			t.Errorf("a comment on %s:%d (start %v, side %s), want template.yaml lines 13 and 18", c.Path, c.Line, c.StartLine, c.Side)
			continue
		}
		if !strings.Contains(c.Body, "```suggestion\n"+repl+"\n```") || !strings.Contains(c.Body, "`active-tracing`") {
			t.Errorf("comment on line %d:\n%s\nwant a suggestion of\n%s", c.Line, c.Body, repl)
		}
	}
	for _, r := range gh.Requests() {
		if r.Auth != "Bearer t0ken" {
			t.Errorf("%s %s authorised with %q, want the github-token input", r.Method, r.Path, r.Auth)
		}
	}
	if !strings.Contains(out, "suggestions: 2 posted in one review") {
		t.Errorf("the log does not say what was posted:\n%s", out)
	}

	// A re-run finds its comments and posts nothing.
	before := len(gh.Requests())
	if _, out := runSuggesting(t, dir, event, gh.URL); !strings.Contains(out, "0 posted in one review, 0 updated, 2 already there") {
		t.Errorf("re-run log:\n%s", out)
	}
	for _, r := range gh.Requests()[before:] {
		if r.Method != "GET" {
			t.Errorf("the re-run wrote: %s %s", r.Method, r.Path)
		}
	}
	if n := len(gh.Reviews()); n != 1 {
		t.Errorf("%d reviews after the re-run, want still 1", n)
	}
}

// A fork's read-only token cannot post: one notice, the annotations stand.
func TestActionSuggestionsFallBackOnAReadOnlyToken(t *testing.T) {
	dir, event, _ := suggestWorkspace(t)
	gh := fakegithub.New(t, "acme", "orders", 7)
	gh.ReadOnly = true
	code, out := runSuggesting(t, dir, event, gh.URL)
	if code != exitFindings {
		t.Errorf("exit code %d, want 1 (the findings), not an error\n%s", code, out)
	}
	if n := strings.Count(out, "::notice title=lambdagate suggestions::"); n != 1 {
		t.Errorf("%d suggestion notices, want 1\n%s", n, out)
	}
	if !strings.Contains(out, "pull-requests: write") {
		t.Errorf("the notice does not name the permission:\n%s", out)
	}
	if !strings.Contains(out, "title=lambdagate active-tracing::") {
		t.Errorf("no annotation for the findings:\n%s", out)
	}
}
