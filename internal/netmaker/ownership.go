package netmaker

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// ErrForeignKey: a key has the name, but it is not the key the caller
// manages (see KeyClaim). Acting on it would change or delete someone
// else's key. (Not an APIError kind.)
var ErrForeignKey = errors.New("an enrollment key of this name exists but is not the managed key")

// KeyClaim is what a resource knows of the key it manages. Names identify
// keys, but a name can be reused: the managed key deleted outside Terraform,
// then someone creates another of the same name. A key is the claimed one
// only when
//   - its value is Value; or
//   - Value is "" and Settings is nil (an import: the user names the key to
//     adopt), and it is the only key of the name; or
//   - its settings are Settings (a change of value is then explained: a
//     rotation keeps every setting, inside or outside Terraform, and an
//     uncertain create made the key with them).
type KeyClaim struct {
	Name  string
	Value string // the value last recorded; "" when none is known
	// Settings, when set, are the settings last recorded (or, after an
	// uncertain create, the settings it asked for). Uses is not compared:
	// it is a live counter.
	Settings *CreateKeyRequest
}

// ClaimedKey finds the key claim describes. ErrNotFound when no key has the
// name (the claimed key is gone); ErrForeignKey when keys have the name but
// none is the claimed one; an *AmbiguousError when several qualify.
func (c *Client) ClaimedKey(ctx context.Context, claim KeyClaim) (*EnrollmentKey, error) {
	keys, err := c.listShared(ctx)
	if err != nil {
		return nil, err
	}
	var named, matching []int
	for i := range keys {
		if keys[i].Name != claim.Name {
			continue
		}
		if claim.Value != "" && keys[i].Value == claim.Value {
			k := copyKey(keys[i])
			return &k, nil
		}
		named = append(named, i)
		if claim.Settings != nil && hasRecordedSettings(keys[i], *claim.Settings) {
			matching = append(matching, i)
		}
	}
	candidates := matching
	if claim.Value == "" && claim.Settings == nil {
		candidates = named
	}
	switch {
	case len(named) == 0:
		return nil, fmt.Errorf("%w: no enrollment key named %q on %s", ErrNotFound, claim.Name, c.host)
	case len(candidates) == 1:
		k := copyKey(keys[candidates[0]])
		return &k, nil
	case len(candidates) > 1:
		// Every candidate carries the name looked up.
		names := slices.Repeat([]string{claim.Name}, len(candidates))
		return nil, &AmbiguousError{Name: claim.Name, Keys: names, Host: c.host}
	default:
		return nil, fmt.Errorf("%w: %s has an enrollment key named %q, but it is not the managed one: its value is not "+
			"the recorded one and its settings do not show it to be the same key rotated; it may be another user's key, "+
			"created after the managed key was deleted", ErrForeignKey, c.host, claim.Name)
	}
}

// hasRecordedSettings reports whether k has the recorded settings, whatever
// its remaining uses (a live counter that devices count down).
func hasRecordedSettings(k EnrollmentKey, recorded CreateKeyRequest) bool {
	recorded.Uses = k.UsesRemaining
	return k.Matches(recorded)
}

// AnswerDisagreement comes beside a key when a write succeeded but its
// answer named a key the server's list does not have (a proxy or cache in
// between answered for the server). The key beside it is the list's: the
// list is trusted. A warning to pass on, not a failure.
type AnswerDisagreement struct {
	Operation string // the route, e.g. "POST /api/v1/enrollment-keys/{value}/regenerate-token"
	Name      string // the key's name
	Host      string
}

func (d *AnswerDisagreement) Error() string {
	return fmt.Sprintf("%s for the enrollment key %q was answered with a value that %s does not list; the list is "+
		"trusted: its key of that name and settings, with another value, is the rotated one", d.Operation, d.Name, d.Host)
}

// errNotRotated: a rotation answered as done left the key's old value in
// the list.
var errNotRotated = errors.New("not rotated")

// rotatedKey finds, in a fresh list, the key a rotation of old made: the
// key of old's name with the value the answer named (answered; "" when it
// named none), else the one with old's settings and another value (the
// claim rule). The list is the truth: a key found by its settings although
// the answer named a value comes with an *AnswerDisagreement, and a list
// that still has old's value means no rotation happened, whatever the
// answer said.
func (c *Client) rotatedKey(ctx context.Context, old *EnrollmentKey, answered, operation string) (*EnrollmentKey, error) {
	c.cache.invalidate()
	keys, err := c.listShared(ctx)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(keys, func(k EnrollmentKey) bool { return k.Value == old.Value }) {
		return nil, fmt.Errorf("%w: %w: %s for the enrollment key %q was answered as done, but %s still lists the key "+
			"with its old value", ErrServer, errNotRotated, operation, old.Name, c.host)
	}
	settings := old.Request()
	k, err := c.ClaimedKey(ctx, KeyClaim{Name: old.Name, Value: answered, Settings: &settings})
	if err != nil {
		return nil, err
	}
	if answered != "" && k.Value != answered {
		return k, &AnswerDisagreement{Operation: operation, Name: old.Name, Host: c.host}
	}
	return k, nil
}
