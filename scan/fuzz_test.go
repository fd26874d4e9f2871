package scan

import (
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
func seedFiles(tb testing.TB, sample int) []string {
	tb.Helper()
	collect := func(root string) []string {
		var out []string
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return nil
			}
			// Small files only: the fuzzer mutates and minimises every seed,
			// and a 100 KB one slows it to a crawl.
			if info, err := d.Info(); err == nil && info.Size() <= 16<<10 && slices.Contains(templateExt, strings.ToLower(filepath.Ext(p))) {
				out = append(out, p)
			}
			return nil
		})
		slices.Sort(out)
		return out
	}
	files := collect("../testdata")
	if all := collect(corpusDir); len(all) > 0 {
		step := max(len(all)/sample, 1)
		for i := 0; i < len(all); i += step {
			files = append(files, all[i])
		}
	}
	return files
}

// FuzzScanFile runs the whole scan of one file (parse, functions, checks,
// suppressions) on arbitrary bytes: it must never panic (a panic would come
// back as an internal error) and everything it reports names the file.
func FuzzScanFile(f *testing.F) {
	for _, p := range seedFiles(f, 50) {
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
		res := ScanBytes(name, data, Options{})
		for _, e := range res.Errors {
			if strings.HasPrefix(e.Message, internalError) {
				t.Fatalf("%v", e)
			}
			if e.Pos.File != name {
				t.Fatalf("error %v does not name %s", e, name)
			}
		}
		for _, fd := range res.Findings {
			if fd.Pos.File != name || fd.Pos.Line < 1 {
				t.Fatalf("finding %+v does not point into %s", fd, name)
			}
		}
	})
}
