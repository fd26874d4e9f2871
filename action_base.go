package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"gopkg.in/yaml.v3"

	"github.com/lambdagate/lambdagate/baseline"
	"github.com/lambdagate/lambdagate/checks"
	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/pullrequest"
	"github.com/lambdagate/lambdagate/scan"
)

// baseScan is what the base revision says of the templates a change may be
// responsible for: those it touches, and those whose configuration or
// parameter files it changes. A template of the head that it did not scan
// is one the change left alone, inputs included.
type baseScan struct {
	// scanned are the head paths (relative to the root) whose base was
	// read; a template the change adds is scanned, with nothing found.
	scanned map[string]bool
	// found counts the base's unsuppressed findings by fingerprint, each
	// taken with its template's head path (a renamed file keeps its
	// findings).
	found map[string]int
	// facts are the base templates' facts, by head path.
	facts map[string]*evaluation.Facts
}

// templateExt are the extensions scan reads as candidate templates.
var templateExt = []string{".yaml", ".yml", ".json", ".template"}

func isTemplateName(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	for _, e := range templateExt {
		if ext == e {
			return true
		}
	}
	return false
}

// headKey is a finding's fingerprint with its template named by its path
// relative to the repository root, so that a base's and a head's findings,
// read from different folders, compare.
func headKey(repoPath string, f checks.Finding) string {
	f.Pos.File = repoPath
	return baseline.Fingerprint(f)
}

// scanBase scans, at the change's base commit, the base versions of the
// templates the change may be responsible for, read with git (no
// checkout) into a temporary folder laid out as the repository, with the
// configuration and the parameter files of the base beside them.
func scanBase(ctx context.Context, p *process, git pullrequest.Git, root string, d *pullrequest.Diff, head *settings, configPath string, o overrides) (*baseScan, error) {
	bs := &baseScan{scanned: map[string]bool{}, found: map[string]int{}, facts: map[string]*evaluation.Facts{}}
	ch := d.Changes
	rel := func(path string) (string, bool) {
		abs, err := filepath.Abs(path)
		if err != nil {
			return "", false
		}
		r, err := filepath.Rel(root, abs)
		if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			return "", false
		}
		return filepath.ToSlash(r), true
	}

	// base paths to scan, and the head path each stands for.
	toHead := map[string]string{}
	renamed := ch.Renamed()
	headOf := func(basePath string) string {
		if h, ok := renamed[basePath]; ok {
			return h
		}
		return basePath
	}
	for _, f := range ch.Files {
		if !isTemplateName(f.Path) {
			continue
		}
		bs.scanned[f.Path] = true
		if f.Old != "" {
			toHead[f.Old] = f.Path
		}
	}

	// The configuration of the base, when it lives in the repository; one
	// outside it (an absolute config input) is the same on both sides.
	cfgRel, cfgInRepo := "", false
	if configPath != "" {
		cfgRel, cfgInRepo = rel(configPath)
	}
	var baseFiles []string // every file of the base, listed when needed
	listBase := func() ([]string, error) {
		if baseFiles == nil {
			var err error
			if baseFiles, err = git.Files(ctx, d.Base); err != nil {
				return nil, err
			}
		}
		return baseFiles, nil
	}
	var baseCfg []byte
	haveBaseCfg := false
	if cfgInRepo {
		got, err := git.Show(ctx, d.Base, []string{cfgRel})
		if err != nil {
			return nil, err
		}
		baseCfg, haveBaseCfg = got[cfgRel]
	}
	// Parameter sets, of the head and of the base: (templates glob relative
	// to the configuration's folder, parameter file relative to the root).
	type paramSet struct{ glob, file string }
	var sets []paramSet
	for _, s := range head.cfg.Parameters {
		if r, ok := rel(s.File); ok && s.File != "" {
			sets = append(sets, paramSet{s.Templates, r})
		}
	}
	cfgDir := filepath.ToSlash(filepath.Dir(cfgRel))
	if haveBaseCfg {
		for _, s := range parameterSets(baseCfg) {
			sets = append(sets, paramSet{s.glob, filepath.ToSlash(filepath.Clean(filepath.Join(cfgDir, s.file)))})
		}
	}
	allTemplates := cfgInRepo && ch.Touches(cfgRel)
	if allTemplates {
		files, err := listBase()
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if isTemplateName(f) && f != cfgRel {
				toHead[f] = headOf(f)
			}
		}
	}
	for _, s := range sets {
		if !ch.Touches(s.file) || allTemplates {
			continue
		}
		files, err := listBase()
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			r, err := filepath.Rel(cfgDir, f)
			if err != nil {
				continue
			}
			if ok, _ := doublestar.Match(s.glob, filepath.ToSlash(r)); ok && isTemplateName(f) {
				toHead[f] = headOf(f)
			}
		}
	}
	for _, h := range toHead {
		bs.scanned[h] = true
	}
	if len(toHead) == 0 {
		return bs, nil
	}

	dir, err := os.MkdirTemp("", "lambdagate-base-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	want := make([]string, 0, len(toHead)+len(sets))
	for b := range toHead {
		want = append(want, b)
	}
	for _, s := range sets {
		want = append(want, s.file)
	}
	got, err := git.Show(ctx, d.Base, want)
	if err != nil {
		return nil, err
	}
	if haveBaseCfg {
		got[cfgRel] = baseCfg
	}
	for name, data := range got {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return nil, err
		}
	}

	bo := o
	bo.baseline = "" // the base's own findings are what is compared with
	switch {
	case haveBaseCfg:
		bo.configPath = filepath.Join(dir, filepath.FromSlash(cfgRel))
	case cfgInRepo:
		// The change adds the configuration: the base had the defaults.
		bo.configPath = filepath.Join(dir, ".lambdagate-defaults.yml")
		if err := os.WriteFile(bo.configPath, nil, 0o644); err != nil {
			return nil, err
		}
	}
	st, err := p.loadSettings(bo)
	if err != nil {
		return nil, fmt.Errorf("the configuration of the base %s: %w", shortSHA(d.Base), err)
	}
	st.eval.Facts = true
	st.opts.Stage = evaluation.New(st.eval)
	var paths []string
	for b := range toHead {
		if _, ok := got[b]; ok {
			paths = append(paths, filepath.Join(dir, filepath.FromSlash(b)))
		}
	}
	if len(paths) == 0 {
		return bs, nil
	}
	st.opts.Emit = func(f evaluation.File) {
		r, err := filepath.Rel(dir, f.Path)
		if err != nil {
			return
		}
		h := toHead[filepath.ToSlash(r)]
		if h == "" {
			return
		}
		bs.facts[h] = f.Facts
		for _, fd := range f.Findings {
			if fd.Suppression == nil {
				bs.found[headKey(h, fd)]++
			}
		}
	}
	if _, err := scan.Scan(paths, st.opts); err != nil {
		return nil, fmt.Errorf("scanning the base %s: %w", shortSHA(d.Base), err)
	}
	return bs, nil
}

// parameterSets reads the templates globs and parameter files of a
// configuration, leniently: the base's configuration only has to say which
// files to read; config.Load checks it once they are there.
func parameterSets(data []byte) []struct{ glob, file string } {
	var doc struct {
		Parameters []struct {
			Templates string `yaml:"templates"`
			File      string `yaml:"file"`
		} `yaml:"parameters"`
	}
	if yaml.Unmarshal(data, &doc) != nil {
		return nil
	}
	var out []struct{ glob, file string }
	for _, s := range doc.Parameters {
		if s.File == "" {
			continue
		}
		if s.Templates == "" {
			s.Templates = "**"
		}
		out = append(out, struct{ glob, file string }{s.Templates, s.File})
	}
	return out
}

func shortSHA(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
