// Package pullrequest reads what a change touches: the runner's event payload
// (the pull request's base and head, a push's before and after) and the git
// diff between them, as the lines added or changed in each file. Deciding what
// to do with findings on those lines is left to the caller.
package pullrequest

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Event is the part of the runner's event payload (GITHUB_EVENT_PATH) that
// says what changed. Fields the payload lacks stay zero.
type Event struct {
	PullRequest *PullRequest `json:"pull_request"`
	// Before and After are a push's commits.
	Before string `json:"before"`
	After  string `json:"after"`
}

// PullRequest is a pull_request event's pull request.
type PullRequest struct {
	Number int    `json:"number"`
	Base   Branch `json:"base"`
	Head   Branch `json:"head"`
}

// Branch is one side of a pull request.
type Branch struct {
	Ref string `json:"ref"`
	SHA string `json:"sha"`
}

// ReadEvent reads the event payload at path.
func ReadEvent(path string) (*Event, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the event payload: %w", err)
	}
	var ev Event
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("%s: the event payload is not JSON: %w", path, err)
	}
	return &ev, nil
}

// Base is the commit the change is compared with: the pull request's base,
// or the commit a push started from; "" when there is none.
func (e *Event) Base() string {
	switch {
	case e == nil:
		return ""
	case e.PullRequest != nil:
		return e.PullRequest.Base.SHA
	case e.Before != "" && strings.Trim(e.Before, "0") != "":
		return e.Before
	}
	return ""
}

// Head is the commit the change ends at: the pull request's head, or the
// commit a push ended at; "" when there is none.
func (e *Event) Head() string {
	switch {
	case e == nil:
		return ""
	case e.PullRequest != nil:
		return e.PullRequest.Head.SHA
	}
	return e.After
}
