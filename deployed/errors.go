package deployed

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// callError is one API call that failed after the SDK's retries: which
// action, on which resource, and why.
type callError struct {
	action   string // IAM action name, as a policy writes it: iam:GetRolePolicy
	resource string // the ARN the action was called on
	err      error
	timeout  time.Duration // the per-call timeout in force
	overall  bool          // the overall deadline passed (or the run was cancelled)
}

func (e *callError) Error() string { return e.reason() }
func (e *callError) Unwrap() error { return e.err }

// accessDenied: the caller lacks the permission (IAM says AccessDenied,
// Lambda AccessDeniedException).
func (e *callError) accessDenied() bool {
	code := apiCode(e.err)
	return strings.Contains(code, "AccessDenied") || code == "UnauthorizedOperation" || code == "AuthorizationError"
}

// notFound: the resource does not exist (any more).
func (e *callError) notFound() bool {
	var ae smithy.APIError
	if !errors.As(e.err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "ResourceNotFoundException", "NoSuchEntity", "NoSuchEntityException":
		return true
	case "ValidationError": // CloudFormation: "Stack with id x does not exist"
		return strings.Contains(ae.ErrorMessage(), "does not exist")
	}
	return false
}

// reason says what went wrong, for "cannot verify X: <reason>".
func (e *callError) reason() string {
	on := e.action
	if e.resource != "" {
		on += " on " + e.resource
	}
	var ae smithy.APIError
	var max *retry.MaxAttemptsError
	switch {
	case e.accessDenied():
		return "missing permission " + on
	case e.overall:
		return "the overall deadline (--timeout) passed before " + on + " answered"
	case errors.Is(e.err, context.DeadlineExceeded):
		return fmt.Sprintf("%s did not answer within %s (--call-timeout)", on, e.timeout)
	case errors.As(e.err, &max) && errors.As(e.err, &ae) && isThrottle(ae.ErrorCode()):
		return fmt.Sprintf("%s was still throttled after %d attempts (%s); retry later or lower --concurrency", on, max.Attempt, ae.ErrorCode())
	case errors.As(e.err, &ae):
		msg := ae.ErrorMessage()
		if msg == "" {
			return fmt.Sprintf("%s failed: %s", on, ae.ErrorCode())
		}
		return fmt.Sprintf("%s failed: %s: %s", on, ae.ErrorCode(), msg)
	}
	return fmt.Sprintf("%s failed: %v", on, e.err)
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func isThrottle(code string) bool {
	_, ok := retry.DefaultThrottleErrorCodes[code]
	return ok
}
