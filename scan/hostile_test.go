package scan

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/lambdagate/lambdagate/template"
)

// function is a small template with one function that fails active-tracing
// on line 8 (PassThrough) when its tracing line is kept.
const function = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      TracingConfig:
        Mode: PassThrough
`

// billionLaughs nests nine lists of nine aliases nine deep: 9^10 values
// once expanded, from a file of a few hundred bytes.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "x%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 9), ", "))
	}
	b.WriteString("Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Tags: *a9\n")
	return b.String()
}

func utf16File(order binary.AppendByteOrder, bom []byte, s string) string {
	out := append([]byte{}, bom...)
	for _, u := range utf16.Encode([]rune(s)) {
		out = order.AppendUint16(out, u)
	}
	return string(out)
}

// blockNesting is a template whose Resources nest maps depth levels deep in
// block style, indented by one more space at each level.
func blockNesting(depth int) string {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n")
	for i := range depth {
		fmt.Fprintf(&b, "%sk%d:\n", strings.Repeat(" ", i+1), i)
	}
	return b.String()
}

// TestHostileInput scans each broken or hostile file next to a good one: each
// gets the exact error a user sees, naming the file, line and column; the
// good template is still scanned; nothing panics.
func TestHostileInput(t *testing.T) {
	cases := []struct {
		name, file, data string
		want             []string // errors, as printed, relative to the folder
		findings         []string // file:line:col rule, when the file is read
		skipped          string   // a prefix of the reason it is skipped
	}{
		{name: "alias bomb (billion laughs)", file: "bomb.yaml", data: billionLaughs(),
			want: []string{"bomb.yaml:1:1: the YAML aliases expand to more than 5000000 values (an alias bomb?); write the values out"}},
		{name: "10,000-deep flow nesting", file: "deep.yaml",
			data: "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  X: " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n",
			want: []string{"deep.yaml:3:517: values are nested more than 512 deep; flatten the template"}},
		{name: "1,000-deep block nesting", file: "deepblock.yaml", data: blockNesting(1000),
			want: []string{"deepblock.yaml:515:514: values are nested more than 512 deep; flatten the template"}},
		{name: "invalid UTF-8", file: "latin1.yaml", data: strings.Replace(function, "index.handler", "index.\xe9handler", 1),
			want: []string{"latin1.yaml:6:22: the file is not valid UTF-8 (byte 0xe9); save it as UTF-8"}},
		{name: "UTF-16 LE with a byte-order mark", file: "utf16le.yaml", data: utf16File(binary.LittleEndian, []byte{0xff, 0xfe}, function),
			findings: []string{"utf16le.yaml:8:15 active-tracing"}},
		{name: "UTF-16 BE with a byte-order mark", file: "utf16be.yaml", data: utf16File(binary.BigEndian, []byte{0xfe, 0xff}, function),
			findings: []string{"utf16be.yaml:8:15 active-tracing"}},
		{name: "UTF-16 JSON with a byte-order mark", file: "utf16.json", data: utf16File(binary.LittleEndian, []byte{0xff, 0xfe},
			"{\"AWSTemplateFormatVersion\": \"2010-09-09\",\r\n \"Resources\": {\"Fn\": {\"Type\": \"AWS::Lambda::Function\",\r\n  \"Properties\": {\"TracingConfig\": {\"Mode\": \"PassThrough\"}}}}}\r\n"),
			findings: []string{"utf16.json:3:44 active-tracing"}},
		{name: "UTF-8 with a byte-order mark", file: "bom.yaml", data: "\ufeff" + function,
			findings: []string{"bom.yaml:8:15 active-tracing"}},
		{name: "tabs in indentation", file: "tabs.yaml", data: strings.Replace(function, "      Handler", "\t\tHandler", 1),
			want: []string{"tabs.yaml:6:1: cannot parse YAML: found a tab that cannot start any token; YAML is indented with spaces, never tabs"}},
		{name: "CRLF line endings", file: "crlf.yaml", data: strings.ReplaceAll(function, "\n", "\r\n"),
			findings: []string{"crlf.yaml:8:15 active-tracing"}},
		{name: "a template that is a YAML list", file: "list.yaml", data: "- AWSTemplateFormatVersion: \"2010-09-09\"\n- Resources: {}\n",
			want: []string{"list.yaml:1:1: a template must be a map (AWSTemplateFormatVersion, Resources...), not a list"}},
		{name: "a template that is a scalar", file: "scalar.yaml", data: "AWSTemplateFormatVersion\n",
			want: []string{"scalar.yaml:1:1: a template must be a map (AWSTemplateFormatVersion, Resources...), not a string"}},
		{name: "Resources is a list", file: "reslist.yaml", data: "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  - Type: AWS::Lambda::Function\n",
			want: []string{"reslist.yaml:3:3: Resources must be a map of logical ids to resources, not a list"}},
		{name: "Properties is a string", file: "propstr.yaml", data: strings.Replace(function, "    Properties:\n", "    Properties: hello\n    Old:\n", 1),
			want:     []string{"propstr.yaml:5:17: Properties of Fn must be a map, not a string"},
			findings: []string{"propstr.yaml:3:3 active-tracing"}}, // still gated, as a function without properties
		{name: "duplicate logical ids", file: "dup.yaml", data: function + "  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      TracingConfig: {Mode: Active}\n",
			want: []string{`dup.yaml:9:3: duplicate key "Fn" (first at line 3); the last one wins, so remove the one you do not mean`}},
		{name: "JSON with a trailing comma", file: "comma.json",
			data: "{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {\n    \"Fn\": {\"Type\": \"AWS::Lambda::Function\"},\n  }\n}\n",
			want: []string{"comma.json:5:3: invalid JSON: invalid character '}' looking for beginning of object key string"}},
		{name: "JSON with a comment", file: "comment.json",
			data: "{\n  // the stack\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {}\n}\n",
			want: []string{"comment.json:2:3: invalid JSON: invalid character '/' looking for beginning of object key string"}},
		{name: "a Helm chart's templated YAML", file: "chart.yaml",
			data:    "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.name }}\n  {{- if .Values.labels }}\n",
			skipped: "not a CloudFormation template: it does not parse (line 4: cannot parse YAML:"},
		{name: "random bytes named .yaml", file: "random.yaml", data: string(slices.Repeat([]byte{0, 1, 2, 0xfe, 0x80, 0x1b}, 100)),
			skipped: "not a CloudFormation template: it does not parse"},
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte(function), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.file)
			if err := os.WriteFile(p, []byte(c.data), 0o644); err != nil {
				t.Fatal(err)
			}
			res, err := Scan([]string{p, good}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got, findings []string
			for _, e := range res.Errors {
				got = append(got, strings.TrimPrefix(e.Error(), dir+string(filepath.Separator)))
			}
			for _, f := range res.Findings {
				if f.Pos.File == p && f.Rule == "active-tracing" {
					findings = append(findings, fmt.Sprintf("%s:%d:%d %s", c.file, f.Pos.Line, f.Pos.Column, f.Rule))
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			if !slices.Equal(findings, c.findings) {
				t.Errorf("findings %q, want %q", findings, c.findings)
			}
			if !slices.Contains(res.Files, good) {
				t.Errorf("the good template next to it was not scanned: %v", res.Files)
			}
			switch {
			case c.skipped != "" && (len(res.Skipped) != 1 || !strings.HasPrefix(res.Skipped[0].Reason, c.skipped)):
				t.Errorf("skipped %v, want %s skipped as %q...", res.Skipped, c.file, c.skipped)
			case c.skipped == "" && len(res.Skipped) > 0:
				t.Errorf("skipped %v", res.Skipped)
			}
		})
	}
}

// TestFileSizeLimit: a file over the limit is an error that says how to
// raise it, and is never read (the 200 MB file is sparse; it takes no disk).
func TestFileSizeLimit(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(200 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	small := filepath.Join(dir, "small.yaml")
	if err := os.WriteFile(small, []byte(function), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Scan([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := big + ": the file is 209715200 bytes, over the 5242880-byte limit; raise --max-file-size or exclude it"
	if len(res.Errors) != 1 || res.Errors[0].Error() != want || res.Templates != 1 {
		t.Errorf("errors %v, %d templates; want %q and small.yaml scanned", res.Errors, res.Templates, want)
	}
	res, err = Scan([]string{small}, Options{MaxFileSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	want = small + fmt.Sprintf(": the file is %d bytes, over the 100-byte limit; raise --max-file-size or exclude it", len(function))
	if len(res.Errors) != 1 || res.Errors[0].Error() != want {
		t.Errorf("with a 100-byte limit: errors %v, want %q", res.Errors, want)
	}
}

// TestParseLimitsAreOptions: the limits on aliases and depth come from the
// options, not from constants.
func TestParseLimitsAreOptions(t *testing.T) {
	data := []byte("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  X: [[[[1]]]]\n")
	res := ScanBytes("t.yaml", data, Options{Limits: template.Limits{MaxDepth: 3, MaxNodes: 100}})
	want := "t.yaml:3:8: values are nested more than 3 deep; flatten the template"
	if len(res.Errors) != 1 || res.Errors[0].Error() != want {
		t.Errorf("errors %v, want %q", res.Errors, want)
	}
}
