// Command lambdagate gates AWS Lambda functions declared in CloudFormation and
// SAM templates on four controls: security groups, a least-privilege execution
// role, a KMS key and active X-Ray tracing.
//
//	lambdagate scan [flags] [PATH...]   check templates
//	lambdagate verify [flags]           check deployed functions
//	lambdagate rules [ID]               list the rules, or print one's documentation
//	lambdagate --version
package main

import (
	"fmt"
	"io"
	"os"
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
  lambdagate verify [flags]           check the deployed functions of stacks through the AWS APIs
  lambdagate rules [ID]               list the rules, or print the documentation of one
  lambdagate fix [flags] [PATH...]    fix the mechanical findings in place (--dry-run prints a diff)
  lambdagate baseline write FILE [PATH...]  record today's findings; scan --baseline FILE fails only on new ones
  lambdagate --version

Run 'lambdagate scan -h' for the scan flags.
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 && os.Getenv("GITHUB_ACTIONS") == "true" {
		// The runner starts the container with no arguments: Action mode.
		return runAction(os.Environ(), stdout, stderr)
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "scan":
		return runScan(args[1:], stdout, stderr)
	case "rules":
		return runRules(args[1:], stdout, stderr)
	case "baseline":
		return runBaseline(args[1:], stdout, stderr)
	case "verify":
		return runVerify(args[1:], stdout, stderr)
	case "fix":
		return runFix(args[1:], stdout, stderr)
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
