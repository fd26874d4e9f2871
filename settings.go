package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/lambdagate/lambdagate/baseline"
	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/config"
	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/scan"
)

// settings are the effective options of a run: the configuration file first,
// then the command-line flags (or the Action's inputs) over it.
type settings struct {
	cfg  *config.Config
	opts scan.Options
	// eval configures the evaluation stage; the baseline is read by stage.
	eval      evaluation.Config
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
	date        string // --date: judge dates (deprecated-runtime) as of this day
	baseline    string
	maxFileSize int64
}

// loadSettings reads the configuration and applies the overrides.
func (p *process) loadSettings(o overrides) (*settings, error) {
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
		Exclude:     append(append([]string{}, cfg.Exclude...), o.exclude...),
		MaxFileSize: o.maxFileSize,
		Parse:       p.parse,
	}
	st.eval = evaluation.Config{CheckOptions: cfg.Checks, Severity: map[string]checks.Severity{}, Checks: []*checks.Check{}}
	if o.unresolved != "" {
		u, ok := checks.ParseUnresolved(o.unresolved)
		if !ok {
			return nil, fmt.Errorf("--unresolved %q: use pass, warn or fail", o.unresolved)
		}
		st.eval.CheckOptions.Unresolved = u
	}
	date, what := o.date, "--date"
	if date == "" {
		// LAMBDAGATE_DATE pins the scan date of every command (tests, a
		// reproducible CI run); --date overrides it.
		for _, kv := range p.environ {
			if v, ok := strings.CutPrefix(kv, "LAMBDAGATE_DATE="); ok && v != "" {
				date, what = v, "LAMBDAGATE_DATE"
			}
		}
	}
	if date != "" {
		d, err := time.Parse(time.DateOnly, date)
		if err != nil {
			return nil, fmt.Errorf("%s %q: use YYYY-MM-DD", what, date)
		}
		st.eval.CheckOptions.Today = d
	}
	for _, c := range checks.All() {
		r := cfg.Rules[c.ID]
		if r.Off || (c.DefaultOff && !r.On) {
			continue
		}
		st.eval.Checks = append(st.eval.Checks, c)
		if r.Severity != 0 {
			st.eval.Severity[c.ID] = r.Severity
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

// stage starts the evaluation stage, with the baseline when there is one.
func (st *settings) stage() (*evaluation.Stage, error) {
	cfg := st.eval
	if st.baseline != "" {
		b, err := baseline.Read(st.baseline)
		if err != nil {
			return nil, err
		}
		cfg.Baseline, cfg.BaselinePath = b, st.baseline
	}
	return evaluation.New(cfg), nil
}
