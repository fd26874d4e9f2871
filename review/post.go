package review

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/go-github/v93/github"
)

// Pull is the pull request a review goes to.
type Pull struct {
	Owner, Repo string
	Number      int
	CommitID    string // the head commit the lines are numbered in
}

// ErrNoPermission says that the token may not review the pull request: a
// fork's pull request gets a read-only token.
var ErrNoPermission = errors.New("the token cannot write to pull requests")

// Outcome counts what Post did.
type Outcome struct {
	Posted, Updated, Unchanged int
	// Left are the new suggestions over MaxComments, not posted.
	Left int
}

// MaxComments bounds the comments of one review: past a few dozen, a
// review is a wall, and lambdagate fix makes the rest in one go.
const MaxComments = 50

// NewClient is a REST client for the API at apiURL (GITHUB_API_URL) with the
// token.
func NewClient(apiURL, token string) (*github.Client, error) {
	if apiURL == "" {
		apiURL = "https://api.github.com"
	}
	return github.NewClient(github.WithURLs(&apiURL, &apiURL), github.WithAuthToken(token),
		github.WithHTTPClient(&http.Client{Timeout: 30 * time.Second}), github.WithUserAgent("lambdagate"))
}

// Post posts the suggestions not yet on the pull request as one review,
// and updates the comments of earlier runs whose suggestion changed. A
// comment is recognised by the key in its marker, whatever its line.
func Post(ctx context.Context, c *github.Client, pr Pull, ss []Suggestion) (Outcome, error) {
	var out Outcome
	type posted struct {
		id      int64
		content string
	}
	mine := map[string]posted{}
	opts := &github.PullRequestListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for {
		cs, resp, err := c.PullRequests.ListComments(ctx, pr.Owner, pr.Repo, pr.Number, opts)
		if err != nil {
			return out, classify("listing the review comments", err)
		}
		for _, cm := range cs {
			if key, content, ok := parseMarker(cm.GetBody()); ok {
				mine[key] = posted{cm.GetID(), content}
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	var drafts []*github.DraftReviewComment
	for _, s := range ss {
		if p, ok := mine[s.Key()]; ok {
			if p.content == digest(s.Replacement) {
				out.Unchanged++
				continue
			}
			if _, _, err := c.PullRequests.UpdateComment(ctx, pr.Owner, pr.Repo, p.id, github.UpdatePullRequestCommentRequest{Body: s.Body()}); err != nil {
				return out, classify("updating a suggestion", err)
			}
			out.Updated++
			continue
		}
		d := &github.DraftReviewComment{Path: github.Ptr(s.Path), Body: github.Ptr(s.Body()), Line: github.Ptr(s.Line), Side: github.Ptr("RIGHT")}
		if s.StartLine < s.Line {
			d.StartLine, d.StartSide = github.Ptr(s.StartLine), github.Ptr("RIGHT")
		}
		if len(drafts) == MaxComments {
			out.Left++
			continue
		}
		drafts = append(drafts, d)
	}
	if len(drafts) == 0 {
		return out, nil
	}
	req := &github.PullRequestReviewRequest{
		CommitID: github.Ptr(pr.CommitID),
		Event:    github.Ptr("COMMENT"),
		Body:     github.Ptr(reviewBody(len(drafts), out.Left)),
		Comments: drafts,
	}
	if _, _, err := c.PullRequests.CreateReview(ctx, pr.Owner, pr.Repo, pr.Number, req); err != nil {
		return out, classify("posting the review", err)
	}
	out.Posted = len(drafts)
	return out, nil
}

func reviewBody(n, left int) string {
	body := fmt.Sprintf("lambdagate suggests %d fixes on lines of this change; each comment says what it fixes. The findings that need a person stay annotations.", n)
	if left > 0 {
		body += fmt.Sprintf(" %d more fixes are not posted here: run `lambdagate fix` on the templates to make them all.", left)
	}
	return body
}

// classify wraps an API error, as ErrNoPermission when the token lacks the
// permission.
func classify(what string, err error) error {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		switch er.Response.StatusCode {
		case http.StatusForbidden, http.StatusNotFound, http.StatusUnauthorized:
			return fmt.Errorf("%s: %w (%s)", what, ErrNoPermission, er.Message)
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}
