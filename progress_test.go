package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestShowProgress: progress is for a person at a terminal, never for a CI
// log or a file.
func TestShowProgress(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, c := range []struct {
		name     string
		terminal bool
		getenv   func(string) string
		want     bool
	}{
		{"a terminal, no CI", true, env(), true},
		{"a terminal in CI", true, env("CI", "true"), false},
		{"a terminal in GitHub Actions", true, env("GITHUB_ACTIONS", "true"), false},
		{"not a terminal", false, env(), false},
		{"not a terminal in CI", false, env("CI", "1"), false},
	} {
		if got := showProgress(c.terminal, c.getenv); got != c.want {
			t.Errorf("%s: showProgress = %v, want %v", c.name, got, c.want)
		}
	}
	if isTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is taken for a terminal")
	}
}

// syncBuffer is a bytes.Buffer safe for the progress goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestProgressLine: after the delay the line shows files done/total,
// rewritten in place, and is cleared at the end; before it, nothing.
func TestProgressLine(t *testing.T) {
	var quick syncBuffer
	p := startProgress(&quick, time.Hour, time.Millisecond)
	p.update(1, 2)
	p.end()
	if quick.String() != "" {
		t.Errorf("a scan quicker than the delay printed %q", quick.String())
	}

	var slow syncBuffer
	p = startProgress(&slow, 0, time.Millisecond)
	p.update(3, 10)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(slow.String(), "3/10 files") && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	p.end()
	out := slow.String()
	if !strings.HasPrefix(out, "\rlambdagate: ") || !strings.Contains(out, "3/10 files") || !strings.HasSuffix(out, "\r") || strings.Contains(out, "\n") {
		t.Errorf("progress output %q; want lines rewritten in place with 3/10 files, cleared at the end", out)
	}
}

// TestScanFlags: --shard is checked, --verbose lists what was skipped and
// why on stderr, and neither touches stdout's report.
func TestScanFlags(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "chart.yaml"), []byte("name: {{ .Values.name }}\n  {{- if x }}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "values.yaml"), []byte("replicas: 3\n"), 0o644)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"scan", "--shard", "3/2", dir}, &stdout, &stderr); code != exitUsage ||
		stderr.String() != "lambdagate: --shard \"3/2\": use K/N with 1 <= K <= N, e.g. --shard 1/4\n" {
		t.Errorf("--shard 3/2: exit %d, stderr %q", code, stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	t.Chdir(dir) // no configuration file here
	if code := run([]string{"scan", "--verbose", "."}, &stdout, &stderr); code != exitOK {
		t.Errorf("--verbose: exit %d, stderr %q", code, stderr.String())
	}
	want := "lambdagate: skipped chart.yaml" + ": not a CloudFormation template: it does not parse (line 1: cannot parse YAML: "
	want2 := "lambdagate: skipped values.yaml" + ": not a CloudFormation template: no AWSTemplateFormatVersion, Transform, or Resources with typed resources at its top level\n"
	want3 := "lambdagate: warning: no CloudFormation or SAM template found in . (2 files passed over, listed above), so nothing was checked; check the paths and the excludes\n"
	if got := stderr.String(); !strings.HasPrefix(got, want) || !strings.HasSuffix(got, want2+want3) {
		t.Errorf("--verbose stderr:\n%s\nwant:\n%s...\n%s", got, want, want2)
	}
	if strings.Contains(stdout.String(), "skipped") {
		t.Errorf("--verbose wrote to stdout: %q", stdout.String())
	}
}
