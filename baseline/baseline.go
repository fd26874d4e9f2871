// Package baseline records today's findings so that only new ones fail the
// gate. A finding is known by a fingerprint of what is wrong and where in the
// model (template path, logical id, rule, message with line numbers taken
// out), not by its line, so edits elsewhere in a file do not re-open it.
// Findings of the baseline that no longer occur are reported as fixed.
package baseline

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
	for _, part := range []string{filepath.ToSlash(filepath.Clean(f.Pos.File)), f.Resource, f.Rule, lineRef.ReplaceAllString(f.Message, "line N")} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
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
		return nil, fmt.Errorf("%s: not a lambdagate baseline: %v; write one with `lambdagate baseline write %s`", path, err, path)
	}
	if b.Version != Version {
		return nil, fmt.Errorf("%s: baseline version %d, this lambdagate reads version %d; write it again", path, b.Version, Version)
	}
	return &b, nil
}

// Apply marks the findings the baseline holds as suppressed (source
// "baseline") and returns the baseline entries no finding matched: fixed.
// A fingerprint recorded n times covers n findings.
func (b *File) Apply(path string, fs []checks.Finding) (fixed []Entry) {
	left := map[string]int{}
	for _, e := range b.Findings {
		left[e.Fingerprint]++
	}
	for i := range fs {
		f := &fs[i]
		if f.Suppression != nil {
			continue
		}
		fp := Fingerprint(*f)
		if left[fp] > 0 {
			left[fp]--
			f.Suppression = &checks.Suppression{Source: "baseline", ID: fp,
				Reason: "recorded in the baseline " + path, Pos: source.Pos{File: path}}
		}
	}
	for _, e := range b.Findings {
		if left[e.Fingerprint] > 0 {
			left[e.Fingerprint]--
			fixed = append(fixed, e)
		}
	}
	slices.SortFunc(fixed, func(a, b Entry) int {
		return cmp.Or(strings.Compare(a.File, b.File), strings.Compare(a.Resource, b.Resource), strings.Compare(a.Rule, b.Rule))
	})
	return fixed
}
