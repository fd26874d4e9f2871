package main

import (
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/lambdagate/lambdagate/checks"
)

// version is set at build time with -ldflags "-X main.version=..." (the
// release build and the Dockerfile do).
var version = "dev"

// toolVersion is the version --version and SARIF's tool.driver.version
// show: the one the release build set; else the module version `go install
// ...@v1.2.3` records; else "dev" with the commit the binary was built from,
// when the build recorded it.
func toolVersion() string {
	return versionOf(version, debug.ReadBuildInfo)
}

// release is a release version: v1.2.3, maybe with a pre-release.
var release = regexp.MustCompile(`^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)

// docsURL is where the rules' documentation of a version is: at its tag
// for a release, else on main.
func docsURL(v string) string {
	if release.MatchString(v) {
		return "https://github.com/lambdagate/lambdagate/blob/" + v + "/docs/rules/"
	}
	return checks.DocsURL
}

func versionOf(set string, info func() (*debug.BuildInfo, bool)) string {
	if set != "" && set != "dev" {
		return strings.TrimSpace(set)
	}
	bi, ok := info()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "dev (" + rev + ")"
}
