package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/lambdagate/lambdagate/pullrequest"
)

// gitTopLevel is the root of the git work tree holding dir, or "" outside
// one. It trusts the work tree as the Action's root-run container must
// (safe.directory), so every command finds the same root.
func gitTopLevel(dir string) string {
	if !insideGit(dir) {
		return "" // not worth starting git for: most of a tiny scan's cost
	}
	top, err := pullrequest.Git{Dir: dir}.TopLevel(context.Background())
	if err != nil {
		return ""
	}
	return top
}

// insideGit reports whether dir or a folder above it holds a .git (a folder,
// or the file of a linked work tree or submodule).
func insideGit(dir string) bool {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return true // let git decide
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return true
		}
		if filepath.Dir(d) == d {
			return false
		}
	}
}
