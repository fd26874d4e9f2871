// Package fakeaws is an in-process fake of the AWS calls lambdagate verify
// makes, speaking the real wire protocols (Lambda REST-JSON; IAM,
// CloudFormation and EC2 query with XML answers; KMS and the Resource Groups
// Tagging API JSON 1.1) on an httptest server, so the real
// SDK clients can be driven against it through their base endpoint. It
// answers from an Account filled by the test, and a Fault hook injects
// throttling, server errors, slow answers and denied calls. It exists for
// tests and benchmarks; it validates nothing a test does not need.
package fakeaws

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Function is a deployed function.
type Function struct {
	Name, Role, KMSKeyArn, Tracing string // Tracing: "Active", "PassThrough", or "" for no TracingConfig
	SecurityGroups                 []string
	VpcID                          string
	// Runtime defaults to python3.12; PackageType "Image" has none.
	Runtime, PackageType string
	Environment          map[string]string
	Policy               string // the resource policy's JSON; "" for none
	Tags                 map[string]string
	URLAuthType          string // the function URL's AuthType; "" for no URL
	URLCors              *Cors  // the function URL's Cors; nil for none
	// DeadLetter is DeadLetterConfig.TargetArn; OnFailure the OnFailure
	// destination of its EventInvokeConfig, "" for no EventInvokeConfig.
	DeadLetter, OnFailure string
	// Versions are the published versions, by number, each as it was
	// published; Aliases route to them.
	Versions map[string]*Function
	Aliases  map[string]*Alias
}

// Alias is a function alias: the version it serves, and the others it
// sends a share of the traffic to.
type Alias struct {
	Version string
	Weights map[string]float64 // AdditionalVersionWeights
	// Policy, URLAuthType and URLCors are the alias's own resource policy
	// and URL.
	Policy, URLAuthType string
	URLCors             *Cors
	OnFailure           string // the alias's EventInvokeConfig OnFailure destination
}

// Cors is a function URL's CORS configuration.
type Cors struct {
	AllowOrigins     []string
	AllowCredentials bool
}

// Role is an IAM role.
type Role struct {
	Name, Path string
	Trust      string            // JSON
	Inline     map[string]string // policy name to JSON document
	Attached   []string          // policy ARNs
	Boundary   string            // policy ARN
}

// Key is a KMS key.
type Key struct {
	AWSManaged bool
	Spec       string // default SYMMETRIC_DEFAULT
	Rotation   bool
	Policy     string // JSON
	State      string // KeyState; default Enabled
	Origin     string // default AWS_KMS; EXTERNAL for imported key material
}

// SecurityGroup is an EC2 security group.
type SecurityGroup struct {
	Name    string
	Ingress []Rule
}

// Rule is an inbound rule of a security group: a protocol ("tcp", "-1"),
// ports, and the CIDRs it admits (IPv4 or IPv6).
type Rule struct {
	Protocol         string
	FromPort, ToPort int
	CIDRs            []string
}

// Resource is a stack resource.
type Resource struct {
	Logical, Physical, Type string
	Status                  string // default CREATE_COMPLETE
}

// Error is an answer other than success.
type Error struct {
	Status        int
	Code, Message string
}

// Call is one request, as the Fault hook sees it.
type Call struct {
	Action   string // lambda:GetFunctionConfiguration, iam:GetRole...
	Resource string // function, role or policy name or ARN, stack name
	N        int    // 1 for the first call of this action on this resource, 2 for its retry...
}

// Account is the fake's state. Set it up before Start; the Fault hook and
// Latency may be read concurrently and must not change once it runs.
type Account struct {
	ID, Region string
	Functions  map[string]*Function   // by name
	Roles      map[string]*Role       // by name
	Policies   map[string]string      // customer or AWS managed policy ARN to its default document
	Stacks     map[string][]*Resource // by name
	// Keys are KMS keys by ARN; a function's KMSKeyArn not among them
	// answers NotFoundException.
	Keys map[string]*Key
	// Groups are the security groups by id; a function's group not among
	// them is not returned by DescribeSecurityGroups, as EC2 does for a
	// group filter.
	Groups map[string]*SecurityGroup
	// Aliases tag the aliases (qualified ARN) the tagging API returns with
	// their tags, beside the functions' own.
	AliasTags map[string]map[string]string
	// StackStatus and StackParameters are what DescribeStacks answers of a
	// stack of Stacks: its status (default UPDATE_COMPLETE) and the
	// parameter values it was deployed with.
	StackStatus     map[string]string
	StackParameters map[string]map[string]string
	// PageSize bounds list answers; 0 means 100.
	PageSize int
	// Latency delays every answer.
	Latency time.Duration
	// Fault, when it returns non-nil, answers the call with that error; a
	// Delay-only fault (Status 0) delays the answer by Sleep instead.
	Fault func(Call) *Fault

	mu    sync.Mutex
	seen  map[string]int
	calls map[string]int
}

// Fault is what the hook injects.
type Fault struct {
	Error *Error
	Sleep time.Duration // delay the answer (past the caller's timeout, say)
}

// New returns an empty account.
func New() *Account {
	return &Account{ID: "123456789012", Region: "eu-west-1", Functions: map[string]*Function{}, Roles: map[string]*Role{},
		Policies: map[string]string{}, Stacks: map[string][]*Resource{}, Keys: map[string]*Key{}, Groups: map[string]*SecurityGroup{}}
}

// Start serves the account; Close the server when done.
func (a *Account) Start() *httptest.Server {
	a.seen, a.calls = map[string]int{}, map[string]int{}
	return httptest.NewServer(http.HandlerFunc(a.serve))
}

// Calls counts the requests by action, retries included.
func (a *Account) Calls() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string]int{}
	for k, v := range a.calls {
		out[k] = v
	}
	return out
}

func (a *Account) pageSize() int {
	if a.PageSize > 0 {
		return a.PageSize
	}
	return 100
}

func (a *Account) serve(w http.ResponseWriter, r *http.Request) {
	const fnPrefix = "/2015-03-31/functions/"
	const urlPrefix = "/2021-10-31/functions/"
	if (r.URL.Path == "/2015-03-31/functions/" || r.URL.Path == "/2015-03-31/functions") && r.Method == http.MethodGet {
		a.listFunctions(w, r)
		return
	}
	if rest, ok := strings.CutPrefix(r.URL.EscapedPath(), fnPrefix); ok && strings.Contains(rest, "/aliases/") && r.Method == http.MethodGet {
		fn, alias, _ := strings.Cut(rest, "/aliases/")
		name, _ := url.PathUnescape(fn)
		alias, _ = url.PathUnescape(alias)
		a.getAlias(w, r, name, alias)
		return
	}
	if rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/2019-09-25/functions/"); ok && strings.HasSuffix(rest, "/event-invoke-config") && r.Method == http.MethodGet {
		name, _ := url.PathUnescape(strings.TrimSuffix(rest, "/event-invoke-config"))
		a.eventInvokeConfig(w, r, name)
		return
	}
	if strings.HasPrefix(r.URL.Path, fnPrefix) && strings.HasSuffix(r.URL.Path, "/versions") && r.Method == http.MethodGet {
		name, _ := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(r.URL.EscapedPath(), fnPrefix), "/versions"))
		a.listVersions(w, r, name)
		return
	}
	if strings.HasPrefix(r.URL.Path, fnPrefix) && strings.HasSuffix(r.URL.Path, "/aliases") && r.Method == http.MethodGet {
		name, _ := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(r.URL.EscapedPath(), fnPrefix), "/aliases"))
		a.listAliases(w, r, name)
		return
	}
	if strings.HasPrefix(r.URL.Path, fnPrefix) && strings.HasSuffix(r.URL.Path, "/policy") && r.Method == http.MethodGet {
		name, _ := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(r.URL.EscapedPath(), fnPrefix), "/policy"))
		a.lambdaExtra(w, r, "lambda:GetPolicy", name)
		return
	}
	if strings.HasPrefix(r.URL.Path, urlPrefix) && strings.HasSuffix(r.URL.Path, "/url") && r.Method == http.MethodGet {
		name, _ := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(r.URL.EscapedPath(), urlPrefix), "/url"))
		a.lambdaExtra(w, r, "lambda:GetFunctionUrlConfig", name)
		return
	}
	if strings.HasPrefix(r.URL.Path, fnPrefix) && strings.HasSuffix(r.URL.Path, "/configuration") && r.Method == http.MethodGet {
		name, _ := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(r.URL.EscapedPath(), fnPrefix), "/configuration"))
		a.lambdaConfig(w, r, name)
		return
	}
	if target := r.Header.Get("X-Amz-Target"); strings.HasPrefix(target, "TrentService.") {
		a.kms(w, r, strings.TrimPrefix(target, "TrentService."))
		return
	}
	if target := r.Header.Get("X-Amz-Target"); target == "ResourceGroupsTaggingAPI_20170126.GetResources" {
		a.getResources(w, r)
		return
	}
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		http.Error(w, "unsupported", http.StatusBadRequest)
		return
	}
	action := r.PostForm.Get("Action")
	switch action {
	case "ListStackResources":
		a.listStackResources(w, r)
		return
	case "DescribeStacks":
		a.describeStacks(w, r)
		return
	case "DescribeSecurityGroups":
		a.describeSecurityGroups(w, r)
		return
	}
	a.iam(w, r, action)
}

// begin counts the call, applies latency and faults; false when it answered.
func (a *Account) begin(w http.ResponseWriter, r *http.Request, action, resource string, writeErr func(http.ResponseWriter, Error)) bool {
	a.mu.Lock()
	key := action + " " + resource
	a.seen[key]++
	a.calls[action]++
	n := a.seen[key]
	a.mu.Unlock()
	if a.Latency > 0 {
		time.Sleep(a.Latency)
	}
	if a.Fault == nil {
		return true
	}
	f := a.Fault(Call{Action: action, Resource: resource, N: n})
	if f == nil {
		return true
	}
	if f.Sleep > 0 {
		select {
		case <-time.After(f.Sleep):
		case <-r.Context().Done():
			return false
		}
	}
	if f.Error == nil {
		return true
	}
	writeErr(w, *f.Error)
	return false
}

func writeJSONError(w http.ResponseWriter, e Error) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	w.WriteHeader(e.Status)
	json.NewEncoder(w).Encode(map[string]string{"Type": "User", "message": e.Message})
}

func writeXMLError(w http.ResponseWriter, e Error) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.Status)
	fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>fake</RequestId></ErrorResponse>`, esc(e.Code), esc(e.Message))
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (a *Account) lambdaConfig(w http.ResponseWriter, r *http.Request, name string) {
	if !a.begin(w, r, "lambda:GetFunctionConfiguration", name, writeJSONError) {
		return
	}
	if i := strings.LastIndex(name, ":function:"); i >= 0 {
		name = name[i+len(":function:"):]
	}
	fn, ok := a.Functions[name]
	arn := fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", a.Region, a.ID, name)
	version := "$LATEST"
	if q := r.URL.Query().Get("Qualifier"); ok && q != "" && q != "$LATEST" {
		if al, isAlias := fn.Aliases[q]; isAlias {
			q = al.Version
		}
		fn, ok = fn.Versions[q]
		arn += ":" + q
		version = q
	}
	if !ok {
		writeJSONError(w, Error{404, "ResourceNotFoundException", "Function not found: arn:aws:lambda:" + a.Region + ":" + a.ID + ":function:" + name})
		return
	}
	out := map[string]any{
		"FunctionName": name,
		"FunctionArn":  arn,
		"Version":      version,
		"Role":         a.roleARN(fn.Role),
		"Runtime":      "python3.12",
	}
	if fn.Runtime != "" {
		out["Runtime"] = fn.Runtime
	}
	if fn.PackageType == "Image" {
		delete(out, "Runtime")
		out["PackageType"] = "Image"
	}
	if fn.KMSKeyArn != "" {
		out["KMSKeyArn"] = fn.KMSKeyArn
	}
	if fn.Tracing != "" {
		out["TracingConfig"] = map[string]string{"Mode": fn.Tracing}
	}
	if fn.DeadLetter != "" {
		out["DeadLetterConfig"] = map[string]string{"TargetArn": fn.DeadLetter}
	}
	vpc := map[string]any{"SubnetIds": []string{}, "SecurityGroupIds": []string{}, "VpcId": ""}
	if len(fn.SecurityGroups) > 0 || fn.VpcID != "" {
		vpc = map[string]any{"SubnetIds": []string{"subnet-1"}, "SecurityGroupIds": fn.SecurityGroups, "VpcId": fn.VpcID}
	}
	out["VpcConfig"] = vpc
	if len(fn.Environment) > 0 {
		out["Environment"] = map[string]any{"Variables": fn.Environment}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

// kms answers the KMS calls (JSON 1.1).
func (a *Account) kms(w http.ResponseWriter, r *http.Request, op string) {
	var in struct{ KeyId string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, "bad JSON", http.StatusBadRequest)
		return
	}
	if !a.begin(w, r, "kms:"+op, in.KeyId, writeJSONError) {
		return
	}
	k, ok := a.Keys[in.KeyId]
	if !ok {
		writeJSONError(w, Error{400, "NotFoundException", "Key '" + in.KeyId + "' does not exist"})
		return
	}
	var out map[string]any
	switch op {
	case "DescribeKey":
		manager, spec := "CUSTOMER", k.Spec
		if k.AWSManaged {
			manager = "AWS"
		}
		if spec == "" {
			spec = "SYMMETRIC_DEFAULT"
		}
		state := k.State
		if state == "" {
			state = "Enabled"
		}
		origin := k.Origin
		if origin == "" {
			origin = "AWS_KMS"
		}
		out = map[string]any{"KeyMetadata": map[string]any{"KeyId": in.KeyId, "Arn": in.KeyId, "KeyManager": manager, "KeySpec": spec, "Enabled": state == "Enabled", "KeyState": state, "Origin": origin}}
	case "GetKeyRotationStatus":
		out = map[string]any{"KeyRotationEnabled": k.Rotation}
	case "GetKeyPolicy":
		out = map[string]any{"Policy": k.Policy, "PolicyName": "default"}
	default:
		writeJSONError(w, Error{400, "UnknownOperationException", "the fake does not answer " + op})
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	json.NewEncoder(w).Encode(out)
}

// listFunctions answers ListFunctions, a page at a time.
func (a *Account) listFunctions(w http.ResponseWriter, r *http.Request) {
	if !a.begin(w, r, "lambda:ListFunctions", "", writeJSONError) {
		return
	}
	names := make([]string, 0, len(a.Functions))
	for n := range a.Functions {
		names = append(names, n)
	}
	sort.Strings(names)
	items, next := a.page(names, r.URL.Query().Get("Marker"))
	var list []map[string]any
	for _, n := range items {
		list = append(list, map[string]any{"FunctionName": n, "FunctionArn": fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", a.Region, a.ID, n)})
	}
	out := map[string]any{"Functions": list}
	if next != "" {
		out["NextMarker"] = next
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

// listAliases answers ListAliases, one page.
func (a *Account) listAliases(w http.ResponseWriter, r *http.Request, name string) {
	if !a.begin(w, r, "lambda:ListAliases", name, writeJSONError) {
		return
	}
	fn, ok := a.Functions[name]
	if !ok {
		writeJSONError(w, Error{404, "ResourceNotFoundException", "Function not found: arn:aws:lambda:" + a.Region + ":" + a.ID + ":function:" + name})
		return
	}
	names := make([]string, 0, len(fn.Aliases))
	for n := range fn.Aliases {
		names = append(names, n)
	}
	sort.Strings(names)
	var list []map[string]any
	for _, n := range names {
		al := fn.Aliases[n]
		item := map[string]any{"Name": n, "FunctionVersion": al.Version,
			"AliasArn": fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s:%s", a.Region, a.ID, name, n)}
		if len(al.Weights) > 0 {
			item["RoutingConfig"] = map[string]any{"AdditionalVersionWeights": al.Weights}
		}
		list = append(list, item)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"Aliases": list})
}

// getAlias answers GetAlias.
func (a *Account) getAlias(w http.ResponseWriter, r *http.Request, name, alias string) {
	if !a.begin(w, r, "lambda:GetAlias", name+":"+alias, writeJSONError) {
		return
	}
	if i := strings.LastIndex(name, ":function:"); i >= 0 {
		name = name[i+len(":function:"):]
	}
	fn, ok := a.Functions[name]
	var al *Alias
	if ok {
		al = fn.Aliases[alias]
	}
	if al == nil {
		writeJSONError(w, Error{404, "ResourceNotFoundException", "Alias not found: arn:aws:lambda:" + a.Region + ":" + a.ID + ":function:" + name + ":" + alias})
		return
	}
	out := map[string]any{"Name": alias, "FunctionVersion": al.Version,
		"AliasArn": fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s:%s", a.Region, a.ID, name, alias)}
	if len(al.Weights) > 0 {
		out["RoutingConfig"] = map[string]any{"AdditionalVersionWeights": al.Weights}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

// eventInvokeConfig answers GetFunctionEventInvokeConfig: of the function,
// an alias or a version (Qualifier).
func (a *Account) eventInvokeConfig(w http.ResponseWriter, r *http.Request, name string) {
	if !a.begin(w, r, "lambda:GetFunctionEventInvokeConfig", name, writeJSONError) {
		return
	}
	if i := strings.LastIndex(name, ":function:"); i >= 0 {
		name = name[i+len(":function:"):]
	}
	fn, ok := a.Functions[name]
	onFailure := ""
	if ok {
		onFailure = fn.OnFailure
		if q := r.URL.Query().Get("Qualifier"); q != "" && q != "$LATEST" {
			switch al, v := fn.Aliases[q], fn.Versions[q]; {
			case al != nil:
				onFailure = al.OnFailure
			case v != nil:
				onFailure = v.OnFailure
			default:
				ok = false
			}
		}
	}
	if !ok || onFailure == "" {
		writeJSONError(w, Error{404, "ResourceNotFoundException", "The function " + name + " doesn't have an EventInvokeConfig"})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"FunctionArn": fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", a.Region, a.ID, name),
		"DestinationConfig": map[string]any{"OnFailure": map[string]string{"Destination": onFailure}}})
}

// listVersions answers ListVersionsByFunction: $LATEST and the published
// versions in order, paginated.
func (a *Account) listVersions(w http.ResponseWriter, r *http.Request, name string) {
	if !a.begin(w, r, "lambda:ListVersionsByFunction", name, writeJSONError) {
		return
	}
	if i := strings.LastIndex(name, ":function:"); i >= 0 {
		name = name[i+len(":function:"):]
	}
	fn, ok := a.Functions[name]
	if !ok {
		writeJSONError(w, Error{404, "ResourceNotFoundException", "Function not found: arn:aws:lambda:" + a.Region + ":" + a.ID + ":function:" + name})
		return
	}
	versions := []string{"$LATEST"}
	for v := range fn.Versions {
		versions = append(versions, v)
	}
	slices.SortFunc(versions[1:], func(x, y string) int {
		nx, _ := strconv.Atoi(x)
		ny, _ := strconv.Atoi(y)
		return nx - ny
	})
	items, next := a.page(versions, r.URL.Query().Get("Marker"))
	var list []map[string]any
	for _, v := range items {
		arn := fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s:%s", a.Region, a.ID, name, v)
		list = append(list, map[string]any{"FunctionName": name, "FunctionArn": arn, "Version": v})
	}
	out := map[string]any{"Versions": list}
	if next != "" {
		out["NextMarker"] = next
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

// lambdaExtra answers GetPolicy and GetFunctionUrlConfig; a function
// without a policy or URL answers ResourceNotFoundException, as Lambda does.
func (a *Account) lambdaExtra(w http.ResponseWriter, r *http.Request, action, name string) {
	if !a.begin(w, r, action, name, writeJSONError) {
		return
	}
	if i := strings.LastIndex(name, ":function:"); i >= 0 {
		name = name[i+len(":function:"):]
	}
	fn, ok := a.Functions[name]
	notFound := func(what string) {
		writeJSONError(w, Error{404, "ResourceNotFoundException", what + " not found: arn:aws:lambda:" + a.Region + ":" + a.ID + ":function:" + name})
	}
	var out map[string]any
	if q := r.URL.Query().Get("Qualifier"); ok && q != "" {
		al, v := fn.Aliases[q], fn.Versions[q]
		switch {
		case al != nil:
			fn = &Function{Name: name, Policy: al.Policy, URLAuthType: al.URLAuthType, URLCors: al.URLCors}
		case v != nil && action == "lambda:GetPolicy":
			fn = &Function{Name: name, Policy: v.Policy} // a version's own policy; it has no URL
		default:
			notFound("Alias")
			return
		}
	}
	switch {
	case !ok:
		notFound("Function")
		return
	case action == "lambda:GetPolicy":
		if fn.Policy == "" {
			notFound("The resource you requested does not exist. Policy")
			return
		}
		out = map[string]any{"Policy": fn.Policy, "RevisionId": "1"}
	default:
		if fn.URLAuthType == "" {
			notFound("The resource you requested does not exist. Function URL")
			return
		}
		out = map[string]any{"AuthType": fn.URLAuthType, "FunctionUrl": "https://" + name + ".lambda-url." + a.Region + ".on.aws/",
			"FunctionArn": fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", a.Region, a.ID, name), "CreationTime": "2025-01-01T00:00:00Z", "LastModifiedTime": "2025-01-01T00:00:00Z"}
		if c := fn.URLCors; c != nil {
			out["Cors"] = map[string]any{"AllowOrigins": c.AllowOrigins, "AllowCredentials": c.AllowCredentials}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

func (a *Account) roleARN(name string) string {
	if strings.HasPrefix(name, "arn:") {
		return name
	}
	path := "/"
	if r, ok := a.Roles[name]; ok && r.Path != "" {
		path = r.Path
	}
	return fmt.Sprintf("arn:aws:iam::%s:role%s%s", a.ID, path, name)
}

// page cuts a sorted list at the marker.
func (a *Account) page(items []string, marker string) (out []string, next string) {
	start := 0
	if marker != "" {
		start, _ = strconv.Atoi(marker)
	}
	end := min(start+a.pageSize(), len(items))
	if start > len(items) {
		start = len(items)
	}
	if end < len(items) {
		next = strconv.Itoa(end)
	}
	return items[start:end], next
}

func (a *Account) listStackResources(w http.ResponseWriter, r *http.Request) {
	name := r.PostForm.Get("StackName")
	if i := strings.Index(name, ":stack/"); i >= 0 {
		name = strings.SplitN(name[i+len(":stack/"):], "/", 2)[0]
	}
	if !a.begin(w, r, "cloudformation:ListStackResources", name, writeXMLError) {
		return
	}
	res, ok := a.Stacks[name]
	if !ok {
		writeXMLError(w, Error{400, "ValidationError", "Stack with id " + name + " does not exist"})
		return
	}
	idx := make([]string, len(res))
	for i := range res {
		idx[i] = strconv.Itoa(i)
	}
	items, next := a.page(idx, r.PostForm.Get("NextToken"))
	var b strings.Builder
	b.WriteString(`<ListStackResourcesResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><ListStackResourcesResult><StackResourceSummaries>`)
	for _, s := range items {
		i, _ := strconv.Atoi(s)
		rr := res[i]
		status := rr.Status
		if status == "" {
			status = "CREATE_COMPLETE"
		}
		fmt.Fprintf(&b, `<member><LogicalResourceId>%s</LogicalResourceId><PhysicalResourceId>%s</PhysicalResourceId><ResourceType>%s</ResourceType><ResourceStatus>%s</ResourceStatus><LastUpdatedTimestamp>2025-01-01T00:00:00Z</LastUpdatedTimestamp></member>`,
			esc(rr.Logical), esc(rr.Physical), esc(rr.Type), esc(status))
	}
	b.WriteString(`</StackResourceSummaries>`)
	if next != "" {
		fmt.Fprintf(&b, `<NextToken>%s</NextToken>`, next)
	}
	b.WriteString(`</ListStackResourcesResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></ListStackResourcesResponse>`)
	writeXML(w, b.String())
}

// describeStacks answers for one stack, by name or ARN.
func (a *Account) describeStacks(w http.ResponseWriter, r *http.Request) {
	name := r.PostForm.Get("StackName")
	if i := strings.Index(name, ":stack/"); i >= 0 {
		name = strings.SplitN(name[i+len(":stack/"):], "/", 2)[0]
	}
	if !a.begin(w, r, "cloudformation:DescribeStacks", name, writeXMLError) {
		return
	}
	if _, ok := a.Stacks[name]; !ok {
		writeXMLError(w, Error{400, "ValidationError", "Stack with id " + name + " does not exist"})
		return
	}
	status := a.StackStatus[name]
	if status == "" {
		status = "UPDATE_COMPLETE"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>%s</StackName><StackId>arn:aws:cloudformation:%s:%s:stack/%s/00000000-0000-0000-0000-000000000000</StackId><StackStatus>%s</StackStatus><CreationTime>2025-01-01T00:00:00Z</CreationTime><Parameters>`,
		esc(name), esc(a.Region), esc(a.ID), esc(name), esc(status))
	keys := make([]string, 0, len(a.StackParameters[name]))
	for k := range a.StackParameters[name] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, `<member><ParameterKey>%s</ParameterKey><ParameterValue>%s</ParameterValue></member>`, esc(k), esc(a.StackParameters[name][k]))
	}
	b.WriteString(`</Parameters></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></DescribeStacksResponse>`)
	writeXML(w, b.String())
}

func writeXML(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, body)
}

// enc URL-encodes a policy document as IAM does (a space is %20).
func enc(doc string) string { return esc(url.PathEscape(doc)) }

func (a *Account) iam(w http.ResponseWriter, r *http.Request, action string) {
	f := r.PostForm
	resource := f.Get("RoleName")
	if resource == "" {
		resource = f.Get("PolicyArn")
	}
	if !a.begin(w, r, "iam:"+action, resource, writeXMLError) {
		return
	}
	wrap := func(inner string) {
		writeXML(w, fmt.Sprintf(`<%sResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><%sResult>%s</%sResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></%sResponse>`,
			action, action, inner, action, action))
	}
	noRole := func() {
		writeXMLError(w, Error{404, "NoSuchEntity", "The role with name " + resource + " cannot be found."})
	}
	switch action {
	case "GetRole":
		role, ok := a.Roles[f.Get("RoleName")]
		if !ok {
			noRole()
			return
		}
		inner := fmt.Sprintf(`<Role><Path>/</Path><RoleName>%s</RoleName><RoleId>AROAFAKE</RoleId><Arn>%s</Arn><AssumeRolePolicyDocument>%s</AssumeRolePolicyDocument>`,
			esc(role.Name), esc(a.roleARN(role.Name)), enc(role.Trust))
		if role.Boundary != "" {
			inner += fmt.Sprintf(`<PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType><PermissionsBoundaryArn>%s</PermissionsBoundaryArn></PermissionsBoundary>`, esc(role.Boundary))
		}
		wrap(inner + `</Role>`)
	case "ListRolePolicies":
		role, ok := a.Roles[f.Get("RoleName")]
		if !ok {
			noRole()
			return
		}
		var names []string
		for n := range role.Inline {
			names = append(names, n)
		}
		sort.Strings(names)
		items, next := a.page(names, f.Get("Marker"))
		var b strings.Builder
		b.WriteString(`<PolicyNames>`)
		for _, n := range items {
			fmt.Fprintf(&b, `<member>%s</member>`, esc(n))
		}
		fmt.Fprintf(&b, `</PolicyNames><IsTruncated>%t</IsTruncated>`, next != "")
		if next != "" {
			fmt.Fprintf(&b, `<Marker>%s</Marker>`, next)
		}
		wrap(b.String())
	case "GetRolePolicy":
		role, ok := a.Roles[f.Get("RoleName")]
		if !ok {
			noRole()
			return
		}
		doc, ok := role.Inline[f.Get("PolicyName")]
		if !ok {
			writeXMLError(w, Error{404, "NoSuchEntity", "The role policy with name " + f.Get("PolicyName") + " cannot be found."})
			return
		}
		wrap(fmt.Sprintf(`<RoleName>%s</RoleName><PolicyName>%s</PolicyName><PolicyDocument>%s</PolicyDocument>`, esc(role.Name), esc(f.Get("PolicyName")), enc(doc)))
	case "ListAttachedRolePolicies":
		role, ok := a.Roles[f.Get("RoleName")]
		if !ok {
			noRole()
			return
		}
		items, next := a.page(role.Attached, f.Get("Marker"))
		var b strings.Builder
		b.WriteString(`<AttachedPolicies>`)
		for _, arn := range items {
			fmt.Fprintf(&b, `<member><PolicyName>%s</PolicyName><PolicyArn>%s</PolicyArn></member>`, esc(arn[strings.LastIndex(arn, "/")+1:]), esc(arn))
		}
		fmt.Fprintf(&b, `</AttachedPolicies><IsTruncated>%t</IsTruncated>`, next != "")
		if next != "" {
			fmt.Fprintf(&b, `<Marker>%s</Marker>`, next)
		}
		wrap(b.String())
	case "GetPolicy":
		arn := f.Get("PolicyArn")
		if _, ok := a.Policies[arn]; !ok {
			writeXMLError(w, Error{404, "NoSuchEntity", "Policy " + arn + " does not exist or is not attachable."})
			return
		}
		wrap(fmt.Sprintf(`<Policy><PolicyName>%s</PolicyName><Arn>%s</Arn><DefaultVersionId>v3</DefaultVersionId><IsAttachable>true</IsAttachable></Policy>`, esc(arn[strings.LastIndex(arn, "/")+1:]), esc(arn)))
	case "GetPolicyVersion":
		arn := f.Get("PolicyArn")
		doc, ok := a.Policies[arn]
		if !ok || f.Get("VersionId") != "v3" {
			writeXMLError(w, Error{404, "NoSuchEntity", "Policy " + arn + " version " + f.Get("VersionId") + " does not exist."})
			return
		}
		wrap(fmt.Sprintf(`<PolicyVersion><Document>%s</Document><VersionId>v3</VersionId><IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>`, enc(doc)))
	default:
		writeXMLError(w, Error{400, "InvalidAction", "the fake does not answer " + action})
	}
}

// writeEC2Error answers as EC2 does: its own XML error shape.
func writeEC2Error(w http.ResponseWriter, e Error) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.Status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>fake</RequestID></Response>`, esc(e.Code), esc(e.Message))
}

// describeSecurityGroups answers for the groups of a group-id filter (or
// GroupIds), a page at a time (NextToken).
func (a *Account) describeSecurityGroups(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	var ids []string
	for i := 1; ; i++ {
		name := f.Get(fmt.Sprintf("Filter.%d.Name", i))
		if name == "" {
			break
		}
		if name != "group-id" {
			writeEC2Error(w, Error{400, "InvalidParameterValue", "the fake filters on group-id only, not " + name})
			return
		}
		for j := 1; f.Get(fmt.Sprintf("Filter.%d.Value.%d", i, j)) != ""; j++ {
			ids = append(ids, f.Get(fmt.Sprintf("Filter.%d.Value.%d", i, j)))
		}
	}
	for j := 1; f.Get(fmt.Sprintf("GroupId.%d", j)) != ""; j++ {
		ids = append(ids, f.Get(fmt.Sprintf("GroupId.%d", j)))
	}
	// The resource is the ids, and the page: a page's retries are its own.
	if !a.begin(w, r, "ec2:DescribeSecurityGroups", strings.Join(ids, ",")+page(f.Get("NextToken")), writeEC2Error) {
		return
	}
	var found []string
	for _, id := range ids {
		if _, ok := a.Groups[id]; ok && !slices.Contains(found, id) {
			found = append(found, id)
		}
	}
	sort.Strings(found)
	items, next := a.page(found, f.Get("NextToken"))
	var b strings.Builder
	b.WriteString(`<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>fake</requestId><securityGroupInfo>`)
	for _, id := range items {
		g := a.Groups[id]
		fmt.Fprintf(&b, `<item><ownerId>%s</ownerId><groupId>%s</groupId><groupName>%s</groupName><groupDescription>fake</groupDescription><vpcId>vpc-1</vpcId><ipPermissions>`, esc(a.ID), esc(id), esc(g.Name))
		for _, rule := range g.Ingress {
			proto := rule.Protocol
			if proto == "" {
				proto = "tcp"
			}
			fmt.Fprintf(&b, `<item><ipProtocol>%s</ipProtocol>`, esc(proto))
			if proto != "-1" {
				fmt.Fprintf(&b, `<fromPort>%d</fromPort><toPort>%d</toPort>`, rule.FromPort, rule.ToPort)
			}
			var v4, v6 strings.Builder
			for _, c := range rule.CIDRs {
				if strings.Contains(c, ":") {
					fmt.Fprintf(&v6, `<item><cidrIpv6>%s</cidrIpv6></item>`, esc(c))
				} else {
					fmt.Fprintf(&v4, `<item><cidrIp>%s</cidrIp></item>`, esc(c))
				}
			}
			fmt.Fprintf(&b, `<groups/><ipRanges>%s</ipRanges><ipv6Ranges>%s</ipv6Ranges><prefixListIds/></item>`, v4.String(), v6.String())
		}
		b.WriteString(`</ipPermissions><ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item></ipPermissionsEgress></item>`)
	}
	b.WriteString(`</securityGroupInfo>`)
	if next != "" {
		fmt.Fprintf(&b, `<nextToken>%s</nextToken>`, next)
	}
	b.WriteString(`</DescribeSecurityGroupsResponse>`)
	writeXML(w, b.String())
}

// getResources answers the tagging API's GetResources for lambda:function:
// the functions (and tagged aliases) whose tags match every filter, a page
// at a time (PaginationToken).
func (a *Account) getResources(w http.ResponseWriter, r *http.Request) {
	var in struct {
		TagFilters []struct {
			Key    string
			Values []string
		}
		ResourceTypeFilters []string
		PaginationToken     string
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, "bad JSON", http.StatusBadRequest)
		return
	}
	if !a.begin(w, r, "tag:GetResources", page(in.PaginationToken), writeJSONError) {
		return
	}
	if len(in.ResourceTypeFilters) != 1 || in.ResourceTypeFilters[0] != "lambda:function" {
		writeJSONError(w, Error{400, "InvalidParameterException", "the fake answers ResourceTypeFilters [lambda:function] only"})
		return
	}
	tagged := map[string]map[string]string{}
	for n, fn := range a.Functions {
		if len(fn.Tags) > 0 {
			tagged[fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", a.Region, a.ID, n)] = fn.Tags
		}
	}
	for arn, tags := range a.AliasTags {
		tagged[arn] = tags
	}
	var arns []string
	for arn, tags := range tagged {
		ok := true
		for _, f := range in.TagFilters {
			v, has := tags[f.Key]
			if !has || (len(f.Values) > 0 && !slices.Contains(f.Values, v)) {
				ok = false
			}
		}
		if ok {
			arns = append(arns, arn)
		}
	}
	sort.Strings(arns)
	items, next := a.page(arns, in.PaginationToken)
	list := []map[string]any{}
	for _, arn := range items {
		var tags []map[string]string
		for k, v := range tagged[arn] {
			tags = append(tags, map[string]string{"Key": k, "Value": v})
		}
		list = append(list, map[string]any{"ResourceARN": arn, "Tags": tags})
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	json.NewEncoder(w).Encode(map[string]any{"ResourceTagMappingList": list, "PaginationToken": next})
}

// page names a page after the first in a Call's Resource: " page 2".
func page(token string) string {
	if token == "" {
		return ""
	}
	return " page " + token
}
