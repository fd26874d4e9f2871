// Package baseline records today's findings so that only new ones fail the
// gate. A finding is known by a fingerprint of what is wrong and where in the
// model (template path, logical id, rule, message with line numbers taken
// out), not by its line, so edits elsewhere in a file do not re-open it.
// Findings of the baseline that no longer occur are reported as fixed.
package baseline

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/source"
)

// Version of the file format.
const Version = 1

// File is a baseline file.
type File struct {
	Version  int     `json:"version"`
	Findings []Entry `json:"findings"`
}

// Entry is one recorded finding.
type Entry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	File        string `json:"file"`
	Resource    string `json:"resource"`
	Message     string `json:"message"`
}

var lineRef = regexp.MustCompile(`\bline \d+`)

// Fingerprint identifies a finding across edits that move it.
func Fingerprint(f checks.Finding) string {
	h := sha256.New()
	for _, part := range []string{filepath.ToSlash(filepath.Clean(f.Pos.File)), f.Resource, f.Rule, withoutLines(f.Message)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func withoutLines(msg string) string { return lineRef.ReplaceAllString(msg, "line N") }

// compareEntries orders entries by where and what is wrong, never by line,
// so that neither a baseline written again nor the fixed list changes order
// when findings move, nor depends on the order they came in.
func compareEntries(a, b Entry) int {
	return cmp.Or(strings.Compare(a.File, b.File), strings.Compare(a.Resource, b.Resource), strings.Compare(a.Rule, b.Rule),
		strings.Compare(withoutLines(a.Message), withoutLines(b.Message)), strings.Compare(a.Message, b.Message),
		strings.Compare(a.Fingerprint, b.Fingerprint))
}

// New records findings; suppressed ones are left out (they are covered already).
func New(fs []checks.Finding) *File {
	b := &File{Version: Version, Findings: []Entry{}}
	for _, f := range fs {
		if f.Suppression != nil {
			continue
		}
		b.Findings = append(b.Findings, Entry{Fingerprint: Fingerprint(f), Rule: f.Rule,
			File: filepath.ToSlash(f.Pos.File), Resource: f.Resource, Message: f.Message})
	}
	slices.SortFunc(b.Findings, compareEntries)
	return b
}

// Write saves the baseline.
func (b *File) Write(path string) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// Read loads a baseline.
func Read(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the baseline: %w", err)
	}
	var b File
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("%s: not a lambdagate baseline: %v; write one with `lambdagate baseline write %s`", errorPos(path, data, err), err, path)
	}
	switch b.Version {
	case Version:
	case 0:
		return nil, fmt.Errorf("%s: not a lambdagate baseline: it has no \"version\"; write one with `lambdagate baseline write %s`", path, path)
	default:
		return nil, fmt.Errorf("%s: baseline version %d, this lambdagate reads version %d; write it again", path, b.Version, Version)
	}
	for i, e := range b.Findings {
		// Such an entry matches no finding and would be reported as fixed
		// on every run.
		if e.Fingerprint == "" {
			return nil, fmt.Errorf("%s: finding %d of the baseline has no \"fingerprint\"; write the baseline again rather than edit it", entryPos(path, data, i), i+1)
		}
	}
	return &b, nil
}

// errorPos is path:line:col of a JSON error, or path when the error does not
// say where.
func errorPos(path string, data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// The offsets count the bytes read, the offending one included.
		return posAt(path, data, syn.Offset-1)
	case errors.As(err, &typ):
		return posAt(path, data, typ.Offset-1)
	}
	return path
}

// entryPos is path:line:col of the i-th entry of "findings", or path if the
// file cannot be walked to it.
func entryPos(path string, data []byte, i int) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return path
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return path
		}
		var skip json.RawMessage
		if key != "findings" {
			if dec.Decode(&skip) != nil {
				return path
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return path
		}
		for n := 0; dec.More(); n++ {
			// The offset is just past the previous token: skip the comma
			// and the blanks to land on the entry.
			off := dec.InputOffset()
			for off < int64(len(data)) && strings.IndexByte(", \t\r\n", data[off]) >= 0 {
				off++
			}
			if n == i {
				return posAt(path, data, off)
			}
			if dec.Decode(&skip) != nil {
				return path
			}
		}
		return path
	}
	return path
}

// posAt is path:line:col of the byte at offset (clamped to the data).
func posAt(path string, data []byte, offset int64) string {
	offset = max(0, min(offset, int64(len(data))))
	before := data[:offset]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return source.Pos{File: path, Line: line, Column: col}.String()
}

// Apply marks the findings the baseline holds as suppressed (source
// "baseline") and returns the baseline entries no finding matched: fixed.
// A fingerprint recorded n times covers n findings.
func (b *File) Apply(path string, fs []checks.Finding) (fixed []Entry) {
	m := b.Matcher(path)
	m.Mark(fs)
	return m.Fixed()
}

// Matcher applies a baseline to findings that come in parts (a file at a
// time), counting what each fingerprint has left to cover. It is not safe
// for concurrent use.
type Matcher struct {
	b    *File
	path string
	left map[string]int
}

// Matcher starts applying the baseline read from path.
func (b *File) Matcher(path string) *Matcher {
	m := &Matcher{b: b, path: path, left: map[string]int{}}
	for _, e := range b.Findings {
		m.left[e.Fingerprint]++
	}
	return m
}

// Mark marks the findings the baseline still covers as suppressed.
func (m *Matcher) Mark(fs []checks.Finding) {
	for i := range fs {
		f := &fs[i]
		if f.Suppression != nil {
			continue
		}
		fp := Fingerprint(*f)
		if m.left[fp] > 0 {
			m.left[fp]--
			f.Suppression = &checks.Suppression{Source: "baseline", ID: fp,
				Reason: "recorded in the baseline " + m.path, Pos: source.Pos{File: m.path}}
		}
	}
}

// Fixed are the entries no finding marked so far, in a stable order.
func (m *Matcher) Fixed() (fixed []Entry) {
	left := maps.Clone(m.left)
	for _, e := range m.b.Findings {
		if left[e.Fingerprint] > 0 {
			left[e.Fingerprint]--
			fixed = append(fixed, e)
		}
	}
	slices.SortFunc(fixed, compareEntries)
	return fixed
}
