package provider

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
)

// planLedger is what one provider process learns about the configuration
// while Terraform plans it. Terraform tells a provider nothing about the
// other resources of a configuration, but one process refreshes and plans
// every resource instance of it, in dependency order (a resource that
// refers to another is planned after it), and the apply walk plans again in
// a process of its own. The ledger lets one plan see what others claimed:
//   - the keys that this configuration's state holds, as a refresh found
//     them (so that the replacement of a tainted key may reuse its name);
//   - which key each network's default is claimed for (two claims on one
//     network would move the default back and forth on every apply);
//   - the keys planned in this run, with their networks and default flag
//     (so that netmaker_network_default_key can check a key this apply
//     creates).
type planLedger struct {
	mu sync.Mutex
	// refreshed: key name → the value a refresh found for a resource of
	// this state.
	refreshed map[string]string
	// inPlace: key names planned as existing objects (an update or no
	// change) — never free for a create.
	inPlace map[string]bool
	// takenOver: key names a create plans to take over from the refreshed
	// (tainted) object of the same name.
	takenOver map[string]bool
	// created: key names a create plans while the server has no such key.
	created map[string]bool
	// defaults: network → the key claimed as its default, and by what.
	defaults map[string]defaultClaim
	// planned: key name → what its plan in this run says.
	planned map[string]plannedKey
	// destroyed: key names a resource of this state plans to destroy.
	destroyed map[string]bool
	// networks: network names a netmaker_network of this run plans to create.
	networks map[string]bool
}

// defaultClaim is one claim on a network's default key.
type defaultClaim struct {
	key string
	by  string // what claims it, for messages
}

// plannedKey is a key as this run plans it.
type plannedKey struct {
	networks      []string // nil when not known at plan time
	networksKnown bool
	isDefault     bool // the key is (or becomes) its networks' default
	creating      bool // the key does not exist yet (or is replaced)
}

// newPlanLedger answers an empty ledger. A nil *planLedger (a provider not
// configured yet, or a unit test) records nothing and allows nothing.
func newPlanLedger() *planLedger {
	return &planLedger{
		refreshed: map[string]string{},
		inPlace:   map[string]bool{},
		takenOver: map[string]bool{},
		created:   map[string]bool{},
		defaults:  map[string]defaultClaim{},
		planned:   map[string]plannedKey{},
		destroyed: map[string]bool{},
		networks:  map[string]bool{},
	}
}

// noteRefreshed records that a refresh found key name, with value, to be a
// resource's of this state.
func (l *planLedger) noteRefreshed(name, value string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refreshed[name] = value
}

// planExisting records a plan of the existing key name. It answers false
// when a create in this run already planned to take the name over (two
// resources manage one key).
func (l *planLedger) planExisting(name string) bool {
	if l == nil {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inPlace[name] = true
	return !l.takenOver[name]
}

// takeOver tells whether a create of name may reuse it although the server
// has a key of that name with value: the refresh of this state found that
// key to be a resource's own, and no plan keeps that resource in place (it
// is tainted, and Terraform replaces it: the old key is deleted before the
// new one is created).
func (l *planLedger) takeOver(name, value string) bool {
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if v, ok := l.refreshed[name]; !ok || v != value || l.inPlace[name] || l.takenOver[name] {
		return false
	}
	l.takenOver[name] = true
	return true
}

// noteDestroyed records that a resource of this state plans to destroy
// key name.
func (l *planLedger) noteDestroyed(name string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.destroyed[name] = true
}

// noteNetworkCreate records that a netmaker_network plans to create
// network name.
func (l *planLedger) noteNetworkCreate(name string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.networks[name] = true
}

// createsNetwork tells whether this run plans to create network name.
func (l *planLedger) createsNetwork(name string) bool {
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.networks[name]
}

// manages tells whether this run saw key name as one of this
// configuration's (refreshed, planned, or planned to be destroyed).
func (l *planLedger) manages(name string) bool {
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, refreshed := l.refreshed[name]
	_, planned := l.planned[name]
	return refreshed || planned || l.destroyed[name]
}

// createName records a create of name, free on the server; it answers
// false when another create in this run already planned the name (only one
// of them could succeed).
func (l *planLedger) createName(name string) bool {
	if l == nil {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.created[name] {
		return false
	}
	l.created[name] = true
	return true
}

// claimDefault records that key is claimed as the default of each network
// (by, for messages) and answers the claims of other keys it conflicts with.
func (l *planLedger) claimDefault(key, by string, networks []string) []defaultConflict {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []defaultConflict
	for _, n := range networks {
		prior, ok := l.defaults[n]
		switch {
		case !ok:
			l.defaults[n] = defaultClaim{key: key, by: by}
		case prior.key != key:
			out = append(out, defaultConflict{network: n, mine: defaultClaim{key: key, by: by}, theirs: prior})
		}
	}
	return out
}

// defaultConflict is two claims of different keys on one network's default.
type defaultConflict struct {
	network      string
	mine, theirs defaultClaim
}

func (c defaultConflict) String() string {
	return fmt.Sprintf("network %q: key %q (%s) and key %q (%s)", c.network, c.mine.key, c.mine.by, c.theirs.key, c.theirs.by)
}

// describeConflicts words conflicts for a diagnostic.
func describeConflicts(conflicts []defaultConflict) string {
	parts := make([]string, len(conflicts))
	for i, c := range conflicts {
		parts[i] = c.String()
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}

// plan records what the plan of key name says.
func (l *planLedger) plan(name string, k plannedKey) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	k.networks = slices.Clone(k.networks)
	l.planned[name] = k
}

// plannedKey answers what this run plans for key name, if it plans it.
func (l *planLedger) plannedKey(name string) (plannedKey, bool) {
	if l == nil {
		return plannedKey{}, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	k, ok := l.planned[name]
	return k, ok
}
