package netmaker

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

func (c *Client) usesLogin() bool { return c.cfg.APIToken == "" }

// credential answers the bearer credential: the API token, or a JWT from
// logging in (once, shared by all callers).
func (c *Client) credential(ctx context.Context) (string, error) {
	if !c.usesLogin() {
		return c.cfg.APIToken, nil
	}
	c.authMu.Lock()
	jwt := c.jwt
	c.authMu.Unlock()
	if jwt != "" {
		return jwt, nil
	}
	return c.relogin(ctx, "")
}

// loginCall is one login in flight, shared by every caller that needs it.
type loginCall struct {
	done chan struct{}
	jwt  string
	err  error
	// leaderGaveUp: the caller that logged in went away (its context
	// ended); the outcome says nothing about the credentials.
	leaderGaveUp bool
}

// relogin logs in again unless another caller already replaced stale. One
// login runs at a time; callers waiting for it share its outcome, a failure
// included (a wrong password is not tried again by each of them), and stop
// waiting when their own context ends.
func (c *Client) relogin(ctx context.Context, stale string) (string, error) {
	for {
		c.authMu.Lock()
		if c.jwt != "" && c.jwt != stale {
			jwt := c.jwt
			c.authMu.Unlock()
			return jwt, nil
		}
		call, lead := c.loggingIn, false
		if call == nil {
			call, lead = &loginCall{done: make(chan struct{})}, true
			c.loggingIn = call
		}
		c.authMu.Unlock()

		if lead {
			call.jwt, call.err = c.login(ctx)
			call.leaderGaveUp = call.err != nil && ctx.Err() != nil
			c.authMu.Lock()
			if call.err == nil {
				c.jwt = call.jwt
			}
			c.loggingIn = nil
			c.authMu.Unlock()
			close(call.done)
			return call.jwt, call.err
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-call.done:
		}
		if call.leaderGaveUp && ctx.Err() == nil {
			continue
		}
		return call.jwt, call.err
	}
}

func (c *Client) login(ctx context.Context) (string, error) {
	const method = http.MethodPost
	body, err := json.Marshal(authBody{Username: c.cfg.Username, Password: c.cfg.Password})
	if err != nil {
		return "", err
	}
	a, err := c.roundTrip(ctx, method, routeAuthenticate, routeAuthenticate, body, "")
	if err != nil {
		return "", err
	}
	if !a.ok() {
		e := c.apiError(method, routeAuthenticate, a, c.cfg.Username)
		msg := strings.ToLower(e.Message)
		if a.status == http.StatusUnauthorized || a.status == http.StatusForbidden ||
			strings.Contains(msg, "incorrect credentials") || strings.Contains(msg, "password") ||
			strings.Contains(msg, "user") {
			e.Kind = ErrUnauthorized
			e.Hint = "logging in failed: check username and password"
		}
		return "", e
	}
	var ans authAnswer
	if err := json.Unmarshal(a.body, &ans); err != nil {
		return "", c.decodeError(method, routeAuthenticate, a, cleanJSONError(err))
	}
	if ans.Response == nil || ans.Response.AuthToken == "" {
		return "", c.decodeError(method, routeAuthenticate, a, errors.New("no AuthToken in the answer"))
	}
	return ans.Response.AuthToken, nil
}
