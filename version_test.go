package main

import (
	"runtime/debug"
	"testing"
)

func TestVersionOf(t *testing.T) {
	info := func(v string, settings ...debug.BuildSetting) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Version: v}, Settings: settings}, true
		}
	}
	none := func() (*debug.BuildInfo, bool) { return nil, false }
	for _, tc := range []struct {
		set  string
		info func() (*debug.BuildInfo, bool)
		want string
	}{
		{"v1.4.0", info("v1.3.0"), "v1.4.0"}, // the release build's -ldflags win
		{"dev", info("v1.3.0"), "v1.3.0"},    // go install ...@v1.3.0
		{"dev", info("(devel)", debug.BuildSetting{Key: "vcs.revision", Value: "0123456789abcdef0123"}, debug.BuildSetting{Key: "vcs.modified", Value: "true"}), "dev (0123456789ab-dirty)"},
		{"dev", info("(devel)"), "dev"},
		{"dev", none, "dev"},
	} {
		if got := versionOf(tc.set, tc.info); got != tc.want {
			t.Errorf("versionOf(%q) = %q, want %q", tc.set, got, tc.want)
		}
	}
}
