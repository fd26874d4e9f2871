package pullrequest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseUnifiedReadsAddedLinesAndDeletions(t *testing.T) {
	diff := `diff --git a/infra/app.yaml b/infra/app.yaml
index 1..2 100644
--- a/infra/app.yaml
+++ b/infra/app.yaml
@@ -3,0 +4,2 @@ Resources:
+      KmsKeyArn: x
+      Tracing: Active
@@ -10 +12 @@
-      Role: a
+      Role: b
@@ -20,2 +21,0 @@
-      Timeout: 3
-      MemorySize: 128
diff --git a/gone.yaml b/gone.yaml
deleted file mode 100644
--- a/gone.yaml
+++ /dev/null
@@ -1 +0,0 @@
-x
diff --git a/new empty.yaml b/new empty.yaml
new file mode 100644
diff --git "a/tab\there.yaml" "b/tab\there.yaml"
--- "a/tab\there.yaml"
+++ "b/tab\there.yaml"
@@ -1 +1 @@
-a
+b
`
	c, err := ParseUnified(strings.NewReader(diff))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		line int
		want bool
	}{{3, false}, {4, true}, {5, true}, {6, false}, {12, true}, {21, false}} {
		if got := c.Added("infra/app.yaml", tc.line); got != tc.want {
			t.Errorf("Added(app.yaml, %d) = %v, want %v", tc.line, got, tc.want)
		}
	}
	if !c.Near("infra/app.yaml", 18, 21, 0) || c.Near("infra/app.yaml", 22, 30, 0) {
		t.Error("the deletion after line 21 is not inside [18, 21] only")
	}
	if !c.Near("infra/app.yaml", 24, 24, 3) || c.Near("infra/app.yaml", 26, 26, 3) {
		t.Error("diff-context around the deletion after line 21 is wrong")
	}
	if c.Touches("gone.yaml") {
		t.Error("a deleted file is listed")
	}
	if !c.Touches("new empty.yaml") || !c.Touches("tab\there.yaml") {
		t.Errorf("files = %v", c.Files)
	}
}

// repo makes a git repository with a base commit on main and a pull request
// branch, and returns its folder and the two commits.
func repo(t *testing.T) (dir, base, head string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir = t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q", "-b", "main")
	write("app.yaml", "a\nb\nc\nd\n")
	write("other.yaml", "x\n")
	git("add", ".")
	git("commit", "-qm", "base")
	base = git("rev-parse", "HEAD")
	git("checkout", "-qb", "pr")
	write("app.yaml", "a\nB\nc\nd\ne\n")
	git("commit", "-qam", "pr")
	head = git("rev-parse", "HEAD")
	return dir, base, head
}

func TestDiffChangeComparesBaseWithHead(t *testing.T) {
	dir, base, head := repo(t)
	ev := &Event{PullRequest: &PullRequest{Base: Branch{SHA: base}, Head: Branch{SHA: head}}}
	d, err := DiffChange(context.Background(), Git{Dir: dir}, ev)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Changes.Lines || !d.Changes.Added("app.yaml", 2) || !d.Changes.Added("app.yaml", 5) || d.Changes.Added("app.yaml", 3) || d.Changes.Touches("other.yaml") {
		t.Errorf("changes = %+v (%s)", d.Changes.Files["app.yaml"], d.Command)
	}
	if !strings.Contains(d.Command, base+"...HEAD") {
		t.Errorf("command = %s", d.Command)
	}
}

func TestDiffChangeOnTheTestMergeCommitUsesItsFirstParent(t *testing.T) {
	dir, base, head := repo(t)
	cmd := exec.Command("git", "-c", "user.name=t", "-c", "user.email=t@example.com", "checkout", "-q", "--detach", base)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	cmd = exec.Command("git", "-c", "user.name=t", "-c", "user.email=t@example.com", "merge", "-q", "--no-ff", "-m", "merge", head)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	ev := &Event{PullRequest: &PullRequest{Base: Branch{SHA: "0123456789abcdef0123456789abcdef01234567"}, Head: Branch{SHA: head}}}
	d, err := DiffChange(context.Background(), Git{Dir: dir}, ev)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Command, "HEAD^1...HEAD") || !d.Changes.Added("app.yaml", 2) {
		t.Errorf("command %s, changes %+v", d.Command, d.Changes.Files)
	}
}

func TestDiffChangeSaysWhenTheHistoryIsTooShallow(t *testing.T) {
	dir, _, head := repo(t)
	ev := &Event{PullRequest: &PullRequest{Base: Branch{SHA: "0123456789abcdef0123456789abcdef01234567"}, Head: Branch{SHA: head}}}
	_, err := DiffChange(context.Background(), Git{Dir: dir}, ev)
	if !errors.Is(err, ErrShallow) || !strings.Contains(err.Error(), "fetch-depth") {
		t.Errorf("err = %v, want ErrShallow naming fetch-depth", err)
	}
}

func TestEventBaseAndHead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "event.json")
	for _, tc := range []struct{ payload, base, head string }{
		{`{"pull_request": {"number": 3, "base": {"sha": "b1"}, "head": {"sha": "h1"}}}`, "b1", "h1"},
		{`{"before": "b2", "after": "h2"}`, "b2", "h2"},
		{`{"before": "0000000000000000000000000000000000000000", "after": "h3"}`, "", "h3"},
		{`{"inputs": {}}`, "", ""},
	} {
		if err := os.WriteFile(path, []byte(tc.payload), 0o644); err != nil {
			t.Fatal(err)
		}
		ev, err := ReadEvent(path)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Base() != tc.base || ev.Head() != tc.head {
			t.Errorf("%s: base %q head %q, want %q %q", tc.payload, ev.Base(), ev.Head(), tc.base, tc.head)
		}
	}
}

func TestParseUnifiedReadsRenamesAndMoves(t *testing.T) {
	diff := `diff --git a/old/app.yaml b/infra/app.yaml
similarity index 90%
rename from old/app.yaml
rename to infra/app.yaml
index 1..2 100644
--- a/old/app.yaml
+++ b/infra/app.yaml
@@ -2,2 +1,0 @@
-  Bad2:
-    Type: AWS::Lambda::Function
@@ -9,0 +8,4 @@
+  Bad2:
+      Type: AWS::Lambda::Function
+--- not a header
+    Timeout: 3
diff --git a/same.yaml b/moved/same.yaml
similarity index 100%
rename from same.yaml
rename to moved/same.yaml
diff --git a/t.json b/t.json
--- a/t.json
+++ b/t.json
@@ -5 +5 @@
-    }
+    },
@@ -6,0 +7 @@
+    "Queue": {"Type": "AWS::SQS::Queue"}
diff --git a/new.yaml b/new.yaml
new file mode 100644
--- /dev/null
+++ b/new.yaml
@@ -0,0 +1 @@
+Resources: {}
`
	c, err := ParseUnified(strings.NewReader(diff))
	if err != nil {
		t.Fatal(err)
	}
	if f := c.Files["infra/app.yaml"]; f == nil || f.Old != "old/app.yaml" {
		t.Fatalf("the rename: %+v", c.Files["infra/app.yaml"])
	}
	if f := c.Files["moved/same.yaml"]; f == nil || f.Old != "same.yaml" || len(f.Added) != 0 {
		t.Errorf("the pure rename: %+v", c.Files["moved/same.yaml"])
	}
	if f := c.Files["new.yaml"]; f == nil || f.Old != "" {
		t.Errorf("the new file: %+v", c.Files["new.yaml"])
	}
	if f := c.Files["t.json"]; f == nil || f.Old != "t.json" {
		t.Errorf("the edited file: %+v", c.Files["t.json"])
	}
	for _, tc := range []struct {
		path        string
		line        int
		added, chgd bool
	}{
		{"infra/app.yaml", 8, true, false}, // moved
		{"infra/app.yaml", 9, true, false}, // moved and re-indented
		{"infra/app.yaml", 10, true, true}, // a hunk line that looks like a header
		{"infra/app.yaml", 11, true, true}, // added
		{"t.json", 5, true, false},         // } became },
		{"t.json", 7, true, true},          // the appended resource
		{"new.yaml", 1, true, true},
	} {
		if a, ch := c.Added(tc.path, tc.line), c.Changed(tc.path, tc.line); a != tc.added || ch != tc.chgd {
			t.Errorf("%s:%d: Added %v Changed %v, want %v %v", tc.path, tc.line, a, ch, tc.added, tc.chgd)
		}
	}
	if r := c.Renamed(); r["old/app.yaml"] != "infra/app.yaml" || r["same.yaml"] != "moved/same.yaml" || len(r) != 2 {
		t.Errorf("Renamed = %v", r)
	}
}

func TestShowReadsFilesOfACommitWithoutACheckout(t *testing.T) {
	dir, base, head := repo(t)
	g := Git{Dir: dir}
	ev := &Event{PullRequest: &PullRequest{Base: Branch{SHA: base}, Head: Branch{SHA: head}}}
	d, err := DiffChange(context.Background(), g, ev)
	if err != nil {
		t.Fatal(err)
	}
	if d.Base != base {
		t.Errorf("Diff.Base = %s, want the merge base %s", d.Base, base)
	}
	got, err := g.Show(context.Background(), base, []string{"app.yaml", "missing.yaml", "other.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if string(got["app.yaml"]) != "a\nb\nc\nd\n" || string(got["other.yaml"]) != "x\n" || len(got) != 2 {
		t.Errorf("Show = %q", got)
	}
	files, err := g.Files(context.Background(), base)
	if err != nil || strings.Join(files, ",") != "app.yaml,other.yaml" {
		t.Errorf("Files = %v, %v", files, err)
	}
}
