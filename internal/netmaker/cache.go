package netmaker

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"time"
)

// listCache shares one key list between the reads of a Client. Concurrent
// readers share one in-flight request; a write through the Client bumps
// the generation, so that no list started before the write is served
// after it.
type listCache struct {
	disabled bool

	mu       sync.Mutex
	gen      uint64
	valid    bool
	keys     []EnrollmentKey
	inflight *listCall
	// volatileUntil: lists fetched before this instant are shared with
	// concurrent callers but not kept, because the server is still
	// changing keys on its own (the cascade after a network deletion).
	volatileUntil time.Time
}

type listCall struct {
	gen  uint64
	done chan struct{}
	keys []EnrollmentKey
	err  error
	// leaderGaveUp: the leader's own context ended (its caller went away).
	// Only then is the outcome not the server's, and a waiter whose context
	// is alive asks again. A timeout of the request itself is the server's
	// outcome, shared like any other: otherwise every waiter would run the
	// hung list again in turn.
	leaderGaveUp bool
}

func newListCache(disabled bool) *listCache {
	return &listCache{disabled: disabled}
}

func (lc *listCache) lock()   { lc.mu.Lock() }
func (lc *listCache) unlock() { lc.mu.Unlock() }

// invalidate forgets the list and any list in flight.
func (lc *listCache) invalidate() { lc.invalidateVolatile(0) }

// invalidateVolatile invalidates and keeps no list for d.
func (lc *listCache) invalidateVolatile(d time.Duration) {
	lc.lock()
	lc.gen++
	lc.valid = false
	lc.keys = nil
	lc.inflight = nil
	if until := time.Now().Add(d); until.After(lc.volatileUntil) {
		lc.volatileUntil = until
	}
	lc.unlock()
}

// recordWrite applies the known effect of one of this client's own writes
// (a key it created, changed, regenerated or deleted, as the server
// answered) to a valid list instead of dropping it: Terraform plans every
// resource again during an apply, and with the list dropped after each
// write an apply of N keys listed about N times at -parallelism=10 (each
// list holding all keys). edit answers false when the effect is not known
// after all; the list is then dropped. Lists in flight are dropped as on
// invalidate, since they may predate the write; while the list is volatile
// nothing is kept.
func (lc *listCache) recordWrite(edit func([]EnrollmentKey) ([]EnrollmentKey, bool)) {
	lc.lock()
	defer lc.unlock()
	lc.gen++
	lc.inflight = nil
	if !lc.valid || !time.Now().After(lc.volatileUntil) {
		lc.valid, lc.keys = false, nil
		return
	}
	// A new slice: readers of listShared may still hold the old one.
	keys, known := edit(slices.Clone(lc.keys))
	if !known {
		lc.valid, lc.keys = false, nil
		return
	}
	lc.keys = keys
}

// defaultEffect is what one write did to the default flag of keys other
// than the one it wrote. The flag is per key: a key that takes it from
// another key of one network takes it for all that key's networks.
type defaultEffect int

const (
	// defaultsKept: no other key's flag changed.
	defaultsKept defaultEffect = iota
	// defaultTaken: the key became a default, and every other default key
	// sharing one of its networks lost the flag.
	defaultTaken
	// defaultMaybeTaken: the key was a default and was told again to be
	// one (a v1.7 PUT with "default": true). Whether that takes the flag
	// from other default keys of its networks (a server listing several) is
	// not documented: with such a key cached, the list is read again.
	defaultMaybeTaken
)

// recordKey records k as this client's write left it (the server's answer):
// it takes the place of the key whose value was replaced (the key before an
// update or a regenerate; "" for a new key), with effect on the other keys'
// default flags.
func (lc *listCache) recordKey(replaced string, k EnrollmentKey, effect defaultEffect) {
	k = copyKey(k)
	lc.recordWrite(func(keys []EnrollmentKey) ([]EnrollmentKey, bool) {
		keys = slices.DeleteFunc(keys, func(o EnrollmentKey) bool { return o.Value == k.Value || replaced != "" && o.Value == replaced })
		for i := range keys {
			if !keys[i].Default || !sharesNetwork(&keys[i], &k) {
				continue
			}
			switch effect {
			case defaultTaken:
				keys[i].Default = false // a copy: the slice is new, its elements are values
			case defaultMaybeTaken:
				return nil, false
			}
		}
		return append(keys, k), true
	})
}

// recordDeleted removes the key with value, which this client deleted.
func (lc *listCache) recordDeleted(value string) {
	lc.recordWrite(func(keys []EnrollmentKey) ([]EnrollmentKey, bool) {
		return slices.DeleteFunc(keys, func(k EnrollmentKey) bool { return k.Value == value }), true
	})
}

func sharesNetwork(a, b *EnrollmentKey) bool {
	return slices.ContainsFunc(a.Networks, b.HasNetwork)
}

// ListKeys answers all keys (see the cache above). The answer is a deep
// copy: callers may modify it.
func (c *Client) ListKeys(ctx context.Context) ([]EnrollmentKey, error) {
	keys, err := c.listShared(ctx)
	if err != nil {
		return nil, err
	}
	return copyKeys(keys), nil
}

// listShared answers a list that must not be modified.
func (c *Client) listShared(ctx context.Context) ([]EnrollmentKey, error) {
	lc := c.cache
	if lc.disabled {
		return c.fetchKeys(ctx)
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		lc.lock()
		if lc.valid {
			keys := lc.keys
			lc.unlock()
			return keys, nil
		}
		lead := false
		call := lc.inflight
		if call == nil {
			call = &listCall{gen: lc.gen, done: make(chan struct{})}
			lc.inflight = call
			lead = true
		}
		lc.unlock()

		if lead {
			call.keys, call.err = c.fetchKeys(ctx)
			call.leaderGaveUp = call.err != nil && ctx.Err() != nil
			lc.lock()
			if call.err == nil && call.gen == lc.gen && time.Now().After(lc.volatileUntil) {
				lc.keys, lc.valid = call.keys, true
			}
			if lc.inflight == call {
				lc.inflight = nil
			}
			lc.unlock()
			close(call.done)
			return call.keys, call.err
		}

		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-call.done:
		}
		if call.leaderGaveUp && ctx.Err() == nil {
			// The leader gave up; this caller has not: try again.
			continue
		}
		return call.keys, call.err
	}
}

func (c *Client) fetchKeys(ctx context.Context) ([]EnrollmentKey, error) {
	const method = http.MethodGet
	a, err := c.do(ctx, method, routeKeys, routeKeys, nil)
	if err != nil {
		return nil, err
	}
	if !a.ok() {
		return nil, c.apiError(method, routeKeys, a)
	}
	keys, err := decodeKeys(a.body)
	if err != nil {
		return nil, c.decodeError(method, routeKeys, a, err)
	}
	return keys, nil
}

func copyKey(k EnrollmentKey) EnrollmentKey {
	k.Networks = slices.Clone(k.Networks)
	k.Tags = slices.Clone(k.Tags)
	if k.Networks == nil {
		k.Networks = []string{}
	}
	if k.Tags == nil {
		k.Tags = []string{}
	}
	return k
}

func copyKeys(keys []EnrollmentKey) []EnrollmentKey {
	out := make([]EnrollmentKey, len(keys))
	for i, k := range keys {
		out[i] = copyKey(k)
	}
	return out
}
