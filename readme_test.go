package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The README's workflow snippets and the example workflows use one version
// of each action (actionlint, in CI, checks that they are valid).
func TestWorkflowsUseOneVersionOfEachAction(t *testing.T) {
	files, _ := filepath.Glob(".github/workflows/*.yml")
	files = append(files, "README.md")
	uses := regexp.MustCompile(`uses: ([\w.-]+/[\w./-]+)@([\w.-]+)`)
	versions := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range uses.FindAllStringSubmatch(string(data), -1) {
			if v := m[1] + "@" + m[2]; !slices.Contains(versions[m[1]], v) {
				versions[m[1]] = append(versions[m[1]], v)
			}
		}
	}
	if len(versions) == 0 {
		t.Fatal("no uses: found")
	}
	for action, vs := range versions {
		if len(vs) > 1 {
			t.Errorf("%s is used at %s; use one version", action, strings.Join(vs, " and "))
		}
	}
}

// The released image and the one @main builds use the same base.
func TestReleaseDockerfileHasTheBaseOfDockerfile(t *testing.T) {
	base := func(path string) string {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var last string
		for _, l := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(l, "FROM ") {
				last = strings.Fields(l)[1]
			}
		}
		return last
	}
	if a, b := base("Dockerfile"), base("Dockerfile.release"); a == "" || a != b || !strings.Contains(a, "@sha256:") {
		t.Errorf("Dockerfile runs on %q, Dockerfile.release on %q: the same pinned base, please", a, b)
	}
}
