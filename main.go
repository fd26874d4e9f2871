// Command lambdagate gates AWS Lambda functions declared in CloudFormation and
// SAM templates on four controls: security groups, a least-privilege execution
// role, a KMS key and active X-Ray tracing.
//
//	lambdagate scan [flags] [PATH...]   check templates
//	lambdagate verify [flags]           check deployed functions
//	lambdagate rules [ID]               list the rules, or print one's documentation
//	lambdagate --version
//
// The root package only turns flags (or the Action's inputs) into settings,
// picks a source of functions (scan, deployed) and writes the outputs; one
// file per command, each reached through the table below.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lambdagate/lambdagate/deployed"
	"github.com/lambdagate/lambdagate/template"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

// command is one subcommand: `lambdagate NAME ARGS`.
type command struct {
	name, args, summary string
	run                 func(p *process, args []string) int
}

// commands lists the subcommands, in the order usage shows them. A function
// rather than a variable: the Action runs verify through it.
func commands() []command {
	return []command{
		{"scan", "[flags] [PATH...]", "check the templates under PATH (default .)", runScan},
		{"verify", "[flags]", "check the deployed functions of stacks through the AWS APIs", runVerify},
		{"rules", "[ID]", "list the rules, or print the documentation of one", runRules},
		{"baseline", "write FILE [PATH...]", "record today's findings; scan --baseline FILE fails only on new ones", runBaseline},
		{"fix", "[flags] [PATH...]", "fix the mechanical findings in place (--dry-run prints a diff)", runFix},
	}
}

// process is what a command takes from its surroundings, so that tests can
// run any command in-process: the output streams, the environment (read
// once: no os.Getenv below), and the sources' constructors.
type process struct {
	stdout, stderr io.Writer
	environ        []string
	// newClients builds the AWS clients verify reads from; clients are
	// the options it is given (tests point them at a fake AWS).
	newClients func(context.Context, deployed.ClientOptions) (deployed.Clients, error)
	clients    deployed.ClientOptions
	// parse parses a template; nil means template.Parse. Tests count
	// parses with it.
	parse func(path string, data []byte, lim template.Limits) (*template.Template, error)
}

func newProcess(environ []string, stdout, stderr io.Writer) *process {
	return &process{stdout: stdout, stderr: stderr, environ: environ, newClients: deployed.NewClients}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	return newProcess(os.Environ(), stdout, stderr).run(args)
}

func usage() string {
	var b strings.Builder
	b.WriteString("usage:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-34s  %s\n", "lambdagate "+c.name+" "+c.args, c.summary)
	}
	b.WriteString("  lambdagate --version\n\nRun 'lambdagate help COMMAND' (or 'lambdagate COMMAND --help') for a command's flags and examples.\n")
	return b.String()
}

func (p *process) run(args []string) int {
	if len(args) == 0 && p.env()["GITHUB_ACTIONS"] == "true" {
		// The runner starts the container with no arguments: Action mode.
		return runAction(p)
	}
	if len(args) == 0 {
		fmt.Fprint(p.stderr, usage())
		return exitUsage
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(p, args[1:])
		}
	}
	switch args[0] {
	case "--version", "-version", "version":
		fmt.Fprintln(p.stdout, "lambdagate", toolVersion())
		return exitOK
	case "-h", "--help", "help":
		if len(args) > 1 && args[0] == "help" {
			for _, c := range commands() {
				if c.name == args[1] {
					// The command's --help, on stdout.
					q := *p
					q.stderr = p.stdout
					c.run(&q, []string{"--help"})
					return exitOK
				}
			}
			fmt.Fprintf(p.stderr, "lambdagate: no command %q\n%s", args[1], usage())
			return exitUsage
		}
		fmt.Fprint(p.stdout, usage())
		return exitOK
	}
	fmt.Fprintf(p.stderr, "lambdagate: unknown command %q\n%s", args[0], usage())
	return exitUsage
}
