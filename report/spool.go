package report

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
)

// spool holds output rendered as the results come until the end of the run,
// when what must be written before it is known: a temporary file, or memory
// when none can be made. Memory then stays flat in the number of findings.
type spool struct {
	f   *os.File
	mem bytes.Buffer
	w   *bufio.Writer
}

func newSpool() *spool {
	s := &spool{}
	if f, err := os.CreateTemp("", "lambdagate-spool-*"); err == nil {
		s.f = f
		os.Remove(f.Name()) // where open files can be removed, nothing is left behind even on a crash
		s.w = bufio.NewWriter(f)
	} else {
		s.w = bufio.NewWriter(&s.mem)
	}
	return s
}

// reader reads the spool from its start.
func (s *spool) reader() (io.Reader, error) {
	if err := s.w.Flush(); err != nil {
		return nil, fmt.Errorf("the output's spool: %w", err)
	}
	if s.f == nil {
		return bytes.NewReader(s.mem.Bytes()), nil
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("the output's spool: %w", err)
	}
	return bufio.NewReader(s.f), nil
}

func (s *spool) close() {
	if s.f != nil {
		name := s.f.Name()
		s.f.Close()
		os.Remove(name)
	}
}
