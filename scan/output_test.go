package scan_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/report"
	"github.com/lambdagate/lambdagate/scan"
)

// hostile is a template whose logical id and values carry terminal escape
// sequences, a carriage return and newlines that try to forge a line of
// output.
const hostile = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  "Fn\e[2J\e]0;pwned\a\r\nok.yaml:1:1: notice: all clear":
    Type: AWS::Lambda::Function
    Properties:
      TracingConfig:
        Mode: "Active\e[31m\nforged"
`

// TestHostileTextIsEscaped: what a template says reaches the terminal shown,
// not obeyed, and cannot forge a line; the file name too, which a pull
// request chooses as freely.
func TestHostileTextIsEscaped(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "evil\x1b[31m\n.yaml")
	if err := os.WriteFile(p, []byte(hostile), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := scan.Scan([]string{dir}, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) == 0 {
		t.Fatal("no findings on the hostile template")
	}
	var text bytes.Buffer
	if err := report.Text(&text, res); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	if i := strings.IndexFunc(out, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }); i >= 0 {
		t.Errorf("text output carries control character %q at %d:\n%s", out[i], i, out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "ok.yaml") || strings.HasPrefix(line, "forged") || strings.HasPrefix(line, ".yaml") {
			t.Errorf("the template forged an output line %q:\n%s", line, out)
		}
	}

	var js bytes.Buffer
	if err := report.WriteJSON(&js, res); err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(js.Bytes(), "\x1b\r\a") {
		t.Errorf("JSON output carries raw control characters:\n%s", js.String())
	}
	var doc report.JSON
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatalf("JSON output does not parse: %v", err)
	}
	wantID := "Fn\x1b[2J\x1b]0;pwned\a\r\nok.yaml:1:1: notice: all clear"
	for _, f := range doc.Findings {
		if f.Resource != wantID || f.File != p {
			t.Errorf("JSON finding resource %q in %q; want the id %q in %q, intact", f.Resource, f.File, wantID, p)
		}
	}
}
