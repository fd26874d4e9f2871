package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/lambdagate/lambdagate/baseline"
	"github.com/lambdagate/lambdagate/scan"
)

// runBaseline: `lambdagate baseline write FILE [flags] [PATH...]` records
// today's findings.
func runBaseline(p *process, args []string) int {
	if len(args) < 2 || args[0] != "write" {
		fmt.Fprintln(p.stderr, "usage: lambdagate baseline write FILE [--config FILE] [--exclude GLOB] [PATH...]")
		return exitUsage
	}
	file := args[1]
	fs := flag.NewFlagSet("baseline write", flag.ContinueOnError)
	fs.SetOutput(p.stderr)
	var configPath string
	configFlag(fs, &configPath)
	var exclude multiFlag
	excludeFlag(fs, &exclude)
	paths, err := parseInterleaved(fs, args[2:])
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
	st, err := p.loadSettings(overrides{configPath: configPath, exclude: exclude})
	if err != nil {
		return fail(err)
	}
	st.baseline = "" // today's findings, all of them
	if st.opts.Stage, err = st.stage(); err != nil {
		return fail(err)
	}
	res, err := scan.Scan(paths, st.opts)
	if err != nil {
		return fail(err)
	}
	b := baseline.New(res.Findings)
	if err := b.Write(file); err != nil {
		return fail(err)
	}
	fmt.Fprintf(p.stdout, "wrote %d findings to %s\n", len(b.Findings), file)
	return exitOK
}
