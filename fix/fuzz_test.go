package fix

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzFile: whatever the bytes, File returns (a panic would come back as an
// internal error), and what it writes is a template that scans.
func FuzzFile(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil && !strings.HasSuffix(s, ".log") {
			f.Add(filepath.Ext(strings.TrimSuffix(s, ".golden")), data)
		}
	}
	f.Fuzz(func(t *testing.T, ext string, data []byte) {
		if ext != ".json" {
			ext = ".yaml"
		}
		r := File("fuzz"+ext, data, everything)
		for _, e := range r.Errors {
			if strings.Contains(e.Message, "internal error while fixing") {
				t.Fatalf("%s\n%q", e.Message, data)
			}
		}
		if r.Changed() {
			if again := File("fuzz"+ext, r.New, everything); !again.Template {
				t.Fatalf("the fixed file is no longer a template:\n%s", r.New)
			}
		}
	})
}
