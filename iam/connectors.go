package iam

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"
)

// The SAM translator's connector profiles: what an AWS::Serverless::Connector
// (or a function's Connectors) grants its source on its destination, by
// source type, destination type and access category (Read, Write). See
// samconnectors/NOTICE for source and licence.
//
//go:embed samconnectors/profiles.json
var connectorProfilesJSON []byte

// ConnectorStatement is one statement of a connector profile. Its resources
// hold SAM's placeholders, such as %{Destination.Arn}.
type ConnectorStatement struct {
	Effect   string
	Action   []string
	Resource []string
}

type connectorProfile struct {
	Type       string
	Properties struct {
		AccessCategories map[string]struct {
			Statement []struct {
				Effect   string
				Action   stringOrListJSON
				Resource stringOrListJSON
			}
		}
	}
}

var connectorProfiles = sync.OnceValue(func() map[string]map[string]connectorProfile {
	var doc struct {
		Permissions map[string]map[string]connectorProfile
	}
	if err := json.Unmarshal(connectorProfilesJSON, &doc); err != nil {
		panic(fmt.Sprintf("iam: samconnectors/profiles.json: %v; restore it from samtranslator", err))
	}
	return doc.Permissions
})

// ConnectorStatements returns the statements a connector from a source of
// one type to a destination of another grants for an access category, and
// whether SAM knows that pair. Profiles that are not IAM role policies
// (resource policies, such as a queue policy for SNS) grant the source's
// role nothing: none is returned for them.
func ConnectorStatements(source, destination, category string) ([]ConnectorStatement, bool) {
	p, ok := connectorProfiles()[source][destination]
	if !ok {
		return nil, false
	}
	if p.Type != "AWS_IAM_ROLE_MANAGED_POLICY" {
		return nil, true
	}
	var out []ConnectorStatement
	for _, st := range p.Properties.AccessCategories[category].Statement {
		out = append(out, ConnectorStatement{Effect: st.Effect, Action: st.Action, Resource: st.Resource})
	}
	return out, true
}
