// Package fakegithub is an in-process fake of the GitHub REST endpoints that
// package review calls (list review comments, create a review, update a
// comment), for tests. It serves on loopback and records every request.
package fakegithub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Request is one request the fake received.
type Request struct {
	Method, Path string
	Auth         string
	Body         map[string]any
}

// Comment is a review comment held by the fake.
type Comment struct {
	ID        int64  `json:"id"`
	Path      string `json:"path"`
	Line      int    `json:"line"`
	StartLine *int   `json:"start_line,omitempty"`
	Side      string `json:"side"`
	Body      string `json:"body"`
	CommitID  string `json:"commit_id"`
	ReviewID  int64  `json:"pull_request_review_id"`
}

// Review is a review the fake received.
type Review struct {
	ID       int64
	CommitID string
	Event    string
	Body     string
	Comments []Comment
}

// Server is the fake. Set ReadOnly to answer every write as GitHub answers
// a fork's read-only token.
type Server struct {
	URL      string
	ReadOnly bool
	// PerPage bounds the comments listed per page, to exercise pagination.
	PerPage int

	mu       sync.Mutex
	requests []Request
	comments []Comment
	reviews  []Review
	nextID   int64
}

// New starts a fake for the pull request owner/repo#number; it stops with the test.
func New(t testing.TB, owner, repo string, number int) *Server {
	s := &Server{PerPage: 2, nextID: 100}
	prefix := fmt.Sprintf("/repos/%s/%s/pulls/", owner, repo)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		req := Request{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization")}
		if r.Body != nil && r.Method != http.MethodGet {
			_ = json.NewDecoder(r.Body).Decode(&req.Body)
		}
		s.requests = append(s.requests, req)
		rest, ok := strings.CutPrefix(r.URL.Path, prefix)
		if !ok {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		if s.ReadOnly && r.Method != http.MethodGet {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message":"Resource not accessible by integration"}`)
			return
		}
		switch {
		case r.Method == http.MethodGet && rest == fmt.Sprintf("%d/comments", number):
			s.list(w, r)
		case r.Method == http.MethodPost && rest == fmt.Sprintf("%d/reviews", number):
			s.review(w, req.Body)
		case r.Method == http.MethodPatch && strings.HasPrefix(rest, "comments/"):
			s.update(w, strings.TrimPrefix(rest, "comments/"), req.Body)
		default:
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
		}
	}))
	t.Cleanup(hs.Close)
	s.URL = hs.URL
	return s
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	from := min((page-1)*s.PerPage, len(s.comments))
	to := min(from+s.PerPage, len(s.comments))
	if to < len(s.comments) {
		w.Header().Set("Link", fmt.Sprintf(`<%s%s?page=%d>; rel="next"`, s.URL, r.URL.Path, page+1))
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(s.comments[from:to])
}

func (s *Server) review(w http.ResponseWriter, body map[string]any) {
	s.nextID++
	rv := Review{ID: s.nextID}
	rv.CommitID, _ = body["commit_id"].(string)
	rv.Event, _ = body["event"].(string)
	rv.Body, _ = body["body"].(string)
	cs, _ := body["comments"].([]any)
	for _, c := range cs {
		m, _ := c.(map[string]any)
		s.nextID++
		cm := Comment{ID: s.nextID, CommitID: rv.CommitID, ReviewID: rv.ID}
		cm.Path, _ = m["path"].(string)
		cm.Body, _ = m["body"].(string)
		cm.Side, _ = m["side"].(string)
		if l, ok := m["line"].(float64); ok {
			cm.Line = int(l)
		}
		if l, ok := m["start_line"].(float64); ok {
			sl := int(l)
			cm.StartLine = &sl
		}
		if cm.Path == "" || cm.Line == 0 {
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprint(w, `{"message":"Unprocessable Entity","errors":["path and line are required"]}`)
			return
		}
		rv.Comments = append(rv.Comments, cm)
	}
	s.reviews = append(s.reviews, rv)
	s.comments = append(s.comments, rv.Comments...)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(map[string]any{"id": rv.ID, "state": "COMMENTED"})
}

func (s *Server) update(w http.ResponseWriter, id string, body map[string]any) {
	n, _ := strconv.ParseInt(id, 10, 64)
	for i := range s.comments {
		if s.comments[i].ID == n {
			s.comments[i].Body, _ = body["body"].(string)
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(s.comments[i])
			return
		}
	}
	http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
}

// Requests are the requests received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Reviews are the reviews posted.
func (s *Server) Reviews() []Review {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Review(nil), s.reviews...)
}

// Comments are the review comments on the pull request.
func (s *Server) Comments() []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Comment(nil), s.comments...)
}

// AddComment puts a comment on the pull request, as someone else would.
func (s *Server) AddComment(c Comment) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	c.ID = s.nextID
	s.comments = append(s.comments, c)
}
