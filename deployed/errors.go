package deployed

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// callError is one API call that failed after the SDK's retries: which
// action, on which resource, and why.
type callError struct {
	action   string // IAM action name, as a policy writes it: iam:GetRolePolicy
	resource string // the ARN the action was called on
	err      error
	timeout  time.Duration // the per-call timeout in force
	overall  bool          // the overall deadline passed (or the run was cancelled)
	last     error         // the last attempt's error, when the deadline cut the retries short
	skipped  bool          // not made: the endpoint was found unreachable before
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
	case e.skipped:
		return on + " was not called: the AWS endpoint is unreachable (see above)"
	case e.accessDenied():
		return "missing permission " + on
	case unreachable(e.err) != "" || unreachable(e.last) != "":
		return fmt.Sprintf("%s could not reach the AWS endpoint (%s)", on, cmpOr(unreachable(e.err), unreachable(e.last)))
	case errors.As(e.last, &ae) && isThrottle(ae.ErrorCode()) && errors.Is(e.err, context.DeadlineExceeded):
		what := fmt.Sprintf("the %s of --call-timeout", e.timeout)
		if e.overall {
			what = "the overall deadline (--timeout)"
		}
		return fmt.Sprintf("%s was still throttled (%s) when %s passed; retry later or lower --concurrency", on, ae.ErrorCode(), what)
	case e.overall:
		return "the overall deadline (--timeout) passed before " + on + " answered"
	case errors.Is(e.err, context.DeadlineExceeded):
		return fmt.Sprintf("%s did not answer within %s (--call-timeout)", on, e.timeout)
	case errors.As(e.err, &max) && errors.As(e.err, &ae) && isThrottle(ae.ErrorCode()):
		return fmt.Sprintf("%s was still throttled after %d attempts (%s); retry later or lower --concurrency", on, max.Attempt, ae.ErrorCode())
	case errors.As(e.err, &ae) && isThrottle(ae.ErrorCode()):
		return fmt.Sprintf("%s was throttled (%s); retry later or lower --concurrency", on, ae.ErrorCode())
	case errors.As(e.err, &ae):
		msg := ae.ErrorMessage()
		if msg == "" {
			return fmt.Sprintf("%s failed: %s", on, ae.ErrorCode())
		}
		return fmt.Sprintf("%s failed: %s: %s", on, ae.ErrorCode(), msg)
	}
	return fmt.Sprintf("%s failed: %v", on, e.err)
}

// unreachable is, when err is a connection that could not be made or
// broke (refused, reset, no such host), its short cause: "connect:
// connection refused"; else "".
func unreachable(err error) string {
	var send *smithyhttp.RequestSendError
	if err == nil || !errors.As(err, &send) {
		return ""
	}
	var op *net.OpError
	if errors.As(send, &op) && op.Err != nil {
		return op.Err.Error()
	}
	var dns *net.DNSError
	if errors.As(send, &dns) {
		return dns.Error()
	}
	if errors.Is(send, context.DeadlineExceeded) || errors.Is(send, context.Canceled) {
		return ""
	}
	return "the connection failed"
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
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
