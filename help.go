package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// examples are each command's examples in its --help, as people run it.
var examples = map[string][]string{
	"scan": {
		"lambdagate scan                                   # every template under the current folder",
		"lambdagate scan infra/ --format json              # the JSON contract on stdout",
		"lambdagate scan --sarif lambdagate.sarif --fail-on warning .",
		"lambdagate scan --baseline .lambdagate-baseline.json   # fail only on findings not recorded",
		"lambdagate scan --exclude 'legacy/**' --verbose",
	},
	"verify": {
		"lambdagate verify --stack orders-prod --region eu-west-1",
		"lambdagate verify --stack orders-prod --template infra/orders.yaml --sarif verify.sarif",
		"lambdagate verify --tag team=orders --tag env=prod --region eu-west-1,us-east-1",
	},
	"fix": {
		"lambdagate fix --dry-run infra/                   # print the patch",
		"lambdagate fix infra/                             # edit the templates in place",
	},
	"baseline": {
		"lambdagate baseline write .lambdagate-baseline.json infra/",
	},
}

// valueNames name the values of the flags in help, as the README writes
// them (--format text|json|github, --sarif FILE).
var valueNames = map[string]string{
	"format": "text|json|github", "sarif": "FILE", "fail-on": "error|warning|notice|never", "config": "FILE",
	"exclude": "GLOB", "baseline": "FILE", "unresolved": "pass|warn|fail", "max-file-size": "BYTES", "shard": "K/N",
	"sarif-suppressed": "exclude|include", "stack": "STACK", "function": "FUNCTION", "template": "PATH",
	"region": "REGION", "tag": "KEY=VALUE", "concurrency": "N", "timeout": "DURATION", "call-timeout": "DURATION", "rule": "ID",
	"log-retention-days": "DAYS", "color": "auto|always|never",
}

// commandOf is the command a flag set belongs to ("baseline write" is
// baseline's).
func commandOf(fs *flag.FlagSet) (command, bool) {
	name, _, _ := strings.Cut(fs.Name(), " ")
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// commandHelp is a command's --help: its usage line, what it does, its
// flags with two dashes as the README writes them, and examples.
func commandHelp(fs *flag.FlagSet) string {
	var b strings.Builder
	c, ok := commandOf(fs)
	if ok {
		fmt.Fprintf(&b, "usage: lambdagate %s %s\n\n%s.\n", c.name, c.args, strings.ToUpper(c.summary[:1])+c.summary[1:])
	} else {
		fmt.Fprintf(&b, "usage: lambdagate %s [flags]\n", fs.Name())
	}
	b.WriteString("\nflags:\n")
	fs.VisitAll(func(f *flag.Flag) {
		value, text := flag.UnquoteUsage(f)
		if v, ok := valueNames[f.Name]; ok {
			value = v
		} else if value != "" {
			value = "VALUE"
		}
		head := "  --" + f.Name
		if value != "" {
			head += " " + value
		}
		if def := f.DefValue; def != "" && def != "false" && def != "0" && def != "[]" {
			text += " (default " + def + ")"
		}
		fmt.Fprintf(&b, "%s\n      %s\n", head, text)
	})
	if ex := examples[c.name]; ok && len(ex) > 0 {
		b.WriteString("\nexamples:\n")
		for _, e := range ex {
			fmt.Fprintf(&b, "  %s\n", e)
		}
	}
	return b.String()
}

// flagError says in a line or two what is wrong with the command line:
// an unknown flag with the closest one, or the flag package's complaint
// with the flag written as the README writes it; then where the flags are
// listed.
func flagError(fs *flag.FlagSet, err error) string {
	name := fs.Name()
	msg := err.Error()
	if bad, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		bad = strings.TrimLeft(bad, "-")
		msg = "unknown flag --" + bad
		if near := closestFlag(fs, bad); near != "" {
			msg += "; did you mean --" + near + "?"
		}
	} else {
		msg = strings.Replace(msg, " -", " --", 1)
	}
	return fmt.Sprintf("lambdagate %s: %s\nRun 'lambdagate %s --help' for the flags.", name, msg, name)
}

// closestFlag is the flag whose name is nearest bad, if one is near enough
// to be a typo of it (or bad is a prefix of it).
func closestFlag(fs *flag.FlagSet, bad string) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	sort.Strings(names)
	best, bestD := "", len(bad)/3+2
	for _, n := range names {
		d := editDistance(bad, n)
		if strings.HasPrefix(n, bad) && len(bad) >= 3 {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and transpositions of neighbours cost one.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// parseFlags parses a command's flags. --help prints the command's help to
// the flag set's output; any other error is a line or two there. The flag
// package's own messages (and its whole usage) are not printed.
func parseFlags(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	defer fs.SetOutput(out)
	err := fs.Parse(args)
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(out, commandHelp(fs))
	default:
		fmt.Fprintln(out, flagError(fs, err))
	}
	return err
}
