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

// relogin logs in again unless another caller already replaced stale.
func (c *Client) relogin(ctx context.Context, stale string) (string, error) {
	c.loginMu.Lock()
	defer c.loginMu.Unlock()
	c.authMu.Lock()
	jwt := c.jwt
	c.authMu.Unlock()
	if jwt != "" && jwt != stale {
		return jwt, nil
	}
	jwt, err := c.login(ctx)
	if err != nil {
		return "", err
	}
	c.authMu.Lock()
	c.jwt = jwt
	c.authMu.Unlock()
	return jwt, nil
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
