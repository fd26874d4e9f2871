package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/lambdagate/lambdagate/fix"
	"github.com/lambdagate/lambdagate/pullrequest"
	"github.com/lambdagate/lambdagate/report"
	"github.com/lambdagate/lambdagate/review"
)

// suggestFixes, with the suggestions input on a pull request, posts one
// review whose comments suggest lambdagate's fixes (those `lambdagate fix`
// makes without asking) on the lines the change adds. Other findings stay
// annotations. When the review cannot be posted (a fork's read-only token),
// one notice says so and the annotations stand alone; only a bad input is
// an error.
func suggestFixes(ctx context.Context, env actionEnv, git pullrequest.Git, root string, files []string, st *settings, changes *pullrequest.Changes, stdout io.Writer) error {
	on, err := env.boolInput("suggestions")
	if err != nil || !on {
		return err
	}
	notice := func(msg string) {
		githubactions.New(githubactions.WithWriter(stdout)).
			WithFieldsMap(map[string]string{"title": "lambdagate suggestions"}).Noticef("%s", msg)
	}
	if !strings.HasPrefix(env["GITHUB_EVENT_NAME"], "pull_request") {
		return nil // a push has no review to post in
	}
	if changes == nil || !changes.Lines {
		notice("suggestions need the lines of the pull request's change (a pull_request event, checked out with fetch-depth: 2); the fixes stay annotations.")
		return nil
	}
	ev, err := pullrequest.ReadEvent(env["GITHUB_EVENT_PATH"])
	if err != nil || ev.PullRequest == nil {
		notice("suggestions are posted on pull requests only; the fixes stay annotations.")
		return nil
	}
	owner, repo, ok := strings.Cut(env["GITHUB_REPOSITORY"], "/")
	if !ok {
		notice("GITHUB_REPOSITORY is not owner/name; no suggestions posted.")
		return nil
	}
	// The fixes are scanned again on their own: not through the Action's
	// streamed outputs, which have closed.
	scanOpts := st.opts
	scanOpts.Emit = nil
	var ss []review.Suggestion
	for _, file := range files {
		rel := report.RepoPath(root, file)
		if !changes.Touches(rel) || !sameAtHead(ctx, git, ev.Head(), rel) {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			continue // the scan has reported it
		}
		r := fix.File(file, data, fix.Options{Scan: scanOpts, PerFunction: true})
		ss = append(ss, review.FromFix(rel, r, func(line int) bool { return changes.Added(rel, line) })...)
	}
	if len(ss) == 0 {
		return nil
	}
	token := env.input("github-token")
	if strings.HasPrefix(token, "${{") { // uses: docker://... passes no default
		token = env["GITHUB_TOKEN"]
	}
	client, err := review.NewClient(env["GITHUB_API_URL"], token)
	if err != nil {
		notice("no suggestions posted: " + err.Error())
		return nil
	}
	pr := review.Pull{Owner: owner, Repo: repo, Number: ev.PullRequest.Number, CommitID: ev.Head()}
	out, err := review.Post(ctx, client, pr, ss)
	switch {
	case errors.Is(err, review.ErrNoPermission):
		notice(fmt.Sprintf("%d fixes could be suggested, but %v: the token needs pull-requests: write, which a fork's pull request does not get. The fixes stay annotations; run lambdagate fix to make them.", len(ss), err))
	case err != nil:
		notice(fmt.Sprintf("suggestions not posted: %v; the fixes stay annotations.", err))
	default:
		fmt.Fprintf(stdout, "lambdagate: suggestions: %d posted in one review, %d updated, %d already there\n", out.Posted, out.Updated, out.Unchanged)
		if out.Left > 0 {
			notice(fmt.Sprintf("%d more fixes than a review holds (%d) were not suggested; run lambdagate fix to make them.", out.Left, review.MaxComments))
		}
	}
	return nil
}

// sameAtHead reports whether the file checked out (GitHub's test merge
// commit) is the file of the pull request's head, whose lines review
// comments are numbered in.
func sameAtHead(ctx context.Context, git pullrequest.Git, head, rel string) bool {
	if head == "" {
		return false
	}
	_, err := git.Run(ctx, "diff", "--quiet", head, "HEAD", "--", rel)
	return err == nil
}
