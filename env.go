package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lambdagate/lambdagate/report"
)

// actionEnv is the runner's environment, read once: no os.Getenv below, so
// tests can run any command in-process with any environment.
type actionEnv map[string]string

func newActionEnv(environ []string) actionEnv {
	env := actionEnv{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env
}

func (p *process) env() actionEnv { return newActionEnv(p.environ) }

// links are the summary's file:line links to the commit being checked.
func (env actionEnv) links() report.Links {
	return report.Links{ServerURL: env["GITHUB_SERVER_URL"], Repository: env["GITHUB_REPOSITORY"], SHA: env["GITHUB_SHA"]}
}

// writeOutputs appends to GITHUB_OUTPUT; without it (a local run) there is
// nowhere to write and nothing is lost.
func (env actionEnv) writeOutputs(outs []report.Output) error {
	path := env["GITHUB_OUTPUT"]
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o666)
	if err != nil {
		return fmt.Errorf("writing the outputs: %w", err)
	}
	if err := report.WriteOutputs(f, outs); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// appendSummary appends the job summary written to w (nil: none) to
// GITHUB_STEP_SUMMARY.
func (env actionEnv) appendSummary(w io.Writer, summary *bytes.Buffer) error {
	if w == nil {
		return nil
	}
	if err := appendFile(env["GITHUB_STEP_SUMMARY"], summary.Bytes()); err != nil {
		return fmt.Errorf("writing the job summary: %w", err)
	}
	return nil
}

func appendFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o666)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// get is os.Getenv over the environment read.
func (env actionEnv) get(key string) string { return env[key] }
