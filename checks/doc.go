package checks

import (
	"fmt"
	"strings"
)

// DocsURL is where the generated rule documentation lives in the repository.
const DocsURL = "https://github.com/lambdagate/lambdagate/blob/main/docs/rules/"

// Markdown is a rule's documentation page: the same text `lambdagate rules
// ID` prints, docs/rules/ID.md holds, and SARIF rule help carries.
func Markdown(c *Check) string {
	return fmt.Sprintf("# %s: %s\n\n%s\n", c.ID, c.Title, strings.TrimSpace(c.Doc))
}

// Index is the page that lists every rule.
func Index() string {
	var b strings.Builder
	b.WriteString("# lambdagate rules\n\nGenerated from the checks by `go generate ./checks`; do not edit.\n\n| rule | what it requires |\n|---|---|\n")
	for _, c := range All() {
		fmt.Fprintf(&b, "| [`%s`](%s.md) | %s |\n", c.ID, c.ID, c.Title)
	}
	return b.String()
}
