package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/pullrequest"
	"github.com/lambdagate/lambdagate/report"
	"github.com/lambdagate/lambdagate/source"
)

// findChanges diffs the change the event describes. When the history is too
// shallow it says so in one notice and falls back: to file mode on the
// files it can still see, or to nofilter.
func findChanges(ctx context.Context, git pullrequest.Git, env actionEnv, filter string, log io.Writer) (*pullrequest.Diff, string, []string) {
	degrade := func(why string) (*pullrequest.Diff, string, []string) {
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
	var shallow *pullrequest.ShallowError
	if errors.As(err, &shallow) && filter != "nofilter" {
		// What happened and the fix in a sentence; git's words in the log,
		// indented so that none can read as a workflow command.
		fmt.Fprintf(log, "lambdagate: git could not compare the pull request's base %s with its head %s:\n", shallow.Base, shallow.Head)
		for _, msg := range shallow.Git {
			for _, l := range strings.Split(msg, "\n") {
				fmt.Fprintf(log, "    %s\n", l)
			}
		}
		return nil, "nofilter", []string{fmt.Sprintf("The checkout is too shallow to compare the pull request with its base: set fetch-depth: 2 on actions/checkout. Until then every finding counts (filter-mode %s fell back to nofilter; git's messages are in the log).", filter)}
	}
	if err != nil {
		return degrade(err.Error())
	}
	if !d.Changes.Lines && (filter == "added" || filter == "diff-context") {
		return d, "file", []string{fmt.Sprintf("filter-mode %s: the history is too shallow for a line diff (check out with fetch-depth: 2, or 0); findings in the %d files the change touches count (file mode).", filter, len(d.Changes.Files))}
	}
	return d, filter, nil
}

// changeFilter decides which findings the change is responsible for, and
// which count under the filter mode. Under added a finding is new when
//
//	(a) the scan of the base revision has no finding with its fingerprint,
//	(b) it lies on a line the change adds or changes (not one it moves or
//	    re-indents), or
//	(c) its function's resource, or the SAM Globals a SAM function
//	    inherits, differs between base and head as parsed values,
//
// (a) and (c) only in the templates the base scan read (those the change
// touches, or whose configuration or parameter files it changes): the others
// are as they were, inputs included.
type changeFilter struct {
	changes *pullrequest.Changes
	base    *baseScan // nil without a line diff
	root    string
	facts   map[string]*evaluation.Facts // by template path; those of the unit in hand
	mode    string
	// fresh are the findings of the unit in hand that the base lacks: of n
	// findings with one fingerprint, those past the base's count.
	fresh map[checks.Finding]bool
}

// unit takes in the evaluation of the template whose findings come next.
func (c *changeFilter) unit(f evaluation.File) {
	c.facts = map[string]*evaluation.Facts{f.Path: f.Facts}
	c.fresh = nil
	if c.base == nil || !c.base.scanned[c.path(f.Path)] {
		return
	}
	c.fresh = map[checks.Finding]bool{}
	seen := map[string]int{}
	for _, fd := range f.Findings {
		k := headKey(c.path(fd.Pos.File), fd)
		if seen[k]++; seen[k] > c.base.found[k] {
			c.fresh[fd] = true
		}
	}
}

func (c *changeFilter) path(file string) string { return report.RepoPath(c.root, file) }

// edited reports (c): the change edits the function's resource, or the SAM
// Globals it inherits, as values. A template the base lacks, or did not
// have as a template, is all edits.
func (c *changeFilter) edited(f checks.Finding) bool {
	p := c.path(f.Pos.File)
	if c.base == nil || !c.base.scanned[p] {
		return false
	}
	head, base := c.facts[f.Pos.File], c.base.facts[p]
	if head == nil || base == nil {
		return true
	}
	bv, ok := base.Values[f.Resource]
	if !ok || bv != head.Values[f.Resource] {
		return true
	}
	return head.SAM[f.Resource] && head.GlobalsValue != base.GlobalsValue
}

// inChange reports whether the change is responsible for a function of the
// unit in hand: it adds it or edits it (its resource, or the Globals it
// inherits), or, with only the files known, touches its template.
func (c *changeFilter) inChange(r evaluation.FunctionRow) bool {
	p := c.path(r.File)
	if c.base == nil {
		return c.changes.Touches(p)
	}
	return c.edited(checks.Finding{Pos: source.Pos{File: r.File}, Resource: r.Resource})
}

func (c *changeFilter) isNew(f checks.Finding) bool {
	if !c.changes.Lines {
		return false
	}
	return c.changes.Changed(c.path(f.Pos.File), f.Pos.Line) || c.fresh[f] || c.edited(f)
}

func (c *changeFilter) counts(f checks.Finding) bool {
	p := c.path(f.Pos.File)
	switch c.mode {
	case "added":
		return c.isNew(f)
	case "diff-context":
		return c.changes.Near(p, f.Pos.Line, f.Pos.Line, diffContext) || c.isNew(f)
	case "file":
		return c.changes.Touches(p) || c.isNew(f)
	}
	return true
}

// countsError: a template that cannot be read counts when the change
// touches it (or always, without a filter).
func (c *changeFilter) countsError(e evaluation.FileError) bool {
	return c.mode == "nofilter" || c.changes.Touches(c.path(e.Pos.File))
}
