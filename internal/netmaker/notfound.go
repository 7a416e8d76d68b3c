package netmaker

import (
	"encoding/json"
	"mime"
	"net/http"
	"strings"
)

// Only Netmaker's own words say that something does not exist; a 404 from a
// proxy, load balancer or WAF in front of it says nothing about keys, and
// reading it as "gone" would drop a live key from state or "delete" a key
// that stays valid (see ../shared/netmaker-api.md, Errors).

// isNetmakerNotFound reports whether a is Netmaker's error envelope, on the
// 400 or 500 Netmaker uses for it, carrying msg.
func isNetmakerNotFound(a *answer, msg string) bool {
	if a.status != http.StatusBadRequest && a.status != http.StatusInternalServerError {
		return false
	}
	var ea errorAnswer
	if err := json.Unmarshal(a.body, &ea); err != nil || ea.Message == nil {
		return false
	}
	return strings.Contains(strings.ToLower(*ea.Message), msg)
}

// isMissingRoute reports whether a is the Go router's answer for a route
// this server does not have: 404 with the plain text "404 page not found".
func isMissingRoute(a *answer) bool {
	if a.status != http.StatusNotFound || strings.TrimSpace(string(a.body)) != "404 page not found" {
		return false
	}
	ct := a.header.Get("Content-Type")
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "text/plain"
}

// isNetmakerJSON reports whether a is an error in Netmaker's own shape,
// {"Code":...,"Message":...}.
func isNetmakerJSON(a *answer) bool {
	var ea errorAnswer
	return json.Unmarshal(a.body, &ea) == nil && ea.Message != nil
}
