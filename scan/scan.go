// Package scan finds the templates under a set of paths, reads each one,
// runs the checks on its functions and gathers the findings and errors in a
// deterministic order. Files are scanned in parallel and none is held in
// memory once its findings are taken; one bad file never stops the scan.
package scan

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/source"
	"github.com/lambdagate/lambdagate/suppress"
	"github.com/lambdagate/lambdagate/template"
)

// Options configure a scan.
type Options struct {
	// Exclude are doublestar globs matched against each file's path relative
	// to the root it was found under, and against the path as found.
	Exclude     []string
	Limits      template.Limits
	MaxFileSize int64 // bytes; 0 means DefaultMaxFileSize
	Checks      []*checks.Check
	// Parameters gives the values a template's parameters will be deployed
	// with (from the configuration), by the template's path; nil for none.
	Parameters func(file string) map[string]string
	// Severity overrides the severity of every finding of a rule.
	Severity map[string]checks.Severity
	// CheckOptions tune the checks (configuration file, flags).
	CheckOptions checks.Options
	Workers      int // 0 means GOMAXPROCS
}

// DefaultMaxFileSize bounds the files read; the largest real templates are a
// few megabytes and CloudFormation itself accepts at most 1 MB.
const DefaultMaxFileSize = 5 << 20

// FileError is a file that could not be read, or a problem in a template
// that is not a finding of a rule (a parse error, a duplicate key).
type FileError struct {
	Pos     source.Pos
	Message string
}

func (e FileError) Error() string { return e.Pos.String() + ": " + e.Message }

// Skipped is a file passed over on purpose, and why.
type Skipped struct {
	Path, Reason string
}

// Result is what a scan found.
type Result struct {
	Findings  []checks.Finding
	Errors    []FileError
	Skipped   []Skipped
	Templates int // files read as templates
	Functions int
	Files     []string // the templates read, in order
	// Fixed are baseline findings that no longer occur.
	Fixed []Fixed
}

// Fixed is a finding of the baseline that is gone.
type Fixed struct {
	Rule, File, Resource, Message string
}

func (opts Options) withDefaults() Options {
	if opts.Limits == (template.Limits{}) {
		opts.Limits = template.DefaultLimits
	}
	if opts.MaxFileSize == 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if opts.Checks == nil {
		opts.Checks = checks.All()
	}
	return opts
}

// Scan walks the paths and checks every template found.
func Scan(paths []string, opts Options) (*Result, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	opts = opts.withDefaults()
	for _, g := range opts.Exclude {
		if !doublestar.ValidatePattern(g) {
			return nil, fmt.Errorf("--exclude %q is not a valid glob pattern", g)
		}
	}
	res := &Result{}
	files, err := discover(paths, opts, res)
	if err != nil {
		return nil, err
	}
	results := make([]fileResult, len(files))
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(workers, max(len(files), 1)) {
		wg.Go(func() {
			for i := range next {
				results[i] = scanFile(files[i], opts)
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, r := range results {
		res.Errors = append(res.Errors, r.errors...)
		res.Findings = append(res.Findings, r.findings...)
		res.Functions += r.functions
		if r.template {
			res.Templates++
			res.Files = append(res.Files, files[i])
		} else if r.skip != "" {
			res.Skipped = append(res.Skipped, Skipped{files[i], r.skip})
		}
	}
	return res, nil
}

type fileResult struct {
	template  bool
	functions int
	findings  []checks.Finding
	errors    []FileError
	skip      string
}

// ScanBytes checks one file's contents as if it had been found at name: the
// scan of a single file, without the file system. It never panics.
func ScanBytes(name string, data []byte, opts Options) *Result {
	opts = opts.withDefaults()
	r := scanData(name, data, opts)
	res := &Result{Findings: r.findings, Errors: r.errors, Functions: r.functions}
	if r.template {
		res.Templates = 1
		res.Files = []string{name}
	} else if r.skip != "" {
		res.Skipped = []Skipped{{name, r.skip}}
	}
	return res
}

// scanFile reads and checks one file.
func scanFile(path string, opts Options) fileResult {
	data, err := readFile(path, opts.MaxFileSize)
	if err != nil {
		return fileResult{errors: []FileError{{Pos: source.Pos{File: path}, Message: err.Error()}}}
	}
	return scanData(path, data, opts)
}

// internalError starts the message of a panic turned into an error.
const internalError = "internal error while scanning (please report it): "

// scanData checks one file's contents; it never panics, whatever they hold.
func scanData(path string, data []byte, opts Options) (r fileResult) {
	defer func() {
		if p := recover(); p != nil {
			r = fileResult{errors: []FileError{{Pos: source.Pos{File: path}, Message: fmt.Sprintf(internalError+"%v", p)}}}
		}
	}()
	t, err := template.Parse(path, data, opts.Limits)
	if errors.Is(err, template.ErrNotTemplate) {
		return fileResult{skip: "not a CloudFormation template"}
	}
	if err != nil {
		var te *template.Error
		if errors.As(err, &te) {
			return fileResult{errors: []FileError{{Pos: te.Pos, Message: te.Msg}}}
		}
		return fileResult{errors: []FileError{{Pos: source.Pos{File: path}, Message: err.Error()}}}
	}
	r.template = true
	for _, p := range t.Problems {
		r.errors = append(r.errors, FileError{Pos: p.Pos, Message: p.Msg})
	}
	var lopts lambda.Options
	if opts.Parameters != nil {
		lopts.Parameters = opts.Parameters(path)
	}
	fns := lambda.FromTemplate(t, lopts)
	r.functions = len(fns)
	pass := checks.NewPass(opts.CheckOptions)
	pass.Run(opts.Checks, fns)
	findings := pass.Findings()
	for i := range findings {
		if sev, ok := opts.Severity[findings[i].Rule]; ok {
			findings[i].Severity = sev
		}
	}
	ix, errs := suppress.Read(t)
	for _, e := range errs {
		r.errors = append(r.errors, FileError{Pos: e.Pos, Message: e.Msg})
	}
	ix.Apply(findings)
	r.findings = SortFindings(findings)
	return r
}

// SortFindings orders findings by file, line, column, rule and resource, so
// the output does not depend on scheduling or map order.
func SortFindings(fs []checks.Finding) []checks.Finding {
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

func readFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", unwrapPath(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", unwrapPath(err))
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("the file is %d bytes, over the %d-byte limit; raise --max-file-size or exclude it", st.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", unwrapPath(err))
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("the file is over the %d-byte limit; raise --max-file-size or exclude it", limit)
	}
	return data, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// templateExt are the file endings that can hold a template.
var templateExt = []string{".yaml", ".yml", ".json", ".template"}

// skippedDirs are never descended into: version control, dependencies, and
// build output that repeats the source templates.
func skippedDir(rel string, name string) bool {
	switch name {
	case ".git", "node_modules":
		return true
	}
	if rel == ".aws-sam/build" || strings.HasSuffix(rel, "/.aws-sam/build") {
		return true
	}
	// CDK asset folders hold bundled code and copies; the synthesized
	// *.template.json files next to them are scanned.
	return strings.HasPrefix(name, "asset.") && strings.Contains(filepath.ToSlash(rel), "cdk.out/")
}

// discover lists the candidate files in a stable order.
func discover(paths []string, opts Options, res *Result) ([]string, error) {
	var files []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	excluded := func(rel, p string) bool {
		for _, g := range opts.Exclude {
			if ok, _ := doublestar.Match(g, filepath.ToSlash(rel)); ok {
				return true
			}
			if ok, _ := doublestar.Match(g, filepath.ToSlash(p)); ok {
				return true
			}
		}
		return false
	}
	readable := 0
	for _, root := range paths {
		st, err := os.Stat(root)
		if err != nil {
			res.Errors = append(res.Errors, FileError{Pos: source.Pos{File: root}, Message: fmt.Sprintf("cannot read: %v", unwrapPath(err))})
			continue
		}
		readable++
		if !st.IsDir() {
			add(root) // a file named on the command line is read whatever its ending
			continue
		}
		realRoot, err := filepath.EvalSymlinks(root)
		if err != nil {
			realRoot = root
		}
		realRoot, _ = filepath.Abs(realRoot)
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				res.Errors = append(res.Errors, FileError{Pos: source.Pos{File: p}, Message: fmt.Sprintf("cannot read: %v", unwrapPath(err))})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				if p != root && (skippedDir(rel, d.Name()) || excluded(rel, p)) {
					return fs.SkipDir
				}
				return nil
			}
			if !slices.Contains(templateExt, strings.ToLower(filepath.Ext(p))) || excluded(rel, p) {
				return nil
			}
			switch {
			case d.Type()&fs.ModeSymlink != 0:
				target, err := filepath.EvalSymlinks(p)
				if err != nil {
					res.Skipped = append(res.Skipped, Skipped{p, "a broken or looping symbolic link"})
					return nil
				}
				abs, _ := filepath.Abs(target)
				if !within(realRoot, abs) {
					res.Skipped = append(res.Skipped, Skipped{p, "a symbolic link to " + target + ", outside the scanned folder; not followed"})
					return nil
				}
				if st, err := os.Stat(abs); err != nil || !st.Mode().IsRegular() {
					res.Skipped = append(res.Skipped, Skipped{p, "a symbolic link to something that is not a regular file"})
					return nil
				}
			case !d.Type().IsRegular():
				res.Skipped = append(res.Skipped, Skipped{p, "not a regular file"})
				return nil
			}
			add(p)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if readable == 0 {
		return nil, &NoInputError{Errors: res.Errors}
	}
	return files, nil
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// NoInputError says that none of the paths could be read.
type NoInputError struct{ Errors []FileError }

func (e *NoInputError) Error() string {
	var msgs []string
	for _, fe := range e.Errors {
		msgs = append(msgs, fe.Error())
	}
	return "no path could be read: " + strings.Join(msgs, "; ")
}
