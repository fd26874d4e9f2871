// Command docgen writes docs/rules from the documentation kept in each check's
// file, so the two never disagree: `go generate ./checks`.
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"

	"github.com/lambdagate/lambdagate/checks"
)

func main() {
	out := flag.String("out", "docs/rules", "folder to write the rule pages to")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(*out, name), []byte(text), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	for _, c := range checks.All() {
		write(c.ID+".md", checks.Markdown(c))
	}
	write("README.md", checks.Index())
}
