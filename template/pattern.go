package template

import "regexp"

// matchesEmpty reports whether a parameter's AllowedPattern accepts the empty
// string. CloudFormation anchors the pattern to the whole value; a pattern Go
// cannot compile is taken to accept it, so the warning errs on the side of
// being shown.
func matchesEmpty(pattern string) bool {
	re, err := regexp.Compile(`^(?:` + pattern + `)$`)
	if err != nil {
		return true
	}
	return re.MatchString("")
}
