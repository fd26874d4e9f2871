// Command lambdagate gates AWS Lambda functions declared in CloudFormation and
// SAM templates on four controls: security groups, a least-privilege execution
// role, a KMS key and active X-Ray tracing.
//
//	lambdagate scan [flags] [PATH...]   check templates
//	lambdagate rules [ID]               list the rules, or print one's documentation
//	lambdagate --version
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/report"
	"github.com/lambdagate/lambdagate/scan"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage:
  lambdagate scan [flags] [PATH...]   check the templates under PATH (default .)
  lambdagate rules [ID]               list the rules, or print the documentation of one
  lambdagate --version

Run 'lambdagate scan -h' for the scan flags.
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "scan":
		return runScan(args[1:], stdout, stderr)
	case "rules":
		return runRules(args[1:], stdout, stderr)
	case "--version", "-version", "version":
		fmt.Fprintln(stdout, "lambdagate", version)
		return exitOK
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "lambdagate: unknown command %q\n%s", args[0], usage)
	return exitUsage
}

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
	format := fs.String("format", "text", "output format: text or json")
	failOn := fs.String("fail-on", "error", "exit 1 when a finding reaches this severity: error, warning, notice or never")
	maxSize := fs.Int64("max-file-size", scan.DefaultMaxFileSize, "skip files larger than this many bytes, with an error")
	var exclude multiFlag
	fs.Var(&exclude, "exclude", "skip paths matching this glob (doublestar syntax, e.g. '**/test/**'); repeatable")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	threshold, err := parseThreshold(*failOn)
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate:", err)
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "lambdagate: unknown --format %q; use text or json\n", *format)
		return exitUsage
	}
	res, err := scan.Scan(paths, scan.Options{Exclude: exclude, MaxFileSize: *maxSize})
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate:", err)
		return exitUsage
	}
	switch *format {
	case "json":
		err = report.WriteJSON(stdout, res)
	default:
		err = report.Text(stdout, res)
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

func runRules(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		for _, c := range checks.All() {
			fmt.Fprintf(stdout, "%-22s %s\n", c.ID, c.Title)
		}
		return exitOK
	}
	c := checks.ByID(args[0])
	if c == nil {
		fmt.Fprintf(stderr, "lambdagate: no rule %q; 'lambdagate rules' lists them\n", args[0])
		return exitUsage
	}
	fmt.Fprintf(stdout, "# %s: %s\n\n%s\n", c.ID, c.Title, c.Doc)
	return exitOK
}
