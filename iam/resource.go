package iam

import (
	"regexp"
	"strings"
)

// resourceType matches the resource type that starts most ARNs' resource part:
// "table/" in table/Orders, "log-group:" in log-group:/aws/lambda/x.
var resourceType = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*[/:]`)

// everyResource reports whether a Resource selects every resource of its type: "*", or an
// ARN whose resource part is nothing but wildcards and separators once its resource type
// is taken off. A string known only in part counts when its resource part is such a
// literal wildcard (arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*):
// a part known only at deploy time there is the name the template scopes it to, and so is
// an IAM policy variable (${aws:username}).
func everyResource(r Str) bool {
	v := r.text()
	if !r.Intrinsic && onlyWildcards(v) {
		return true
	}
	if !strings.HasPrefix(v, "arn:") {
		return false
	}
	parts := splitARN(v)
	last := parts[len(parts)-1]
	if len(parts) < 6 {
		// arn:aws:s3* and the like: IAM's wildcard crosses colons, so a short ARN that
		// ends in wildcards covers every resource after it.
		return !named(last) && strings.HasSuffix(last, "*")
	}
	if named(last) {
		return false
	}
	// S3 ARNs have no resource type: arn:aws:s3:::bucket/* names a bucket;
	// arn:aws:s3:::/* (an empty parameter in the bucket's place) names none,
	// since a bucket's name has 3 to 63 characters.
	if parts[2] == "s3" && strings.HasPrefix(last, "/") {
		return false
	}
	if parts[2] != "s3" {
		last = resourceType.ReplaceAllString(last, "")
	}
	return last != "" && strings.Trim(last, "*?/:") == ""
}

// named reports whether a resource part holds a name given at deploy time
// or an IAM policy variable.
func named(part string) bool {
	return strings.ContainsRune(part, deployTime) || strings.Contains(part, "${")
}

// splitARN splits an ARN into at most six fields at colons, keeping ${...} whole so that
// ${AWS::Region} and ${aws:userid} stay inside their field.
func splitARN(arn string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(arn) && len(parts) < 5; i++ {
		switch {
		case strings.HasPrefix(arn[i:], "${"):
			depth++
			i++
		case arn[i] == '}' && depth > 0:
			depth--
		case arn[i] == ':' && depth == 0:
			parts = append(parts, arn[start:i])
			start = i + 1
		}
	}
	return append(parts, arn[start:])
}
