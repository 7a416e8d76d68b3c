// Package netmakertest is an in-memory Netmaker API that behaves like real
// servers, quirks included (../shared/netmaker-api.md). It never imports the
// provider's client, so that it can catch the client's mistakes.
package netmakertest

import (
	"net/http"
	"time"
)

// Generation selects which server line to imitate.
type Generation string

const (
	GenerationV15     Generation = "v1.5"
	GenerationCurrent Generation = "current"
)

// Options configures a Server. Zero values are usable defaults.
type Options struct {
	Generation   Generation        // default GenerationCurrent
	MasterKey    string            // accepted as a credential when non-empty
	AccessTokens []string          // personal access tokens accepted as credentials
	Users        map[string]string // username -> password for POST /api/users/adm/authenticate
	JWTLifetime  time.Duration     // how long a login JWT is valid; default 1h (on the server's clock)
	Now          func() time.Time  // the server's clock; default time.Now
	Seed         int64             // seeds list order, values and faults; 0: random
	Faults       Faults
}

// Faults makes the server misbehave like a real network and proxy.
type Faults struct {
	Rate float64 // probability, per request, of one fault chosen among those enabled below
	// Kinds to draw from; all false with Rate > 0 means all of them.
	TooManyRequests bool // 429 with Retry-After: 1 (nothing applied)
	BadGateway      bool // 502/503/504 (nothing applied)
	ConnectionReset bool // connection closed without answer (nothing applied)
	ResponseLost    bool // request applied, then connection closed without answer
}

// Key is a key as stored, in list-shape terms (for out-of-band test changes).
type Key struct {
	Value         string
	Name          string
	Networks      []string
	Groups        []string
	Type          int
	Unlimited     bool
	UsesRemaining int
	Expiration    time.Time
	Relay         string // UUID; the nil UUID for none
	AutoAssignGW  bool
	AutoEgress    bool
	Default       bool
}

// Server is a running test server (an httptest.Server underneath).
type Server struct{}

// NewServer starts a server on 127.0.0.1 with a random port.
func NewServer(opts Options) *Server { panic("unimplemented") }

// NewHandler builds the API without listening (for the sandbox command).
// apiHost is the host embedded in tokens.
func NewHandler(opts Options) (*Server, http.Handler) { panic("unimplemented") }

func (s *Server) URL() string { panic("unimplemented") } // base URL, e.g. http://127.0.0.1:4321
func (s *Server) Close()      { panic("unimplemented") }

// Out-of-band operations: what an administrator or a device does outside
// Terraform. They bypass HTTP, faults and auth, and apply the same rules
// (auto-generated default key, cascades) as the HTTP routes.
func (s *Server) CreateNetwork(name, addressRange string) error { panic("unimplemented") }

// DeleteNetwork deletes the network and its default key at once; the rest
// of the cascade (removing the network from keys, deleting keys left with
// none) runs asynchronously, as on real servers. WaitIdle waits for it.
func (s *Server) DeleteNetwork(name string) error { panic("unimplemented") }
func (s *Server) WaitIdle()                       { panic("unimplemented") }

// AddGateway registers a relay/gateway node in network and answers its UUID.
func (s *Server) AddGateway(network string) string { panic("unimplemented") }

// RemoveGateway deletes the node; keys that pointed at it get the nil UUID.
func (s *Server) RemoveGateway(id string) { panic("unimplemented") }

func (s *Server) Keys() []Key                                     { panic("unimplemented") } // snapshot, sorted by name
func (s *Server) KeyByName(name string) (Key, bool)               { panic("unimplemented") }
func (s *Server) UpdateKeyByName(name string, f func(*Key)) error { panic("unimplemented") }
func (s *Server) DeleteKeyByName(name string) error               { panic("unimplemented") } // also deletes default keys
func (s *Server) SetDefault(network, name string) error           { panic("unimplemented") } // as the UI does
func (s *Server) Register(token string) error                     { panic("unimplemented") } // a device joins: uses_remaining--

// Stats answers request counts keyed by "METHOD /route/{pattern}".
func (s *Server) Stats() map[string]int { panic("unimplemented") }
func (s *Server) ResetStats()           { panic("unimplemented") }
func (s *Server) SetFaults(f Faults)    { panic("unimplemented") }
