package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/report"
	"github.com/lambdagate/lambdagate/scan"
)

// runScan is `lambdagate scan [flags] [PATH...]`: the templates on disk
// are the source.
func runScan(p *process, args []string) int {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(p.stderr)
	var out outputFlags
	out.register(fs)
	unresolved := fs.String("unresolved", "", "values known only at deploy time (parameters without a default, imports): pass (default), warn or fail")
	baselinePath := fs.String("baseline", "", "a baseline file (lambdagate baseline write): only findings not in it fail")
	maxSize := fs.Int64("max-file-size", scan.DefaultMaxFileSize, "skip files larger than this many bytes, with an error")
	date := fs.String("date", "", "judge dates (runtime deprecation) as of this day, YYYY-MM-DD (default: today)")
	verbose := fs.Bool("verbose", false, "list on stderr the files skipped, and why")
	shard := fs.String("shard", "", "scan only shard K of N (K/N, e.g. 2/4): files are split by a stable hash of their path, for a CI matrix")
	var exclude multiFlag
	excludeFlag(fs, &exclude)
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintln(p.stderr, "lambdagate:", err)
		return exitUsage
	}
	st, err := p.loadSettings(overrides{configPath: out.config, failOn: out.failOn, exclude: exclude,
		unresolved: *unresolved, date: *date, baseline: *baselinePath, maxFileSize: *maxSize})
	if err != nil {
		return fail(err)
	}
	if err := out.checkFormat(); err != nil {
		return fail(err)
	}
	if *shard != "" {
		if st.opts.Shard, err = scan.ParseShard(*shard); err != nil {
			return fail(err)
		}
	}
	if st.opts.Stage, err = st.stage(); err != nil {
		return fail(err)
	}
	o := &output{p: p, flags: out, threshold: st.threshold, title: "lambdagate", category: "lambdagate", sarif: scanRules(st)}
	st.opts.Emit = o.stream()
	var prog *progress
	// An output written as it comes is its own progress, and must not be
	// interleaved with one.
	if !o.live() && showProgress(isTerminal(p.stderr), p.env().get) {
		prog = startProgress(p.stderr, time.Second, 100*time.Millisecond)
		st.opts.Progress = prog.update
	}
	res, err := scan.Scan(paths, st.opts)
	if prog != nil {
		prog.end() // before any output
	}
	if err != nil {
		return fail(err)
	}
	if *verbose {
		for _, s := range res.Skipped {
			fmt.Fprintf(p.stderr, "lambdagate: skipped %s: %s\n", report.Sanitize(s.Path), report.Sanitize(s.Reason))
		}
	}
	failing, err := o.finish(res)
	if err != nil {
		return fail(err)
	}
	if res.Templates == 0 && len(res.Errors) == 0 {
		hint := "; --verbose lists them"
		if *verbose {
			hint = ", listed above"
		}
		fmt.Fprintln(p.stderr, "lambdagate: warning:", noTemplates(paths, res, hint))
	}
	if failing {
		return exitFindings
	}
	return exitOK
}

// noTemplates says that a scan read no template, which passes but checks
// nothing: a wrong path or an --exclude too wide should not look like a
// clean repository.
func noTemplates(paths []string, res *evaluation.Result, hint string) string {
	where := "."
	if len(paths) > 0 {
		where = strings.Join(paths, " ")
	}
	files := fmt.Sprintf("%d files", len(res.Skipped))
	if len(res.Skipped) == 1 {
		files = "1 file"
	}
	return fmt.Sprintf("no CloudFormation or SAM template found in %s (%s passed over%s), so nothing was checked; check the paths and the excludes",
		report.Sanitize(where), files, hint)
}
