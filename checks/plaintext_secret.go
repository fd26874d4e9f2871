package checks

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/lambdagate/lambdagate/lambda"
)

// PlaintextSecret reports secrets written into environment variables.
var PlaintextSecret = &Check{
	ID:    "plaintext-secret",
	Title: "Environment variables hold no plaintext secrets",
	Doc: `An environment variable is reported when its literal value looks like a secret: an AWS access key id
(` + "`AKIA…`" + `/` + "`ASIA…`" + `), a private key, a token with a known prefix (GitHub, Slack, Stripe…), or a long
high-entropy string; or when its name says it is one (` + "`PASSWORD`" + `, ` + "`SECRET`" + `, ` + "`TOKEN`" + `, ` + "`API_KEY`" + `,
` + "`PRIVATE_KEY`" + `…) and its value is a literal. A ` + "`{{resolve:secretsmanager:…}}`" + ` reference is reported
too: CloudFormation resolves it at deployment into the function's configuration, where the secret is in
plaintext ("the secret value may show up in the service whose resource it's being used in", AWS's
documentation of the reference); after deployment, the resolved value is reported on the template's
line. Values from other intrinsics, and names of secrets (ARNs, paths), are fine. The value is never
printed. Default severity: warning.

**Why.** A template is read by everyone with repository access and stored in CloudFormation; the value
also shows in the Lambda console to anyone with ` + "`lambda:GetFunctionConfiguration`" + `.

**Fails**

` + "```yaml" + `
Environment:
  Variables:
    DB_PASSWORD: hunter2hunter2
` + "```" + `

**Passes**

` + "```yaml" + `
Environment:
  Variables:
    DB_PASSWORD_SECRET_ARN: !Ref DatabaseSecret
` + "```" + `

**Fix.** Keep the secret in Secrets Manager or SSM Parameter Store, pass its ARN or name, and read it
at runtime (the AWS Parameters and Secrets Lambda Extension caches it).`,
	Run: func(p *Pass, fn *lambda.Function) {
		if fn.Around == nil {
			return
		}
		// The template's variables that resolve a secret, where they are
		// written: the deployed value is reported there.
		resolved := map[string]lambda.EnvVar{}
		if t := fn.Template; t != nil && t.Around != nil {
			for _, ev := range t.Around.Environment {
				if ev.Secret {
					resolved[ev.Name] = ev
				}
			}
		}
		for _, ev := range fn.Around.Environment {
			if tv, ok := resolved[ev.Name]; ok && fn.Deployed && ev.Value != "" {
				ev.Secret = true
				if !ev.Pos.Known() {
					ev.Pos = tv.Pos
				}
			}
			if ev.Secret {
				p.Report(Warning, ev.Pos, fmt.Sprintf("environment variable %s is a {{resolve:secretsmanager:...}} reference, which CloudFormation resolves at deployment into the function's configuration: the secret is there in plaintext for anyone who can read the function (lambda:GetFunctionConfiguration) (value not shown); pass the secret's ARN and read it at runtime", ev.Name))
				continue
			}
			if ev.Intrinsic || ev.Value == "" {
				continue
			}
			if why := secretValue(ev.Value); why != "" {
				p.Report(Warning, ev.Pos, fmt.Sprintf("environment variable %s holds %s in plaintext (value not shown); keep it in Secrets Manager and pass its ARN", ev.Name, why))
				continue
			}
			if secretName(ev.Name) && !referenceLike(ev.Value) {
				p.Report(Warning, ev.Pos, fmt.Sprintf("environment variable %s looks like a secret and holds a literal value (not shown); keep it in Secrets Manager, pass its ARN and read it at runtime", ev.Name))
			}
		}
	},
}

// secretPatterns recognise secrets by their shape.
var secretPatterns = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`), "an AWS access key id"},
	{regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`), "a private key"},
	{regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{36,}\b`), "a GitHub token"},
	{regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}`), "a Slack token"},
	{regexp.MustCompile(`\b[sr]k_live_[A-Za-z0-9]{20,}`), "a Stripe key"},
	{regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`), "a Google API key"},
	{regexp.MustCompile(`://[^/\s:@]+:[^/\s@]+@`), "a URL with a password"},
}

var tokenLike = regexp.MustCompile(`^[A-Za-z0-9+/=_.-]{24,}$`)

func secretValue(v string) string {
	if referenceLike(v) {
		return ""
	}
	for _, sp := range secretPatterns {
		if sp.re.MatchString(v) {
			return sp.what
		}
	}
	if tokenLike.MatchString(v) && entropy(v) >= 4.2 && strings.ContainsAny(v, "0123456789") &&
		strings.ToLower(v) != v && strings.ToUpper(v) != v {
		return "a high-entropy string"
	}
	return ""
}

var secretWords = []string{"PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL", "AUTH_KEY"}

// secretName: a name that says it holds a secret, not a pointer to one.
func secretName(name string) bool {
	n := strings.ToUpper(name)
	for _, suffix := range []string{"_ARN", "_NAME", "_ID", "_PATH", "_PARAM", "_PARAMETER", "_URL", "_TABLE", "_BUCKET", "_REGION"} {
		if strings.HasSuffix(n, suffix) {
			return false
		}
	}
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// referenceLike: values that name a secret rather than hold one.
func referenceLike(v string) bool {
	return strings.HasPrefix(v, "{{resolve:") || strings.HasPrefix(v, "arn:") || strings.HasPrefix(v, "/") ||
		strings.HasPrefix(v, "${") || v == "true" || v == "false"
}

// entropy is the Shannon entropy of s in bits per character.
func entropy(s string) float64 {
	counts := map[rune]int{}
	for _, r := range s {
		counts[r]++
	}
	var h float64
	n := float64(len([]rune(s)))
	for _, c := range counts {
		p := float64(c) / n
		h -= p * math.Log2(p)
	}
	return h
}
