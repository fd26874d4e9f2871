// Package source holds positions in the files lambdagate reads. Every fact the
// checks see carries one, so a finding can land on the exact line that caused it.
// A deployed fact (read from AWS) has no file and a zero position.
package source

import "fmt"

// Pos is a 1-based line and column in a file. The zero Pos means "no position".
type Pos struct {
	File   string
	Line   int
	Column int
}

// Known reports whether the position points into a file.
func (p Pos) Known() bool { return p.File != "" && p.Line > 0 }

// String renders file:line:col, leaving out what is not known.
func (p Pos) String() string {
	switch {
	case p.File == "":
		return "-"
	case p.Line <= 0:
		return p.File
	case p.Column <= 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}
