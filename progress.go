package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

// showProgress decides whether a scan may show its progress: only to a
// person, that is when stderr is a terminal and no CI system runs us (CI
// logs keep every carriage return as a line of noise).
func showProgress(stderrIsTerminal bool, getenv func(string) string) bool {
	return stderrIsTerminal && getenv("CI") == "" && getenv("GITHUB_ACTIONS") == ""
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress shows "files done/total" on one line of w, rewritten in place,
// once the work has taken longer than a delay; quick scans print nothing.
type progress struct {
	w           io.Writer
	done, total atomic.Int64
	stop        chan struct{}
	wg          sync.WaitGroup
}

func startProgress(w io.Writer, delay, every time.Duration) *progress {
	p := &progress{w: w, stop: make(chan struct{})}
	p.wg.Go(func() {
		select {
		case <-p.stop:
			return
		case <-time.After(delay):
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		width := 0
		for {
			line := fmt.Sprintf("\rlambdagate: %d/%d files", p.done.Load(), p.total.Load())
			width = max(width, len(line))
			fmt.Fprint(p.w, line)
			select {
			case <-p.stop:
				fmt.Fprintf(p.w, "\r%*s\r", width, "") // leave the terminal clean
				return
			case <-tick.C:
			}
		}
	})
	return p
}

// update is scan.Options.Progress.
func (p *progress) update(done, total int) {
	p.done.Store(int64(done))
	p.total.Store(int64(total))
}

// end stops the display and clears its line.
func (p *progress) end() {
	close(p.stop)
	p.wg.Wait()
}
