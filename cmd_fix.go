package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/fix"
	"github.com/lambdagate/lambdagate/report"
	"github.com/lambdagate/lambdagate/scan"
)

func runFix(p *process, args []string) int {
	stdout, stderr := p.stdout, p.stderr
	fs := flag.NewFlagSet("fix", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dryRun := fs.Bool("dry-run", false, "print a unified diff of the fixes and change nothing")
	days := fs.Int("log-retention-days", 30, "RetentionInDays of the log groups the log-retention fix adds")
	kms := fs.Bool("kms-key-parameter", false, "add a "+fix.KmsKeyParameter+" parameter and set KmsKeyArn: !Ref "+fix.KmsKeyParameter+" where it is missing")
	sgs := fs.Bool("security-groups-parameter", false, "add "+fix.SecurityGroupsParameter+" and "+fix.SubnetsParameter+" parameters and a VpcConfig using them where it is missing")
	failOn := fs.String("fail-on", "", "exit 1 when a finding left reaches this severity: error (default), warning, notice or never")
	configPath := fs.String("config", "", "configuration file (default: .lambdagate.yml at the repository root, if any)")
	var rules, exclude multiFlag
	fs.Var(&rules, "rule", "fix only this rule ("+strings.Join(fix.Fixable, ", ")+"); repeatable")
	fs.Var(&exclude, "exclude", "skip paths matching this glob (doublestar syntax); repeatable")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	for _, r := range rules {
		switch {
		case !slices.Contains(fix.Fixable, r):
			fmt.Fprintf(stderr, "lambdagate: --rule %q: fix knows %s; the other rules need a person\n", r, strings.Join(fix.Fixable, ", "))
			return exitUsage
		case r == fix.KmsKey && !*kms:
			fmt.Fprintln(stderr, "lambdagate: --rule kms-key needs --kms-key-parameter: the key is given at deploy time")
			return exitUsage
		case r == fix.SecurityGroups && !*sgs:
			fmt.Fprintln(stderr, "lambdagate: --rule security-groups needs --security-groups-parameter: the groups are given at deploy time")
			return exitUsage
		}
	}
	if *days <= 0 {
		fmt.Fprintf(stderr, "lambdagate: --log-retention-days %d: give a number of days, e.g. 30\n", *days)
		return exitUsage
	}
	st, err := p.loadSettings(overrides{configPath: *configPath, failOn: *failOn, exclude: exclude})
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate:", err)
		return exitUsage
	}
	found, err := scan.Scan(paths, st.opts)
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate:", err)
		return exitUsage
	}
	opts := fix.Options{Rules: rules, LogRetentionDays: *days, KmsKeyParameter: *kms, SecurityGroupsParameter: *sgs, Scan: st.opts}
	// What is said about the fixes goes to stderr with --dry-run, so that
	// stdout is a patch.
	log := stdout
	if *dryRun {
		log = stderr
	}
	left := &evaluation.Result{Errors: found.Errors}
	for _, fe := range found.Errors {
		fmt.Fprintf(log, "%s: error: %s\n", report.Sanitize(fe.Pos.String()), report.Sanitize(fe.Message))
	}
	files, changes := 0, 0
	for _, path := range found.Files {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(stderr, "lambdagate: %v\n", err)
			left.Errors = append(left.Errors, evaluation.FileError{Message: err.Error()})
			continue
		}
		r := fix.File(path, data, opts)
		left.Findings = append(left.Findings, r.Remaining...)
		left.Errors = append(left.Errors, r.Errors...)
		for _, c := range r.Changes {
			fmt.Fprintf(log, "%s: fixed %s on %s: %s\n", report.Sanitize(path), c.Rule, strings.Join(c.Resources, ", "), c.Summary)
		}
		for _, nf := range r.NotFixed {
			pos := nf.Finding.Pos // in the file as written now
			if *dryRun {
				pos = nf.Was // the file is left as it was
			}
			fmt.Fprintf(log, "%s: %s: %s: %s (%s)\n", report.Sanitize(pos.String()), nf.Finding.Rule, nf.Finding.Resource, report.Sanitize(nf.Reason), report.Sanitize(nf.Finding.Message))
		}
		if !r.Changed() {
			continue
		}
		files++
		changes += len(r.Changes)
		if *dryRun {
			name := strings.TrimPrefix(filepath.ToSlash(path), "/")
			stdout.Write(diff.Diff("a/"+name, r.Old, "b/"+name, r.New))
			continue
		}
		if err := writeKeepingMode(path, r.New); err != nil {
			fmt.Fprintln(stderr, "lambdagate:", err)
			return exitUsage
		}
	}
	verb := "fixed"
	if *dryRun {
		verb = "would fix"
	}
	fmt.Fprintf(log, "lambdagate: %s %d of %s (%s); %s left\n", verb, files, plural(len(found.Files), "template"), plural(changes, "change"), plural(len(left.Findings), "finding"))
	if left.Failing(st.threshold) {
		return exitFindings
	}
	return exitOK
}

// writeKeepingMode replaces a file's contents, keeping its permissions.
func writeKeepingMode(path string, data []byte) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, st.Mode().Perm())
}
