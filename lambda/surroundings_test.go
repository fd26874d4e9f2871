package lambda

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// surroundingsTemplate has, around Fn, what the checks beyond the four
// controls look at; Plain has none of it.
const surroundingsTemplate = `Transform: AWS::Serverless-2016-10-31
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Statement:
          - {Effect: Allow, Principal: {AWS: "*"}, Action: "kms:*", Resource: "*"}
  AsymKey:
    Type: AWS::KMS::Key
    Properties:
      KeySpec: RSA_2048
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
  SgIngress:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !Ref Sg
      IpProtocol: "-1"
      CidrIpv6: ::/0
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: my-fn
      KmsKeyArn: !If [C, !GetAtt Key.Arn, !GetAtt AsymKey.Arn]
      VpcConfig:
        SecurityGroupIds: [!GetAtt Sg.GroupId, sg-literal]
      Environment:
        Variables:
          STAGE: prod
          TABLE: !Ref Table
      FunctionUrlConfig:
        AuthType: NONE
  Alias:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref Fn
      Name: live
  PublicPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Alias
      Action: lambda:InvokeFunction
      Principal: "*"
  ScopedPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: my-fn
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
      SourceArn: arn:aws:s3:::bucket
  OtherPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: other-fn
      Action: lambda:InvokeFunction
      Principal: "*"
  Url:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !GetAtt Fn.Arn
      AuthType: AWS_IAM
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub /aws/lambda/${Fn}
      RetentionInDays: 30
  Plain:
    Type: AWS::Serverless::Function
    Properties:
      LoggingConfig: {LogGroup: shared-logs}
`

func TestSurroundings(t *testing.T) {
	fns := build(t, surroundingsTemplate, nil)
	want := &Surroundings{
		Permissions: []Permission{
			// Through the alias, which names the function.
			{ID: "PublicPermission", Pos: at(43, 3), Principal: "*", PrincPos: at(48, 18), Action: "lambda:InvokeFunction"},
			// By the function's literal name; SourceArn scopes it.
			{ID: "ScopedPermission", Pos: at(49, 3), Principal: "s3.amazonaws.com", PrincPos: at(54, 18), Action: "lambda:InvokeFunction", Scoped: true, SourceArn: true},
		},
		URLs: []URL{
			{Where: "AWS::Lambda::Url Url", ID: "Url", AuthType: "AWS_IAM", Pos: at(66, 17)},
			{Where: "FunctionUrlConfig", AuthType: "NONE", Pos: at(37, 19)},
		},
		Keys: []Key{
			{ID: "Key", Pos: at(3, 3), Rotation: "true", RotationPos: at(6, 26), Symmetric: true},
			{ID: "AsymKey", Pos: at(10, 3)},
		},
		Groups: []Group{{ID: "Sg", Pos: at(14, 3), Ingress: []Ingress{
			{CIDR: "0.0.0.0/0", Pos: at(18, 63), Port: "port 22"},
			{CIDR: "::/0", Pos: at(24, 17), Port: "all ports"},
		}}},
		Environment: []EnvVar{
			{Name: "STAGE", Value: "prod", Pos: at(34, 18)},
			{Name: "TABLE", Intrinsic: true, Pos: at(35, 18)},
		},
		LogGroup: &LogGroup{ID: "Logs", Pos: at(67, 3), Retention: "30", RetentionPos: at(71, 24)},
		// S3 invokes asynchronously.
		Async: []AsyncSource{{What: "permission ScopedPermission (Amazon S3)", ID: "ScopedPermission", Pos: at(54, 18)}},
	}
	fn := function(t, fns, "Fn")
	if diff := cmp.Diff(want, fn.Around, cmpopts.IgnoreFields(Key{}, "Policy")); diff != "" {
		t.Errorf("Surroundings differ (-want +got):\n%s\ntemplate:\n%s", diff, numbered(surroundingsTemplate))
	}
	if len(fn.Around.Keys) > 0 {
		p := fn.Around.Keys[0].Policy
		wantPolicy := policyView{Name: "key policy of Key", Pos: "t.yaml:8:9", Origin: "Key",
			Statements: []string{"Allow kms:* on * for AWS:* @9:13"}}
		if p == nil {
			t.Errorf("Key has no policy")
		} else if diff := cmp.Diff(wantPolicy, viewPolicy(*p)); diff != "" {
			t.Errorf("key policy differs (-want +got):\n%s", diff)
		}
	}

	plain := function(t, fns, "Plain")
	wantPlain := &Surroundings{LogGroupNote: "LoggingConfig.LogGroup shared-logs is not an AWS::Logs::LogGroup of this template"}
	if diff := cmp.Diff(wantPlain, plain.Around); diff != "" {
		t.Errorf("Plain's Surroundings differ (-want +got):\n%s", diff)
	}
}
