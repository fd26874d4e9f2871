// Package fix rewrites templates so that lambdagate's mechanical findings go
// away: it decides what to change from the findings of a scan, edits the text
// at the positions the parser keeps (never re-serialising a document, so
// comments, key order, quoting, indentation and line endings stay), and
// scans the result again to keep only the changes that remove their findings
// and add none. What needs a person (roles, values set at deploy time) is
// reported, never guessed. Finding files and writing them is left to the
// command line.
package fix

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/scan"
	"github.com/lambdagate/lambdagate/source"
	"github.com/lambdagate/lambdagate/template"
)

// The rules fix knows how to fix. The first three are fixed unless --rule
// says otherwise; kms-key and security-groups need a parameter and are fixed
// only when asked.
const (
	ActiveTracing      = "active-tracing"
	MisspelledProperty = "misspelled-property"
	LogRetention       = "log-retention"
	KmsKey             = "kms-key"
	SecurityGroups     = "security-groups"
)

// Fixable lists the rules fix can fix.
var Fixable = []string{ActiveTracing, MisspelledProperty, LogRetention, KmsKey, SecurityGroups}

// The parameters the kms-key and security-groups fixes add.
const (
	KmsKeyParameter         = "FunctionKmsKeyArn"
	SecurityGroupsParameter = "FunctionSecurityGroupIds"
	SubnetsParameter        = "FunctionSubnetIds"
)

// Options say what to fix.
type Options struct {
	// Rules limits the fixes to these rules; empty means every rule fix
	// makes without asking (plus those the two flags below turn on).
	Rules []string
	// LogRetentionDays is the RetentionInDays of the log groups added (default 30).
	LogRetentionDays int
	// KmsKeyParameter and SecurityGroupsParameter turn on the fixes that
	// add a parameter for the value a person must give at deploy time.
	KmsKeyParameter         bool
	SecurityGroupsParameter bool
	// PerFunction sets Tracing on each SAM function rather than once in
	// Globals.Function: a suggestion in a pull request must fall on the
	// lines of the change, which are the functions' own.
	PerFunction bool
	// Scan are the options of the scans before and after.
	Scan scan.Options
}

func (o Options) wants(rule string) bool {
	switch rule {
	case ActiveTracing, MisspelledProperty, LogRetention:
	case KmsKey:
		if !o.KmsKeyParameter {
			return false
		}
	case SecurityGroups:
		if !o.SecurityGroupsParameter {
			return false
		}
	default:
		return false
	}
	return len(o.Rules) == 0 || slices.Contains(o.Rules, rule)
}

// Change is one fix made: the findings it removes and the edits that do it.
type Change struct {
	Rule      string
	Resources []string // the functions (or log groups) it fixes
	Summary   string   // what was done, e.g. "Tracing: Active in Globals.Function"
	Edits     []Edit   // in the original text
	findings  []checks.Finding
}

// NotFixed is a finding left for a person, and why.
type NotFixed struct {
	Finding checks.Finding // where it stands in the fixed file
	Reason  string
	Was     source.Pos // where it stands in the file as it was
}

// Result is what fixing one file did.
type Result struct {
	File     string
	Old, New []byte // New equals Old when nothing changed
	Changes  []Change
	NotFixed []NotFixed
	// Remaining are the findings of the fixed file; Errors its file errors.
	Remaining []checks.Finding
	Errors    []evaluation.FileError
	Template  bool // the file is a template
}

// Changed reports whether the file was changed.
func (r *Result) Changed() bool { return string(r.Old) != string(r.New) }

// File fixes one template's contents, found at name. It never panics.
func File(name string, data []byte, opts Options) (res *Result) {
	res = &Result{File: name, Old: data, New: data}
	defer func() {
		if p := recover(); p != nil {
			res.New, res.Changes = data, nil
			res.Errors = append(res.Errors, evaluation.FileError{Pos: source.Pos{File: name},
				Message: fmt.Sprintf("internal error while fixing (please report it): %v", p)})
		}
	}()
	if opts.LogRetentionDays == 0 {
		opts.LogRetentionDays = 30
	}
	before := scan.ScanBytes(name, data, opts.Scan)
	res.Template = before.Templates == 1
	res.Remaining, res.Errors = before.Findings, before.Errors
	if !res.Template || parseFailed(before) {
		return res
	}
	if err := utf16(data); err != nil {
		for _, f := range before.Findings {
			if opts.wants(f.Rule) && f.Suppression == nil {
				res.NotFixed = append(res.NotFixed, NotFixed{f, "not fixed: " + err.Error(), f.Pos})
			}
		}
		return res
	}
	p, err := newPlanner(name, data, opts)
	if err != nil {
		return res
	}
	changes, notFixed := p.plan(before.Findings)
	kept, after := verify(name, data, before, changes, opts)
	res.Changes = kept
	for _, c := range changes {
		if !slices.ContainsFunc(kept, func(k Change) bool { return sameEdits(k.Edits, c.Edits) }) {
			for _, f := range c.findings {
				notFixed = append(notFixed, NotFixed{Finding: f, Reason: "not fixed: the change (" + c.Summary + ") did not pass the re-scan; fix it by hand"})
			}
		}
	}
	if len(kept) > 0 {
		res.New = apply(data, allEdits(kept))
		res.Remaining, res.Errors = after.Findings, after.Errors
	}
	// A finding not fixed is reported once, where it stands after the fixes.
	left := map[string]checks.Finding{}
	for _, f := range res.Remaining {
		if _, ok := left[identity(f)]; !ok {
			left[identity(f)] = f
		}
	}
	for _, nf := range notFixed {
		if f, ok := left[identity(nf.Finding)]; ok {
			res.NotFixed = append(res.NotFixed, NotFixed{f, nf.Reason, nf.Finding.Pos})
			delete(left, identity(nf.Finding))
		}
	}
	slices.SortStableFunc(res.NotFixed, func(a, b NotFixed) int {
		return cmp.Or(cmp.Compare(a.Finding.Pos.Line, b.Finding.Pos.Line), cmp.Compare(a.Finding.Pos.Column, b.Finding.Pos.Column))
	})
	return res
}

// utf16 refuses a file in UTF-16: the parser reads it decoded, so its
// positions are not offsets in the bytes.
func utf16(data []byte) error {
	if len(data) >= 2 && (data[0] == 0xff && data[1] == 0xfe || data[0] == 0xfe && data[1] == 0xff) {
		return fmt.Errorf("the file is UTF-16; save it as UTF-8 to have it fixed")
	}
	return nil
}

// parseFailed: the template was not read (a parse error stops the scan of a
// file before any finding).
func parseFailed(r *evaluation.Result) bool {
	return r.Functions == 0 && len(r.Errors) > 0 && len(r.Findings) == 0
}

func allEdits(cs []Change) []Edit {
	var es []Edit
	for _, c := range cs {
		for _, e := range c.Edits {
			if !slices.Contains(es, e) {
				es = append(es, e)
			}
		}
	}
	return es
}

func sameEdits(a, b []Edit) bool { return slices.Equal(a, b) }

// lineNumbers are taken out of messages when findings before and after an
// edit are compared: lines move, the finding is the same.
var lineNumbers = regexp.MustCompile(`line \d+`)

// identity is a finding without its position.
func identity(f checks.Finding) string {
	sup := ""
	if f.Suppression != nil {
		sup = f.Suppression.Source + "/" + f.Suppression.ID
	}
	return strings.Join([]string{f.Rule, f.Resource, f.Origin, f.Severity.String(), lineNumbers.ReplaceAllString(f.Message, "line N"), sup}, "\x00")
}

func errIdentity(e evaluation.FileError) string {
	return lineNumbers.ReplaceAllString(e.Message, "line N")
}

// verify applies the changes and scans again; it keeps the changes that
// remove the findings they are for and add no finding and no error. When
// the changes together do not pass, each half is tried in turn, and kept
// when the result still passes.
func verify(name string, data []byte, before *evaluation.Result, changes []Change, opts Options) ([]Change, *evaluation.Result) {
	if len(changes) == 0 {
		return nil, before
	}
	check := func(cs []Change) (*evaluation.Result, bool) {
		after := scan.ScanBytes(name, apply(data, allEdits(cs)), opts.Scan)
		if after.Templates != 1 || !subset(after, before) {
			return after, false
		}
		gone := map[string]int{}
		for _, f := range after.Findings {
			gone[identity(f)]++
		}
		for _, c := range cs {
			for _, f := range c.findings {
				if gone[identity(f)] > 0 {
					return after, false
				}
			}
		}
		return after, true
	}
	// Halves that fail are split again, so that k bad changes among n cost
	// about k log n scans, not n.
	var kept []Change
	var last *evaluation.Result
	var try func(cs []Change)
	try = func(cs []Change) {
		if len(cs) == 0 {
			return
		}
		if after, ok := check(append(slices.Clone(kept), cs...)); ok {
			kept, last = append(kept, cs...), after
			return
		}
		if len(cs) > 1 {
			try(cs[:len(cs)/2])
			try(cs[len(cs)/2:])
		}
	}
	try(changes)
	if last == nil {
		return nil, before
	}
	return kept, last
}

// subset reports whether every finding and error of after was in before.
func subset(after, before *evaluation.Result) bool {
	had := map[string]int{}
	for _, f := range before.Findings {
		had[identity(f)]++
	}
	for _, f := range after.Findings {
		k := identity(f)
		if had[k] == 0 {
			return false
		}
		had[k]--
	}
	errs := map[string]int{}
	for _, e := range before.Errors {
		errs[errIdentity(e)]++
	}
	for _, e := range after.Errors {
		k := errIdentity(e)
		if errs[k] == 0 {
			return false
		}
		errs[k]--
	}
	return true
}

// planner decides the changes for one file's findings.
type planner struct {
	x     *text
	t     *template.Template
	fns   map[string]*lambda.Function
	opts  Options
	taken map[string]bool // logical ids and parameter names in use or added

	needed     map[string]bool // the parameters the fixes of this file use
	paramsDone bool
	paramEdits []Edit
	paramErr   error
}

func newPlanner(name string, data []byte, opts Options) (*planner, error) {
	t, err := template.Parse(name, data, template.DefaultLimits)
	if err != nil {
		return nil, err
	}
	var lopts lambda.Options
	if opts.Scan.Parameters != nil {
		lopts.Parameters = opts.Scan.Parameters(name)
	}
	p := &planner{x: newText(data, isJSON(data)), t: t, fns: map[string]*lambda.Function{}, opts: opts, taken: map[string]bool{}}
	for _, fn := range lambda.FromTemplate(t, lopts) {
		p.fns[fn.Resource] = fn
	}
	for _, f := range fieldsOf(t.Root.Get("Resources")) {
		p.taken[f.Key] = true
	}
	for _, f := range fieldsOf(t.Root.Get("Parameters")) {
		p.taken[f.Key] = true
	}
	return p, nil
}

func isJSON(data []byte) bool {
	return json.Valid(bytes.TrimPrefix(data, []byte("\ufeff")))
}

func fieldsOf(v *template.Value) []template.Field {
	if v == nil || v.Kind != template.Map {
		return nil
	}
	return v.Fields
}

// plan turns findings into changes, one per function and rule (or one
// shared by several functions, such as a Globals entry), and lists the
// findings it cannot fix.
func (p *planner) plan(findings []checks.Finding) ([]Change, []NotFixed) {
	var changes []Change
	var notFixed []NotFixed
	byKey := map[string]int{} // a change's summary -> its index, to share one
	add := func(c Change) {
		key := c.Rule + "\x00" + c.Summary
		if i, ok := byKey[key]; ok && sameEdits(changes[i].Edits, c.Edits) {
			changes[i].findings = append(changes[i].findings, c.findings...)
			if !slices.Contains(changes[i].Resources, c.Resources[0]) {
				changes[i].Resources = append(changes[i].Resources, c.Resources...)
			}
			return
		}
		for _, o := range changes {
			if overlaps(o.Edits, c.Edits) {
				for _, f := range c.findings {
					notFixed = append(notFixed, NotFixed{Finding: f, Reason: "not fixed: another fix changes the same text; run lambdagate fix again"})
				}
				return
			}
		}
		byKey[key] = len(changes)
		changes = append(changes, c)
	}
	p.needed = map[string]bool{}
	for _, f := range findings {
		switch {
		case f.Suppression != nil || !p.opts.wants(f.Rule):
		case f.Rule == KmsKey:
			p.needed[KmsKeyParameter] = true
		case f.Rule == SecurityGroups:
			p.needed[SecurityGroupsParameter], p.needed[SubnetsParameter] = true, true
		}
	}
	done := map[string]bool{}
	for _, f := range findings {
		if f.Suppression != nil {
			continue
		}
		if !p.opts.wants(f.Rule) {
			if !slices.Contains(Fixable, f.Rule) {
				notFixed = append(notFixed, NotFixed{Finding: f, Reason: "needs a person: " + manual(f.Rule)})
			} else {
				notFixed = append(notFixed, NotFixed{Finding: f, Reason: "not fixed: " + notAsked(f.Rule)})
			}
			continue
		}
		fn := p.fns[f.Resource]
		if fn == nil {
			// log-retention reports on the log group, with the function as Resource.
			notFixed = append(notFixed, NotFixed{Finding: f, Reason: "not fixed: no function " + f.Resource})
			continue
		}
		key := f.Rule + "\x00" + f.Resource + "\x00" + f.Pos.String()
		if done[key] {
			continue
		}
		done[key] = true
		c, err := p.fix(f, fn)
		if err != nil {
			notFixed = append(notFixed, NotFixed{Finding: f, Reason: "not fixed: " + err.Error()})
			continue
		}
		c.findings = []checks.Finding{f}
		add(c)
	}
	// Findings the change did not target but that go with it (the same rule
	// on the same function, at another position) are counted by verify.
	slices.SortStableFunc(changes, func(a, b Change) int { return cmp.Compare(a.Edits[0].Start, b.Edits[0].Start) })
	return changes, notFixed
}

func notAsked(rule string) string {
	switch rule {
	case KmsKey:
		return "pass --kms-key-parameter to add a " + KmsKeyParameter + " parameter and use it"
	case SecurityGroups:
		return "pass --security-groups-parameter to add " + SecurityGroupsParameter + " and " + SubnetsParameter + " parameters and a VpcConfig using them"
	}
	return "not selected with --rule"
}

// manual says what a person does about a rule fix never touches.
func manual(rule string) string {
	switch rule {
	case "least-privilege-role":
		return "scope the role's policies to the actions and resources the function uses; a fix cannot know them"
	case "public-invoke":
		return "limit the permission with SourceArn or SourceAccount, or set AuthType: AWS_IAM"
	case "plaintext-secret":
		return "move the secret to Secrets Manager or SSM and resolve it at deploy time"
	case "kms-key-rotation":
		return "set EnableKeyRotation: true and a key policy that names its principals"
	case "open-security-group":
		return "allow ingress only from the addresses that need it"
	}
	return "see lambdagate rules " + rule
}

// fix plans the change for one finding.
func (p *planner) fix(f checks.Finding, fn *lambda.Function) (Change, error) {
	r := p.t.Resource(fn.Resource)
	if r == nil || r.Loop != "" {
		return Change{}, fmt.Errorf("the function is written in an Fn::ForEach loop")
	}
	var c Change
	var err error
	switch f.Rule {
	case ActiveTracing:
		c, err = p.tracing(f, fn, r)
	case MisspelledProperty:
		c, err = p.misspelled(f, fn, r)
	case LogRetention:
		c, err = p.logRetention(f, fn, r)
	case KmsKey:
		c, err = p.kmsKey(f, fn, r)
	case SecurityGroups:
		c, err = p.securityGroups(f, fn, r)
	default:
		return Change{}, fmt.Errorf("no fix for %s", f.Rule)
	}
	if err != nil {
		return Change{}, err
	}
	c.Rule = f.Rule
	if len(c.Resources) == 0 {
		c.Resources = []string{fn.Resource}
	}
	return c, nil
}

// properties is the function's own Properties map, with its key.
func (p *planner) properties(r *template.Resource) (template.Field, error) {
	pf, ok := r.Node.Field("Properties")
	if !ok || pf.Value.Kind != template.Map {
		return template.Field{}, fmt.Errorf("%s has no Properties map", r.ID)
	}
	if _, _, ok := pf.Value.Intrinsic(); ok {
		return template.Field{}, fmt.Errorf("the Properties of %s are an intrinsic function", r.ID)
	}
	if err := p.x.owned(pf); err != nil {
		return template.Field{}, err
	}
	return pf, nil
}

// unconditional returns the one setting a control takes, or why it cannot
// be fixed: a value from a parameter or a branch is set at deploy time.
func unconditional(ss []lambda.Setting, pos source.Pos) (lambda.Setting, error) {
	for _, s := range ss {
		if s.State == lambda.Deferred || s.When != "" || s.Param != nil {
			return lambda.Setting{}, fmt.Errorf("set at deploy time")
		}
	}
	for _, s := range ss {
		if s.Pos == pos {
			return s, nil
		}
	}
	if len(ss) == 1 {
		return ss[0], nil
	}
	return lambda.Setting{}, fmt.Errorf("the finding matches no single value")
}
