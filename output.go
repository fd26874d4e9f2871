package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/report"
)

// outputFormat is one value of --format: how a result goes to stdout.
type outputFormat struct {
	name  string
	write func(o *output, res *evaluation.Result) error
	// stream, when set, writes the results as they come instead; live says
	// that it writes to stdout before the end (so no progress is shown).
	stream func(o *output) resultStream
	live   bool
}

// resultStream takes a run's results unit by unit, in order, then the
// run's own errors and counts.
type resultStream interface {
	Add(evaluation.File)
	Close(*evaluation.Result) error
}

// outputFormats are the values of --format, for scan and verify alike.
var outputFormats = []outputFormat{
	{name: "text", write: func(o *output, res *evaluation.Result) error {
		return report.TextWith(o.p.stdout, res, o.textOptions())
	},
		stream: func(o *output) resultStream { return report.NewTextStreamWith(o.p.stdout, o.textOptions()) }},
	{name: "json", write: func(o *output, res *evaluation.Result) error { return report.WriteJSON(o.p.stdout, res) },
		stream: func(o *output) resultStream { return report.NewJSONStream(o.p.stdout) }, live: true},
	{name: "github", write: (*output).github, stream: (*output).githubStream},
}

func formatOf(name string) *outputFormat {
	for i := range outputFormats {
		if outputFormats[i].name == name {
			return &outputFormats[i]
		}
	}
	return nil
}

// formatNames: "text, json or github".
func formatNames() string {
	names := make([]string, len(outputFormats))
	for i, f := range outputFormats {
		names[i] = f.name
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// output is where a command's result goes: its --format on stdout, and the
// SARIF file.
type output struct {
	p         *process
	flags     outputFlags
	threshold checks.Severity
	// title names the run in the job summary; category is SARIF's.
	title, category string
	// extra are step outputs beyond the counts (verify: sarif-file).
	extra []report.Output
	// sarif describes the rules of the SARIF file (Rules, Severity); the
	// rest of its options are filled in here.
	sarif report.SARIFOptions
	// sarifFallback is where SARIF places results with no place in the
	// repository (verify: report.SARIFOptions.Fallback).
	sarifFallback string
	// noSummary and noAnnotations turn off the job summary and the
	// annotations of --format github (the Action's summary and annotations
	// inputs).
	noSummary, noAnnotations bool

	streaming   resultStream // when the results are streamed
	sarifStream *sarifFile   // with it, when there is a SARIF file
	verdict     evaluation.Verdict
}

// live reports whether the output is written to stdout as the results come.
func (o *output) live() bool { return o.streaming != nil && formatOf(o.flags.format).live }

// stream starts streaming the results when the format can; it returns where
// the source sends each unit's, or nil: the source then gathers the result
// for finish.
func (o *output) stream() func(evaluation.File) {
	f := formatOf(o.flags.format)
	if f.stream == nil {
		return nil
	}
	o.streaming = f.stream(o)
	if o.flags.sarif != "" {
		o.sarifStream = newSARIFFile(o.flags.sarif, o.sarifOptions())
	}
	return func(u evaluation.File) {
		o.verdict.Add(u)
		o.streaming.Add(u)
		if o.sarifStream != nil {
			o.sarifStream.Add(u)
		}
	}
}

// finish writes what is left of the output and says whether the run fails
// the gate.
func (o *output) finish(res *evaluation.Result) (failing bool, err error) {
	if o.streaming == nil {
		return res.Failing(o.threshold), o.write(res)
	}
	v := o.verdict
	v.Errors += len(res.Errors)
	var serr error
	if o.sarifStream != nil {
		serr = o.sarifStream.Close(res)
	}
	return v.Failing(o.threshold), o.after(serr, func() error { return o.streaming.Close(res) })
}

func (o *output) write(res *evaluation.Result) error {
	var serr error
	if o.flags.sarif != "" {
		serr = writeSARIF(o.flags.sarif, res, o.sarifOptions())
	}
	return o.after(serr, func() error { return formatOf(o.flags.format).write(o, res) })
}

// after writes the format's output once the SARIF file is written (or
// failed to be, serr). The GitHub format's outputs and summary would say
// the run passed, so when the file could not be written they are instead
// the failure's: an error annotation, result error and a summary line.
// Text and JSON are written in full beside the error.
func (o *output) after(serr error, format func() error) error {
	if serr != nil && o.flags.format == "github" {
		githubFailure(o.p, o.title+": the SARIF file was not written", serr.Error(), !o.noSummary)
		return serr
	}
	if err := format(); err != nil {
		return err
	}
	return serr
}

// textOptions: colour with --color always, or on a terminal (auto) unless
// NO_COLOR is set to anything (no-color.org) or TERM is dumb.
func (o *output) textOptions() report.TextOptions {
	env := o.p.env()
	switch o.flags.color {
	case "always":
		return report.TextOptions{Color: true}
	case "never":
		return report.TextOptions{}
	}
	return report.TextOptions{Color: isTerminal(o.p.stdout) && env["NO_COLOR"] == "" && env["TERM"] != "dumb"}
}

func (o *output) sarifOptions() report.SARIFOptions {
	opts := o.sarif
	opts.Root, opts.Category, opts.Version = gitTopLevel("."), o.category, toolVersion()
	opts.Fallback = o.sarifFallback
	opts.Suppressed, _ = parseSARIFSuppressed(o.flags.sarifSuppressed) // checked with the format
	return opts
}

// scanRules are the rules a scan's SARIF lists: those the configuration
// runs, with their configured severities; drift is verify's alone.
func scanRules(st *settings) report.SARIFOptions {
	var rules []*checks.Check
	for _, c := range st.eval.Checks {
		if c != checks.Drift {
			rules = append(rules, c)
		}
	}
	return report.SARIFOptions{Rules: rules, Severity: st.eval.Severity}
}

// github is --format github: the Action's annotations and log listing,
// without a filter, so a plain `run:` step (or a local run) prints what the
// Action prints; under the runner it also writes the job summary and the
// step outputs.
func (o *output) github(res *evaluation.Result) error {
	g := o.githubStream()
	g.Add(evaluation.File{Findings: res.Findings, Rows: res.Rows})
	return g.Close(res)
}

func (o *output) githubStream() resultStream {
	env := o.p.env()
	g := &githubOutput{env: env, extra: o.extra}
	opts := report.GitHubOptions{
		Root:      gitTopLevel("."),
		Threshold: o.threshold,
		Title:     o.title,
		Log:       true,
		Links:     env.links(),
		DocsURL:   docsURL(toolVersion()),
	}
	if env["GITHUB_STEP_SUMMARY"] != "" && !o.noSummary {
		opts.Summary = &g.summary
	}
	if o.noAnnotations {
		opts.MaxPerLevel = -1
	}
	g.noSummary = o.noSummary
	g.s = report.NewGitHubStream(o.p.stdout, opts)
	return g
}

// githubOutput is the GitHub output of scan and verify: the stream, then the
// job summary and the step outputs.
type githubOutput struct {
	s         *report.GitHubStream
	env       actionEnv
	summary   bytes.Buffer
	extra     []report.Output
	noSummary bool
}

func (g *githubOutput) Add(f evaluation.File) {
	g.s.AddRows(f.Rows)
	g.s.Add(f)
}

func (g *githubOutput) Close(res *evaluation.Result) error {
	if err := g.s.Close(res); err != nil {
		return err
	}
	var w io.Writer
	if g.env["GITHUB_STEP_SUMMARY"] != "" && !g.noSummary {
		w = &g.summary
	}
	if err := g.env.appendSummary(w, &g.summary); err != nil {
		return err
	}
	return g.env.writeOutputs(append(g.s.Stats().Outputs(), g.extra...))
}

// sarifFile streams the SARIF log to a file, created (with its folder) when
// the log is written at the end, as writeSARIF does.
type sarifFile struct {
	path string
	f    *os.File
	s    *report.SARIFStream
}

func newSARIFFile(path string, opts report.SARIFOptions) *sarifFile {
	sf := &sarifFile{path: path}
	sf.s = report.NewSARIFStream(sf, opts)
	return sf
}

func (sf *sarifFile) Add(f evaluation.File) { sf.s.Add(f) }

// Write opens the file at the first write: the log is written at the end.
func (sf *sarifFile) Write(p []byte) (int, error) {
	if sf.f == nil {
		if err := os.MkdirAll(filepath.Dir(sf.path), 0o777); err != nil {
			return 0, err
		}
		f, err := os.OpenFile(sf.path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o666)
		if err != nil {
			return 0, err
		}
		sf.f = f
	}
	return sf.f.Write(p)
}

func (sf *sarifFile) Close(res *evaluation.Result) error {
	err := sf.s.Close(res)
	if sf.f != nil {
		if cerr := sf.f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("sarif-file: %w", err)
	}
	return os.Chmod(sf.path, 0o666)
}

// writeSARIF writes the SARIF file, creating its folder. The container runs
// as root: the file is made writable by all so that a self-hosted runner's
// next checkout can clean it.
func writeSARIF(path string, res *evaluation.Result, opts report.SARIFOptions) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return fmt.Errorf("sarif-file: %w", err)
	}
	var buf bytes.Buffer
	if err := report.SARIF(&buf, res, opts); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o666); err != nil {
		return fmt.Errorf("sarif-file: %w", err)
	}
	return os.Chmod(path, 0o666)
}
