package checks

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/iam"
)

const awsManagedPoliciesFile = "../../shared/iam/aws-managed-policies.json"

// TestLogsManagedPolicies holds LogsManagedPolicies to the documents AWS
// publishes: each grants both logs actions (and denies neither), and the
// execution policies that do not write logs are not listed.
func TestLogsManagedPolicies(t *testing.T) {
	b, err := os.ReadFile(awsManagedPoliciesFile)
	if os.IsNotExist(err) {
		t.Skipf("%s is absent", awsManagedPoliciesFile)
	}
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]struct {
		Document json.RawMessage `json:"document"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	byName := map[string]iam.Policy{}
	for arn, p := range raw {
		name := arn[strings.LastIndex(arn, "/")+1:]
		pol, err := iam.ParseJSON(name, p.Document)
		if err != nil {
			continue
		}
		byName[name] = pol
	}
	grants := func(name string) bool {
		pol, ok := byName[name]
		if !ok {
			t.Errorf("%s is not an AWS managed policy", name)
			return false
		}
		for _, a := range logsActions {
			if allowsLogs(pol, a) != logsAllow || deniesLogs(pol, a) {
				return false
			}
		}
		return true
	}
	for _, name := range LogsManagedPolicies {
		if !grants(name) {
			t.Errorf("%s is listed, but its document does not allow %v", name, logsActions)
		}
	}
	for name := range byName {
		if grants(name) && !containsFold(LogsManagedPolicies, name) {
			t.Errorf("%s allows %v but is not listed", name, logsActions)
		}
	}
	for _, name := range []string{"AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole", "AdministratorAccess"} {
		if !containsFold(LogsManagedPolicies, name) {
			t.Errorf("%s is not listed", name)
		}
	}
	for _, name := range []string{"AWSLambdaENIManagementAccess", "AWSXRayDaemonWriteAccess", "CloudWatchLambdaInsightsExecutionRolePolicy", "AmazonChimeReadOnly"} {
		if containsFold(LogsManagedPolicies, name) {
			t.Errorf("%s is listed, but does not write a function's logs", name)
		}
	}
}

func TestLambdaLogGroup(t *testing.T) {
	for arn, want := range map[string]bool{
		"arn:aws:logs:*:*:*": true,
		"arn:aws:logs:us-east-1:1:log-group:/aws/lambda/*":    true,
		"arn:aws:logs:us-east-1:1:log-group:/aws/lambda/fn:*": true,
		"arn:aws:logs:*:*:log-group:app-logs:*":               true, // a LoggingConfig group
		"arn:aws:logs:*:*:log-group:/aws/lambda-insights:*":   false,
		"arn:aws:logs:*:*:log-group:/aws/lambda/other":        true, // another function's name, or this one's
		"arn:aws:s3:::bucket":                                 false,
	} {
		if got := lambdaLogGroup(arn); got != want {
			t.Errorf("lambdaLogGroup(%q) = %v, want %v", arn, got, want)
		}
	}
}
