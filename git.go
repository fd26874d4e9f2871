package main

import (
	"context"

	"github.com/lambdagate/lambdagate/pullrequest"
)

// gitTopLevel is the root of the git work tree holding dir, or "" outside
// one. It trusts the work tree as the Action's root-run container must
// (safe.directory), so every command finds the same root.
func gitTopLevel(dir string) string {
	top, err := pullrequest.Git{Dir: dir}.TopLevel(context.Background())
	if err != nil {
		return ""
	}
	return top
}
