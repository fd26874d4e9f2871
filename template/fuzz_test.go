package template

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// seedFiles lists the templates the fuzz targets start from: every template
// of at most 16 KB under the repository's testdata and a deterministic sample
// of about fifty such files of the shared corpus (every n-th in path order),
// read at run time so that nothing of the corpus is copied into the
// repository.
func seedFiles(tb testing.TB, repoTestdata, corpus string, sample int) []string {
	tb.Helper()
	var files []string
	collect := func(root string) []string {
		var out []string
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return nil
			}
			// Small files only: the fuzzer mutates and minimises every seed,
			// and a 100 KB one slows it to a crawl.
			if info, err := d.Info(); err == nil && info.Size() <= 16<<10 && slices.Contains([]string{".yaml", ".yml", ".json", ".template"}, strings.ToLower(filepath.Ext(p))) {
				out = append(out, p)
			}
			return nil
		})
		slices.Sort(out)
		return out
	}
	files = append(files, collect(repoTestdata)...)
	if all := collect(corpus); len(all) > 0 {
		step := max(len(all)/sample, 1)
		for i := 0; i < len(all); i += step {
			files = append(files, all[i])
		}
	}
	return files
}

// FuzzParse feeds the parser arbitrary bytes under a YAML and a JSON name: it
// must return a template, ErrNotTemplate or an *Error naming the file, and
// never panic or hang.
func FuzzParse(f *testing.F) {
	for _, p := range seedFiles(f, "../testdata", corpusDir, 50) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, strings.HasSuffix(p, ".json"))
	}
	f.Fuzz(func(t *testing.T, data []byte, asJSON bool) {
		name := "fuzz.yaml"
		if asJSON {
			name = "fuzz.json"
		}
		tpl, err := Parse(name, data, Limits{MaxDepth: 64, MaxNodes: 100_000})
		if err != nil {
			if errors.Is(err, ErrNotTemplate) {
				return
			}
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("Parse returned %T %v; want *Error or ErrNotTemplate", err, err)
			}
			if te.Pos.File != name || te.Pos.Line < 0 || te.Pos.Column < 0 {
				t.Fatalf("error at %+v does not name %s with a position", te.Pos, name)
			}
			return
		}
		for _, p := range tpl.Problems {
			if p.Pos.File != name {
				t.Fatalf("problem %v does not name %s", p, name)
			}
		}
		for _, r := range tpl.Resources {
			if tpl.Resource(r.ID) != r {
				t.Fatalf("resource %q is not found by its id", r.ID)
			}
		}
	})
}
