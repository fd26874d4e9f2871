package scan

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestParseShard(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Shard
	}{{"1/1", Shard{1, 1}}, {"1/4", Shard{1, 4}}, {"4/4", Shard{4, 4}}, {" 2 / 3 ", Shard{2, 3}}} {
		if got, err := ParseShard(c.in); err != nil || got != c.want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "1", "0/4", "5/4", "-1/2", "1/0", "a/b", "1/2/3", "1.5/2"} {
		_, err := ParseShard(in)
		if want := fmt.Sprintf("--shard %q: use K/N with 1 <= K <= N, e.g. --shard 1/4", in); err == nil || err.Error() != want {
			t.Errorf("ParseShard(%q): error %v, want %q", in, err, want)
		}
	}
}

// shardOf scans dir once per shard of n and tells which shard read each
// template, by its path relative to dir.
func shardOf(t *testing.T, root string, n int) map[string]int {
	t.Helper()
	owner := map[string]int{}
	for k := 1; k <= n; k++ {
		res, err := Scan([]string{root}, Options{Shard: Shard{k, n}})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Files {
			rel, _ := filepath.Rel(root, f)
			if prev, dup := owner[rel]; dup {
				t.Errorf("%s is in shards %d and %d of %d", rel, prev, k, n)
			}
			owner[rel] = k
		}
	}
	return owner
}

// TestShardsSplitTheFiles: the shards of a split are disjoint and together
// scan every file; the split depends on the path relative to the scanned
// folder, not on how the folder was named; adding a file moves no other.
func TestShardsSplitTheFiles(t *testing.T) {
	dir := t.TempDir()
	for i := range 40 {
		writeTemplate(t, filepath.Join(dir, fmt.Sprintf("svc%d", i%7), fmt.Sprintf("t%d.yaml", i)))
	}
	all, err := Scan([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 2, 3, 5} {
		owner := shardOf(t, dir, n)
		if len(owner) != all.Templates {
			t.Errorf("%d shards scan %d templates together, the whole scan %d", n, len(owner), all.Templates)
		}
		if n > 1 && len(slices.Compact(slices.Sorted(maps.Values(owner)))) != n {
			t.Errorf("%d shards: some shard is empty: %v", n, owner)
		}
	}

	// What discovery reports about a file is reported by its shard only.
	outside := filepath.Join(t.TempDir(), "elsewhere.yaml")
	writeTemplate(t, outside)
	symlink(t, outside, filepath.Join(dir, "svc1", "link.yaml"))
	reported := 0
	for k := 1; k <= 3; k++ {
		res, err := Scan([]string{dir}, Options{Shard: Shard{k, 3}})
		if err != nil {
			t.Fatal(err)
		}
		reported += len(res.Errors)
	}
	if reported != 1 {
		t.Errorf("the link leading out is reported by %d of 3 shards, want 1", reported)
	}

	before := shardOf(t, dir, 3)
	wd, _ := os.Getwd()
	t.Chdir(dir)
	if got := shardOf(t, ".", 3); !maps.Equal(got, before) {
		t.Errorf("the split of . differs from the split of the same folder named absolutely:\n%v\n%v", got, before)
	}
	t.Chdir(wd)
	writeTemplate(t, filepath.Join(dir, "svc3", "new.yaml"))
	after := shardOf(t, dir, 3)
	delete(after, filepath.Join("svc3", "new.yaml"))
	if !maps.Equal(after, before) {
		t.Errorf("adding a file moved others:\nbefore %v\nafter  %v", before, after)
	}
}
