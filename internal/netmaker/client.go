package netmaker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/clock"
)

// Config configures a Client. Exactly one credential: APIToken, or
// Username + Password. Validate holds the rule (New applies it).
type Config struct {
	Host               string // base URL, e.g. https://api.netmaker.example.com
	APIToken           string // personal access token or master key
	Username           string
	Password           string
	CACertPEM          string
	InsecureSkipVerify bool
	RequestTimeout     time.Duration // per attempt; 0: a sensible default (30s)
	MaxRetries         int           // retries after the first attempt on transient failures; 0 (or negative): none. The provider picks the default.
	UserAgent          string
	// HTTPClient, when set, is the transport-level client (tests).
	HTTPClient *http.Client
	// DisableListCache makes every read list the keys again (the naive
	// mode, kept for benchmarks that measure what the cache saves).
	DisableListCache bool
	// Clock decides whether a key has expired; nil: the system clock.
	Clock clock.Clock
}

// Client talks to one Netmaker server. It is safe for concurrent use.
// Every wire quirk of ../shared/netmaker-api.md is handled here.
type Client struct {
	cfg   Config
	clock clock.Clock
	base  string // scheme://host[/path], no trailing slash
	host  string // host[:port], for messages
	http  *retryablehttp.Client

	cache    *listCache
	networks networkCache // for plan-time checks only

	authMu    sync.Mutex // guards jwt and loggingIn
	jwt       string
	loggingIn *loginCall // the login in flight, if any

	capsMu    chan struct{} // 1-buffered: a mutex that callers can stop waiting for
	capsKnown bool
	caps      Capabilities // the routes; Generation and in-place defaults come from shape
	// shape is what update, regenerate and network-default answers look
	// like (shapeUnknown, shapeList or shapeDetail): it tells v1.7 from current.
	shape atomic.Int32
}

// networkCascadeWindow is how long after deleting a network the client
// keeps no key list (reads list afresh), while the server's asynchronous
// cascade may still change keys.
const networkCascadeWindow = 10 * time.Second

// probeNetwork cannot be a network name (names are [a-z0-9_-]).
const probeNetwork = "Netmaker.TF.Probe"

// New validates cfg (Config.Validate) and builds a client. It does not
// contact the server. Its errors about cfg are *ConfigError values.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	base, host, err := parseHost(cfg.Host)
	if err != nil {
		return nil, err
	}
	timeout := cfg.RequestTimeout
	if timeout <= 0 {
		timeout = defaultRequestTimeout
	}
	retries := max(cfg.MaxRetries, 0)
	hc, err := newHTTPClient(cfg, timeout)
	if err != nil {
		return nil, err
	}
	return &Client{
		cfg:    cfg,
		clock:  clock.OrSystem(cfg.Clock),
		base:   base,
		host:   host,
		http:   newRetryClient(hc, retries),
		cache:  newListCache(cfg.DisableListCache),
		capsMu: make(chan struct{}, 1),
	}, nil
}

// parseHost answers the base URL (no trailing slash) and host[:port] of a
// host that CheckHost accepts.
func parseHost(raw string) (base, host string, err error) {
	u, err := checkHost(raw)
	if err != nil {
		return "", "", err
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.Scheme + "://" + u.Host + u.EscapedPath(), u.Host, nil
}

// Host is the configured server, without scheme, for messages.
func (c *Client) Host() string { return c.host }

// CheckAuth makes one cheap authenticated request so that a bad credential
// is reported once, at configure time, as ErrUnauthorized. It lists the
// keys, which warms the list cache.
func (c *Client) CheckAuth(ctx context.Context) error {
	_, err := c.listShared(ctx)
	return err
}

// Capabilities probes (once, then cached) what this server generation
// supports: it asks for the default key of a network that cannot exist.
// A server without the route answers 404 "404 page not found" (v1.5);
// later generations answer 400 "network not found". The shape of a
// network-default (or update, regenerate) answer then tells v1.7 (detail
// shape) from current (list shape); until one was seen, the server counts
// as current, the one that can do less.
func (c *Client) Capabilities(ctx context.Context) (Capabilities, error) {
	select {
	case c.capsMu <- struct{}{}:
	case <-ctx.Done():
		return Capabilities{}, ctx.Err()
	}
	defer func() { <-c.capsMu }()
	if !c.capsKnown {
		if err := c.probeRoutes(ctx); err != nil {
			return Capabilities{}, err
		}
	}
	if c.caps.NetworkDefault && c.shape.Load() == shapeUnknown {
		c.probeShape(ctx)
	}
	return c.withShape(c.caps), nil
}

// probeRoutes finds out which routes exist; the caller holds capsMu.
func (c *Client) probeRoutes(ctx context.Context) error {
	const method = http.MethodGet
	a, err := c.do(ctx, method, routeNetworkDefault, "/api/v1/enrollment-keys/network/"+probeNetwork+"/default", nil)
	if err != nil {
		return err
	}
	later := Capabilities{Generation: GenerationCurrent, RegenerateToken: true, NetworkDefault: true}
	var caps Capabilities
	switch {
	case a.ok():
		caps = later
	default:
		// Only Netmaker's own answers tell the generation: a proxy's 404
		// or 400 page is an error, not a server without (or with) the route.
		e := c.apiError(method, routeNetworkDefault, a)
		switch {
		case errors.Is(e, ErrUnsupported) && a.status == http.StatusNotFound:
			caps = Capabilities{Generation: GenerationV15}
		case errors.Is(e, ErrNotFound):
			caps = later
		default:
			return e
		}
	}
	c.caps, c.capsKnown = caps, true
	return nil
}

// CreateKey creates a key and answers it as read back through the list.
// A create whose outcome is uncertain (its answer lost, a 5xx that is not
// Netmaker's own verdict, a retry that meets "key names must be unique")
// ends with a lookup by name: a key with the requested settings is adopted,
// another fails with ErrNameTaken naming it. When even the lookup fails,
// the error matches ErrOutcomeUnknown: the key may exist.
func (c *Client) CreateKey(ctx context.Context, req CreateKeyRequest) (*EnrollmentKey, error) {
	const method = http.MethodPost
	body, err := newCreateBody(req)
	if err != nil {
		return nil, err
	}
	if req.Default {
		if err := c.CheckCreate(ctx, req); err != nil {
			return nil, err
		}
	}
	a, err := c.do(ctx, method, routeKeys, routeKeys, body)
	if err != nil {
		c.cache.invalidate()
		// Every attempt failed in transit; one may have been applied.
		return c.recoverCreate(ctx, req, err)
	}
	if a.ok() {
		created, derr := decodeKey(a.body)
		if derr == nil && created.Name == req.Name && !a.priorUncertain {
			// Create answers the stored key in the list shape, complete: no
			// need to list again (that made applying N keys cost N lists).
			created = copyKey(created)
			switch {
			case !req.Default:
				c.cache.recordKey("", created, defaultsKept)
			case created.Default:
				c.cache.recordKey("", created, defaultTaken) // the networks' previous default keys lost the flag
			default:
				c.cache.invalidate() // asked to be a default and is none: an unknown rule
			}
			return &created, nil
		}
		c.cache.invalidate()
		k, lerr := c.KeyByName(ctx, req.Name)
		switch {
		case lerr == nil:
			return k, nil
		case errors.Is(lerr, ErrNotFound) && derr == nil:
			// The list is the truth, the answer (which may be a proxy's) is not.
			return nil, fmt.Errorf("%w: creating the enrollment key %q was answered as done, but %s does not list a key of that "+
				"name", ErrOutcomeUnknown, req.Name, c.host)
		case derr == nil && created.Name == req.Name:
			// No list to check the answer against: the answer is all there is.
			created = copyKey(created)
			return &created, nil
		case derr != nil && errors.Is(lerr, ErrNotFound):
			return nil, c.decodeError(method, routeKeys, a, derr)
		default:
			return nil, fmt.Errorf("%w: the enrollment key %q was created but reading it back failed: %w", ErrOutcomeUnknown, req.Name, lerr)
		}
	}
	c.cache.invalidate()
	e := c.apiError(method, routeKeys, a)
	switch {
	case errors.Is(e, ErrNameTaken) && !a.priorUncertain:
		e.Hint = fmt.Sprintf("an enrollment key named %q already exists (key names are unique among keys)", req.Name)
		return nil, e
	case errors.Is(e, ErrNameTaken), a.priorUncertain, errors.Is(e, ErrServer) && a.status >= 500:
		// An attempt may have created the key with its answer lost, or a
		// proxy answered after forwarding it.
		return c.recoverCreate(ctx, req, e)
	default:
		return nil, e
	}
}

// UpdateKey changes tags, gateway and auto-assign of the key with value,
// always sending all three and the key's current default flag (which v1.7
// would otherwise clear), and answers the key as the server answered it.
func (c *Client) UpdateKey(ctx context.Context, value string, req UpdateKeyRequest) (*EnrollmentKey, error) {
	k, err := c.KeyByValue(ctx, value)
	if err != nil {
		return nil, err
	}
	return c.put(ctx, k, newUpdateBody(req, k.Default))
}

// put sends body as the update of old (the key as the cached list has it).
// An answer that is the whole key is recorded in the cached list, with
// what it did to other keys' default flags; any other answer is checked
// against a fresh list.
func (c *Client) put(ctx context.Context, old *EnrollmentKey, body *updateBody) (*EnrollmentKey, error) {
	const method = http.MethodPut
	if old.Value == "" {
		return nil, fmt.Errorf("%w: no key value", ErrValidation)
	}
	a, err := c.do(ctx, method, routeKey, keyPath(old.Value), body)
	if err != nil {
		c.cache.invalidate()
		return nil, err
	}
	if !a.ok() {
		c.cache.invalidate()
		return nil, c.apiError(method, routeKey, a, old.Value)
	}
	c.noteShape(a.body)
	if k, ok := answeredKey(a, old, old.Value); ok {
		if effect, known := putDefaultEffect(old, &k, body.Default, isDetailShape(a.body)); known {
			c.cache.recordKey(old.Value, k, effect)
			return &k, nil
		}
	}
	c.cache.invalidate()
	return c.readBack(ctx, method, routeKey, func(k *EnrollmentKey) bool { return k.Value == old.Value })
}

// answeredKey decodes a write's answer when it is the whole of the key old
// became, with value: the answer of a single attempt (an earlier one may
// have been applied unseen), with a token, and with old's name and every
// setting a PUT or a regenerate keeps (Matches). The settings an update
// sets and the remaining uses (a live counter) are the answer's. Anything
// else, e.g. a server answering only some fields, is not the key as the
// list would show it.
func answeredKey(a *answer, old *EnrollmentKey, value string) (EnrollmentKey, bool) {
	if a.priorUncertain {
		return EnrollmentKey{}, false
	}
	k, err := decodeKey(a.body)
	if err != nil || k.Value != value || k.Token == "" {
		return EnrollmentKey{}, false
	}
	kept := old.Request()
	kept.Tags, kept.GatewayID, kept.AutoAssignGateway, kept.Uses = k.Tags, k.GatewayID, k.AutoAssignGateway, k.UsesRemaining
	if !k.Matches(kept) {
		return EnrollmentKey{}, false
	}
	return copyKey(k), true
}

// putDefaultEffect tells what a PUT that sent "default": sentDefault, and
// was answered with k, did to other keys' default flags (see the API
// document): v1.5 and current ignore "default" on PUT; v1.7 (detail-shape
// answers) makes the key the default of its networks with true, taking the
// flag from their previous defaults, and clears it otherwise. known is
// false when k's flag moved in a way these rules do not explain.
func putDefaultEffect(old, k *EnrollmentKey, sentDefault, v17 bool) (effect defaultEffect, known bool) {
	switch {
	case old.Default == k.Default && k.Default && v17 && sentDefault:
		return defaultMaybeTaken, true
	case old.Default == k.Default:
		return defaultsKept, true
	case !v17:
		return defaultsKept, false
	case k.Default:
		return defaultTaken, sentDefault
	default:
		return defaultsKept, !sentDefault
	}
}

// readBack answers the key matching match from a fresh list: the list is
// the truth, the write's answer at most a hint (a proxy or cache in between
// can answer for the server). Only for writes whose answer is not the whole
// key (see answeredKey); the caller has dropped the cached list.
func (c *Client) readBack(ctx context.Context, method, route string, match func(*EnrollmentKey) bool) (*EnrollmentKey, error) {
	keys, err := c.listShared(ctx)
	if err != nil {
		return nil, err
	}
	if k := firstKey(keys, match); k != nil {
		return k, nil
	}
	return nil, fmt.Errorf("%w: %s on %s succeeded, but the key is not in the list afterwards", ErrNotFound, method+" "+route, c.host)
}

func keyPath(value string) string { return routeKeys + "/" + pathValue(value) }

// DeleteKey deletes the key with value. ErrNotFound when it is already
// gone; ErrDefaultKey when the server refuses because it is a default key.
// When an earlier attempt of this delete may have been applied (its answer
// lost), "not found" on a retry means success.
func (c *Client) DeleteKey(ctx context.Context, value string) error {
	const method = http.MethodDelete
	if value == "" {
		return fmt.Errorf("%w: no key value", ErrValidation)
	}
	a, err := c.do(ctx, method, routeKey, keyPath(value), nil)
	if err == nil && a.ok() {
		c.cache.recordDeleted(value)
		return nil
	}
	c.cache.invalidate()
	if err != nil {
		return err
	}
	e := c.apiError(method, routeKey, a, value)
	if errors.Is(e, ErrNotFound) && a.priorUncertain {
		return nil
	}
	if errors.Is(e, ErrDefaultKey) {
		e.Hint = "a network's default key cannot be deleted while it is the default"
	}
	return e
}

// RegenerateToken gives the key a new value and token (current generation);
// ErrUnsupported on servers without the route. Answers the key as the
// server answered it when the answer is the whole key, else as the list
// has it (see rotatedKey).
func (c *Client) RegenerateToken(ctx context.Context, value string) (*EnrollmentKey, error) {
	const method = http.MethodPost
	old, err := c.KeyByValue(ctx, value)
	if err != nil {
		return nil, err
	}
	a, err := c.do(ctx, method, routeRegenerate, keyPath(value)+"/regenerate-token", nil)
	if err != nil {
		c.cache.invalidate()
		return nil, err
	}
	if a.ok() {
		c.noteShape(a.body)
		answered, derr := decodeKey(a.body)
		// A default key stays the default: a moved flag is no known rule.
		if k, ok := answeredKey(a, old, answered.Value); derr == nil && ok && k.Value != value && k.Default == old.Default {
			c.cache.recordKey(value, k, defaultsKept)
			return &k, nil
		}
		return c.rotatedKey(ctx, old, answered.Value, method+" "+routeRegenerate)
	}
	c.cache.invalidate()
	e := c.apiError(method, routeRegenerate, a, value)
	if errors.Is(e, ErrNotFound) && a.priorUncertain {
		// An earlier attempt may have regenerated the key, answer lost.
		k, err := c.rotatedKey(ctx, old, "", method+" "+routeRegenerate)
		switch {
		case err == nil:
			return k, nil
		case !errors.Is(err, ErrNotFound) && !errors.Is(err, errNotRotated):
			return nil, err
		}
	}
	return nil, e
}

// Networks answers the server's networks. The netmaker_network resource
// manages them (with CreateNetwork and DeleteNetwork), and plan-time checks
// read them (MissingNetworks).
func (c *Client) Networks(ctx context.Context) ([]Network, error) {
	const method = http.MethodGet
	a, err := c.do(ctx, method, routeNetworks, routeNetworks, nil)
	if err != nil {
		return nil, err
	}
	if !a.ok() {
		return nil, c.apiError(method, routeNetworks, a)
	}
	var ws []*wireNetwork
	if err := json.Unmarshal(a.body, &ws); err != nil {
		return nil, c.decodeError(method, routeNetworks, a, cleanJSONError(err))
	}
	out := make([]Network, 0, len(ws))
	for _, w := range ws {
		if w != nil {
			out = append(out, Network{Name: string(w.NetID), AddressRange: string(w.AddressRange)})
		}
	}
	return out, nil
}

func (c *Client) CreateNetwork(ctx context.Context, n Network) error {
	const method = http.MethodPost
	if n.Name == "" {
		return fmt.Errorf("%w: a network needs a name", ErrValidation)
	}
	a, err := c.do(ctx, method, routeNetworks, routeNetworks, map[string]string{"netid": n.Name, "addressrange": n.AddressRange})
	c.cache.invalidate() // the network's auto-generated key
	c.networks.invalidate()
	if err != nil {
		return err
	}
	if !a.ok() {
		return c.apiError(method, routeNetworks, a)
	}
	return nil
}

func (c *Client) DeleteNetwork(ctx context.Context, name string) error {
	const method = http.MethodDelete
	if name == "" {
		return fmt.Errorf("%w: no network name", ErrValidation)
	}
	a, err := c.do(ctx, method, routeNetwork, routeNetworks+"/"+pathValue(name), nil)
	// Its default key goes at once; then the server removes the network
	// from other keys, and deletes keys left without networks, on its own.
	c.cache.invalidateVolatile(networkCascadeWindow)
	c.networks.invalidate()
	if err != nil {
		return err
	}
	if !a.ok() {
		return c.apiError(method, routeNetwork, a)
	}
	return nil
}
