package netmaker

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// secretFieldKeys are log field names whose values are always masked.
var secretFieldKeys = []string{"token", "value", "api_token", "password", "authorization", "jwt"}

// logContext masks secrets in every log written with the answered context:
// fields named like secrets, and the client's own credentials wherever they
// appear. The client never logs them; this is defence in depth against a
// log line that one day quotes a server message or a body.
func (c *Client) logContext(ctx context.Context) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, secretFieldKeys...)
	var secrets []string
	c.authMu.Lock()
	jwt := c.jwt
	c.authMu.Unlock()
	for _, s := range []string{c.cfg.APIToken, c.cfg.Password, jwt} {
		if len(s) >= 4 {
			secrets = append(secrets, s)
		}
	}
	if len(secrets) > 0 {
		ctx = tflog.MaskMessageStrings(ctx, secrets...)
		ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	}
	return ctx
}
