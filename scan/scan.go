// Package scan is the source of units for templates on disk: it finds the
// templates under a set of paths, parses each one once, builds its functions
// and hands them to the evaluation stage, gathering the results in a
// deterministic order. Files are scanned in parallel and none is held in
// memory once evaluated; one bad file never stops the scan.
package scan

import (
	"bytes"
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

	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/source"
	"github.com/lambdagate/lambdagate/template"
)

// Options configure a scan.
type Options struct {
	// Exclude are doublestar globs matched against each file's path relative
	// to the root it was found under, and against the path as found.
	Exclude     []string
	Limits      template.Limits
	MaxFileSize int64 // bytes; 0 means DefaultMaxFileSize
	// Stage evaluates each template; nil runs every check with the defaults.
	Stage *evaluation.Stage
	// Parameters gives the values a template's parameters will be deployed
	// with (from the configuration), by the template's path; nil for none.
	Parameters func(file string) map[string]string
	Workers    int // 0 means GOMAXPROCS
	// Shard, when set, scans only the files of one shard of the split.
	Shard Shard
	// Progress, when set, is called as each file is done, from the workers:
	// it must be safe for concurrent use.
	Progress func(done, total int)
	// Parsed, when set, receives each template's unit, in file order once
	// the scan is done: what verify maps deployed functions onto, without
	// parsing the files again.
	Parsed func(evaluation.Unit)
	// Emit, when set, receives each file's evaluation in file order as soon
	// as it and the files before it are done, and the Result keeps only the
	// counts, the files and the skips: output can stream, and memory stays
	// flat in the number of findings.
	Emit func(evaluation.File)
	// Parse parses a file; nil means template.Parse. Tests count parses
	// with it.
	Parse func(path string, data []byte, lim template.Limits) (*template.Template, error)
}

// DefaultMaxFileSize bounds the files read; the largest real templates are a
// few megabytes and CloudFormation itself accepts at most 1 MB.
const DefaultMaxFileSize = 5 << 20

func (opts Options) withDefaults() Options {
	if opts.Limits == (template.Limits{}) {
		opts.Limits = template.DefaultLimits
	}
	if opts.MaxFileSize == 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if opts.Stage == nil {
		opts.Stage = evaluation.New(evaluation.Config{})
	}
	if opts.Parse == nil {
		opts.Parse = template.Parse
	}
	return opts
}

// Scan walks the paths and checks every template found.
func Scan(paths []string, opts Options) (*evaluation.Result, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	opts = opts.withDefaults()
	for _, g := range opts.Exclude {
		if !doublestar.ValidatePattern(g) {
			return nil, fmt.Errorf("--exclude %q is not a valid glob pattern", g)
		}
	}
	res := &evaluation.Result{}
	found, err := discover(paths, opts, res)
	if err != nil {
		return nil, err
	}
	files := make([]string, len(found))
	for i, c := range found {
		files[i] = c.path
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, max(len(files), 1))
	// Results leave in file order: a worker may run ahead of the oldest file
	// not yet done by at most the window, so what waits is bounded.
	window := 4 * workers
	type done struct {
		i int
		r fileResult
	}
	var (
		wg        sync.WaitGroup
		completed atomic.Int64
		next      = make(chan int)
		out       = make(chan done, workers)
		tokens    = make(chan struct{}, window)
	)
	go func() {
		for i := range files {
			tokens <- struct{}{}
			next <- i
		}
		close(next)
	}()
	for range workers {
		wg.Go(func() {
			for i := range next {
				r := scanFile(files[i], opts)
				if opts.Progress != nil {
					opts.Progress(int(completed.Add(1)), len(files))
				}
				out <- done{i, r}
			}
		})
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	pending := map[int]fileResult{}
	emitted := 0
	for d := range out {
		pending[d.i] = d.r
		for {
			r, ok := pending[emitted]
			if !ok {
				break
			}
			delete(pending, emitted)
			r.addTo(res, files[emitted], opts)
			emitted++
			<-tokens
		}
	}
	res.Fixed = opts.Stage.Fixed()
	return res, nil
}

// fileResult is one file's: its evaluation when it is a template, why it
// was skipped otherwise.
type fileResult struct {
	template bool
	eval     evaluation.File
	skip     string
	// notCreated are the functions whose Condition never holds, which are
	// not checked (said under --verbose).
	notCreated []string
	unit       evaluation.Unit // kept for Options.Parsed only
}

func (r fileResult) addTo(res *evaluation.Result, file string, opts Options) {
	for _, why := range r.notCreated {
		res.Skipped = append(res.Skipped, evaluation.Skipped{Path: file, Reason: why})
	}
	if opts.Emit != nil {
		if r.template {
			res.Count(file, r.eval)
		} else if r.skip != "" {
			res.Skipped = append(res.Skipped, evaluation.Skipped{Path: file, Reason: r.skip})
		}
		if r.template && opts.Parsed != nil {
			opts.Parsed(r.unit)
		}
		opts.Emit(r.eval)
		return
	}
	switch {
	case r.template:
		res.Add(file, r.eval)
		if opts.Parsed != nil {
			opts.Parsed(r.unit)
		}
	case r.skip != "":
		res.Errors = append(res.Errors, r.eval.Errors...)
		res.Skipped = append(res.Skipped, evaluation.Skipped{Path: file, Reason: r.skip})
	default:
		res.Errors = append(res.Errors, r.eval.Errors...)
	}
}

// ScanBytes checks one file's contents as if it had been found at name: the
// scan of a single file, without the file system. It never panics.
func ScanBytes(name string, data []byte, opts Options) *evaluation.Result {
	opts = opts.withDefaults()
	res := &evaluation.Result{}
	scanData(name, data, opts).addTo(res, name, opts)
	res.Fixed = opts.Stage.Fixed()
	return res
}

// scanFile reads and checks one file.
func scanFile(path string, opts Options) fileResult {
	data, err := readFile(path, opts.MaxFileSize)
	if err != nil {
		return failed(source.Pos{File: path}, err.Error())
	}
	return scanData(path, data, opts)
}

// internalError starts the message of a panic turned into an error.
const internalError = "internal error while scanning (please report it): "

// scanData checks one file's contents; it never panics, whatever they hold.
func scanData(path string, data []byte, opts Options) (r fileResult) {
	defer func() {
		if p := recover(); p != nil {
			r = failed(source.Pos{File: path}, fmt.Sprintf(internalError+"%v", p))
		}
	}()
	t, err := opts.Parse(path, data, opts.Limits)
	if errors.Is(err, template.ErrNotTemplate) {
		return fileResult{skip: err.Error()}
	}
	if err != nil {
		var te *template.Error
		if errors.As(err, &te) {
			return failed(te.Pos, te.Msg)
		}
		return failed(source.Pos{File: path}, err.Error())
	}
	u := evaluation.Unit{Template: t}
	for _, p := range t.Problems {
		u.Errors = append(u.Errors, evaluation.FileError{Pos: p.Pos, Message: p.Msg})
	}
	var lopts lambda.Options
	if opts.Parameters != nil {
		lopts.Parameters = opts.Parameters(path)
	}
	u.Functions = lambda.FromTemplate(t, lopts)
	r = fileResult{template: true, eval: opts.Stage.Evaluate(u), notCreated: lambda.NeverCreated(t, lopts)}
	if opts.Parsed != nil {
		r.unit = u
	}
	return r
}

func failed(pos source.Pos, msg string) fileResult {
	return fileResult{eval: evaluation.File{Errors: []evaluation.FileError{{Pos: pos, Message: msg}}}}
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
	// Sized from the stat, so the file is read into one buffer, not grown
	// into one; the limit still holds if the file grows meanwhile.
	var buf bytes.Buffer
	buf.Grow(int(st.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, fmt.Errorf("cannot read: %w", unwrapPath(err))
	}
	data := buf.Bytes()
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
func discover(paths []string, opts Options, res *evaluation.Result) ([]candidate, error) {
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
			res.Errors = append(res.Errors, evaluation.FileError{Pos: source.Pos{File: root}, Message: fmt.Sprintf("cannot read: %v", unwrapPath(err))})
			continue
		}
		readable++
		if !st.IsDir() {
			if !st.Mode().IsRegular() {
				res.Skipped = append(res.Skipped, evaluation.Skipped{Path: root, Reason: "not a regular file"})
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
				res.Errors = append(res.Errors, evaluation.FileError{Pos: source.Pos{File: p}, Message: fmt.Sprintf("cannot read: %v", unwrapPath(err))})
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
				res.Skipped = append(res.Skipped, evaluation.Skipped{Path: p, Reason: "not a regular file"})
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
func followLink(p, realRoot string, isTemplate bool, res *evaluation.Result) bool {
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		if isTemplate {
			res.Skipped = append(res.Skipped, evaluation.Skipped{Path: p, Reason: "a broken or looping symbolic link"})
		}
		return false
	}
	abs, _ := filepath.Abs(target)
	st, err := os.Stat(abs)
	if err != nil {
		if isTemplate {
			res.Skipped = append(res.Skipped, evaluation.Skipped{Path: p, Reason: "a symbolic link that cannot be followed: " + unwrapPath(err).Error()})
		}
		return false
	}
	inside := within(realRoot, abs)
	switch {
	case st.IsDir() && !inside:
		res.Errors = append(res.Errors, evaluation.FileError{Pos: source.Pos{File: p}, Message: "a symbolic link to the folder " + target +
			", outside the scanned folder; not followed (scan that folder itself, or --exclude this link)"})
	case st.IsDir():
		res.Skipped = append(res.Skipped, evaluation.Skipped{Path: p, Reason: "a symbolic link to a folder inside the scanned folder; not followed, its files are scanned where they lie"})
	case !isTemplate:
	case !inside:
		res.Errors = append(res.Errors, evaluation.FileError{Pos: source.Pos{File: p}, Message: "a symbolic link to " + target +
			", outside the scanned folder; not followed (scan the file itself, or --exclude this link)"})
	case !st.Mode().IsRegular():
		res.Skipped = append(res.Skipped, evaluation.Skipped{Path: p, Reason: "a symbolic link to something that is not a regular file"})
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
type NoInputError struct{ Errors []evaluation.FileError }

func (e *NoInputError) Error() string {
	var msgs []string
	for _, fe := range e.Errors {
		msgs = append(msgs, fe.Error())
	}
	return "no path could be read: " + strings.Join(msgs, "; ")
}
