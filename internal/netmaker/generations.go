package netmaker

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Server-generation strategies. The provider asks for an outcome (rotate a
// token, make a key the default, give a network's default back, delete a
// default key) and the client chooses how this server can do it:
//
//	                         v1.5             current                       v1.7
//	rotate a token           delete + create  regenerate route              regenerate route
//	make a key the default   unsupported      delete + create as default    PUT "default": true
//	give the default back    (never moves)    re-create the auto key        PUT on the auto key
//
// "delete + create" is one path (recreate) for all of them.

const (
	shapeUnknown int32 = iota
	shapeList
	shapeDetail
)

// withShape completes route capabilities with what the answers' shape tells.
func (c *Client) withShape(caps Capabilities) Capabilities {
	if caps.NetworkDefault && c.shape.Load() == shapeDetail {
		caps.Generation = GenerationV17
		caps.CanSetDefaultInPlace = true
	}
	return caps
}

// noteShape records the shape of an update, regenerate or network-default
// answer: the detail shape is v1.7's, the list shape current's.
func (c *Client) noteShape(body []byte) {
	if _, err := decodeKey(body); err != nil {
		return
	}
	if isDetailShape(body) {
		c.shape.Store(shapeDetail)
	} else {
		c.shape.Store(shapeList)
	}
}

// probeShape asks for the default key of a network that has one (as the
// list tells) and notes the answer's shape. Without such a network the shape
// stays unknown and is probed again next time. The caller holds capsMu.
func (c *Client) probeShape(ctx context.Context) {
	keys, err := c.listShared(ctx)
	if err != nil {
		return
	}
	var networks []string
	for _, k := range keys {
		if k.Default {
			networks = append(networks, k.Networks...)
		}
	}
	slices.Sort(networks)
	networks = slices.Compact(networks)
	for i, network := range networks {
		if i == 3 {
			return // networks that do not exist (keys may name any); enough tries
		}
		a, err := c.do(ctx, http.MethodGet, routeNetworkDefault, "/api/v1/enrollment-keys/network/"+pathValue(network)+"/default", nil)
		if err != nil {
			return
		}
		if a.ok() {
			c.noteShape(a.body)
			if c.shape.Load() != shapeUnknown {
				return
			}
		}
	}
}

func (c *Client) now() time.Time {
	if c.cfg.Now != nil {
		return c.cfg.Now()
	}
	return time.Now()
}

// MakeDefaultOptions says what MakeDefault may do.
type MakeDefaultOptions struct {
	// AllowRecreate lets MakeDefault delete the key and create it again
	// (same name and settings, a new value and token) on servers where only
	// a new key can become a network's default (current generation).
	AllowRecreate bool
}

// CheckMakeDefault answers the error MakeDefault(k, opts) would give before
// changing anything, or nil: ErrValidation (no networks), ErrUnsupported
// (v1.5), ErrNeedsRecreate (current, without AllowRecreate), ErrCannotRecreate.
func (c *Client) CheckMakeDefault(ctx context.Context, k *EnrollmentKey, opts MakeDefaultOptions) error {
	if k.Default {
		return nil
	}
	if len(k.Networks) == 0 {
		return fmt.Errorf("%w: the enrollment key %q has no networks, so it cannot be a network's default key", ErrValidation, k.Name)
	}
	caps, err := c.Capabilities(ctx)
	if err != nil {
		return err
	}
	switch {
	case !caps.NetworkDefault:
		return fmt.Errorf("%w: %s is a Netmaker v1.5-line server: there the default key of a network is always the key "+
			"Netmaker generated with it (named after the network), and no other key can become the default", ErrUnsupported, c.host)
	case caps.CanSetDefaultInPlace:
		return nil
	case !opts.AllowRecreate:
		return fmt.Errorf("%w: %s (current generation) makes a key a network's default only when the key is created; "+
			"making the existing key %q the default means deleting it and creating it again with the same name and settings, "+
			"which gives it a new value and token (the old token stops working)", ErrNeedsRecreate, c.host, k.Name)
	}
	return c.checkRecreatable(k, "make it the default of its networks")
}

// MakeDefault makes the key with value the default of all its networks
// (each network's previous default loses the flag) and answers it as read
// back: on v1.7 by an update; on current by creating the key again with
// "default": true, if opts allow. See CheckMakeDefault for the errors.
func (c *Client) MakeDefault(ctx context.Context, value string, opts MakeDefaultOptions) (*EnrollmentKey, error) {
	k, err := c.KeyByValue(ctx, value)
	if err != nil {
		return nil, err
	}
	if err := c.CheckMakeDefault(ctx, k, opts); err != nil {
		return nil, err
	}
	if k.Default {
		return k, nil
	}
	caps, err := c.Capabilities(ctx)
	if err != nil {
		return nil, err
	}
	var got *EnrollmentKey
	if caps.CanSetDefaultInPlace {
		got, err = c.put(ctx, k, &updateBody{
			Relay: gatewayToWire(k.GatewayID), Groups: nonNil(k.Tags), AutoAssignGW: k.AutoAssignGateway, Default: true,
		})
	} else {
		got, err = c.recreate(ctx, k, true)
	}
	if err != nil {
		return nil, err
	}
	if !got.Default {
		return nil, fmt.Errorf("%w: %s accepted the request to make the enrollment key %q the default of its networks, "+
			"but the key is not the default afterwards", ErrUnsupported, c.host, k.Name)
	}
	return got, nil
}

// RestoredDefault tells how RestoreDefault gave a network its default back.
type RestoredDefault struct {
	Network string
	Key     *EnrollmentKey // the network's default key afterwards
	// Recreated: the auto-generated key was deleted and created again with
	// "default": true (current generation): its value and token are new.
	Recreated bool
	// Created: the network had no auto-generated key any more; a key like
	// it (named after the network, unlimited) was created as its default.
	Created bool
	// Cleared: no such key could be created (v1.7 refuses a key named like
	// a network that keys join), so the released key's flag was cleared
	// instead, and the network has no default key now (Key is nil).
	Cleared bool
}

// RestoreDefault makes the key Netmaker generated with network its default
// again (nothing to do when it is): by an update on v1.7, by creating it
// again on current. Without an auto-generated key, it creates one like it,
// so that the network keeps exactly one default key. ErrUnsupported on v1.5,
// where the default cannot move.
func (c *Client) RestoreDefault(ctx context.Context, network string) (RestoredDefault, error) {
	out, err := c.restoreDefault(ctx, network)
	if errors.Is(err, ErrNotFound) {
		// The auto-generated key of the cached list is gone (deleted since
		// the list was read): decide again, on a fresh list (the failed
		// write dropped the cached one).
		out, err = c.restoreDefault(ctx, network)
	}
	return out, err
}

func (c *Client) restoreDefault(ctx context.Context, network string) (RestoredDefault, error) {
	out := RestoredDefault{Network: network}
	auto, err := c.AutoGeneratedKey(ctx, network)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return out, err
	}
	if err == nil && auto.Default {
		out.Key = auto
		return out, nil
	}
	caps, cerr := c.Capabilities(ctx)
	if cerr != nil {
		return out, cerr
	}
	if !caps.NetworkDefault {
		return out, fmt.Errorf("%w: %s is a Netmaker v1.5-line server, which cannot give network %q its default key "+
			"back: the default of a network never moves there", ErrUnsupported, c.host, network)
	}
	if err != nil { // no auto-generated key
		out.Key, err = c.CreateKey(ctx, CreateKeyRequest{Name: network, Networks: []string{network}, Type: KeyTypeUnlimited, Default: true})
		if err != nil {
			return out, fmt.Errorf("network %q has no auto-generated enrollment key to give its default back to, and creating "+
				"one named %q failed: %w", network, network, err)
		}
		out.Created = true
		return out, nil
	}
	out.Key, err = c.MakeDefault(ctx, auto.Value, MakeDefaultOptions{AllowRecreate: true})
	out.Recreated = err == nil && !caps.CanSetDefaultInPlace
	return out, err
}

// ReleaseDefault gives every network whose default key is the key with
// value back to its auto-generated key (see RestoreDefault), so that the
// key is no network's default afterwards. A network's own auto-generated
// key cannot be released this way (ErrValidation): another key has to
// become the default instead.
func (c *Client) ReleaseDefault(ctx context.Context, value string) ([]RestoredDefault, error) {
	k, err := c.KeyByValue(ctx, value)
	if err != nil {
		return nil, err
	}
	if !k.Default {
		return nil, nil
	}
	if k.AutoGenerated() {
		return nil, fmt.Errorf("%w: the enrollment key %q is the key Netmaker generated with network %q, which is its "+
			"default until another key becomes the default", ErrValidation, k.Name, k.Name)
	}
	// Decide which networks it is the default of before anything moves: the
	// flag is per key, so all of them, but one whose auto-generated key is
	// flagged as well (a server listing two defaults) has its default back.
	keys, err := c.listShared(ctx)
	if err != nil {
		return nil, err
	}
	var networks []string
	for _, n := range k.Networks {
		ownKeyIsDefault := slices.ContainsFunc(keys, func(d EnrollmentKey) bool { return d.Default && d.Name == n && d.AutoGenerated() })
		if !ownKeyIsDefault {
			networks = append(networks, n)
		}
	}
	slices.Sort(networks)
	var restored []RestoredDefault
	for _, n := range networks {
		r, err := c.RestoreDefault(ctx, n)
		if errors.Is(err, ErrNameTaken) {
			r, err = c.clearDefault(ctx, k, n)
		}
		if err != nil {
			return restored, fmt.Errorf("giving the default of network %q back to its auto-generated key failed: %w", n, err)
		}
		restored = append(restored, r)
	}
	return restored, nil
}

// clearDefault takes the default flag off k where an update can (v1.7).
func (c *Client) clearDefault(ctx context.Context, k *EnrollmentKey, network string) (RestoredDefault, error) {
	out := RestoredDefault{Network: network}
	caps, err := c.Capabilities(ctx)
	if err != nil {
		return out, err
	}
	if !caps.CanSetDefaultInPlace {
		return out, fmt.Errorf("%w: network %q has no auto-generated enrollment key, a key named %q cannot be created, and "+
			"%s cannot take the default flag off a key", ErrUnsupported, network, network, c.host)
	}
	got, err := c.put(ctx, k, &updateBody{
		Relay: gatewayToWire(k.GatewayID), Groups: nonNil(k.Tags), AutoAssignGW: k.AutoAssignGateway, Default: false,
	})
	if err != nil {
		return out, err
	}
	if got.Default {
		return out, fmt.Errorf("%w: %s kept the default flag of the enrollment key %q", ErrUnsupported, c.host, k.Name)
	}
	out.Cleared = true
	return out, nil
}

// DefaultKeyDeletion tells what DeleteKeyAnyway did.
type DefaultKeyDeletion struct {
	// Kept: the key is the auto-generated default key of its network, which
	// Netmaker deletes only with the network; it was left on the server.
	Kept bool
	// Restored: networks whose default went back to their auto-generated
	// key before the key was deleted.
	Restored []RestoredDefault
}

// DeleteKeyAnyway deletes the key with value even when it is a network's
// default key, which Netmaker refuses to delete: a network's own
// auto-generated default key is left alone (Kept; it goes with its
// network); another default key first gives the networks it is the
// default of back to their auto-generated keys (ReleaseDefault), then is
// deleted. ErrNotFound when the key is gone.
func (c *Client) DeleteKeyAnyway(ctx context.Context, value string) (DefaultKeyDeletion, error) {
	var out DefaultKeyDeletion
	k, err := c.KeyByValue(ctx, value)
	if err != nil {
		return out, err
	}
	if k.Default && k.AutoGenerated() {
		out.Kept = true
		return out, nil
	}
	out.Restored, err = c.ReleaseDefault(ctx, value)
	if err != nil {
		return out, fmt.Errorf("the enrollment key %q is a network's default key, which Netmaker refuses to delete: %w", k.Name, err)
	}
	err = c.DeleteKey(ctx, value)
	if errors.Is(err, ErrDefaultKey) {
		err = fmt.Errorf("the enrollment key %q is still a network's default after its networks' defaults were given "+
			"back to their auto-generated keys: %w", k.Name, err)
	}
	return out, err
}

// CheckRotate answers the error RotateKey(k) would give before changing
// anything, or nil: on v1.5 a rotation creates the key again, which a
// default key (Netmaker refuses to delete it), a used-up or an expired key
// does not allow (ErrUnsupported, ErrCannotRecreate).
func (c *Client) CheckRotate(ctx context.Context, k *EnrollmentKey) error {
	caps, err := c.Capabilities(ctx)
	if err != nil {
		return err
	}
	if caps.RegenerateToken {
		return nil
	}
	if k.Default {
		return fmt.Errorf("%w: %s is a Netmaker v1.5-line server: it has no regenerate-token route, so a rotation deletes the "+
			"key and creates it again, and it refuses to delete a network's default key; the token of %q, the default key of "+
			"its network, cannot be rotated there (only deleting the network ends it). Keys that are not a network's default "+
			"can be rotated there", ErrUnsupported, c.host, k.Name)
	}
	return c.checkRecreatable(k, "rotate its token")
}

// RotateKey gives the key with value a new value and token and keeps its
// name and settings: by the regenerate-token route where the server has it,
// else (v1.5) by deleting the key and creating it again with its remaining
// uses and expiry, where the old token stops working a moment before the
// new one exists. See CheckRotate for the refusals.
func (c *Client) RotateKey(ctx context.Context, value string) (*EnrollmentKey, error) {
	k, err := c.KeyByValue(ctx, value)
	if err != nil {
		return nil, err
	}
	if err := c.CheckRotate(ctx, k); err != nil {
		return nil, err
	}
	caps, err := c.Capabilities(ctx)
	if err != nil {
		return nil, err
	}
	if caps.RegenerateToken {
		return c.RegenerateToken(ctx, value)
	}
	return c.recreate(ctx, k, false)
}

// checkRecreatable refuses what cannot be created again with its settings.
func (c *Client) checkRecreatable(k *EnrollmentKey, purpose string) error {
	how := fmt.Sprintf("to %s on %s, the enrollment key %q has to be deleted and created again with its settings", purpose, c.host, k.Name)
	switch {
	case k.Type == KeyTypeUses && k.UsesRemaining <= 0:
		return fmt.Errorf("%w: %s, including its remaining uses, and it has none left", ErrCannotRecreate, how)
	case k.Type == KeyTypeTimeBound && !c.now().Before(k.Expiration):
		return fmt.Errorf("%w: %s, including its expiry, which has passed", ErrCannotRecreate, how)
	case k.Type != KeyTypeUses && k.Type != KeyTypeTimeBound && k.Type != KeyTypeUnlimited:
		return fmt.Errorf("%w: %s, and Netmaker reports its type as undefined", ErrCannotRecreate, how)
	}
	return nil
}

// recreate deletes k and creates it again with the same name, networks,
// device tags, gateway settings, remaining uses and expiry, as a default
// key when asDefault: the one path that rotates on v1.5 and makes a default
// on current. The new key has a new value and token.
func (c *Client) recreate(ctx context.Context, k *EnrollmentKey, asDefault bool) (*EnrollmentKey, error) {
	if err := c.checkRecreatable(k, "create it again"); err != nil {
		return nil, err
	}
	req := CreateKeyRequest{
		Name:              k.Name,
		Networks:          slices.Clone(k.Networks),
		Type:              k.Type,
		Uses:              k.UsesRemaining,
		Expiration:        k.Expiration,
		Tags:              slices.Clone(k.Tags),
		GatewayID:         k.GatewayID,
		AutoAssignGateway: k.AutoAssignGateway,
		AutoEgress:        k.AutoEgress,
		Default:           asDefault,
	}
	if err := c.DeleteKey(ctx, k.Value); err != nil {
		// Not found: k, as the cached list had it, was deleted meanwhile.
		// Creating it would bring back a key someone removed.
		return nil, fmt.Errorf("deleting the enrollment key %q to create it again failed; nothing was changed: %w", k.Name, err)
	}
	created, err := c.CreateKey(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("the enrollment key %q was deleted to be created again, but creating it failed: its old token "+
			"no longer works, and the key does not exist until it is created again: %w", k.Name, err)
	}
	return created, nil
}
