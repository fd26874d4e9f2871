package deployed_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdagate/lambdagate/deployed"
	"github.com/lambdagate/lambdagate/lambda"
	"github.com/lambdagate/lambdagate/template"
)

// motoServer starts moto (the AWS emulator) on a free loopback port and
// returns its URL; the test is skipped where moto is not installed. .ci/run
// installs it, so CI always runs these tests.
func motoServer(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		bin = "/root/.pyenv/shims/moto_server"
		if _, err := os.Stat(bin); err != nil {
			if os.Getenv("LAMBDAGATE_REQUIRE_ORACLES") != "" {
				t.Fatal("moto_server is required here (LAMBDAGATE_REQUIRE_ORACLES is set) but not installed")
			}
			t.Skip("moto_server is not installed (pip install 'moto[server]==5.2.1'); skipping the tests against the AWS emulator")
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-p", fmt.Sprint(port), "-H", "127.0.0.1")
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true") // AWSLambdaBasicExecutionRole and friends
	if err := cmd.Start(); err != nil {
		t.Skipf("moto_server does not start: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get(url + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return url
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer on %s: %v\n%s", url, err, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func zipped(t *testing.T) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	f, err := w.Create("app.py")
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("def handler(event, context):\n    return 'ok'\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const motoTemplate = `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: app-Fn
      Handler: app.handler
      Runtime: python3.12
      Role: %s
      Code:
        ZipFile: "def handler(e, c): return 1"
`

// TestAgainstMoto builds a small account through the real IAM, Lambda and
// CloudFormation APIs of moto and verifies it. Moto's gaps are worked
// around, not taken as truth: it never returns KMSKeyArn, so the KMS
// control is not asserted here (the fake tests cover it); roles are made
// through IAM (a CloudFormation role loses its managed policies and its
// inline documents come back as Python text); and the stack is used for
// the logical-id mapping, with neither tracing nor a key in its template
// (a CloudFormation-made function loses TracingConfig and KmsKeyArn in
// moto, and UpdateFunctionConfiguration does not restore the tracing).
// Its security group is added through Lambda: drift the test expects.
func TestAgainstMoto(t *testing.T) {
	url := motoServer(t)
	awsEnv(t, "us-east-1")
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseEndpoint = aws.String(url)
	iamc, lam, cfn := iam.NewFromConfig(cfg), awslambda.NewFromConfig(cfg), cloudformation.NewFromConfig(cfg)
	ec2c := ec2.NewFromConfig(cfg)
	// Security groups: one egress only, as a function's should be; one
	// open to the internet on SSH (IPv4 and IPv6).
	vpc, err := ec2c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	sg := func(name string) string {
		out, err := ec2c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String(name), VpcId: vpc.Vpc.VpcId})
		if err != nil {
			t.Fatal(err)
		}
		return *out.GroupId
	}
	closedSG, openSG := sg("app-closed"), sg("app-open")
	if _, err := ec2c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &openSG, IpPermissions: []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
		IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}, Ipv6Ranges: []ec2types.Ipv6Range{{CidrIpv6: aws.String("::/0")}},
	}}}); err != nil {
		t.Fatal(err)
	}

	role := func(name, inline string, attached ...string) string {
		out, err := iamc.CreateRole(ctx, &iam.CreateRoleInput{RoleName: &name, AssumeRolePolicyDocument: aws.String(lambdaTrust)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := iamc.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: &name, PolicyName: aws.String("inline"), PolicyDocument: &inline}); err != nil {
			t.Fatal(err)
		}
		for _, a := range attached {
			if _, err := iamc.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: &name, PolicyArn: aws.String(a)}); err != nil {
				t.Fatal(err)
			}
		}
		return *out.Role.Arn
	}
	logs, err := iamc.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("app-logs"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/app-*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := iamc.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("app-admin"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	goodRole := role("app-good", scoped, basicExec, *logs.Policy.Arn)
	badRole := role("app-bad", wide, *admin.Policy.Arn)

	code := zipped(t)
	function := func(name, roleARN string, active bool, sgs ...string) {
		in := &awslambda.CreateFunctionInput{FunctionName: &name, Role: &roleARN, Runtime: lambdatypes.RuntimePython312,
			Handler: aws.String("app.handler"), Code: &lambdatypes.FunctionCode{ZipFile: code}}
		if active {
			in.TracingConfig = &lambdatypes.TracingConfig{Mode: lambdatypes.TracingModeActive}
		}
		if len(sgs) > 0 {
			in.VpcConfig = &lambdatypes.VpcConfig{SubnetIds: []string{"subnet-1"}, SecurityGroupIds: sgs}
		}
		if _, err := lam.CreateFunction(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	function("app-good", goodRole, true, closedSG)
	function("app-bad", badRole, false)
	function("app-open", goodRole, true, closedSG, openSG)
	// What moto models of public invoke: a function URL open to anyone, and
	// a permission for any principal; and an environment variable.
	if _, err := lam.CreateFunctionUrlConfig(ctx, &awslambda.CreateFunctionUrlConfigInput{FunctionName: aws.String("app-bad"), AuthType: lambdatypes.FunctionUrlAuthTypeNone}); err != nil {
		t.Fatal(err)
	}
	if _, err := lam.AddPermission(ctx, &awslambda.AddPermissionInput{FunctionName: aws.String("app-bad"), StatementId: aws.String("anyone"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("*")}); err != nil {
		t.Fatal(err)
	}
	if _, err := lam.AddPermission(ctx, &awslambda.AddPermissionInput{FunctionName: aws.String("app-good"), StatementId: aws.String("s3"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"), SourceArn: aws.String("arn:aws:s3:::app-bucket"), SourceAccount: aws.String("123456789012")}); err != nil {
		t.Fatal(err)
	}
	// S3 invokes it asynchronously: failed events go to a queue.
	if _, err := lam.PutFunctionEventInvokeConfig(ctx, &awslambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("app-good"),
		DestinationConfig: &lambdatypes.DestinationConfig{OnFailure: &lambdatypes.OnFailure{Destination: aws.String("arn:aws:sqs:us-east-1:123456789012:failed")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := lam.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("app-bad"),
		Environment: &lambdatypes.Environment{Variables: map[string]string{"DB_PASSWORD": "hunter2hunter2"}}}); err != nil {
		t.Fatal(err)
	}
	// An alias serving a published version: what runs is verified too.
	v, err := lam.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String("app-bad")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lam.CreateAlias(ctx, &awslambda.CreateAliasInput{FunctionName: aws.String("app-bad"), Name: aws.String("live"), FunctionVersion: v.Version}); err != nil {
		t.Fatal(err)
	}

	if _, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("app"), TemplateBody: aws.String(fmt.Sprintf(motoTemplate, goodRole))}); err != nil {
		t.Fatal(err)
	}
	if _, err := lam.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("app-Fn"),
		VpcConfig: &lambdatypes.VpcConfig{SubnetIds: []string{"subnet-1"}, SecurityGroupIds: []string{closedSG}}}); err != nil {
		t.Fatal(err)
	}

	c, err := deployed.NewClients(ctx, deployed.ClientOptions{BaseEndpoint: url, MaxAttempts: 3, MaxBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("functions named directly", func(t *testing.T) {
		out, err := deployed.Verify(ctx, c, deployed.Target{Functions: []string{"app-good", "app-bad"}}, deployed.Options{})
		if err != nil {
			t.Fatal(err)
		}
		lines := withoutKMS(seen(t, out))
		if len(out.Problems) != 0 {
			t.Fatalf("problems: %v", out.Problems)
		}
		for _, l := range lines {
			if strings.Contains(l, " app-good") {
				t.Errorf("app-good is compliant (but for KMS, which moto hides): %s", l)
			}
		}
		has(t, lines, "error security-groups app-bad: the function has no VpcConfig")
		has(t, lines, "error active-tracing app-bad: TracingConfig.Mode is PassThrough")
		has(t, lines, "error least-privilege-role app-bad:", `inline policy "inline" of role app-bad`, "s3:*")
		has(t, lines, "error least-privilege-role app-bad:", "managed policy arn:aws:iam::123456789012:policy/app-admin", `"*"`)
		has(t, lines, "warning public-invoke app-bad:", "has AuthType NONE")
		has(t, lines, "warning public-invoke app-bad: permission anyone lets any principal invoke the function")
		has(t, lines, "warning plaintext-secret app-bad:", "DB_PASSWORD")
		has(t, lines, "error active-tracing app-bad:live: TracingConfig.Mode is PassThrough")
		hasNo(t, lines, "hunter2")
		var good *lambda.Role
		for _, fn := range out.Functions {
			if fn.Name == "app-good" {
				good = fn.Roles[0].Role
			}
		}
		for _, fn := range out.Functions {
			if fn.Name == "app-good" {
				if rt := fn.Runtime; len(rt) != 1 || rt[0].Text != "python3.12" {
					t.Errorf("app-good's runtime, as moto reports it: %+v", rt)
				}
			}
		}
		if len(good.Policies) != 2 || len(good.Managed) != 1 || good.Trust == nil {
			t.Errorf("app-good's role: %d policies, managed %v, trust %v", len(good.Policies), good.Managed, good.Trust)
		}
	})

	t.Run("an open security group", func(t *testing.T) {
		out, err := deployed.Verify(ctx, c, deployed.Target{Functions: []string{"app-open"}}, deployed.Options{})
		if err != nil {
			t.Fatal(err)
		}
		lines := withoutKMS(seen(t, out))
		if len(out.Problems) != 0 {
			t.Fatalf("problems: %v", out.Problems)
		}
		has(t, lines, "warning open-security-group app-open: security group "+openSG+" allows ingress from 0.0.0.0/0 on port 22; a function needs no inbound rule, remove it")
		has(t, lines, "warning open-security-group app-open: security group "+openSG+" allows ingress from ::/0 on port 22")
		hasNo(t, lines, closedSG)
	})

	t.Run("functions selected by tags", func(t *testing.T) {
		for name, tags := range map[string]map[string]string{"app-good": {"team": "orders", "env": "prod"}, "app-bad": {"team": "orders", "env": "dev"}} {
			arn := "arn:aws:lambda:us-east-1:123456789012:function:" + name
			if _, err := lam.TagResource(ctx, &awslambda.TagResourceInput{Resource: &arn, Tags: tags}); err != nil {
				t.Fatal(err)
			}
		}
		out, err := deployed.Verify(ctx, c, deployed.Target{Tags: []deployed.Tag{{Key: "team", Value: "orders"}, {Key: "env", Value: "dev"}}}, deployed.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, fn := range out.Functions {
			names = append(names, fn.Name)
		}
		// app-bad:1 is the published version, read for its own resource
		// policy: moto ignores GetPolicy's Qualifier and answers the
		// function's, which lets anyone invoke it.
		if len(out.Problems) != 0 || strings.Join(names, " ") != "app-bad app-bad:1 app-bad:live" {
			t.Errorf("functions %v, problems %v", names, out.Problems)
		}
		has(t, withoutKMS(seen(t, out)), "error active-tracing app-bad: TracingConfig.Mode is PassThrough")
	})

	t.Run("every function of the region", func(t *testing.T) {
		out, err := deployed.Verify(ctx, c, deployed.Target{All: true}, deployed.Options{})
		if err != nil {
			t.Fatal(err)
		}
		seenNames := map[string]bool{}
		for _, fn := range out.Functions {
			seenNames[fn.Name] = true
		}
		for _, n := range []string{"app-good", "app-bad", "app-bad:live", "app-Fn"} {
			if !seenNames[n] {
				t.Errorf("--all did not verify %s: %v", n, seenNames)
			}
		}
	})

	t.Run("a stack, mapped to its template", func(t *testing.T) {
		tpl, err := template.Parse("template.yaml", []byte(fmt.Sprintf(motoTemplate, goodRole)), template.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		out, err := deployed.Verify(ctx, c, deployed.Target{Stacks: []string{"app"}}, deployed.Options{Templates: units(tpl)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Functions) != 1 || len(out.Problems) != 0 {
			t.Fatalf("functions %d, problems %v", len(out.Functions), out.Problems)
		}
		fn := out.Functions[0]
		if fn.Resource != "Fn" || fn.Name != "app-Fn" || fn.Pos.Line != 2 {
			t.Errorf("mapping: resource %s, name %s, at %v", fn.Resource, fn.Name, fn.Pos)
		}
		lines := withoutKMS(seen(t, out))
		has(t, lines, "warning drift Fn @2: the deployed function runs behind 1 security groups ("+closedSG+"), but the template gives none: the next deploy removes them")
		has(t, lines, "error active-tracing Fn @2: TracingConfig.Mode is PassThrough, not Active")
		hasNo(t, lines, "least-privilege-role")
	})

	t.Run("a missing permission is reported, not fatal", func(t *testing.T) {
		// moto does not enforce IAM by default: a stack that does not exist
		// stands in for a refused call.
		out, err := deployed.Verify(ctx, c, deployed.Target{Stacks: []string{"nope"}}, deployed.Options{})
		if err != nil {
			t.Fatal(err)
		}
		has(t, seen(t, out), "unverified nope: cannot verify stack nope: it does not exist in us-east-1")
	})

	// Last: it adds a version and an alias the runs above do not expect.
	t.Run("an alias named alone, with its weighted routing", func(t *testing.T) {
		v2, err := lam.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String("app-bad"), Description: aws.String("2")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := lam.CreateAlias(ctx, &awslambda.CreateAliasInput{FunctionName: aws.String("app-bad"), Name: aws.String("canary"), FunctionVersion: v2.Version,
			RoutingConfig: &lambdatypes.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{deref(v.Version): 0.1}}}); err != nil {
			t.Fatal(err)
		}
		out, err := deployed.Verify(ctx, c, deployed.Target{Functions: []string{"app-bad:canary"}}, deployed.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, fn := range out.Functions {
			names = append(names, fn.Name)
		}
		routed := fmt.Sprintf("app-bad:canary (version %s, 10%% of the traffic)", deref(v.Version))
		if len(out.Problems) != 0 || !slices.Contains(names, "app-bad:canary") || !slices.Contains(names, routed) {
			t.Errorf("functions %v, problems %v", names, out.Problems)
		}
		has(t, withoutKMS(seen(t, out)), "error active-tracing "+routed+": TracingConfig.Mode is PassThrough")
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// withoutKMS drops what moto cannot show: it never returns KMSKeyArn.
func withoutKMS(lines []string) []string {
	var out []string
	for _, l := range lines {
		if !strings.Contains(l, "kms-key") && !strings.Contains(l, "KmsKeyArn") {
			out = append(out, l)
		}
	}
	return out
}
