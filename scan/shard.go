package scan

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is one part of a scan split across several runs (a CI matrix): run
// Index of Count, counted from 1. The zero Shard is the whole scan.
//
// A file belongs to a shard by a hash of its path relative to the folder it
// was found under, so every run agrees without talking to the others, and
// adding a file never moves the others to another shard.
type Shard struct{ Index, Count int }

// ParseShard reads "K/N", as in --shard 2/4.
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(s, "/")
	ki, kerr := strconv.Atoi(strings.TrimSpace(k))
	ni, nerr := strconv.Atoi(strings.TrimSpace(n))
	if !ok || kerr != nil || nerr != nil || ni < 1 || ki < 1 || ki > ni {
		return Shard{}, fmt.Errorf("--shard %q: use K/N with 1 <= K <= N, e.g. --shard 1/4", s)
	}
	return Shard{Index: ki, Count: ni}, nil
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// holds reports whether the file at rel belongs to the shard.
func (s Shard) holds(rel string) bool {
	if s.Count <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(rel))
	return int(h.Sum64()%uint64(s.Count)) == s.Index-1
}
