package netmaker

import (
	"context"
	"net/http"
	"time"
)

// Config configures a Client. Exactly one credential: APIToken, or
// Username + Password.
type Config struct {
	Host               string // base URL, e.g. https://api.netmaker.example.com
	APIToken           string // personal access token or master key
	Username           string
	Password           string
	CACertPEM          string
	InsecureSkipVerify bool
	RequestTimeout     time.Duration // per attempt; 0: a sensible default
	MaxRetries         int           // retries after the first attempt on transient failures
	UserAgent          string
	// HTTPClient, when set, is the transport-level client (tests).
	HTTPClient *http.Client
	// DisableListCache makes every read list the keys again (the naive
	// mode, kept for benchmarks that measure what the cache saves).
	DisableListCache bool
}

// Client talks to one Netmaker server. It is safe for concurrent use.
// Every wire quirk of ../shared/netmaker-api.md is handled here.
type Client struct {
	// TODO(client helper): implement.
}

// New validates cfg and builds a client. It does not contact the server.
func New(cfg Config) (*Client, error) { panic("unimplemented") }

// Host is the configured server, without scheme, for messages.
func (c *Client) Host() string { panic("unimplemented") }

// CheckAuth makes one cheap authenticated request so that a bad credential
// is reported once, at configure time, as ErrUnauthorized.
func (c *Client) CheckAuth(ctx context.Context) error { panic("unimplemented") }

// Capabilities probes (once, then cached) what this server generation supports.
func (c *Client) Capabilities(ctx context.Context) (Capabilities, error) { panic("unimplemented") }

// ListKeys answers all keys. Reads of one Client share one list: concurrent
// callers share one in-flight request, and any write through this Client
// invalidates it. The result is the caller's to modify.
func (c *Client) ListKeys(ctx context.Context) ([]EnrollmentKey, error) { panic("unimplemented") }

// KeyByName finds a key by name through the list; ErrNotFound when absent.
func (c *Client) KeyByName(ctx context.Context, name string) (*EnrollmentKey, error) {
	panic("unimplemented")
}

// KeyByValue finds a key by value through the list; ErrNotFound when absent.
func (c *Client) KeyByValue(ctx context.Context, value string) (*EnrollmentKey, error) {
	panic("unimplemented")
}

// NetworkDefaultKey answers the key that is the default of network;
// ErrNotFound when none. Works on every generation.
func (c *Client) NetworkDefaultKey(ctx context.Context, network string) (*EnrollmentKey, error) {
	panic("unimplemented")
}

// CreateKey creates a key and answers it as read back through the list.
// A create whose response was lost (the retry meets "key names must be
// unique") adopts the key found by name when it matches req, and otherwise
// fails with ErrNameTaken naming the key.
func (c *Client) CreateKey(ctx context.Context, req CreateKeyRequest) (*EnrollmentKey, error) {
	panic("unimplemented")
}

// UpdateKey changes tags, gateway and auto-assign of the key with value,
// always sending all three, and answers the key as read back.
func (c *Client) UpdateKey(ctx context.Context, value string, req UpdateKeyRequest) (*EnrollmentKey, error) {
	panic("unimplemented")
}

// DeleteKey deletes the key with value. ErrNotFound when it is already
// gone; ErrDefaultKey when the server refuses because it is a default key.
func (c *Client) DeleteKey(ctx context.Context, value string) error { panic("unimplemented") }

// RegenerateToken gives the key a new value and token (current generation);
// ErrUnsupported on servers without the route. Answers the key as read back.
func (c *Client) RegenerateToken(ctx context.Context, value string) (*EnrollmentKey, error) {
	panic("unimplemented")
}

// SetNetworkDefault makes the key with value the default of its networks
// (current generation), then verifies by reading back; ErrUnsupported when
// the server ignored the request.
func (c *Client) SetNetworkDefault(ctx context.Context, value string) (*EnrollmentKey, error) {
	panic("unimplemented")
}

// Networks, CreateNetwork and DeleteNetwork exist for examples and tests.
func (c *Client) Networks(ctx context.Context) ([]Network, error) { panic("unimplemented") }

func (c *Client) CreateNetwork(ctx context.Context, n Network) error { panic("unimplemented") }

func (c *Client) DeleteNetwork(ctx context.Context, name string) error { panic("unimplemented") }
