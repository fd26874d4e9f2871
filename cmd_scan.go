package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/report"
	"github.com/lambdagate/lambdagate/scan"
)

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// parseInterleaved parses flags that may come after positional arguments, as
// people type them: `lambdagate scan infra --format json`.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func runScan(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text, json or github (workflow-command annotations, plus the job summary and outputs under the runner)")
	sarifPath := fs.String("sarif", "", "also write the findings as SARIF 2.1.0 to this file, for code scanning")
	failOn := fs.String("fail-on", "", "exit 1 when a finding reaches this severity: error (default), warning, notice or never")
	configPath := fs.String("config", "", "configuration file (default: .lambdagate.yml at the repository root, if any)")
	unresolved := fs.String("unresolved", "", "values known only at deploy time (parameters without a default, imports): pass (default), warn or fail")
	baselinePath := fs.String("baseline", "", "a baseline file (lambdagate baseline write): only findings not in it fail")
	maxSize := fs.Int64("max-file-size", scan.DefaultMaxFileSize, "skip files larger than this many bytes, with an error")
	verbose := fs.Bool("verbose", false, "list on stderr the files skipped, and why")
	shard := fs.String("shard", "", "scan only shard K of N (K/N, e.g. 2/4): files are split by a stable hash of their path, for a CI matrix")
	var exclude multiFlag
	fs.Var(&exclude, "exclude", "skip paths matching this glob (doublestar syntax, e.g. '**/test/**'); repeatable")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	st, err := loadSettings(overrides{configPath: *configPath, failOn: *failOn, exclude: exclude,
		unresolved: *unresolved, baseline: *baselinePath, maxFileSize: *maxSize})
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate:", err)
		return exitUsage
	}
	threshold := st.threshold
	if *format != "text" && *format != "json" && *format != "github" {
		fmt.Fprintf(stderr, "lambdagate: unknown --format %q; use text, json or github\n", *format)
		return exitUsage
	}
	if *shard != "" {
		if st.opts.Shard, err = scan.ParseShard(*shard); err != nil {
			fmt.Fprintln(stderr, "lambdagate:", err)
			return exitUsage
		}
	}
	var prog *progress
	if showProgress(isTerminal(stderr), os.Getenv) {
		prog = startProgress(stderr, time.Second, 100*time.Millisecond)
		st.opts.Progress = prog.update
	}
	res, err := scan.Scan(paths, st.opts)
	if prog != nil {
		prog.end() // before any output
	}
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate:", err)
		return exitUsage
	}
	if *verbose {
		for _, s := range res.Skipped {
			fmt.Fprintf(stderr, "lambdagate: skipped %s: %s\n", report.Sanitize(s.Path), report.Sanitize(s.Reason))
		}
	}
	if err := applyBaseline(st.baseline, res); err != nil {
		fmt.Fprintln(stderr, "lambdagate:", err)
		return exitUsage
	}
	switch *format {
	case "json":
		err = report.WriteJSON(stdout, res)
	case "github":
		err = scanGitHub(stdout, res, threshold, newActionEnv(os.Environ()))
	default:
		err = report.Text(stdout, res)
	}
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate:", err)
		return exitUsage
	}
	if err == nil && *sarifPath != "" {
		err = writeSARIF(*sarifPath, res, report.SARIFOptions{Root: gitTopLevel("."), Category: "lambdagate", Version: version})
	}
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate:", err)
		return exitUsage
	}
	if report.Failing(res, threshold) {
		return exitFindings
	}
	return exitOK
}

// parseThreshold reads --fail-on; "never" is the zero severity.
func parseThreshold(s string) (checks.Severity, error) {
	if s == "never" {
		return 0, nil
	}
	sev, err := checks.ParseSeverity(s)
	if err != nil {
		return 0, fmt.Errorf("--fail-on %q: use error, warning, notice or never", s)
	}
	return sev, nil
}
