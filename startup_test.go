package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkVersionStartup execs the built binary with --version: the cost of
// starting lambdagate at all (package initialisation included), which every
// CI step pays once.
func BenchmarkVersionStartup(b *testing.B) {
	bin := buildBinary(b)
	for b.Loop() {
		out, err := exec.Command(bin, "--version").Output()
		if err != nil || !strings.HasPrefix(string(out), "lambdagate ") {
			b.Fatalf("--version: %q, %v", out, err)
		}
	}
}

// BenchmarkScanOneFile execs the built binary on one small template outside
// any git work tree: the whole cost of a scan of one file, start-up included
// (compare with BenchmarkVersionStartup; the target is 15 ms of CPU).
func BenchmarkScanOneFile(b *testing.B) {
	bin := buildBinary(b)
	dir := b.TempDir()
	file := filepath.Join(dir, "template.yaml")
	if err := os.WriteFile(file, []byte(otherTemplate), 0o644); err != nil {
		b.Fatal(err)
	}
	var cpu time.Duration
	for b.Loop() {
		cmd := exec.Command(bin, "scan", file)
		cmd.Dir = dir
		if out, err := cmd.Output(); err != nil && cmd.ProcessState.ExitCode() != exitFindings {
			b.Fatalf("scan: %q, %v", out, err)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
}
