package checks

import (
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/lambda"
)

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestRuntimeTable pins a few rows of the runtime table as AWS publishes
// them, and checks that every row says where its dates come from.
func TestRuntimeTable(t *testing.T) {
	pins := []struct{ id, deprecated, create, update string }{
		{"python3.8", "2024-10-14", "2025-02-28", "2025-03-31"},
		{"nodejs16.x", "2024-06-12", "2025-02-28", "2025-03-31"},
		{"go1.x", "2024-01-08", "2024-02-08", "2025-02-28"},
		{"python2.7", "2021-07-15", "2021-07-15", "2022-05-30"},
	}
	for _, p := range pins {
		r, ok := Runtimes[p.id]
		if !ok {
			t.Errorf("%s is not in the table", p.id)
			continue
		}
		if !r.Deprecated.Equal(date(p.deprecated)) || !r.BlockCreate.Equal(date(p.create)) || !r.BlockUpdate.Equal(date(p.update)) {
			t.Errorf("%s: got %v %v %v, want %s %s %s", p.id, r.Deprecated, r.BlockCreate, r.BlockUpdate, p.deprecated, p.create, p.update)
		}
	}
	for id, r := range Runtimes {
		if !strings.HasPrefix(runtimeSources[r.Source], "https://docs.aws.amazon.com/") {
			t.Errorf("%s: source %q is not an AWS page", id, r.Source)
		}
		if !r.BlockUpdate.IsZero() && r.BlockUpdate.Before(r.BlockCreate) {
			t.Errorf("%s: Lambda blocks updates (%v) before creation (%v)", id, r.BlockUpdate, r.BlockCreate)
		}
	}
	if _, ok := Runtimes["python3.13"]; !ok {
		t.Error("a supported runtime is missing")
	}
}

func TestRuntimeTableRejectsMalformedRows(t *testing.T) {
	for _, bad := range []string{
		"python3.8\t2024-10-14\t2025-02-28\truntimes",                                  // a field short
		"python3.8\t14 Oct 2024\t2025-02-28\t2025-03-31\truntimes",                     // not a date
		"python3.8\t-\t2025-02-28\t2025-03-31\truntimes",                               // no deprecation
		"python3.8\t2024-10-14\t2025-02-28\t2025-03-31\tblog",                          // not a known source
		"python3.9\t2025-12-15\t-\t-\truntimes\npython3.8\t2024-10-14\t-\t-\truntimes", // out of order
		"python3.8\t2024-10-14\t-\t-\truntimes\npython3.8\t2024-10-14\t-\t-\truntimes", // repeated
	} {
		if _, err := parseRuntimes(bad); err == nil {
			t.Errorf("parseRuntimes(%q) accepted it", bad)
		}
	}
}

// TestDeprecatedRuntimeDates: the verdict follows the scan date, never the
// clock: before the 90 days nothing, within them a notice, from the
// deprecation date a warning.
func TestDeprecatedRuntimeDates(t *testing.T) {
	fn := &lambda.Function{Resource: "Fn", Runtime: []lambda.Setting{{State: lambda.Literal, Text: "nodejs22.x"}}}
	for _, c := range []struct {
		today string
		want  Severity
	}{
		{"2026-12-01", 0},
		{"2027-01-29", 0},      // 91 days before
		{"2027-01-30", Notice}, // 90 days before 2027-04-30
		{"2027-04-29", Notice},
		{"2027-04-30", Warning},
		{"2028-01-01", Warning},
	} {
		p := NewPass(Options{Today: date(c.today)})
		p.Run([]*Check{DeprecatedRuntime}, []*lambda.Function{fn})
		var got Severity
		for _, f := range p.Findings() {
			got = f.Severity
		}
		if got != c.want {
			t.Errorf("on %s: got %v, want %v (%v)", c.today, got, c.want, p.Findings())
		}
	}
}

// TestDeputyServices pins the rows the rule leans on and rejects malformed ones.
func TestDeputyServices(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range DeputyServices {
		if !strings.HasSuffix(s.Principal, ".amazonaws.com") || s.Name == "" || !strings.HasPrefix(s.Doc, "https://docs.aws.amazon.com/") {
			t.Errorf("malformed row %+v", s)
		}
		if seen[s.Principal] {
			t.Errorf("%s is listed twice", s.Principal)
		}
		seen[s.Principal] = true
	}
	for principal, accountInARN := range map[string]bool{
		"s3.amazonaws.com": false, "sns.amazonaws.com": true, "events.amazonaws.com": true,
		"logs.amazonaws.com": true, "apigateway.amazonaws.com": true,
	} {
		s, ok := deputyService(principal)
		if !ok || s.AccountInARN != accountInARN {
			t.Errorf("%s: got %+v, %v; want AccountInARN %v", principal, s, ok, accountInARN)
		}
	}
}

// TestDefaultOff: reserved-concurrency is listed but does not run by default.
func TestDefaultOff(t *testing.T) {
	for _, c := range Default() {
		if c.ID == "reserved-concurrency" {
			t.Error("reserved-concurrency runs by default")
		}
	}
	if ByID("reserved-concurrency") == nil {
		t.Error("reserved-concurrency is not a rule")
	}
}
