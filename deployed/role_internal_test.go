package deployed

import (
	"net/url"
	"strings"
	"testing"
)

// IAM returns documents URL-encoded per RFC 3986: they are decoded as a
// path, where a `+` is a `+`; form decoding would turn it into a space and
// change the resource.
func TestPolicyDocumentsAreDecodedAsPaths(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports+archive/a b/*"}]}`
	encoded := strings.ReplaceAll(url.QueryEscape(doc), "+", "%20") // spaces as %20, a literal + as %2B
	encoded = strings.ReplaceAll(encoded, "%2B", "+")               // and IAM may leave + unescaped
	p, err := parseDocument("inline policy \"r\" of role x", encoded)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Statements[0].Resource[0].Value; got != "arn:aws:s3:::reports+archive/a b/*" {
		t.Errorf("resource decoded as %q", got)
	}
	if _, err := parseDocument("trust policy of role x", "%7B%ZZ"); err == nil || !strings.Contains(err.Error(), "trust policy of role x is not URL-encoded") {
		t.Errorf("a malformed encoding must name the document: %v", err)
	}
}
