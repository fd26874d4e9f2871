package report

import (
	"path/filepath"
	"strings"
)

// repoPaths turns the paths findings carry (as scanned, relative to the
// working directory or absolute) into paths relative to the repository
// root, with forward slashes, as annotations, links and SARIF need them.
type repoPaths struct {
	root  string
	cache map[string]string
}

func newRepoPaths(root string) *repoPaths {
	if root != "" {
		if r, err := filepath.EvalSymlinks(root); err == nil {
			root = r
		}
	}
	return &repoPaths{root: root, cache: map[string]string{}}
}

// RepoPath is file relative to root, slash-separated, or the cleaned file
// when it lies outside root (or root is "").
func RepoPath(root, file string) string { return newRepoPaths(root).rel(file) }

func (p *repoPaths) rel(file string) string {
	if file == "" {
		return ""
	}
	if r, ok := p.cache[file]; ok {
		return r
	}
	r := filepath.ToSlash(filepath.Clean(file))
	if p.root != "" {
		if abs, err := filepath.Abs(file); err == nil {
			// The root has its links resolved (git gives it so); resolve the
			// folder the same way, keeping the file's own name.
			if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
				abs = filepath.Join(dir, filepath.Base(abs))
			}
			if rel, err := filepath.Rel(p.root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				r = filepath.ToSlash(rel)
			}
		}
	}
	p.cache[file] = r
	return r
}
