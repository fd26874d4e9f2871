// Package evaluation is the one stage that scan and verify share: it runs the
// checks on a unit's functions (a template file's, or the deployed functions
// matched to a template), applies the configured severities, the template's
// suppressions and the baseline, and puts what it found in a deterministic
// order. It owns the result types the reports read. Where the functions come
// from, a template file or the AWS APIs, is the sources' business (scan,
// deployed); how results are shown is report's.
package evaluation

import (
	"cmp"
	"slices"
	"sync"

	"github.com/lambdagate/lambdagate/baseline"
	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/suppress"
	"github.com/lambdagate/lambdagate/template"
)

// Config configures the stage.
type Config struct {
	// Checks are the rules to run; nil runs those on by default.
	Checks []*checks.Check
	// Severity overrides the severity of every finding of a rule.
	Severity map[string]checks.Severity
	// CheckOptions tune the checks (configuration file, flags).
	CheckOptions checks.Options
	// Baseline, when set, marks the findings it records as suppressed;
	// BaselinePath is where it was read from, for the suppression's reason.
	Baseline     *baseline.File
	BaselinePath string
	// Facts, when set, keeps each template's Facts (for the Action's change
	// filter).
	Facts bool
}

// Unit is what the stage evaluates: functions, and the template they are
// written in when there is one (its suppressions apply, its facts are taken).
type Unit struct {
	Template  *template.Template // nil for deployed functions without one
	Functions []*lambda.Function
	// Errors are the source's own problems with the unit (a duplicate key,
	// a property not checked), reported first.
	Errors []FileError
	// Unverified are, by function (its deployed Name), the rules that could not be
	// checked on it: its row says "not verified", never a pass.
	Unverified map[string][]string
}

// Stage is the evaluation stage of one run. It is safe for concurrent use:
// a scan evaluates its files in parallel.
type Stage struct {
	cfg      Config
	baseline *baseline.Matcher
	mu       sync.Mutex // guards baseline
}

// New starts the stage of a run.
func New(cfg Config) *Stage {
	if cfg.Checks == nil {
		cfg.Checks = checks.Default()
	}
	s := &Stage{cfg: cfg}
	if cfg.Baseline != nil {
		s.baseline = cfg.Baseline.Matcher(cfg.BaselinePath)
	}
	return s
}

// Evaluate checks one unit and returns its findings, in order, and its
// errors. Nothing found is dropped: a suppression that cannot be read is an
// error of the unit.
func (s *Stage) Evaluate(u Unit) File {
	out := File{Errors: u.Errors}
	for _, fn := range u.Functions {
		out.Errors = append(out.Errors, unchecked(fn)...)
	}
	pass := checks.NewPass(s.cfg.CheckOptions)
	pass.Run(s.cfg.Checks, u.Functions)
	findings := pass.Findings()
	for i := range findings {
		if sev, ok := s.cfg.Severity[findings[i].Rule]; ok {
			findings[i].Severity = sev
		}
	}
	if t := u.Template; t != nil {
		out.Path = t.File
		ix, errs := suppress.Read(t)
		for _, e := range errs {
			out.Errors = append(out.Errors, FileError{Pos: e.Pos, Message: e.Msg})
		}
		applyIn(ix, t.File, findings)
		if s.cfg.Facts {
			out.Facts = factsOf(t, u.Functions)
		}
	}
	out.Findings = Sort(findings)
	if s.baseline != nil {
		s.mu.Lock()
		s.baseline.Mark(out.Findings)
		s.mu.Unlock()
	}
	out.Rows = make([]FunctionRow, 0, len(u.Functions))
	for _, fn := range u.Functions {
		out.Rows = append(out.Rows, FunctionRow{File: fn.Pos.File, Line: fn.Pos.Line, Resource: fn.Resource, Name: fn.Name, Serves: fn.Serves, Unverified: u.Unverified[fn.Name]})
	}
	return out
}

// unchecked are the properties of a function the model could not check
// (too many Fn::If combinations): input errors, never passes.
func unchecked(fn *lambda.Function) []FileError {
	var errs []FileError
	for _, u := range fn.Unchecked {
		errs = append(errs, FileError{Pos: u.Pos, Message: u.Message})
	}
	return errs
}

// applyIn applies a template's suppressions to the findings that land in it:
// an exception written in one template never covers a finding elsewhere.
func applyIn(ix *suppress.Index, file string, findings []checks.Finding) {
	var idx []int
	var mine []checks.Finding
	for i, f := range findings {
		if f.Pos.File == file {
			idx, mine = append(idx, i), append(mine, f)
		}
	}
	if len(mine) == len(findings) {
		ix.Apply(findings)
		return
	}
	ix.Apply(mine)
	for j, i := range idx {
		findings[i] = mine[j]
	}
}

// Fixed are the baseline's entries no finding matched so far: once every
// unit is evaluated, the findings that are gone.
func (s *Stage) Fixed() []Fixed {
	if s.baseline == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Fixed
	for _, e := range s.baseline.Fixed() {
		out = append(out, Fixed{Rule: e.Rule, File: e.File, Resource: e.Resource, Message: e.Message})
	}
	return out
}

// Sort orders findings by file, line, column, rule, resource and message, so
// the output does not depend on scheduling or map order, and drops repeats.
func Sort(fs []checks.Finding) []checks.Finding {
	slices.SortStableFunc(fs, func(a, b checks.Finding) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Resource, b.Resource),
			cmp.Compare(a.Message, b.Message),
		)
	})
	// The same problem can be reached twice on one function (a policy listed
	// twice, a role on two branches that agree); once is enough.
	return slices.Compact(fs)
}

// EvaluateAll evaluates units that may share files (the deployed functions
// of several stacks mapped onto templates) and orders all their findings as
// one.
func (s *Stage) EvaluateAll(units []Unit) *Result {
	res := &Result{}
	for _, u := range units {
		file := ""
		if u.Template != nil {
			file = u.Template.File
		}
		res.Add(file, s.Evaluate(u))
	}
	res.Findings = Sort(res.Findings)
	res.Fixed = s.Fixed()
	return res
}
