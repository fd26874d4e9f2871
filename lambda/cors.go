package lambda

// This file reads a function URL's CORS configuration (function-url-cors).

import (
	"strings"

	"github.com/lambdagate/lambdagate/template"
)

// cors reads a Cors map as it deploys, on every branch; nil when there is
// none.
func (b *builder) cors(v *template.Value) *Cors {
	if v == nil || v.Kind == template.Null {
		return nil
	}
	c := &Cors{}
	for _, m := range b.union(v) {
		for _, o := range b.strings(m.Get("AllowOrigins")) {
			if text, ok := o.Known(); ok && strings.TrimSpace(text) == "*" && !c.AnyOrigin {
				c.AnyOrigin, c.OriginPos = true, o.Pos
			}
		}
		if cred := m.Get("AllowCredentials"); cred != nil {
			for _, o := range b.strings(cred) {
				if text, ok := o.Known(); ok && strings.EqualFold(text, "true") && !c.Credentials {
					c.Credentials, c.CredentialsPos = true, o.Pos
				}
			}
		}
	}
	return c
}
