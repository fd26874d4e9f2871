package review

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/fix"
	"github.com/lambdagate/lambdagate/review/fakegithub"
)

const twoFunctions = `Transform: AWS::Serverless-2016-10-31
Resources:
  Old:
    Type: AWS::Serverless::Function
    Properties:
      Handler: old.handler
      Tracing: Active
  New:
    Type: AWS::Serverless::Function
    Properties:
      Handler: new.handler
      Tracing: PassThrough
`

func fixed(t *testing.T, src string) *fix.Result {
	t.Helper()
	r := fix.File("template.yaml", []byte(src), fix.Options{Rules: []string{fix.ActiveTracing, fix.LogRetention}})
	if !r.Changed() {
		t.Fatalf("nothing fixed in\n%s", src)
	}
	return r
}

func lines(from, to int) func(int) bool {
	return func(l int) bool { return l >= from && l <= to }
}

// A fix is suggested only when every line it touches is added, and fixes
// whose lines meet share one suggestion.
func TestFromFix(t *testing.T) {
	r := fixed(t, twoFunctions)
	ss := FromFix("template.yaml", r, lines(8, 12))
	var got []string
	for _, s := range ss {
		got = append(got, strings.Join(s.Rules, "+"))
	}
	// Old's log group goes after line 7, which the change does not add;
	// New's tracing and log-retention fixes meet on line 12: one suggestion.
	if strings.Join(got, " ") != "active-tracing+log-retention" {
		t.Fatalf("suggestions %v, want one for New's active-tracing and log-retention", got)
	}
	s := ss[0]
	want := "      Tracing: Active\n      LoggingConfig:\n        LogGroup: !Ref NewLogGroup\n  NewLogGroup:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 30"
	if s.StartLine != 12 || s.Line != 12 || s.Replacement != want || s.Together {
		t.Errorf("suggestion %+v, want on line 12:\n%s", s, want)
	}
	if none := FromFix("template.yaml", r, lines(0, 0)); len(none) != 0 {
		t.Errorf("suggestions off the change: %+v", none)
	}
}

func TestBodyAndMarker(t *testing.T) {
	s := Suggestion{Path: "a.yaml", StartLine: 3, Line: 4, Replacement: "x: ```\ny: 1", Rules: []string{"active-tracing"}, Resources: []string{"Fn"}, Summaries: []string{"Tracing: Active"}}
	body := s.Body()
	if !strings.Contains(body, "````suggestion\nx: ```\ny: 1\n````") {
		t.Errorf("the fence must be longer than any backticks in the replacement:\n%s", body)
	}
	key, content, ok := parseMarker(body)
	if !ok || key != s.Key() || content != digest(s.Replacement) {
		t.Errorf("marker %q %q %v, want %q", key, content, ok, s.Key())
	}
	if _, _, ok := parseMarker("a human's comment"); ok {
		t.Error("a comment without the marker read as ours")
	}
}

// A re-run updates the comment whose suggestion changed, skips the one
// that did not, pages through the comments and leaves other people's alone.
func TestPostUpdatesAndSkips(t *testing.T) {
	gh := fakegithub.New(t, "o", "r", 3)
	gh.AddComment(fakegithub.Comment{Path: "a.yaml", Line: 1, Body: "looks good"})
	c, err := NewClient(gh.URL, "tok")
	if err != nil {
		t.Fatal(err)
	}
	pr := Pull{Owner: "o", Repo: "r", Number: 3, CommitID: "abc"}
	one := Suggestion{Path: "a.yaml", StartLine: 2, Line: 2, Replacement: "Tracing: Active", Rules: []string{"active-tracing"}, Resources: []string{"A"}, Summaries: []string{"Tracing: Active"}}
	two := Suggestion{Path: "a.yaml", StartLine: 4, Line: 5, Replacement: "a\nb", Rules: []string{"log-retention"}, Resources: []string{"B"}, Summaries: []string{"log group"}}
	three := Suggestion{Path: "b.yaml", StartLine: 1, Line: 1, Replacement: "c", Rules: []string{"active-tracing"}, Resources: []string{"C"}, Summaries: []string{"Tracing: Active"}}
	out, err := Post(context.Background(), c, pr, []Suggestion{one, two, three})
	if err != nil || out != (Outcome{Posted: 3}) {
		t.Fatalf("first post: %+v, %v", out, err)
	}
	if rv := gh.Reviews(); len(rv) != 1 || len(rv[0].Comments) != 3 || rv[0].Comments[1].StartLine == nil || *rv[0].Comments[1].StartLine != 4 {
		t.Fatalf("reviews %+v", rv)
	}
	two.Replacement = "a\nc"
	out, err = Post(context.Background(), c, pr, []Suggestion{one, two, three})
	if err != nil || out != (Outcome{Updated: 1, Unchanged: 2}) {
		t.Fatalf("re-run: %+v, %v", out, err)
	}
	if n := len(gh.Reviews()); n != 1 {
		t.Errorf("%d reviews after the re-run", n)
	}
	for _, cm := range gh.Comments() {
		if cm.Body == "looks good" {
			continue
		}
		if _, content, _ := parseMarker(cm.Body); cm.Line == 5 && content != digest("a\nc") {
			t.Errorf("the changed suggestion was not updated: %s", cm.Body)
		}
	}
}

func TestPostWithoutPermission(t *testing.T) {
	gh := fakegithub.New(t, "o", "r", 3)
	gh.ReadOnly = true
	c, _ := NewClient(gh.URL, "tok")
	_, err := Post(context.Background(), c, Pull{Owner: "o", Repo: "r", Number: 3, CommitID: "abc"},
		[]Suggestion{{Path: "a.yaml", StartLine: 1, Line: 1, Replacement: "x", Rules: []string{"r"}, Resources: []string{"A"}, Summaries: []string{"s"}}})
	if !errors.Is(err, ErrNoPermission) {
		t.Errorf("err = %v, want ErrNoPermission", err)
	}
}

// A fix spread over lines apart (a new property in Properties, a new
// resource after the function's Metadata) is two suggestions that say they
// go together.
func TestFromFixTogether(t *testing.T) {
	src := `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.handler
      Tracing: Active
    Metadata:
      BuildMethod: go1.x
`
	r := fix.File("template.yaml", []byte(src), fix.Options{Rules: []string{fix.LogRetention}})
	ss := FromFix("template.yaml", r, lines(1, 9))
	if len(ss) != 2 {
		t.Fatalf("%d suggestions, want 2: %+v", len(ss), ss)
	}
	for _, s := range ss {
		if !s.Together || !strings.Contains(s.Body(), "commit them together") {
			t.Errorf("suggestion on line %d does not say it goes with the other", s.Line)
		}
	}
	if ss[0].Line != 7 || ss[1].Line != 9 {
		t.Errorf("suggestions on lines %d and %d, want 7 and 9", ss[0].Line, ss[1].Line)
	}
}

// One review holds at most MaxComments suggestions; the body says how many
// more lambdagate fix would make.
func TestPostBoundsTheReview(t *testing.T) {
	gh := fakegithub.New(t, "o", "r", 3)
	gh.PerPage = 100
	c, _ := NewClient(gh.URL, "tok")
	var ss []Suggestion
	for i := range MaxComments + 3 {
		ss = append(ss, Suggestion{Path: "a.yaml", StartLine: i + 1, Line: i + 1, Replacement: "x", Rules: []string{"active-tracing"},
			Resources: []string{fmt.Sprintf("Fn%d", i)}, Summaries: []string{"Tracing: Active"}})
	}
	out, err := Post(context.Background(), c, Pull{Owner: "o", Repo: "r", Number: 3, CommitID: "abc"}, ss)
	if err != nil || out.Posted != MaxComments || out.Left != 3 {
		t.Fatalf("%+v, %v", out, err)
	}
	if rv := gh.Reviews(); len(rv) != 1 || !strings.Contains(rv[0].Body, "3 more fixes") {
		t.Errorf("reviews %+v", rv)
	}
}
