package scan

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/evaluation"
)

// replicateCorpus fills a temporary folder with n templates: the corpus
// copied (hard-linked where it can be) as many times as needed.
func replicateCorpus(b *testing.B, n int) string {
	b.Helper()
	needCorpus(b)
	found, err := discover([]string{corpusDir}, Options{}.withDefaults(), &evaluation.Result{})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for i := range n {
		src := found[i%len(found)]
		dst := filepath.Join(dir, fmt.Sprintf("copy%d", i/len(found)), src.rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.Link(src.path, dst); err != nil {
			data, err := os.ReadFile(src.path)
			if err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(dst, data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	return dir
}

// peakHeap samples the live heap every few milliseconds until stopped and
// returns the highest value seen, in bytes.
func peakHeap() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

// BenchmarkScan10k scans 10,000 templates from disk, as the command does,
// and reports the peak heap, the heap the result keeps, and the allocations
// per template; the 2,500 run beside it shows how memory grows with the
// number of files (only the findings kept for the report should).
//
// Streamed (as `scan --format json` does), the result keeps no findings, so
// the peak must not grow with the number of files either.
func BenchmarkScan10k(b *testing.B) {
	for _, tc := range []struct {
		n      int
		stream bool
	}{{2500, false}, {10000, false}, {2500, true}, {10000, true}} {
		n := tc.n
		opts := Options{}
		name := fmt.Sprintf("templates=%d", n)
		if tc.stream {
			opts.Emit = func(evaluation.File) {}
			name += "/streamed"
		}
		b.Run(name, func(b *testing.B) {
			dir := replicateCorpus(b, n)
			runtime.GC()
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			stop := peakHeap()
			var templates int
			var res *evaluation.Result
			for b.Loop() {
				var err error
				if res, err = Scan([]string{dir}, opts); err != nil {
					b.Fatal(err)
				}
				templates = res.Templates + len(res.Errors)
			}
			peak := stop()
			runtime.ReadMemStats(&ms1)
			// What stays live is the result the report needs (the findings);
			// the rest of the peak is the working set of the workers, which
			// must not grow with the number of files.
			runtime.GC()
			live := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
			metrics.Read(live)
			runtime.KeepAlive(res)
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(live[0].Value.Uint64())/(1<<20), "result-MB")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N*templates), "allocs/template")
			b.ReportMetric(float64(templates*b.N)/b.Elapsed().Seconds(), "templates/s")
		})
	}
}

// bigTemplate writes a SAM template of n functions, each with its own role,
// policy, table, log group and permission, about 5 KB a function: 2,000 make
// some 10 MB.
func bigTemplate(n int) []byte {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nTransform: AWS::Serverless-2016-10-31\n")
	b.WriteString("Globals:\n  Function:\n    Runtime: python3.12\n    Tracing: Active\nResources:\n")
	code := strings.Repeat("          print('a line of inline code that makes the template realistically large')\n", 45)
	for i := range n {
		fmt.Fprintf(&b, `  Fn%[1]d:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      KmsKeyArn: !GetAtt Key.Arn
      Role: !GetAtt Role%[1]d.Arn
      VpcConfig:
        SecurityGroupIds: [!Ref SG]
        SubnetIds: [!Ref Subnet]
      Environment:
        Variables:
          TABLE: !Ref Table%[1]d
          STAGE: prod
      InlineCode: |
%[2]s  Role%[1]d:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: table
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [dynamodb:GetItem, dynamodb:PutItem]
                Resource: !GetAtt Table%[1]d.Arn
  Table%[1]d:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
  Fn%[1]dLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub /aws/lambda/${Fn%[1]d}
      RetentionInDays: 30
  Fn%[1]dPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn%[1]d
      Principal: sns.amazonaws.com
      Action: lambda:InvokeFunction
      SourceArn: !Ref Topic
`, i, code)
	}
	return []byte(b.String())
}

// BenchmarkLargeTemplate scans one template of 2,000 functions (about 10 MB),
// then twice and four times as large: the time per op must grow linearly,
// so ns/function stays the same.
func BenchmarkLargeTemplate(b *testing.B) {
	for _, scale := range []int{1, 2, 4} {
		data := bigTemplate(2000 * scale)
		b.Run(fmt.Sprintf("%dx=%dMB", scale, len(data)>>20), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			var res *evaluation.Result
			for b.Loop() {
				res = ScanBytes("big.yaml", data, Options{})
			}
			if res.Functions != 2000*scale || len(res.Errors) > 0 {
				b.Fatalf("%d functions, errors %v", res.Functions, res.Errors)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*res.Functions), "ns/function")
		})
	}
}
