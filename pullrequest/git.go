package pullrequest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Git runs git in a work tree. The Action's container runs as root while the
// workspace belongs to the runner's user, which git (since 2.35.2) refuses as
// "dubious ownership"; Git trusts the work tree and its parents on the
// command line (a protected scope), so nothing is written to any config.
type Git struct {
	Dir string
}

func (g Git) command(ctx context.Context, args ...string) *exec.Cmd {
	var pre []string
	if abs, err := filepath.Abs(g.Dir); err == nil {
		for d := abs; ; d = filepath.Dir(d) {
			pre = append(pre, "-c", "safe.directory="+filepath.ToSlash(d))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	cmd := exec.CommandContext(ctx, "git", append(pre, args...)...)
	cmd.Dir = g.Dir
	// The user's configuration must not change the output we parse.
	cmd.Env = append(cmd.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
	return cmd
}

// Run runs git and returns its standard output; a failure carries git's
// own message.
func (g Git) Run(ctx context.Context, args ...string) ([]byte, error) {
	cmd := g.command(ctx, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
	}
	return out, nil
}

// TopLevel is the root of the work tree, with symbolic links resolved.
func (g Git) TopLevel(ctx context.Context) (string, error) {
	out, err := g.Run(ctx, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// diffArgs make the output independent of the user's git configuration.
var diffArgs = []string{"diff", "--no-color", "--no-ext-diff", "--no-textconv", "--find-renames",
	"--no-relative", "--src-prefix=a/", "--dst-prefix=b/", "--unified=0"}

// Diff says what a change touches and how that was found out.
type Diff struct {
	Changes *Changes
	// Command is the git command that gave the changes.
	Command string
	// Base is the commit the head is compared with, when the changes have
	// lines: the test merge commit's first parent, or the merge base of the
	// event's base and HEAD. The base versions of the files are read there.
	Base string
}

// ErrShallow says that the history in the checkout is too short to compare
// the change's base and head.
var ErrShallow = errors.New("the history is too shallow")

// strategy is one way of finding a change's diff; the first that works wins.
type strategy struct {
	// when reports whether it applies, and the BASE and HEAD to compare.
	when  func(ctx context.Context, g Git, ev *Event) (base, head string, ok bool)
	lines bool // a line diff (BASE...HEAD), or only the files (BASE HEAD)
}

// strategies, best first:
//   - the pull_request checkout is GitHub's test merge commit, whose first
//     parent is the base branch's tip: HEAD^1...HEAD is exactly the pull
//     request as it would merge, in the line numbers of the files scanned
//     (fetch-depth: 2 suffices);
//   - otherwise BASE...HEAD, the event's base against the commit checked
//     out (fetch-depth: 0);
//   - with too little history for a merge base, the files that differ
//     between BASE and HEAD, if both commits are here.
var strategies = []strategy{
	{when: testMerge, lines: true},
	{when: eventBase, lines: true},
	{when: eventBase, lines: false},
}

func testMerge(ctx context.Context, g Git, ev *Event) (string, string, bool) {
	if ev.PullRequest == nil {
		return "", "", false
	}
	second, err := g.Run(ctx, "rev-parse", "--verify", "--quiet", "HEAD^2")
	if err != nil {
		return "", "", false
	}
	if head := ev.Head(); head != "" && strings.TrimSpace(string(second)) != head {
		return "", "", false
	}
	return "HEAD^1", "HEAD", true
}

func eventBase(ctx context.Context, g Git, ev *Event) (string, string, bool) {
	base := ev.Base()
	return base, "HEAD", base != ""
}

// DiffChange finds what the event's change touches in the work tree.
// It returns ErrShallow (wrapped, with what to do) when no strategy works.
func DiffChange(ctx context.Context, g Git, ev *Event) (*Diff, error) {
	if ev.Base() == "" {
		return nil, fmt.Errorf("the event has no base commit to compare with")
	}
	var tried []string
	for _, s := range strategies {
		base, head, ok := s.when(ctx, g, ev)
		if !ok {
			continue
		}
		args := append([]string{}, diffArgs...)
		if s.lines {
			args = append(args, base+"..."+head)
		} else {
			args = append(args, "--name-only", base, head)
		}
		args = append(args, "--")
		out, err := g.Run(ctx, args...)
		if err != nil {
			tried = append(tried, err.Error())
			continue
		}
		d := &Diff{Command: "git " + strings.Join(args, " ")}
		if s.lines {
			// BASE...HEAD compares HEAD with the merge base.
			mb, err := g.Run(ctx, "merge-base", base, head)
			if err != nil {
				return nil, err
			}
			d.Base = strings.TrimSpace(string(mb))
			d.Changes, err = ParseUnified(bytes.NewReader(out))
			if err != nil {
				return nil, err
			}
		} else {
			d.Changes = nameOnly(out)
		}
		return d, nil
	}
	return nil, &ShallowError{Base: ev.Base(), Head: ev.Head(), Git: tried}
}

// ShallowError is ErrShallow with the commits that could not be compared
// and what git said of each attempt.
type ShallowError struct {
	Base, Head string
	Git        []string // git's own messages, one per attempt
}

func (e *ShallowError) Error() string {
	return fmt.Sprintf("%v to compare %s with %s (%s); check out with fetch-depth: 2 (or 0) in actions/checkout",
		ErrShallow, short(e.Base), short(e.Head), strings.Join(e.Git, "; "))
}

func (e *ShallowError) Is(target error) bool { return target == ErrShallow }

func nameOnly(out []byte) *Changes {
	c := &Changes{Files: map[string]*File{}}
	for _, line := range strings.Split(string(out), "\n") {
		if line == "" {
			continue
		}
		if p, err := unquote(line); err == nil {
			c.file(p)
		}
	}
	return c
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	if sha == "" {
		return "(none)"
	}
	return sha
}

// Show reads the files at paths (relative to the repository root, with /)
// as they are in commit rev, in one git process, without a checkout. A path
// the commit lacks (or that is not a file there) is left out of the map.
func (g Git) Show(ctx context.Context, rev string, paths []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	if len(paths) == 0 {
		return out, nil
	}
	var in bytes.Buffer
	for _, p := range paths {
		if strings.ContainsAny(p, "\n\r") {
			continue // cat-file reads one name a line
		}
		fmt.Fprintf(&in, "%s:%s\n", rev, p)
	}
	cmd := g.command(ctx, "cat-file", "--batch")
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git cat-file --batch (reading %d files of %s): %s", len(paths), short(rev), strings.TrimSpace(stderr.String()+" "+err.Error()))
	}
	for _, p := range paths {
		if strings.ContainsAny(p, "\n\r") {
			continue
		}
		nl := bytes.IndexByte(data, '\n')
		if nl < 0 {
			return nil, fmt.Errorf("git cat-file --batch: the output ends early at %s", p)
		}
		header := strings.Fields(string(data[:nl]))
		data = data[nl+1:]
		if len(header) != 3 {
			continue // "<name> missing", "ambiguous"
		}
		size, err := strconv.Atoi(header[2])
		if err != nil || size+1 > len(data) {
			return nil, fmt.Errorf("git cat-file --batch: cannot read %q", strings.Join(header, " "))
		}
		if header[1] == "blob" {
			out[p] = data[:size:size]
		}
		data = data[size+1:]
	}
	return out, nil
}

// Files lists the files of commit rev (paths relative to the root, with /).
func (g Git) Files(ctx context.Context, rev string) ([]string, error) {
	out, err := g.Run(ctx, "ls-tree", "-r", "-z", "--name-only", "--full-tree", rev)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, p := range strings.Split(string(out), "\x00") {
		if p != "" {
			files = append(files, p)
		}
	}
	return files, nil
}
