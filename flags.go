package main

import (
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/checks"
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
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// outputFlags are the flags of every command that reports findings,
// declared once: --format, --sarif, --fail-on and --config.
type outputFlags struct {
	format, sarif, failOn, config string
	sarifSuppressed, color        string
}

func (o *outputFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&o.format, "format", "text", "output format: "+formatNames()+" (workflow-command annotations, plus the job summary and outputs under the runner)")
	fs.StringVar(&o.sarif, "sarif", "", "also write the findings as SARIF 2.1.0 to this file, for code scanning")
	fs.StringVar(&o.sarifSuppressed, "sarif-suppressed", "exclude", "suppressed and baselined findings in the SARIF file: exclude (code scanning would open alerts for them) or include, with their suppressions")
	fs.StringVar(&o.failOn, "fail-on", "", "exit 1 when a finding reaches this severity: error (default), warning, notice or never")
	fs.StringVar(&o.color, "color", "auto", "colour the text output: auto (on a terminal, unless NO_COLOR is set), always or never")
	configFlag(fs, &o.config)
}

// checkFormat says what is wrong with --format, if anything.
func (o *outputFlags) checkFormat() error {
	if formatOf(o.format) == nil {
		return fmt.Errorf("unknown --format %q; use %s", o.format, formatNames())
	}
	if !slices.Contains([]string{"auto", "always", "never"}, o.color) {
		return fmt.Errorf("--color %q: use auto, always or never", o.color)
	}
	if _, err := parseSARIFSuppressed(o.sarifSuppressed); err != nil {
		return fmt.Errorf("--sarif-suppressed %w", err)
	}
	return nil
}

// parseSARIFSuppressed reads --sarif-suppressed (the Action's
// sarif-suppressed): whether suppressed findings go into the SARIF file.
func parseSARIFSuppressed(s string) (include bool, err error) {
	switch s {
	case "", "exclude":
		return false, nil
	case "include":
		return true, nil
	}
	return false, fmt.Errorf("%q: use exclude or include", s)
}

func configFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "config", "", "configuration file (default: .lambdagate.yml in the current folder, else at the repository root, if any)")
}

func excludeFlag(fs *flag.FlagSet, p *multiFlag) {
	fs.Var(p, "exclude", "skip paths matching this glob (doublestar syntax, e.g. '**/test/**'); repeatable")
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
