package scan

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/evaluation"
)

func writeTemplate(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(function), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make symbolic links here: %v", err)
	}
}

// scanWithin runs Scan and fails the test if it has not returned in ten
// seconds (a link loop or a FIFO would hang it).
func scanWithin(t *testing.T, paths []string, opts Options) *evaluation.Result {
	t.Helper()
	type out struct {
		res *evaluation.Result
		err error
	}
	c := make(chan out, 1)
	go func() {
		res, err := Scan(paths, opts)
		c <- out{res, err}
	}()
	select {
	case o := <-c:
		if o.err != nil {
			t.Fatal(o.err)
		}
		return o.res
	case <-time.After(10 * time.Second):
		t.Fatalf("scanning %v did not end in 10s", paths)
	}
	return nil
}

func rels(dir string, paths []string) []string {
	var out []string
	for _, p := range paths {
		r, _ := filepath.Rel(dir, p)
		out = append(out, filepath.ToSlash(r))
	}
	return out
}

// TestSymbolicLinks: links that lead out of the scanned folder, to a file or
// a folder, are not followed and are reported as errors; links to templates
// inside are read; links to folders inside are not walked twice; loops end.
func TestSymbolicLinks(t *testing.T) {
	base := t.TempDir()
	root, outside := filepath.Join(base, "repo"), filepath.Join(base, "outside")
	writeTemplate(t, filepath.Join(outside, "secret.yaml"))
	writeTemplate(t, filepath.Join(root, "sub", "real.yaml"))
	symlink(t, filepath.Join(outside, "secret.yaml"), filepath.Join(root, "out.yaml"))
	symlink(t, outside, filepath.Join(root, "outdir"))
	symlink(t, "../..", filepath.Join(root, "sub", "up")) // the parent of the root: outside, and a loop
	symlink(t, "sub/real.yaml", filepath.Join(root, "in.yaml"))
	symlink(t, "sub", filepath.Join(root, "indir"))
	symlink(t, ".", filepath.Join(root, "sub", "self")) // a loop inside
	symlink(t, "loop2.yaml", filepath.Join(root, "loop1.yaml"))
	symlink(t, "loop1.yaml", filepath.Join(root, "loop2.yaml"))
	symlink(t, "missing.yaml", filepath.Join(root, "broken.yaml"))

	res := scanWithin(t, []string{root}, Options{})
	if got, want := rels(root, res.Files), []string{"in.yaml", "sub/real.yaml"}; !slices.Equal(got, want) {
		t.Errorf("templates read %q, want %q", got, want)
	}
	var errs []string
	for _, e := range res.Errors {
		errs = append(errs, strings.ReplaceAll(e.Error(), base+string(filepath.Separator), ""))
	}
	wantErrs := []string{
		"repo/out.yaml: a symbolic link to outside/secret.yaml, outside the scanned folder; not followed (scan the file itself, or --exclude this link)",
		"repo/outdir: a symbolic link to the folder outside, outside the scanned folder; not followed (scan that folder itself, or --exclude this link)",
		"repo/sub/up: a symbolic link to the folder " + strings.TrimSuffix(base, string(filepath.Separator)) + ", outside the scanned folder; not followed (scan that folder itself, or --exclude this link)",
	}
	wantErrs[2] = strings.ReplaceAll(wantErrs[2], base+string(filepath.Separator), "")
	if !slices.Equal(errs, wantErrs) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(errs, "\n"), strings.Join(wantErrs, "\n"))
	}
	var skipped []string
	for _, s := range res.Skipped {
		r, _ := filepath.Rel(root, s.Path)
		skipped = append(skipped, r+": "+s.Reason)
	}
	wantSkipped := []string{
		"broken.yaml: a broken or looping symbolic link",
		"indir: a symbolic link to a folder inside the scanned folder; not followed, its files are scanned where they lie",
		"loop1.yaml: a broken or looping symbolic link",
		"loop2.yaml: a broken or looping symbolic link",
		"sub/self: a symbolic link to a folder inside the scanned folder; not followed, its files are scanned where they lie",
	}
	if !slices.Equal(skipped, wantSkipped) {
		t.Errorf("skipped:\n%s\nwant:\n%s", strings.Join(skipped, "\n"), strings.Join(wantSkipped, "\n"))
	}

	// A link excluded by the user is not reported.
	res = scanWithin(t, []string{root}, Options{Exclude: []string{"out*", "sub/up"}})
	if len(res.Errors) != 0 {
		t.Errorf("excluded links still reported: %v", res.Errors)
	}

	// A root that is itself a link to a folder is walked.
	link := filepath.Join(base, "repo-link")
	symlink(t, root, link)
	res = scanWithin(t, []string{link}, Options{})
	if got, want := rels(link, res.Files), []string{"in.yaml", "sub/real.yaml"}; !slices.Equal(got, want) {
		t.Errorf("through a linked root: templates read %q, want %q", got, want)
	}
}

// TestSpecialFiles: a FIFO is skipped without being opened (opening one
// blocks), in a folder or named on the command line, and so is a device.
func TestSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	writeTemplate(t, filepath.Join(dir, "good.yaml"))
	for _, paths := range [][]string{{dir}, {fifo, filepath.Join(dir, "good.yaml")}} {
		res := scanWithin(t, paths, Options{})
		want := []evaluation.Skipped{{Path: fifo, Reason: "not a regular file"}}
		if !slices.Equal(res.Skipped, want) || len(res.Errors) != 0 || res.Templates != 1 {
			t.Errorf("scan %v: skipped %v, errors %v, %d templates; want the FIFO skipped and good.yaml read", paths, res.Skipped, res.Errors, res.Templates)
		}
	}
	if _, err := os.Stat("/dev/null"); err == nil {
		res := scanWithin(t, []string{"/dev/null"}, Options{})
		if want := []evaluation.Skipped{{Path: "/dev/null", Reason: "not a regular file"}}; !slices.Equal(res.Skipped, want) {
			t.Errorf("/dev/null: skipped %v, want %v", res.Skipped, want)
		}
	}
}

// TestUnreadableFile: a file that cannot be read is an error naming it, and
// the scan goes on. Root reads everything, so there the test cannot fail
// the read and says so.
func TestUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "locked.yaml")
	writeTemplate(t, p)
	writeTemplate(t, filepath.Join(dir, "open.yaml"))
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.ReadFile(p); err == nil {
		t.Skip("running as root (or with CAP_DAC_OVERRIDE): a mode-000 file is still readable, so there is no unreadable file to test")
	}
	res := scanWithin(t, []string{dir}, Options{})
	want := p + ": cannot read: permission denied"
	if len(res.Errors) != 1 || res.Errors[0].Error() != want || res.Templates != 1 {
		t.Errorf("errors %v, %d templates; want %q and open.yaml read", res.Errors, res.Templates, want)
	}
}
