package checks

import (
	"fmt"
	"strings"
	"time"
)

// runtimeTable is Lambda's managed runtimes with the three dates AWS
// publishes for each: deprecation, then the dates from which Lambda blocks
// creating and then updating functions that use it. Tab-separated:
// identifier, deprecation, block create, block update, source. A date
// AWS has not published is "-".
//
// Sources, by key:
//
//	runtimes   https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
//	           (the "Supported runtimes" and "Deprecated runtimes" tables)
//	policy     https://docs.aws.amazon.com/lambda/latest/dg/runtime-support-policy.html
//	           (runtimes retired before the tables had block dates: all
//	           three dates are the retirement date)
//
// Keep it sorted by identifier; TestRuntimeTable rejects malformed rows.
const runtimeTable = `
dotnet10	2028-11-14	2028-12-14	2029-01-15	runtimes
dotnet6	2024-12-20	2027-02-01	2027-03-03	runtimes
dotnet7	2024-05-14	2024-05-14	2024-05-14	runtimes
dotnet8	2026-11-10	2027-02-01	2027-03-03	runtimes
dotnetcore1.0	2019-06-27	2019-07-30	2019-07-30	policy
dotnetcore2.0	2019-05-30	2019-05-30	2019-05-30	policy
dotnetcore2.1	2022-01-05	2022-01-05	2022-04-13	runtimes
dotnetcore3.1	2023-04-03	2023-04-03	2023-05-03	runtimes
go1.x	2024-01-08	2024-02-08	2025-02-28	runtimes
java11	2026-06-30	2026-07-31	2026-08-31	runtimes
java17	2026-06-30	2026-07-31	2026-08-31	runtimes
java21	2029-06-30	2029-07-31	2029-08-31	runtimes
java25	2029-06-30	2029-07-31	2029-08-31	runtimes
java8	2024-01-08	2024-02-08	2025-02-28	runtimes
java8.al2	2026-06-30	2026-07-31	2026-08-31	runtimes
nodejs	2016-10-31	2016-10-31	2016-10-31	policy
nodejs10.x	2021-07-30	2021-07-30	2022-02-14	runtimes
nodejs12.x	2023-03-31	2023-03-31	2023-04-30	runtimes
nodejs14.x	2023-12-04	2024-01-09	2025-02-28	runtimes
nodejs16.x	2024-06-12	2025-02-28	2025-03-31	runtimes
nodejs18.x	2025-09-01	2026-02-03	2026-03-09	runtimes
nodejs20.x	2026-04-30	2026-08-31	2026-09-30	runtimes
nodejs22.x	2027-04-30	2027-06-01	2027-07-01	runtimes
nodejs24.x	2028-04-30	2028-06-01	2028-07-01	runtimes
nodejs4.3	2020-03-05	2020-03-05	2020-03-05	policy
nodejs4.3-edge	2020-03-05	2019-04-30	2019-04-30	policy
nodejs6.10	2019-08-12	2019-08-12	2019-08-12	policy
nodejs8.10	2020-03-06	2020-03-06	2020-03-06	policy
provided	2024-01-08	2024-02-08	2025-02-28	runtimes
provided.al2	2026-06-30	2026-07-31	2026-08-31	runtimes
provided.al2023	2029-06-30	2029-07-31	2029-08-31	runtimes
python2.7	2021-07-15	2021-07-15	2022-05-30	runtimes
python3.10	2026-06-30	2026-07-31	2026-08-31	runtimes
python3.11	2026-06-30	2026-07-31	2026-08-31	runtimes
python3.12	2028-10-31	2028-11-30	2029-01-10	runtimes
python3.13	2029-06-30	2029-07-31	2029-08-31	runtimes
python3.14	2029-06-30	2029-07-31	2029-08-31	runtimes
python3.6	2022-07-18	2022-07-18	2022-08-29	runtimes
python3.7	2023-12-04	2024-01-09	2025-02-28	runtimes
python3.8	2024-10-14	2025-02-28	2025-03-31	runtimes
python3.9	2025-12-15	2026-08-31	2026-09-30	runtimes
ruby2.5	2021-07-30	2021-07-30	2022-03-31	runtimes
ruby2.7	2023-12-07	2024-01-09	2025-02-28	runtimes
ruby3.2	2026-03-31	2026-06-30	2026-07-31	runtimes
ruby3.3	2027-03-31	2027-04-30	2027-05-31	runtimes
ruby3.4	2028-03-31	2028-04-30	2028-05-31	runtimes
`

// Runtime is one row of the runtime table.
type Runtime struct {
	ID                                   string
	Deprecated, BlockCreate, BlockUpdate time.Time // zero when not published
	Source                               string
}

var runtimeSources = map[string]string{
	"runtimes": "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
	"policy":   "https://docs.aws.amazon.com/lambda/latest/dg/runtime-support-policy.html",
}

// parseRuntimes reads a runtime table.
func parseRuntimes(text string) (map[string]Runtime, error) {
	out := map[string]Runtime{}
	prev := ""
	for i, line := range strings.Split(strings.TrimSpace(text), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("row %d %q: want 5 tab-separated fields, got %d", i+1, line, len(f))
		}
		r := Runtime{ID: f[0], Source: f[4]}
		if r.ID == "" || strings.ContainsAny(r.ID, " *") {
			return nil, fmt.Errorf("row %d: bad identifier %q", i+1, r.ID)
		}
		if r.ID <= prev {
			return nil, fmt.Errorf("row %d: %s is out of order or repeated (after %s)", i+1, r.ID, prev)
		}
		prev = r.ID
		if _, ok := runtimeSources[r.Source]; !ok {
			return nil, fmt.Errorf("row %d (%s): unknown source %q", i+1, r.ID, r.Source)
		}
		for j, dst := range []*time.Time{&r.Deprecated, &r.BlockCreate, &r.BlockUpdate} {
			if f[1+j] == "-" {
				continue
			}
			d, err := time.Parse(time.DateOnly, f[1+j])
			if err != nil {
				return nil, fmt.Errorf("row %d (%s): %v", i+1, r.ID, err)
			}
			*dst = d
		}
		if r.Deprecated.IsZero() {
			return nil, fmt.Errorf("row %d (%s): no deprecation date", i+1, r.ID)
		}
		out[r.ID] = r
	}
	return out, nil
}

// Runtimes is the runtime table, by identifier.
var Runtimes = func() map[string]Runtime {
	m, err := parseRuntimes(runtimeTable)
	if err != nil {
		panic("checks: runtime table: " + err.Error())
	}
	return m
}()
