package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A SARIF file that cannot be written leaves the failure on GitHub, never
// result pass and "✅ passed": verify (the Action and --format github) and
// scan (--format github and the Action) alike.
func TestASARIFFileNotWrittenIsAFailureOnGitHub(t *testing.T) {
	check := func(t *testing.T, code int, stdout, outputs, summary string) {
		t.Helper()
		if code != exitUsage {
			t.Errorf("exit %d, want 2", code)
		}
		if !strings.Contains(stdout, "::error title=") || !strings.Contains(stdout, "sarif-file: ") {
			t.Errorf("no error annotation naming the SARIF file:\n%s", stdout)
		}
		if got := readOutputs(t, outputs); got["result"] != "error" {
			t.Errorf("outputs %v, want result error", got)
		}
		sum, _ := os.ReadFile(summary)
		if !strings.Contains(string(sum), "sarif-file: ") || strings.Contains(string(sum), "passed") {
			t.Errorf("summary:\n%s", sum)
		}
	}
	// A path under a regular file: its folder cannot be made.
	blocked := func(t *testing.T, dir string) string {
		if err := os.WriteFile(filepath.Join(dir, "blocker"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		return filepath.Join(dir, "blocker", "x.sarif")
	}
	t.Run("post-deploy", func(t *testing.T) {
		out, _, code, _, outputs, summary := runPostDeploy(t, verifyAccount("Active"), map[string]string{"sarif-file": "svc/template.yaml/x.sarif"})
		check(t, code, out, outputs, summary)
	})
	t.Run("verify --format github", func(t *testing.T) {
		dir := writeTemplate(t)
		env, outputs, summary := runnerEnv(t, dir, filepath.Join(dir, "event.json"), nil)
		out, _, code := runVerifyOn(t, verifyAccount("Active"), dir, env, "--stack", "shop", "--format", "github", "--sarif", blocked(t, dir))
		check(t, code, out, outputs, summary)
	})
	t.Run("scan --format github", func(t *testing.T) {
		dir := writeTemplate(t)
		env, outputs, summary := runnerEnv(t, dir, filepath.Join(dir, "event.json"), nil)
		t.Chdir(dir)
		var stdout, stderr bytes.Buffer
		code := runScan(newProcess(env, &stdout, &stderr), []string{"--format", "github", "--sarif", blocked(t, dir), "."})
		check(t, code, stdout.String(), outputs, summary)
	})
	t.Run("scan action", func(t *testing.T) {
		dir := writeTemplate(t)
		env, outputs, summary := runnerEnv(t, dir, filepath.Join(dir, "event.json"), map[string]string{"sarif-file": "blocker/x.sarif", "filter-mode": "nofilter"})
		blocked(t, dir)
		t.Chdir(dir)
		var stdout, stderr bytes.Buffer
		code := runAction(newProcess(env, &stdout, &stderr))
		check(t, code, stdout.String(), outputs, summary)
	})
}
