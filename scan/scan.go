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
	"sync/atomic"

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
	// Shard, when set, scans only the files of one shard of the split.
	Shard Shard
	// Progress, when set, is called as each file is done, from the workers:
	// it must be safe for concurrent use.
	Progress func(done, total int)
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
	found, err := discover(paths, opts, res)
	if err != nil {
		return nil, err
	}
	files := make([]string, len(found))
	for i, c := range found {
		files[i] = c.path
	}
	results := make([]fileResult, len(files))
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	var done atomic.Int64
	next := make(chan int)
	for range min(workers, max(len(files), 1)) {
		wg.Go(func() {
			for i := range next {
				results[i] = scanFile(files[i], opts)
				if opts.Progress != nil {
					opts.Progress(int(done.Add(1)), len(files))
				}
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
		return fileResult{skip: err.Error()}
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
	for _, fn := range fns {
		for _, u := range fn.Unchecked {
			r.errors = append(r.errors, FileError{Pos: u.Pos, Message: u.Message})
		}
	}
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
	// Look before opening: opening a FIFO blocks until someone writes to it.
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
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

// candidate is a file to read, with its path relative to the root it was
// found under (the path as given for a file named on the command line).
type candidate struct{ path, rel string }

// discover lists the candidate files of the shard in a stable order. What it
// reports about a file found in a folder (a link not followed, a special
// file) is reported by that file's shard only, so that merged shards say it
// once.
func discover(paths []string, opts Options, res *Result) ([]candidate, error) {
	var files []candidate
	seen := map[string]bool{}
	add := func(p, rel string) {
		if !opts.Shard.holds(rel) {
			return
		}
		if !seen[p] {
			seen[p] = true
			files = append(files, candidate{p, rel})
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
			if !st.Mode().IsRegular() {
				res.Skipped = append(res.Skipped, Skipped{root, "not a regular file"})
				continue
			}
			// A file named on the command line is read whatever its ending.
			add(root, filepath.ToSlash(filepath.Clean(root)))
			continue
		}
		realRoot, err := filepath.EvalSymlinks(root)
		if err != nil {
			realRoot = root
		}
		realRoot, _ = filepath.Abs(realRoot)
		walkRoot := root
		if lst, err := os.Lstat(root); err == nil && lst.Mode()&fs.ModeSymlink != 0 {
			// WalkDir does not follow a root that is a link; the trailing
			// separator makes it.
			walkRoot = root + string(filepath.Separator)
		}
		err = filepath.WalkDir(walkRoot, func(p string, d fs.DirEntry, err error) error {
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
				if p != walkRoot && (skippedDir(rel, d.Name()) || excluded(rel, p)) {
					return fs.SkipDir
				}
				return nil
			}
			isTemplate := slices.Contains(templateExt, strings.ToLower(filepath.Ext(p)))
			if !opts.Shard.holds(rel) {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if !skippedDir(rel, d.Name()) && !excluded(rel, p) && followLink(p, realRoot, isTemplate, res) {
					add(p, rel)
				}
				return nil
			}
			if !isTemplate || excluded(rel, p) {
				return nil
			}
			if !d.Type().IsRegular() {
				res.Skipped = append(res.Skipped, Skipped{p, "not a regular file"})
				return nil
			}
			add(p, rel)
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

// followLink decides about a symbolic link met in a folder: a link to a
// template inside the scanned folder is read; a link that leads out of it,
// to a file or a folder, is never followed and is an error, because the gate
// cannot vouch for what it did not read; a link to a folder inside is not
// followed either, since its files are scanned where they lie. A loop is a
// link that cannot be resolved.
func followLink(p, realRoot string, isTemplate bool, res *Result) bool {
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		if isTemplate {
			res.Skipped = append(res.Skipped, Skipped{p, "a broken or looping symbolic link"})
		}
		return false
	}
	abs, _ := filepath.Abs(target)
	st, err := os.Stat(abs)
	if err != nil {
		if isTemplate {
			res.Skipped = append(res.Skipped, Skipped{p, "a symbolic link that cannot be followed: " + unwrapPath(err).Error()})
		}
		return false
	}
	inside := within(realRoot, abs)
	switch {
	case st.IsDir() && !inside:
		res.Errors = append(res.Errors, FileError{Pos: source.Pos{File: p}, Message: "a symbolic link to the folder " + target +
			", outside the scanned folder; not followed (scan that folder itself, or --exclude this link)"})
	case st.IsDir():
		res.Skipped = append(res.Skipped, Skipped{p, "a symbolic link to a folder inside the scanned folder; not followed, its files are scanned where they lie"})
	case !isTemplate:
	case !inside:
		res.Errors = append(res.Errors, FileError{Pos: source.Pos{File: p}, Message: "a symbolic link to " + target +
			", outside the scanned folder; not followed (scan the file itself, or --exclude this link)"})
	case !st.Mode().IsRegular():
		res.Skipped = append(res.Skipped, Skipped{p, "a symbolic link to something that is not a regular file"})
	default:
		return true
	}
	return false
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
