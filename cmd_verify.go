package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sethvargo/go-githubactions"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/deployed"
	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/report"
	"github.com/lambdagate/lambdagate/scan"
	"github.com/lambdagate/lambdagate/source"
)

// exitUnverified: something could not be verified (a missing permission, a
// function gone, a timeout) and no finding failed the gate. It shares its
// value with usage errors: in both, lambdagate could not do its job.
const exitUnverified = 2

// runVerify is `lambdagate verify [flags]`: the deployed functions are the
// source, mapped onto the templates that define them.
func runVerify(p *process, args []string) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(p.stderr)
	var stacks, functions, templates multiFlag
	fs.Var(&stacks, "stack", "a CloudFormation stack name or ARN to verify, with its nested stacks; repeatable")
	fs.Var(&functions, "function", "a function name or ARN to verify, NAME:ALIAS for one alias (NAME:VERSION for one version); with --stack, only the stack's functions named so (name, ARN or logical id, each with :ALIAS or :VERSION for that one only); repeatable")
	fs.Var(&templates, "template", "a template file or folder that defines the stacks' functions, so findings point at its lines and drift is found; repeatable (default: the templates under the current folder that define the stack's logical ids)")
	templateRoot := fs.String("template-root", ".", "the folder searched for templates when none is named with --template")
	var exclude multiFlag
	excludeFlag(fs, &exclude)
	summary := fs.Bool("summary", true, "with --format github under the runner: write the job summary")
	annotations := fs.Bool("annotations", true, "with --format github: write annotations")
	var tagArgs multiFlag
	fs.Var(&tagArgs, "tag", "verify the functions of the region tagged KEY=VALUE (the Resource Groups Tagging API), instead of --stack or --function; repeatable: a function must carry every tag")
	all := fs.Bool("all", false, "verify every function of the region (lambda:ListFunctions), instead of --stack or --function")
	noTemplates := fs.Bool("no-templates", false, "do not look for templates: findings name the deployed functions only, and drift is not checked")
	region := fs.String("region", "", "the AWS region, or several comma-separated (eu-west-1,us-east-1), each verified and named in the findings (default: the SDK's configuration, AWS_REGION or the profile's)")
	concurrency := fs.Int("concurrency", deployed.DefaultConcurrency, "API calls in flight at most")
	timeout := fs.Duration("timeout", 10*time.Minute, "overall deadline of the verification")
	callTimeout := fs.Duration("call-timeout", deployed.DefaultCallTimeout, "deadline of one API call, the SDK's retries included")
	sarifLocation := fs.String("sarif-location", "", "with --sarif: the repository file (line 1) that findings with no template line are placed at, as code scanning requires a location for every result (default: the running workflow's file under GitHub Actions; else they are SARIF notifications)")
	sarifCategory := fs.String("sarif-category", "lambdagate-verify", "with --sarif: the code scanning category (runAutomationDetails.id)")
	var out outputFlags
	out.register(fs)
	if err := parseFlags(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		if github, summary := githubAsked(args); github {
			// The flag package has said what is wrong on stderr.
			githubFailure(p, "lambdagate verify: not verified", "lambdagate verify: "+err.Error(), summary)
		}
		return exitUsage
	}
	usageErr := func(format string, a ...any) int {
		msg := fmt.Sprintf(format, a...)
		fmt.Fprintln(p.stderr, "lambdagate verify: "+msg)
		if out.format == "github" {
			githubFailure(p, "lambdagate verify: not verified", msg, *summary)
		}
		return exitUsage
	}
	switch {
	case fs.NArg() > 0:
		return usageErr("unexpected argument %q; name stacks with --stack and templates with --template", fs.Arg(0))
	case *all && (len(stacks) > 0 || len(functions) > 0):
		return usageErr("--all verifies every function of the region; it takes no --stack or --function")
	case len(tagArgs) > 0 && (*all || len(stacks) > 0 || len(functions) > 0):
		return usageErr("--tag selects the functions of the region by itself; it takes no --stack, --function or --all (a stack's functions: --stack; its tagged ones: --tag aws:cloudformation:stack-name=NAME --tag KEY=VALUE)")
	case len(stacks) == 0 && len(functions) == 0 && !*all && len(tagArgs) == 0:
		return usageErr("name what to verify: --stack NAME (repeatable), --function NAME-OR-ARN, --tag KEY=VALUE, or --all")
	case out.checkFormat() != nil:
		return usageErr("%v", out.checkFormat())
	case *concurrency < 1:
		return usageErr("--concurrency %d: use 1 or more", *concurrency)
	case *timeout <= 0 || *callTimeout <= 0:
		return usageErr("--timeout and --call-timeout must be positive")
	case *noTemplates && len(templates) > 0:
		return usageErr("--no-templates and --template contradict each other")
	case *region != "" && badRegion(*region) != "":
		return usageErr("--region %q is not an AWS region (like eu-west-1, or eu-west-1,us-east-1 for several)", badRegion(*region))
	case *sarifLocation != "" && outsideRepository(*sarifLocation) != "":
		return usageErr("--sarif-location %s is outside the repository (%s): code scanning places results on the repository's files only; name one, such as the deploy workflow", *sarifLocation, outsideRepository(*sarifLocation))
	}
	var tags []deployed.Tag
	for _, a := range tagArgs {
		tag, err := deployed.ParseTag(a)
		if err != nil {
			return usageErr("%v", err)
		}
		tags = append(tags, tag)
	}
	st, err := p.loadSettings(overrides{configPath: out.config, failOn: out.failOn, exclude: exclude})
	if err != nil {
		return usageErr("%v", err)
	}
	var tpls []evaluation.Unit
	if !*noTemplates {
		if tpls, err = verifyTemplates(p, templates, *templateRoot, st.opts); err != nil {
			return usageErr("%v", err)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	// One verification per region (--region a,b), merged.
	regions := []string{""}
	if *region != "" {
		regions = strings.Split(*region, ",")
	}
	var results []*deployed.Result
	for _, rg := range regions {
		copts := p.clients
		copts.Region = strings.TrimSpace(rg)
		clients, err := p.newClients(ctx, copts)
		if err != nil {
			return usageErr("%v", err)
		}
		found, err := deployed.Verify(ctx, clients, deployed.Target{Stacks: stacks, Functions: functions, All: *all, Tags: tags},
			deployed.Options{Concurrency: *concurrency, CallTimeout: *callTimeout, Templates: tpls})
		if err != nil {
			return usageErr("%v", err)
		}
		results = append(results, found)
	}
	found := deployed.Merge(results)
	found.Problems = append(found.Problems, unusedTemplates(templates, found, stacks)...)
	// The baseline records a scan's findings; the deployed ones are judged
	// afresh.
	res := evaluation.New(st.eval).EvaluateAll(found.Units())
	res.Deployed = &found.Deployed

	o := output{p: p, flags: out, threshold: st.threshold, title: "lambdagate verify", category: *sarifCategory,
		extra:         []report.Output{{Name: "sarif-file", Value: out.sarif}},
		sarifFallback: sarifFallback(*sarifLocation, p.env()), noSummary: !*summary, noAnnotations: !*annotations}
	if err := o.write(res); err != nil {
		fmt.Fprintln(p.stderr, "lambdagate verify:", err)
		return exitUsage
	}
	if len(found.Problems) > 0 {
		fmt.Fprintf(p.stderr, "lambdagate verify: %s not verified (see above); the verdict is incomplete\n", plural(len(found.Problems), "thing"))
	}
	// 1 when a finding fails the gate (whatever else happened), 2 when
	// nothing failed but something could not be verified.
	switch {
	case res.FindingsFail(st.threshold):
		return exitFindings
	case len(res.Errors) > 0:
		return exitUnverified
	}
	return exitOK
}

// regionPattern is the shape of an AWS region name: each partition's
// regionRegex in the SDK's partitions.json allows it (eu-west-1,
// us-gov-east-1, cn-north-1, us-isob-east-1, eusc-de-east-1).
var regionPattern = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]+$`)

// badRegion is the first of a comma-separated list of regions that is not
// one, or "".
func badRegion(list string) string {
	for _, r := range strings.Split(list, ",") {
		if r = strings.TrimSpace(r); !regionPattern.MatchString(r) {
			return r
		}
	}
	return ""
}

// githubAsked reads, from arguments that did not parse, whether they ask
// for --format github and (--summary=false) no job summary, so that a bad
// flag still leaves its trace on GitHub.
func githubAsked(args []string) (github, summary bool) {
	summary = true
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") {
			continue
		}
		switch name {
		case "format":
			if !hasValue && i+1 < len(args) {
				i++
				value = args[i]
			}
			github = value == "github"
		case "summary":
			if b, err := strconv.ParseBool(value); hasValue && err == nil {
				summary = b
			}
		}
	}
	return github, summary
}

// githubFailure is what a run that could not do its job leaves on GitHub, as
// every exit path must: an error annotation, the outputs (result error) and,
// unless summary is off (summary: false, --summary=false), a line of job
// summary. Without the runner's files, only the annotation.
func githubFailure(p *process, title, msg string, summary bool) {
	githubactions.New(githubactions.WithWriter(p.stdout)).
		WithFieldsMap(map[string]string{"title": title}).Errorf("%s", msg)
	env := p.env()
	if err := env.writeOutputs(errorOutputs().list); err != nil {
		fmt.Fprintln(p.stderr, "lambdagate:", err)
	}
	if summary && env["GITHUB_STEP_SUMMARY"] != "" {
		line := fmt.Sprintf("## ⚠️ %s\n\n%s\n\n", title, report.Markdown(msg))
		if err := appendFile(env["GITHUB_STEP_SUMMARY"], []byte(line)); err != nil {
			fmt.Fprintln(p.stderr, "lambdagate: writing the job summary:", err)
		}
	}
}

// outsideRepository is the repository's top level (or, outside a work
// tree, the current folder) when path is not under it, else "".
func outsideRepository(path string) string {
	root := gitTopLevel(".")
	if root == "" {
		root = "."
	}
	absRoot, err1 := filepath.Abs(root)
	abs, err2 := filepath.Abs(path)
	if err1 != nil || err2 != nil {
		return ""
	}
	if rel, err := filepath.Rel(absRoot, abs); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return absRoot
	}
	return ""
}

// sarifFallback is the file SARIF places findings without a template line
// at: the one named, else under GitHub Actions the running workflow's file
// (GITHUB_WORKFLOW_REF is owner/repo/.github/workflows/x.yml@ref), which is
// in every repository that runs the check.
func sarifFallback(named string, env actionEnv) string {
	if named != "" {
		return named
	}
	ref, repo := env["GITHUB_WORKFLOW_REF"], env["GITHUB_REPOSITORY"]
	if ref == "" || repo == "" || !strings.HasPrefix(ref, repo+"/") {
		return ""
	}
	ref = strings.TrimPrefix(ref, repo+"/")
	if i := strings.LastIndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	// Relative to the repository's top level (outside a work tree, to the
	// current folder: the workspace, under the runner).
	return filepath.Join(gitTopLevel("."), filepath.FromSlash(ref))
}

// unusedTemplates are the --template arguments none of whose templates a
// stack was matched to: said, not dropped (the findings then name the
// deployed functions only, and drift is not checked against them).
func unusedTemplates(named []string, found *deployed.Result, stacks []string) []deployed.Problem {
	if len(stacks) == 0 {
		return nil // functions named directly are not matched to templates
	}
	for _, p := range found.Problems {
		if p.Stack != "" && p.Resource == "" {
			// A stack not listed (denied, gone, deleted), or matched to no
			// template for a tie, is said already; that the template
			// defines none of its functions would be a guess.
			return nil
		}
	}
	var out []deployed.Problem
	for _, arg := range named {
		used := false
		for _, u := range found.Templates {
			if rel, err := filepath.Rel(arg, u.Template.File); err == nil && (rel == "." || !strings.HasPrefix(rel, "..")) {
				used = true
				break
			}
		}
		if !used {
			out = append(out, deployed.Problem{Pos: source.Pos{File: arg}, Rule: "drift",
				Message: fmt.Sprintf("cannot verify drift against --template %s: it defines none of the functions of stack %s by logical id, so it is not used; name the template the stack was deployed from", arg, strings.Join(stacks, ", "))})
		}
	}
	return out
}

// verifyTemplates reads the templates findings are mapped onto: those
// named, or those found under the current folder, parsed once by a scan that
// runs no checks. A named template that cannot be read is an error; one found
// in passing is not the subject, and is passed over with a warning.
func verifyTemplates(p *process, paths []string, root string, opts scan.Options) ([]evaluation.Unit, error) {
	named := len(paths) > 0
	if !named {
		paths = []string{root}
	}
	var units []evaluation.Unit
	opts.Stage = evaluation.New(evaluation.Config{Checks: []*checks.Check{}})
	opts.Parsed = func(u evaluation.Unit) { units = append(units, u) }
	found, err := scan.Scan(paths, opts)
	if err != nil {
		if named {
			return nil, fmt.Errorf("--template: %w", err)
		}
		return nil, nil
	}
	if named && len(found.Errors) > 0 {
		return nil, fmt.Errorf("--template: %s", found.Errors[0].Error())
	}
	if named && len(found.Files) == 0 {
		return nil, fmt.Errorf("--template %v: no CloudFormation or SAM template there", paths)
	}
	for _, e := range found.Errors {
		fmt.Fprintf(p.stderr, "lambdagate verify: warning: %s (not used to place findings; name the templates with --template)\n", report.Sanitize(e.Error()))
	}
	return units, nil
}

// plural is "1 thing", "2 things".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
