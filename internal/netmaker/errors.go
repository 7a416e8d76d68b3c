package netmaker

import (
	"errors"
	"fmt"
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
)

// APIError is a non-success answer from the server. It never carries a
// credential or a key value: Route is the route pattern, not the path.
type APIError struct {
	Method     string
	Route      string // e.g. "PUT /api/v1/enrollment-keys/{value}"
	Host       string // scheme-less host, for messages
	StatusCode int
	Message    string // the server's message
	Kind       error  // one of the sentinels above
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s from %s (%s): %d %s", e.Kind, e.Host, e.Route, e.StatusCode, e.Message)
}

func (e *APIError) Is(target error) bool { return target == e.Kind }
