package netmaker

import (
	"fmt"
	"net/http"
)

// The Netmaker API never redirects. Following a redirect would send the
// Authorization header on (Go keeps it for the same host, even from https
// to http) and, on 307/308, the login body with the password: refuse all.

// redirectError names only the host a redirect points at: the location's
// path and query may hold anything.
type redirectError struct {
	status int
	host   string
}

func (e *redirectError) Error() string {
	return fmt.Sprintf("the server answered %d, a redirect to %s; the Netmaker API never redirects, so the provider "+
		"does not follow it: set host to the API's own URL (scheme included)", e.status, e.host)
}

func refuseRedirect(req *http.Request, _ []*http.Request) error {
	status := 0
	if req.Response != nil {
		status = req.Response.StatusCode
	}
	host := "an unnamed host"
	if req.URL != nil && req.URL.Host != "" {
		host = req.URL.Scheme + "://" + req.URL.Host
	}
	return &redirectError{status: status, host: host}
}
