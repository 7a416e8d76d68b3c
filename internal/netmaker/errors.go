package netmaker

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel kinds; test with errors.Is. Every *APIError matches exactly one.
var (
	ErrNotFound     = errors.New("not found")
	ErrNameTaken    = errors.New("name already taken")
	ErrUnauthorized = errors.New("unauthorized")
	ErrUnsupported  = errors.New("not supported by this Netmaker server version")
	ErrValidation   = errors.New("rejected by server validation")
	ErrDefaultKey   = errors.New("key is a network's default key")
	ErrServer       = errors.New("server error")
	// ErrWrongBaseURL: a route every Netmaker server has answered 404, so
	// the configured host (usually its path, such as /api) is not the
	// base URL of a Netmaker API.
	ErrWrongBaseURL = errors.New("not a Netmaker API base URL")
)

// ErrAmbiguous: more than one key has the name. Netmaker does not stop a
// network from being created with an existing key's name, and the network's
// auto-generated key then shares it. (Not an APIError kind.)
var ErrAmbiguous = errors.New("more than one enrollment key has this name")

// APIError is a non-success answer from the server. It never carries a
// credential or a key value: Route is the route pattern, not the path.
type APIError struct {
	Method     string
	Route      string // e.g. "PUT /api/v1/enrollment-keys/{value}"
	Host       string // scheme-less host, for messages
	StatusCode int
	Message    string // the server's message (secrets of the request redacted)
	Kind       error  // one of the sentinels above
	// Hint, when set, explains the error in the provider's terms (e.g.
	// "check api_token").
	Hint string
	// Detail, when set, names what the server refused more precisely than
	// Kind (ErrGatewayNotFound); errors.Is matches it as well as Kind.
	Detail error
}

// ErrGatewayNotFound: Netmaker refused a key's write because its gateway
// (relay) is not a node in one of the key's networks ("no result found").
// It comes as the Detail of an ErrValidation APIError.
var ErrGatewayNotFound = errors.New("gateway not found")

// Error reads like "401 unauthorized from api.example.com (GET
// /api/v1/enrollment-keys): check api_token".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(e.StatusCode))
	msg := strings.TrimSpace(e.Message)
	// Plain-text answers such as "404 page not found" repeat the status.
	msg = strings.TrimSpace(strings.TrimPrefix(msg, strconv.Itoa(e.StatusCode)+" "))
	if msg == "" {
		msg = strings.ToLower(statusText(e.StatusCode))
	}
	if msg != "" {
		b.WriteString(" ")
		b.WriteString(msg)
	}
	fmt.Fprintf(&b, " from %s (%s)", e.Host, e.Route)
	if e.Hint != "" {
		b.WriteString(": ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

func (e *APIError) Is(target error) bool {
	return target == e.Kind || (e.Detail != nil && target == e.Detail)
}

// Kinds of refusal by the client itself, before anything changes on the
// server (not APIError kinds).
var (
	// ErrNeedsRecreate: the operation can be done on this server only by
	// deleting the key and creating it again (a new value and token), and
	// the caller did not allow that.
	ErrNeedsRecreate = errors.New("needs the enrollment key to be created again")
	// ErrCannotRecreate: the operation needs the key to be created again
	// with its settings, and they cannot be (no uses left, expired, ...).
	ErrCannotRecreate = errors.New("the enrollment key cannot be created again with its settings")
)
