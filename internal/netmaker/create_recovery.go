package netmaker

import (
	"context"
	"errors"
	"fmt"
)

// ErrOutcomeUnknown: a write may have been applied, and the client could
// not find out (the server stopped answering). The caller must remember
// that the object may exist. (Not an APIError kind.)
var ErrOutcomeUnknown = errors.New("the outcome is unknown: the request may have been applied")

// recoverCreate settles a create whose outcome is uncertain by looking the
// name up: a key with the requested settings is the create's (names are
// unique, so a retry cannot have made a second one); a key with others
// proves the create was not applied; no key proves it too (as far as a
// list can). cause is the last failure of the create itself.
func (c *Client) recoverCreate(ctx context.Context, req CreateKeyRequest, cause error) (*EnrollmentKey, error) {
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w: creating the enrollment key %q on %s was interrupted after it was sent: %w",
			ErrOutcomeUnknown, req.Name, c.host, cause)
	}
	k, err := c.ClaimedKey(ctx, KeyClaim{Name: req.Name, Settings: &req})
	switch {
	case err == nil:
		return k, nil
	case errors.Is(err, ErrNotFound):
		var e *APIError
		if errors.As(cause, &e) && errors.Is(e, ErrNameTaken) {
			e.Hint = fmt.Sprintf("the name %q is taken (a network of that name?)", req.Name)
		}
		return nil, cause
	case errors.Is(err, ErrForeignKey), errors.Is(err, ErrAmbiguous):
		hint := fmt.Sprintf("an enrollment key named %q exists with other settings than requested "+
			"(an earlier attempt of this create may have been applied with its answer lost, but it does not match)", req.Name)
		var e *APIError
		if errors.As(cause, &e) && errors.Is(e, ErrNameTaken) {
			e.Hint = hint
			return nil, e
		}
		return nil, fmt.Errorf("%w: %s; the create failed: %w", ErrNameTaken, hint, cause)
	default:
		return nil, fmt.Errorf("%w: creating the enrollment key %q on %s failed (%w), and looking it up by name afterwards "+
			"failed too: %w", ErrOutcomeUnknown, req.Name, c.host, cause, err)
	}
}
