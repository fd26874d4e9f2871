package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/sethvargo/go-githubactions"

	"github.com/lambdagate/lambdagate/config"
	"github.com/lambdagate/lambdagate/deployed"
	"github.com/lambdagate/lambdagate/evaluation"
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
	{"sarif-suppressed", "exclude"},
	{"config", ""},
	{"baseline", ""},
	{"working-directory", "."},
	{"mode", "scan"},
	{"stack-name", ""},
	{"tags", ""},
	{"region", ""},
	{"suggestions", "false"}, {"github-token", "${{ github.token }}"}, // action_suggestions.go
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
func runAction(p *process) int {
	env := p.env()
	outputs, err := action(context.Background(), p, env)
	if err != nil {
		// The annotation, the outputs and a line of job summary, as on
		// every exit path; summary: false is honoured even here (an input
		// summary that is not a boolean keeps the default, true: the error
		// says what is wrong with it).
		summarize, serr := env.boolInput("summary")
		githubFailure(p, "lambdagate configuration error", err.Error(), summarize || serr != nil)
		return exitUsage
	}
	if outputs != nil {
		if werr := env.writeOutputs(outputs.list); werr != nil {
			fmt.Fprintln(p.stderr, "lambdagate:", werr)
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

// githubInputs reads the inputs that say what the run writes on GitHub
// besides its outputs: annotations, and the job summary.
func (env actionEnv) githubInputs() (annotate, summarize bool, err error) {
	if annotate, err = env.boolInput("annotations"); err != nil {
		return false, false, err
	}
	summarize, err = env.boolInput("summary")
	return annotate, summarize, err
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

// action does the work. In post-deploy mode it runs the verify command,
// which writes its own outputs.
func action(ctx context.Context, p *process, env actionEnv) (*actionOutputs, error) {
	mode := env.input("mode")
	switch mode {
	case "scan":
	case "post-deploy":
		args, err := verifyArgs(env)
		if err != nil {
			return nil, err
		}
		return &actionOutputs{code: p.run(append([]string{"verify"}, args...))}, nil
	default:
		return nil, fmt.Errorf("input mode: %q; use scan (templates in the repository) or post-deploy (the deployed stack)", mode)
	}
	annotate, summarize, err := env.githubInputs()
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
	ov := overrides{configPath: configPath, failOn: env.input("fail-on"), exclude: env.list("exclude"),
		baseline: inWD(env.input("baseline"))}
	st, err := p.loadSettings(ov)
	if err != nil {
		return nil, err
	}
	paths, err := templatePaths(wd, env.list("templates"), st.opts.Exclude)
	if err != nil {
		return nil, err
	}
	st.eval.Facts = true // the change filter's, taken from the scan's parse
	if st.opts.Stage, err = st.stage(); err != nil {
		return nil, err
	}

	opts := report.GitHubOptions{
		Root:      root,
		Threshold: st.threshold,
		Log:       true,
		Title:     "lambdagate",
		Links:     env.links(),
		DocsURL:   docsURL(toolVersion()),
	}
	if !annotate {
		opts.MaxPerLevel = -1
	}
	var changes *pullrequest.Changes
	var base *baseScan
	if gitErr == nil && (isPR || filter != "nofilter") {
		var d *pullrequest.Diff
		d, filter, opts.Notices = findChanges(ctx, git, env, filter, p.stdout)
		if d != nil {
			changes = d.Changes
		}
		if changes != nil && changes.Lines && filter != "nofilter" {
			if base, err = scanBase(ctx, p, git, root, d, st, configPath, ov); err != nil {
				// Without the base, what the change caused cannot be told
				// from what it inherited: every finding of a touched file
				// counts.
				opts.Notices = append(opts.Notices, fmt.Sprintf("filter-mode %s: the base revision could not be scanned, so findings in the %d files the change touches count (file mode): %v", filter, len(changes.Files), err))
				filter, base = "file", nil
			}
		}
	} else if filter != "nofilter" {
		opts.Notices = append(opts.Notices, fmt.Sprintf("filter-mode %s needs the git history of the change, but %s is not a git work tree (%v); every finding is annotated and counts (nofilter).", filter, wd, gitErr))
		filter = "nofilter"
	}
	opts.Filter = filter
	// The filter reads the facts of the template whose findings it is
	// given: only the unit in hand's are kept.
	cf := &changeFilter{changes: changes, base: base, root: root, mode: filter}
	if changes != nil {
		opts.New, opts.Counts, opts.CountsError = cf.isNew, cf.counts, cf.countsError
		opts.Touched, opts.InChange = changes.Touches, cf.inChange
	}
	var summary bytes.Buffer
	if summarize && env["GITHUB_STEP_SUMMARY"] != "" {
		opts.Summary = &summary
	}
	gh := report.NewGitHubStream(p.stdout, opts)
	var sarif *sarifFile
	sarifOut := ""
	if sf := env.input("sarif-file"); sf != "" {
		path := inWD(sf)
		so := scanRules(st)
		so.Root, so.Category, so.RunID, so.Version = root, env.input("sarif-category"), env["GITHUB_RUN_ID"], toolVersion()
		if so.Suppressed, err = parseSARIFSuppressed(env.input("sarif-suppressed")); err != nil {
			return nil, fmt.Errorf("input sarif-suppressed: %w", err)
		}
		sarif = newSARIFFile(path, so)
		sarifOut = filepath.ToSlash(filepath.Clean(path))
	}
	st.opts.Emit = func(f evaluation.File) {
		cf.unit(f)
		gh.AddRows(f.Rows)
		gh.Add(f)
		if sarif != nil {
			sarif.Add(f)
		}
	}
	res, err := scan.Scan(paths, st.opts)
	if err != nil {
		return nil, err
	}
	if err := gh.Close(res); err != nil {
		return nil, err
	}
	if res.Templates == 0 && len(res.Errors) == 0 {
		githubactions.New(githubactions.WithWriter(p.stdout)).WithFieldsMap(map[string]string{"title": "lambdagate: no template found"}).
			Warningf("%s", noTemplates(scanPaths(wd, env.list("templates")), res, ""))
	}
	if err := suggestFixes(ctx, env, git, root, res.Files, st, changes, p.stdout); err != nil {
		return nil, err
	}
	// The SARIF file before the summary: when it cannot be written, the
	// summary says that (runAction), not that the run passed.
	if sarif != nil {
		if err := sarif.Close(res); err != nil {
			return nil, err
		}
	}
	stats := gh.Stats()
	if err := env.appendSummary(opts.Summary, &summary); err != nil {
		return nil, err
	}
	list := append(stats.Outputs(), report.Output{Name: "sarif-file", Value: sarifOut}, report.Output{Name: "filter-mode", Value: filter})
	code := exitOK
	if stats.Failing {
		code = exitFindings
	}
	fmt.Fprintf(p.stdout, "lambdagate: %d findings (%d errors, %d warnings, %d notices, %d suppressed), %d count under filter-mode %s, %d annotated; result: %s\n",
		stats.Findings, stats.Errors, stats.Warnings, stats.Notices, stats.Suppressed, stats.Counted, filter, stats.Annotated, stats.Result())
	return &actionOutputs{list: list, code: code}, nil
}

// verifyArgs turns the post-deploy inputs into `lambdagate verify` flags.
// Each input is honoured, relative to working-directory as in a scan, or
// rejected when it has no meaning after a deploy: nothing is ignored
// silently.
func verifyArgs(env actionEnv) ([]string, error) {
	stacks, tags := env.list("stack-name"), env.list("tags")
	switch {
	case len(stacks) > 0 && len(tags) > 0:
		return nil, errors.New("inputs stack-name and tags: each selects the functions to verify by itself; give one (a stack's tagged functions: tags: aws:cloudformation:stack-name=NAME, KEY=VALUE)")
	case len(stacks) == 0 && len(tags) == 0:
		return nil, errors.New("input stack-name is required with mode: post-deploy (the CloudFormation stack to verify), or tags (KEY=VALUE: the functions that carry them)")
	}
	if v := env.input("baseline"); v != "" {
		return nil, fmt.Errorf("input baseline: %q: a baseline records a scan's findings; post-deploy verification judges the deployed functions afresh. Remove baseline from the post-deploy step", v)
	}
	if v := env.input("filter-mode"); v != "" && v != "nofilter" {
		return nil, fmt.Errorf("input filter-mode: %q filters the findings of a pull request's change; post-deploy verification has no change and counts every finding. Remove filter-mode from the post-deploy step", v)
	}
	if v, err := env.boolInput("suggestions"); err != nil || v {
		return nil, errors.New("input suggestions: suggested changes are posted on pull requests; post-deploy verification has none. Remove suggestions from the post-deploy step")
	}
	annotate, summarize, err := env.githubInputs()
	if err != nil {
		return nil, err
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
	var args []string
	for _, s := range stacks {
		args = append(args, "--stack", s)
	}
	for _, t := range tags {
		if _, err := deployed.ParseTag(t); err != nil {
			return nil, fmt.Errorf("input tags: %w", err)
		}
		args = append(args, "--tag", t)
	}
	region := env.input("region")
	if region == "" {
		region = env["AWS_REGION"]
	}
	if region != "" {
		args = append(args, "--region", region)
	}
	args = append(args, "--format", "github", "--annotations="+strconv.FormatBool(annotate), "--summary="+strconv.FormatBool(summarize))
	// The input's default is the pull request scan's category; sharing it
	// would make the two runs replace each other's alerts, so post-deploy
	// keeps verify's own (lambdagate-verify) unless another is given. The
	// runner passes the default as if set, so it is recognised by value.
	if v := env.input("sarif-category"); v != "lambdagate" {
		args = append(args, "--sarif-category", v)
	}
	if v := env.input("sarif-suppressed"); v != "" {
		if _, err := parseSARIFSuppressed(v); err != nil {
			return nil, fmt.Errorf("input sarif-suppressed: %w", err)
		}
		args = append(args, "--sarif-suppressed", v)
	}
	if v := env.input("fail-on"); v != "" {
		args = append(args, "--fail-on", v)
	}
	configPath := inWD(env.input("config"))
	if configPath == "" {
		configPath = config.Find(wd)
	}
	if configPath != "" {
		args = append(args, "--config", configPath)
	}
	if v := env.input("sarif-file"); v != "" {
		args = append(args, "--sarif", inWD(v))
	}
	exclude := env.list("exclude")
	for _, e := range exclude {
		args = append(args, "--exclude", e)
	}
	if entries := env.list("templates"); len(entries) > 0 {
		paths, err := templatePaths(wd, entries, exclude)
		if err != nil {
			return nil, err
		}
		for _, p := range paths {
			args = append(args, "--template", p)
		}
	} else {
		args = append(args, "--template-root", wd)
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

// scanPaths names what the templates input asked for, for a message.
func scanPaths(wd string, entries []string) []string {
	if len(entries) == 0 {
		return []string{wd}
	}
	return entries
}

func excluded(p string, globs []string) bool {
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, p); ok {
			return true
		}
	}
	return false
}
