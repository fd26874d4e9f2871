package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/sethvargo/go-githubactions"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/config"
	"github.com/lambdagate/lambdagate/pullrequest"
	"github.com/lambdagate/lambdagate/report"
	"github.com/lambdagate/lambdagate/scan"
)

// actionInput is one input of action.yml. The runner passes each as
// INPUT_<NAME> with the name upper-cased and its hyphens kept
// (INPUT_FAIL-ON). Defaults are repeated here because `uses: docker://...`
// passes only the inputs a workflow sets; a test checks that this table and
// action.yml agree.
type actionInput struct {
	name, def string
}

var actionInputs = []actionInput{
	{"templates", ""},
	{"exclude", ""},
	{"fail-on", ""},
	{"filter-mode", ""},
	{"annotations", "true"},
	{"summary", "true"},
	{"sarif-file", ""},
	{"sarif-category", "lambdagate"},
	{"config", ""},
	{"baseline", ""},
	{"working-directory", "."},
	{"mode", "scan"},
	{"stack-name", ""},
	{"region", ""},
	{"suggestions", "false"}, {"github-token", "${{ github.token }}"}, // action_suggestions.go
}

// actionEnv is the runner's environment, read once: no os.Getenv below, so
// tests can run the Action in-process with any environment.
type actionEnv map[string]string

func newActionEnv(environ []string) actionEnv {
	env := actionEnv{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env
}

// input reads an input, trimmed, with its default.
func (env actionEnv) input(name string) string {
	i := slices.IndexFunc(actionInputs, func(in actionInput) bool { return in.name == name })
	if i < 0 {
		panic("input " + name + " is not declared in actionInputs")
	}
	if v, ok := env["INPUT_"+strings.ToUpper(strings.ReplaceAll(name, " ", "_"))]; ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return actionInputs[i].def
}

// boolInput follows the toolkit's getBooleanInput: the YAML 1.2 core
// booleans, anything else is an error.
func (env actionEnv) boolInput(name string) (bool, error) {
	switch v := env.input(name); v {
	case "true", "True", "TRUE":
		return true, nil
	case "false", "False", "FALSE":
		return false, nil
	default:
		return false, fmt.Errorf("input %s: %q is not a boolean; use true or false", name, v)
	}
}

// list reads a newline- or comma-separated input.
func (env actionEnv) list(name string) []string {
	var out []string
	for _, line := range strings.Split(env.input(name), "\n") {
		for _, item := range strings.Split(line, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

// filterModes are the values of filter-mode.
var filterModes = []string{"added", "diff-context", "file", "nofilter"}

// diffContext is how near a change a finding must be in diff-context mode,
// as git's default context.
const diffContext = 3

// runAction runs lambdagate as the GitHub Action: it reads the inputs from
// the environment, scans, annotates, writes the job summary, SARIF and the
// outputs, and returns the exit code: 0 pass, 1 findings at or above
// fail-on survive the filter, 2 an input or configuration error.
func runAction(environ []string, stdout, stderr io.Writer) int {
	env := newActionEnv(environ)
	outputs, err := action(context.Background(), env, stdout, stderr)
	if err != nil {
		githubactions.New(githubactions.WithWriter(stdout)).
			WithFieldsMap(map[string]string{"title": "lambdagate configuration error"}).Errorf("%s", err.Error())
		outputs = errorOutputs()
	}
	if outputs != nil {
		if werr := writeOutputs(env, outputs.list); werr != nil {
			fmt.Fprintln(stderr, "lambdagate:", werr)
			return exitUsage
		}
	}
	switch {
	case err != nil:
		return exitUsage
	case outputs == nil:
		return exitOK
	}
	return outputs.code
}

type actionOutputs struct {
	list []report.Output
	code int
}

func errorOutputs() *actionOutputs {
	list := []report.Output{{Name: "result", Value: "error"}}
	for _, name := range []string{"findings", "errors", "warnings", "notices", "suppressed", "new-findings", "annotated", "templates-scanned", "functions-scanned"} {
		list = append(list, report.Output{Name: name, Value: "0"})
	}
	list = append(list, report.Output{Name: "sarif-file", Value: ""})
	return &actionOutputs{list: list, code: exitUsage}
}

// writeOutputs appends to GITHUB_OUTPUT; without it (a local run) there is
// nowhere to write and nothing is lost.
func writeOutputs(env actionEnv, outs []report.Output) error {
	path := env["GITHUB_OUTPUT"]
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o666)
	if err != nil {
		return fmt.Errorf("writing the outputs: %w", err)
	}
	if err := report.WriteOutputs(f, outs); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// action does the work; a nil outputs with a nil error means another
// command (verify) has written its own.
func action(ctx context.Context, env actionEnv, stdout, stderr io.Writer) (*actionOutputs, error) {
	mode := env.input("mode")
	switch mode {
	case "scan":
	case "post-deploy":
		args, err := verifyArgs(env)
		if err != nil {
			return nil, err
		}
		return &actionOutputs{code: runVerify(args, stdout, stderr)}, nil
	default:
		return nil, fmt.Errorf("input mode: %q; use scan (templates in the repository) or post-deploy (the deployed stack)", mode)
	}
	annotate, err := env.boolInput("annotations")
	if err != nil {
		return nil, err
	}
	summarize, err := env.boolInput("summary")
	if err != nil {
		return nil, err
	}
	filter := env.input("filter-mode")
	isPR := strings.HasPrefix(env["GITHUB_EVENT_NAME"], "pull_request")
	if filter == "" {
		filter = "nofilter"
		if isPR {
			filter = "added"
		}
	}
	if !slices.Contains(filterModes, filter) {
		return nil, fmt.Errorf("input filter-mode: %q; use %s", filter, strings.Join(filterModes, ", "))
	}

	wd := env.input("working-directory")
	if st, err := os.Stat(wd); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("input working-directory: %q is not a folder of the workspace", wd)
	}
	inWD := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(wd, p)
	}
	git := pullrequest.Git{Dir: wd}
	root, gitErr := git.TopLevel(ctx)
	if gitErr != nil {
		root = env["GITHUB_WORKSPACE"]
	}

	configPath := inWD(env.input("config"))
	if configPath == "" {
		if configPath = config.Find(wd); configPath == "" && root != "" {
			configPath = config.Find(root)
		}
	}
	st, err := loadSettings(overrides{configPath: configPath, failOn: env.input("fail-on"), exclude: env.list("exclude"),
		baseline: inWD(env.input("baseline"))})
	if err != nil {
		return nil, err
	}
	paths, err := templatePaths(wd, env.list("templates"), st.opts.Exclude)
	if err != nil {
		return nil, err
	}
	res, err := scan.Scan(paths, st.opts)
	if err != nil {
		return nil, err
	}
	if err := applyBaseline(st.baseline, res); err != nil {
		return nil, err
	}

	facts := readTemplateFacts(res.Files, st.opts.Parameters)
	opts := report.GitHubOptions{
		Root:      root,
		Threshold: st.threshold,
		Log:       true,
		Title:     "lambdagate",
		Links:     report.Links{ServerURL: env["GITHUB_SERVER_URL"], Repository: env["GITHUB_REPOSITORY"], SHA: env["GITHUB_SHA"]},
		Functions: facts.rows(),
	}
	if !annotate {
		opts.MaxPerLevel = -1
	}
	var changes *pullrequest.Changes
	if gitErr == nil && (isPR || filter != "nofilter") {
		changes, filter, opts.Notices = findChanges(ctx, git, env, filter)
	} else if filter != "nofilter" {
		opts.Notices = append(opts.Notices, fmt.Sprintf("filter-mode %s needs the git history of the change, but %s is not a git work tree (%v); every finding is annotated and counts (nofilter).", filter, wd, gitErr))
		filter = "nofilter"
	}
	opts.Filter = filter
	if changes != nil {
		f := changeFilter{changes: changes, root: root, facts: facts, mode: filter}
		opts.New, opts.Counts, opts.CountsError = f.isNew, f.counts, f.countsError
	}
	var summary bytes.Buffer
	if summarize && env["GITHUB_STEP_SUMMARY"] != "" {
		opts.Summary = &summary
	}
	stats, err := report.GitHub(stdout, res, opts)
	if err != nil {
		return nil, err
	}
	if err := suggestFixes(ctx, env, git, root, res.Files, st, changes, stdout); err != nil {
		return nil, err
	}
	if opts.Summary != nil {
		if err := appendFile(env["GITHUB_STEP_SUMMARY"], summary.Bytes()); err != nil {
			return nil, fmt.Errorf("writing the job summary: %w", err)
		}
	}
	sarifOut := ""
	if p := env.input("sarif-file"); p != "" {
		path := inWD(p)
		if err := writeSARIF(path, res, report.SARIFOptions{Root: root, Category: env.input("sarif-category"), RunID: env["GITHUB_RUN_ID"], Version: version}); err != nil {
			return nil, err
		}
		sarifOut = filepath.ToSlash(filepath.Clean(path))
	}
	list := append(stats.Outputs(), report.Output{Name: "sarif-file", Value: sarifOut}, report.Output{Name: "filter-mode", Value: filter})
	code := exitOK
	if stats.Failing {
		code = exitFindings
	}
	fmt.Fprintf(stdout, "lambdagate: %d findings (%d errors, %d warnings, %d notices, %d suppressed), %d count under filter-mode %s, %d annotated; result: %s\n",
		stats.Findings, stats.Errors, stats.Warnings, stats.Notices, stats.Suppressed, stats.Counted, filter, stats.Annotated, stats.Result())
	return &actionOutputs{list: list, code: code}, nil
}

// verifyArgs turns the post-deploy inputs into `lambdagate verify` flags.
func verifyArgs(env actionEnv) ([]string, error) {
	stacks := env.list("stack-name")
	if len(stacks) == 0 {
		return nil, errors.New("input stack-name is required with mode: post-deploy (the CloudFormation stack to verify)")
	}
	var args []string
	for _, s := range stacks {
		args = append(args, "--stack", s)
	}
	region := env.input("region")
	if region == "" {
		region = env["AWS_REGION"]
	}
	if region != "" {
		args = append(args, "--region", region)
	}
	args = append(args, "--format", "github")
	if v := env.input("fail-on"); v != "" {
		args = append(args, "--fail-on", v)
	}
	if v := env.input("config"); v != "" {
		args = append(args, "--config", v)
	}
	if v := env.input("sarif-file"); v != "" {
		args = append(args, "--sarif", v)
	}
	return args, nil
}

// templatePaths reads the templates input: paths and doublestar globs,
// relative to the working directory. A glob that matches nothing is an
// error: a typo would otherwise make the gate check nothing and pass.
func templatePaths(wd string, entries, exclude []string) ([]string, error) {
	if len(entries) == 0 {
		return []string{wd}, nil
	}
	var paths []string
	for _, e := range entries {
		if !strings.ContainsAny(e, "*?[{") {
			paths = append(paths, filepath.Join(wd, e))
			continue
		}
		if !doublestar.ValidatePattern(e) {
			return nil, fmt.Errorf("input templates: %q is not a valid glob pattern", e)
		}
		matches, err := doublestar.Glob(os.DirFS(wd), strings.TrimPrefix(e, "./"), doublestar.WithFilesOnly())
		if err != nil {
			return nil, fmt.Errorf("input templates: %q: %w", e, err)
		}
		n := 0
		for _, m := range matches {
			if excluded(m, exclude) {
				continue
			}
			paths = append(paths, filepath.Join(wd, m))
			n++
		}
		if n == 0 {
			return nil, fmt.Errorf("input templates: %q matches no file under %s; fix the pattern (doublestar syntax: infra/**/*.yaml)", e, wd)
		}
	}
	return paths, nil
}

func excluded(p string, globs []string) bool {
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, p); ok {
			return true
		}
	}
	return false
}

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
	facts   templateFacts
	mode    string
}

func (c changeFilter) path(file string) string { return report.RepoPath(c.root, file) }

// touched reports whether the change edits the function's resource, or the
// SAM Globals it inherits: a removed KmsKeyArn or a swapped Role leaves a
// finding on a line the change did not touch, and must still count.
func (c changeFilter) touched(f checks.Finding) bool {
	if !c.changes.Lines {
		return false
	}
	t := c.facts[f.Pos.File]
	if t == nil {
		return false
	}
	p := c.path(f.Pos.File)
	if s, ok := t.spans[f.Resource]; ok && c.changes.Near(p, s.from, s.to, 0) {
		return true
	}
	return t.globals.from > 0 && t.sam[f.Resource] && c.changes.Near(p, t.globals.from, t.globals.to, 0)
}

func (c changeFilter) isNew(f checks.Finding) bool {
	if !c.changes.Lines {
		return false
	}
	return c.changes.Added(c.path(f.Pos.File), f.Pos.Line) || c.touched(f)
}

func (c changeFilter) counts(f checks.Finding) bool {
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
func (c changeFilter) countsError(e scan.FileError) bool {
	return c.mode == "nofilter" || c.changes.Touches(c.path(e.Pos.File))
}

func appendFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o666)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeSARIF writes the SARIF file, creating its folder. The container runs
// as root: the file is made writable by all so that a self-hosted runner's
// next checkout can clean it.
func writeSARIF(path string, res *scan.Result, opts report.SARIFOptions) error {
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

// scanGitHub is `lambdagate scan --format github`: the Action's annotations
// and log listing, without a filter, so a plain `run:` step (or a local run)
// prints what the Action prints; under the runner it also writes the job
// summary and the step outputs.
func scanGitHub(w io.Writer, res *scan.Result, threshold checks.Severity, env actionEnv) error {
	return writeGitHub(w, res, env, report.GitHubOptions{
		Threshold: threshold,
		Title:     "lambdagate",
		Functions: readTemplateFacts(res.Files, nil).rows(),
	})
}

// writeGitHub prints the annotations and writes the job summary and the
// outputs, for scan and verify alike; opts brings what differs between them.
func writeGitHub(w io.Writer, res *scan.Result, env actionEnv, opts report.GitHubOptions, extra ...report.Output) error {
	opts.Root = gitTopLevel(".")
	opts.Log = true
	opts.Links = report.Links{ServerURL: env["GITHUB_SERVER_URL"], Repository: env["GITHUB_REPOSITORY"], SHA: env["GITHUB_SHA"]}
	var summary bytes.Buffer
	if env["GITHUB_STEP_SUMMARY"] != "" {
		opts.Summary = &summary
	}
	stats, err := report.GitHub(w, res, opts)
	if err != nil {
		return err
	}
	if opts.Summary != nil {
		if err := appendFile(env["GITHUB_STEP_SUMMARY"], summary.Bytes()); err != nil {
			return fmt.Errorf("writing the job summary: %w", err)
		}
	}
	return writeOutputs(env, append(stats.Outputs(), extra...))
}
