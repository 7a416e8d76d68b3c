package netmaker

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Minted keys are the keys a Terraform run makes for itself (the ephemeral
// netmaker_enrollment_key) and revokes when it is done with them. A minted
// key's name is the caller's prefix followed by a marker of
// MintedNameSuffixLen characters of [0-9a-z]:
//
//   - the deadline, when the run's ttl ends: minutes since the Unix epoch,
//     rounded up, in base 36 (6 characters). Netmaker keeps an expiry only
//     on time-bound keys (KeyType.Expires), so a later run reads the end of
//     a uses key from its name;
//   - a random part (4 characters), so that two runs never share a name;
//   - a check (3 characters) computed from the prefix and the rest.
//
// The check is what no hand-made key carries: a name that merely looks like
// a minted one (a prefix and 13 letters and digits) fails it, except by a
// chance of 1 in 46,656 for a name chosen at random. Cleaning up deletes
// only keys that carry the marker of the caller's exact prefix and are past
// their deadline or usable by no device, never a network's default key.

const (
	mintedDeadlineLen = 6
	mintedRandomLen   = 4
	mintedCheckLen    = 3
	// MintedNameSuffixLen is the length of the marker a minted key's name
	// ends with.
	MintedNameSuffixLen = mintedDeadlineLen + mintedRandomLen + mintedCheckLen
	// maxKeyNameLen is the longest name Netmaker accepts for a new key (the
	// shortest, 3 characters, is always met: the marker is longer).
	maxKeyNameLen = 32
	// MaxMintedNamePrefixLen is the longest prefix of a minted key's name,
	// in characters: the name must fit in Netmaker's 32.
	MaxMintedNamePrefixLen = maxKeyNameLen - MintedNameSuffixLen
)

// mintedCheckDomain separates the check's hash from any other use of SHA-256.
const mintedCheckDomain = "netmaker-terraform minted enrollment key\x00"

// MintedKeyName is what a minted key's name tells.
type MintedKeyName struct {
	Prefix string
	// Deadline is when the minting run's ttl ends (at a whole minute).
	Deadline time.Time
}

// MintedNamePrefixProblem explains why prefix cannot start a minted key's
// name, or answers "": the name is the prefix and the marker, and Netmaker
// takes names of at most 32 characters.
func MintedNamePrefixProblem(prefix string) string {
	n := utf8.RuneCountInString(prefix)
	switch {
	case n == 0:
		return "A name prefix must not be empty: it is how the minted keys are found again."
	case n > MaxMintedNamePrefixLen:
		return fmt.Sprintf("A minted key's name is the prefix and a %d-character marker, and Netmaker allows key names of "+
			"at most %d characters, so the prefix may have at most %d; %q has %d.",
			MintedNameSuffixLen, maxKeyNameLen, MaxMintedNamePrefixLen, prefix, n)
	}
	return ""
}

// NewMintedKeyName answers a new name for a key minted with prefix whose
// ttl ends at deadline. ErrValidation when MintedNamePrefixProblem refuses
// the prefix.
func NewMintedKeyName(prefix string, deadline time.Time) (string, error) {
	if msg := MintedNamePrefixProblem(prefix); msg != "" {
		return "", fmt.Errorf("%w: %s", ErrValidation, msg)
	}
	minutes := (deadline.Unix() + 59) / 60
	stamp, ok := base36(uint64(max(minutes, 0)), mintedDeadlineLen)
	if !ok {
		return "", fmt.Errorf("%w: the deadline %s is too far in the future", ErrValidation, deadline.UTC().Format(time.RFC3339))
	}
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (it crashes the program instead)
	random, _ := base36(binary.BigEndian.Uint64(b[:])%pow36(mintedRandomLen), mintedRandomLen)
	return prefix + stamp + random + mintedCheck(prefix, stamp+random), nil
}

// ParseMintedKeyName answers what name tells when it is a minted key's name
// (it carries the marker, check included), and false otherwise.
func ParseMintedKeyName(name string) (MintedKeyName, bool) {
	if len(name) <= MintedNameSuffixLen {
		return MintedKeyName{}, false
	}
	cut := len(name) - MintedNameSuffixLen
	prefix, suffix := name[:cut], name[cut:]
	if !utf8.ValidString(prefix) {
		return MintedKeyName{}, false
	}
	body, check := suffix[:mintedDeadlineLen+mintedRandomLen], suffix[mintedDeadlineLen+mintedRandomLen:]
	if strings.Trim(suffix, "0123456789abcdefghijklmnopqrstuvwxyz") != "" || mintedCheck(prefix, body) != check {
		return MintedKeyName{}, false
	}
	minutes, err := strconv.ParseInt(body[:mintedDeadlineLen], 36, 64)
	if err != nil {
		return MintedKeyName{}, false
	}
	return MintedKeyName{Prefix: prefix, Deadline: time.Unix(minutes*60, 0).UTC()}, true
}

// StaleMintedKeys answers the keys minted with prefix that have served
// their time: past the deadline in their name, or usable by no device
// (expired, used up), at the client's now. Never a default key (Netmaker
// refuses to delete one). Sorted by name.
func (c *Client) StaleMintedKeys(ctx context.Context, prefix string) ([]EnrollmentKey, error) {
	keys, err := c.listShared(ctx)
	if err != nil {
		return nil, err
	}
	now := c.now()
	return selectKeys(keys, func(k *EnrollmentKey) bool {
		m, ok := ParseMintedKeyName(k.Name)
		if !ok || m.Prefix != prefix || k.Default {
			return false
		}
		return !now.Before(m.Deadline) || k.Status(now) != KeyStatusActive
	}), nil
}

// RevokeMintedKey deletes the key named name, a minted key's name, and
// answers whether one existed. ErrValidation, before anything is asked, for a
// name without the minted marker: that key is not a run's own.
func (c *Client) RevokeMintedKey(ctx context.Context, name string) (bool, error) {
	if _, ok := ParseMintedKeyName(name); !ok {
		return false, fmt.Errorf("%w: %q is not the name of a minted enrollment key", ErrValidation, name)
	}
	keys, err := c.KeysNamed(ctx, name)
	if err != nil {
		return false, err
	}
	for _, k := range keys {
		if err := c.DeleteKey(ctx, k.Value); err != nil && !errors.Is(err, ErrNotFound) {
			return true, err
		}
	}
	return len(keys) > 0, nil
}

// Expires reports whether Netmaker keeps an expiry on keys of type t: only
// on time-bound keys (it drops the expiration sent with a uses key, and an
// unlimited key has none).
func (t KeyType) Expires() bool { return t == KeyTypeTimeBound }

// mintedCheck is the check part of a marker: a hash of the prefix and the
// rest of the marker, in base 36.
func mintedCheck(prefix, body string) string {
	sum := sha256.Sum256([]byte(mintedCheckDomain + prefix + "\x00" + body))
	s, _ := base36(binary.BigEndian.Uint64(sum[:8])%pow36(mintedCheckLen), mintedCheckLen)
	return s
}

// base36 writes n in exactly width digits of [0-9a-z]; false when it needs more.
func base36(n uint64, width int) (string, bool) {
	s := strconv.FormatUint(n, 36)
	if len(s) > width {
		return "", false
	}
	return strings.Repeat("0", width-len(s)) + s, true
}

func pow36(n int) uint64 {
	p := uint64(1)
	for range n {
		p *= 36
	}
	return p
}
