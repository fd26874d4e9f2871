package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(withBinDir{m}, map[string]func(){
		"lambdagate": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// withBinDir runs the tests with a folder for the binary buildBinary builds
// once, and removes it after.
type withBinDir struct{ m *testing.M }

func (w withBinDir) Run() int {
	dir, err := os.MkdirTemp("", "lambdagate-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binDir = dir
	return w.m.Run()
}

// TestScripts runs the stories in testdata/script: each .txtar file is a small
// repository, the commands run in it, and the output expected.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("GITHUB_ACTIONS", "")
			env.Setenv("LAMBDAGATE_DATE", "2026-12-01") // deprecated-runtime judges as of this day
			return nil
		},
	})
}
