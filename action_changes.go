package main

import (
	"context"
	"fmt"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/pullrequest"
	"github.com/lambdagate/lambdagate/report"
)

// findChanges diffs the change the event describes. When the history is too
// shallow it says so in one notice and falls back: to file mode on the
// files it can still see, or to nofilter.
func findChanges(ctx context.Context, git pullrequest.Git, env actionEnv, filter string) (*pullrequest.Changes, string, []string) {
	degrade := func(why string) (*pullrequest.Changes, string, []string) {
		if filter == "nofilter" {
			return nil, filter, nil // nothing depended on the diff
		}
		return nil, "nofilter", []string{fmt.Sprintf("filter-mode %s: %s; every finding is annotated and counts (nofilter).", filter, why)}
	}
	path := env["GITHUB_EVENT_PATH"]
	if path == "" {
		return degrade("GITHUB_EVENT_PATH is not set, so the change is unknown")
	}
	ev, err := pullrequest.ReadEvent(path)
	if err != nil {
		return degrade(err.Error())
	}
	if ev.Base() == "" {
		return degrade(fmt.Sprintf("the %s event has no base commit to compare with", env["GITHUB_EVENT_NAME"]))
	}
	d, err := pullrequest.DiffChange(ctx, git, ev)
	if err != nil {
		return degrade(err.Error())
	}
	if !d.Changes.Lines && (filter == "added" || filter == "diff-context") {
		return d.Changes, "file", []string{fmt.Sprintf("filter-mode %s: the history is too shallow for a line diff (check out with fetch-depth: 2, or 0); findings in the %d files the change touches count (file mode).", filter, len(d.Changes.Files))}
	}
	return d.Changes, filter, nil
}

// changeFilter decides, from the diff, which findings are new and which
// count under the filter mode.
type changeFilter struct {
	changes *pullrequest.Changes
	root    string
	facts   map[string]*evaluation.Facts // by template path; those of the unit in hand
	mode    string
}

func (c *changeFilter) path(file string) string { return report.RepoPath(c.root, file) }

// touched reports whether the change edits the function's resource, or the
// SAM Globals it inherits: a removed KmsKeyArn or a swapped Role leaves a
// finding on a line the change did not touch, and must still count.
func (c *changeFilter) touched(f checks.Finding) bool {
	if !c.changes.Lines {
		return false
	}
	t := c.facts[f.Pos.File]
	if t == nil {
		return false
	}
	p := c.path(f.Pos.File)
	if s, ok := t.Spans[f.Resource]; ok && c.changes.Near(p, s.From, s.To, 0) {
		return true
	}
	return t.Globals.From > 0 && t.SAM[f.Resource] && c.changes.Near(p, t.Globals.From, t.Globals.To, 0)
}

func (c *changeFilter) isNew(f checks.Finding) bool {
	if !c.changes.Lines {
		return false
	}
	return c.changes.Added(c.path(f.Pos.File), f.Pos.Line) || c.touched(f)
}

func (c *changeFilter) counts(f checks.Finding) bool {
	p := c.path(f.Pos.File)
	switch c.mode {
	case "added":
		return c.isNew(f)
	case "diff-context":
		return c.changes.Near(p, f.Pos.Line, f.Pos.Line, diffContext) || c.touched(f)
	case "file":
		return c.changes.Touches(p)
	}
	return true
}

// countsError: a template that cannot be read counts when the change
// touches it (or always, without a filter).
func (c *changeFilter) countsError(e evaluation.FileError) bool {
	return c.mode == "nofilter" || c.changes.Touches(c.path(e.Pos.File))
}
