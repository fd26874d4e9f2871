package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/checks"
)

func TestVersionOf(t *testing.T) {
	info := func(v string, settings ...debug.BuildSetting) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Version: v}, Settings: settings}, true
		}
	}
	none := func() (*debug.BuildInfo, bool) { return nil, false }
	for _, tc := range []struct {
		set  string
		info func() (*debug.BuildInfo, bool)
		want string
	}{
		{"v1.4.0", info("v1.3.0"), "v1.4.0"}, // the release build's -ldflags win
		{"dev", info("v1.3.0"), "v1.3.0"},    // go install ...@v1.3.0
		{"dev", info("(devel)", debug.BuildSetting{Key: "vcs.revision", Value: "0123456789abcdef0123"}, debug.BuildSetting{Key: "vcs.modified", Value: "true"}), "dev (0123456789ab-dirty)"},
		{"dev", info("(devel)"), "dev"},
		{"dev", none, "dev"},
	} {
		if got := versionOf(tc.set, tc.info); got != tc.want {
			t.Errorf("versionOf(%q) = %q, want %q", tc.set, got, tc.want)
		}
	}
}

// A release build (the -ldflags GoReleaser passes) shows its version in
// --version and in SARIF's tool.driver.version, never dev.
func TestReleaseBuildShowsItsVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "lambdagate")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-X main.version=v1.2.3", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil || string(out) != "lambdagate v1.2.3\n" {
		t.Errorf("--version: %q, %v", out, err)
	}
	sarif := filepath.Join(t.TempDir(), "out.sarif")
	if err := exec.Command(bin, "scan", "--fail-on", "never", "--sarif", sarif, "testdata/examples").Run(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(sarif)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"version": "1.2.3"`) {
		t.Errorf("SARIF's driver version is not the release's:\n%.600s", data)
	}
}

func TestRuleLinksPointAtTheVersionThatRan(t *testing.T) {
	if got := docsURL("v1.2.3"); got != "https://github.com/lambdagate/lambdagate/blob/v1.2.3/docs/rules/" {
		t.Errorf("docsURL(v1.2.3) = %s", got)
	}
	if got := docsURL("dev (0123456789ab)"); got != checks.DocsURL {
		t.Errorf("docsURL(dev) = %s, want main's", got)
	}
}
