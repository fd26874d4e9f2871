package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/config"
	"github.com/lambdagate/lambdagate/scan"
)

// settings are the effective options of a run: the configuration file first,
// then the command-line flags (or the Action's inputs) over it.
type settings struct {
	cfg       *config.Config
	opts      scan.Options
	threshold checks.Severity
	baseline  string
}

// overrides are what flags or Action inputs set explicitly; empty fields keep
// the configuration's value.
type overrides struct {
	configPath  string // --config; "" looks for .lambdagate.yml at the repository root
	failOn      string
	exclude     []string
	unresolved  string
	baseline    string
	maxFileSize int64
}

// loadSettings reads the configuration and applies the overrides.
func loadSettings(o overrides) (*settings, error) {
	path := o.configPath
	if path == "" {
		path = config.Find(".")
		if path == "" {
			if top := gitTopLevel("."); top != "" {
				path = config.Find(top)
			}
		}
	}
	cfg := &config.Config{Rules: map[string]config.Rule{}}
	if path != "" {
		var err error
		if cfg, err = config.Load(path); err != nil {
			return nil, err
		}
	}
	st := &settings{cfg: cfg}
	failOn := cfg.FailOn
	if o.failOn != "" {
		failOn = o.failOn
	}
	if failOn == "" {
		failOn = "error"
	}
	var err error
	if st.threshold, err = parseThreshold(failOn); err != nil {
		return nil, err
	}
	st.opts = scan.Options{
		Exclude:      append(append([]string{}, cfg.Exclude...), o.exclude...),
		MaxFileSize:  o.maxFileSize,
		CheckOptions: cfg.Checks,
		Severity:     map[string]checks.Severity{},
	}
	if o.unresolved != "" {
		u, ok := checks.ParseUnresolved(o.unresolved)
		if !ok {
			return nil, fmt.Errorf("--unresolved %q: use pass, warn or fail", o.unresolved)
		}
		st.opts.CheckOptions.Unresolved = u
	}
	for _, c := range checks.All() {
		r := cfg.Rules[c.ID]
		if r.Off {
			continue
		}
		st.opts.Checks = append(st.opts.Checks, c)
		if r.Severity != 0 {
			st.opts.Severity[c.ID] = r.Severity
		}
	}
	if len(cfg.Parameters) > 0 {
		root := filepath.Dir(path)
		st.opts.Parameters = func(file string) map[string]string {
			abs, err := filepath.Abs(file)
			if err != nil {
				return nil
			}
			absRoot, _ := filepath.Abs(root)
			rel, err := filepath.Rel(absRoot, abs)
			if err != nil || strings.HasPrefix(rel, "..") {
				return nil
			}
			return cfg.ParametersFor(rel)
		}
	}
	st.baseline = cfg.Baseline
	if o.baseline != "" {
		st.baseline = o.baseline
	}
	return st, nil
}

// gitTopLevel is the root of the git work tree holding dir, or "".
func gitTopLevel(dir string) string {
	if _, err := exec.LookPath("git"); err != nil {
		return ""
	}
	cmd := exec.Command("git", "rev-parse", "--show-toplevel")
	cmd.Dir = dir
	cmd.Stderr = nil
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
