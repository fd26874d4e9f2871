package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/deployed"
	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/report"
	"github.com/lambdagate/lambdagate/scan"
	"github.com/lambdagate/lambdagate/suppress"
	"github.com/lambdagate/lambdagate/template"
)

// exitUnverified: something could not be verified (a missing permission, a
// function gone, a timeout) and no finding failed the gate. It shares its
// value with usage errors: in both, lambdagate could not do its job.
const exitUnverified = 2

// verifyEnv is what runVerify takes from its surroundings, so that tests
// can point it at a fake AWS.
type verifyEnv struct {
	clients    deployed.ClientOptions
	newClients func(context.Context, deployed.ClientOptions) (deployed.Clients, error)
	environ    []string
}

func runVerify(args []string, stdout, stderr io.Writer) int {
	return verify(args, stdout, stderr, verifyEnv{newClients: deployed.NewClients, environ: os.Environ()})
}

func verify(args []string, stdout, stderr io.Writer, venv verifyEnv) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var stacks, functions, templates multiFlag
	fs.Var(&stacks, "stack", "a CloudFormation stack name or ARN to verify, with its nested stacks; repeatable")
	fs.Var(&functions, "function", "a function name or ARN to verify; with --stack, only the stack's functions named so (name, ARN or logical id); repeatable")
	fs.Var(&templates, "template", "a template file or folder that defines the stacks' functions, so findings point at its lines and drift is found; repeatable (default: the templates under the current folder that define the stack's logical ids)")
	noTemplates := fs.Bool("no-templates", false, "do not look for templates: findings name the deployed functions only, and drift is not checked")
	region := fs.String("region", "", "the AWS region (default: the SDK's configuration, AWS_REGION or the profile's)")
	concurrency := fs.Int("concurrency", deployed.DefaultConcurrency, "API calls in flight at most")
	timeout := fs.Duration("timeout", 10*time.Minute, "overall deadline of the verification")
	callTimeout := fs.Duration("call-timeout", deployed.DefaultCallTimeout, "deadline of one API call, the SDK's retries included")
	format := fs.String("format", "text", "output format: text, json or github (workflow-command annotations, plus the job summary and outputs under the runner)")
	sarifPath := fs.String("sarif", "", "also write the findings as SARIF 2.1.0 to this file, for code scanning")
	failOn := fs.String("fail-on", "", "exit 1 when a finding reaches this severity: error (default), warning, notice or never")
	configPath := fs.String("config", "", "configuration file (default: .lambdagate.yml at the repository root, if any)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "lambdagate verify: "+format+"\n", a...)
		return exitUsage
	}
	switch {
	case fs.NArg() > 0:
		return usageErr("unexpected argument %q; name stacks with --stack and templates with --template", fs.Arg(0))
	case len(stacks) == 0 && len(functions) == 0:
		return usageErr("name what to verify: --stack NAME (repeatable) or --function NAME-OR-ARN")
	case *format != "text" && *format != "json" && *format != "github":
		return usageErr("unknown --format %q; use text, json or github", *format)
	case *concurrency < 1:
		return usageErr("--concurrency %d: use 1 or more", *concurrency)
	case *timeout <= 0 || *callTimeout <= 0:
		return usageErr("--timeout and --call-timeout must be positive")
	case *noTemplates && len(templates) > 0:
		return usageErr("--no-templates and --template contradict each other")
	}
	st, err := loadSettings(overrides{configPath: *configPath, failOn: *failOn})
	if err != nil {
		return usageErr("%v", err)
	}
	tpls, err := verifyTemplates(templates, *noTemplates, st.opts)
	if err != nil {
		return usageErr("%v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	copts := venv.clients
	if *region != "" {
		copts.Region = *region
	}
	clients, err := venv.newClients(ctx, copts)
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate verify:", err)
		return exitUnverified
	}
	out, err := deployed.Verify(ctx, clients, deployed.Target{Stacks: stacks, Functions: functions},
		deployed.Options{Concurrency: *concurrency, CallTimeout: *callTimeout, Templates: tpls, Parameters: st.opts.Parameters})
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate verify:", err)
		return exitUnverified
	}
	res := verifyResult(out, st.opts)

	env := newActionEnv(venv.environ)
	switch *format {
	case "json":
		err = report.WriteJSON(stdout, res)
	case "github":
		err = verifyGitHub(stdout, res, out, st.threshold, env, *sarifPath)
	default:
		err = report.Text(stdout, res)
	}
	if err == nil && *sarifPath != "" {
		err = writeSARIF(*sarifPath, res, report.SARIFOptions{Root: gitTopLevel("."), Category: "lambdagate-verify", Version: version})
	}
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate verify:", err)
		return exitUsage
	}
	return verifyExit(res, out, st.threshold, stderr)
}

// verifyTemplates reads the templates findings are mapped onto: those
// named, or those found under the current folder. A named template that
// cannot be read is an error; one found in passing is not the subject and
// is passed over.
func verifyTemplates(paths []string, none bool, opts scan.Options) ([]*template.Template, error) {
	if none {
		return nil, nil
	}
	named := len(paths) > 0
	if !named {
		paths = []string{"."}
	}
	found, err := scan.Scan(paths, scan.Options{Exclude: opts.Exclude, MaxFileSize: opts.MaxFileSize, Checks: []*checks.Check{}})
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
	var tpls []*template.Template
	for _, f := range found.Files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		lim := opts.Limits
		if lim == (template.Limits{}) {
			lim = template.DefaultLimits
		}
		t, err := template.Parse(f, data, lim)
		if err != nil {
			continue
		}
		tpls = append(tpls, t)
	}
	return tpls, nil
}

// verifyResult runs the checks on the deployed functions, as scan does on
// a template's: the same rules, the configuration's severities, and the
// suppressions written in the matched templates.
func verifyResult(out *deployed.Result, opts scan.Options) *scan.Result {
	cs := opts.Checks
	if cs == nil {
		cs = checks.All()
	}
	pass := checks.NewPass(opts.CheckOptions)
	pass.Run(cs, out.Functions)
	findings := pass.Findings()
	for i := range findings {
		if sev, ok := opts.Severity[findings[i].Rule]; ok {
			findings[i].Severity = sev
		}
	}
	res := &scan.Result{Templates: len(out.Templates), Functions: len(out.Functions)}
	for _, t := range out.Templates {
		// A template's suppressions cover the findings that land in it only.
		var idx []int
		var mine []checks.Finding
		for i, f := range findings {
			if f.Pos.File == t.File {
				idx, mine = append(idx, i), append(mine, f)
			}
		}
		ix, _ := suppress.Read(t) // errors in it are scan's to report
		ix.Apply(mine)
		for j, i := range idx {
			findings[i] = mine[j]
		}
		res.Files = append(res.Files, t.File)
	}
	res.Findings = scan.SortFindings(findings)
	for _, p := range out.Problems {
		res.Errors = append(res.Errors, scan.FileError{Pos: p.Pos, Message: p.Message})
	}
	return res
}

// verifyExit: 1 when a finding fails the gate (whatever else happened), 2
// when nothing failed but something could not be verified, 0 otherwise.
func verifyExit(res *scan.Result, out *deployed.Result, threshold checks.Severity, stderr io.Writer) int {
	findingsOnly := *res
	findingsOnly.Errors = nil
	failing := report.Failing(&findingsOnly, threshold)
	if len(out.Problems) > 0 {
		fmt.Fprintf(stderr, "lambdagate verify: %d things could not be verified (see above); the verdict is incomplete\n", len(out.Problems))
	}
	switch {
	case failing:
		return exitFindings
	case len(out.Problems) > 0:
		return exitUnverified
	}
	return exitOK
}

// verifyGitHub is --format github: annotations on the templates' lines
// (when matched), the job summary and the step outputs under the runner.
func verifyGitHub(w io.Writer, res *scan.Result, out *deployed.Result, threshold checks.Severity, env actionEnv, sarifPath string) error {
	return writeGitHub(w, res, env, report.GitHubOptions{
		Threshold: threshold,
		Title:     "lambdagate verify",
		Functions: functionRows(out.Functions),
	}, report.Output{Name: "sarif-file", Value: sarifPath})
}

func functionRows(fns []*lambda.Function) []report.FunctionRow {
	rows := make([]report.FunctionRow, 0, len(fns))
	for _, fn := range fns {
		rows = append(rows, report.FunctionRow{File: fn.Pos.File, Line: fn.Pos.Line, Resource: fn.Resource, Name: fn.Name})
	}
	return rows
}
