package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkVersionStartup execs the built binary with --version: the cost of
// starting lambdagate at all (package initialisation included), which every
// CI step pays once.
func BenchmarkVersionStartup(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "lambdagate")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	for b.Loop() {
		out, err := exec.Command(bin, "--version").Output()
		if err != nil || !strings.HasPrefix(string(out), "lambdagate ") {
			b.Fatalf("--version: %q, %v", out, err)
		}
	}
}
