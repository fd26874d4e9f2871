package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/lambdagate/lambdagate/baseline"
	"github.com/lambdagate/lambdagate/scan"
)

// runBaseline: `lambdagate baseline write FILE [flags] [PATH...]` records
// today's findings.
func runBaseline(args []string, stdout, stderr io.Writer) int {
	if len(args) < 2 || args[0] != "write" {
		fmt.Fprintln(stderr, "usage: lambdagate baseline write FILE [--config FILE] [--exclude GLOB] [PATH...]")
		return exitUsage
	}
	file := args[1]
	fs := flag.NewFlagSet("baseline write", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "configuration file (default: .lambdagate.yml at the repository root, if any)")
	var exclude multiFlag
	fs.Var(&exclude, "exclude", "skip paths matching this glob; repeatable")
	paths, err := parseInterleaved(fs, args[2:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	st, err := loadSettings(overrides{configPath: *configPath, exclude: exclude})
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate:", err)
		return exitUsage
	}
	res, err := scan.Scan(paths, st.opts)
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate:", err)
		return exitUsage
	}
	b := baseline.New(res.Findings)
	if err := b.Write(file); err != nil {
		fmt.Fprintln(stderr, "lambdagate:", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "wrote %d findings to %s\n", len(b.Findings), file)
	return exitOK
}

// applyBaseline marks the findings a baseline holds and records the fixed ones.
func applyBaseline(path string, res *scan.Result) error {
	if path == "" {
		return nil
	}
	b, err := baseline.Read(path)
	if err != nil {
		return err
	}
	for _, e := range b.Apply(path, res.Findings) {
		res.Fixed = append(res.Fixed, scan.Fixed{Rule: e.Rule, File: e.File, Resource: e.Resource, Message: e.Message})
	}
	return nil
}
