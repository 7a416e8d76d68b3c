// Command netmaker-sandbox runs the in-memory Netmaker test server for people
// and scripts:
//
//	go run ./internal/netmakertest/cmd/netmaker-sandbox -listen 127.0.0.1:0 -generation current -master-key KEY
//
// -generation is v1.5, current (the default) or v1.7; -networks prod,office
// creates those networks first (`make sandbox` does). Its first output line
// is NETMAKER_HOST=http://<address>. It serves until SIGINT or SIGTERM, then
// exits 0. GET /sandbox/stats (no auth) answers the request counts per route
// pattern. -latency real makes requests take a real server's time (see
// netmakertest.RealServerLatency); POST /sandbox/latency with off, real or
// PER_REQUEST,PER_KEY_LISTED changes it while the sandbox runs. Credentials to try by hand, as on a fresh real server:
//
//	POST /api/users/adm/createsuperadmin {"username":"admin","password":"..."}   (no auth)
//	POST /api/users/adm/authenticate     {"username":"admin","password":"..."}   -> Response.AuthToken (a JWT)
//	POST /api/v1/users/access_token      {"name":"tf","user_name":"admin","expires_at":"2030-01-01T00:00:00Z"}
//	                                     with Authorization: Bearer <JWT>          -> Response.AuthToken (a token)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "netmaker-sandbox:", err)
		os.Exit(1)
	}
}

// generationList is "v1.5, current or v1.7", for flag help and errors.
func generationList() string {
	gens := netmakertest.Generations()
	names := make([]string, len(gens))
	for i, g := range gens {
		names[i] = string(g)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

func run(args []string) error {
	fs := flag.NewFlagSet("netmaker-sandbox", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on")
	generation := fs.String("generation", string(netmakertest.GenerationCurrent), "server line to imitate: "+generationList())
	masterKey := fs.String("master-key", "", "master key accepted as a credential")
	faultRate := fs.Float64("fault-rate", 0, "probability per request of a random fault (429, 502-504, reset, response lost)")
	faultKinds := fs.String("faults", "", "comma-separated fault kinds to draw from: 429, 5xx, reset, lost (default: all)")
	retryAfter := fs.String("retry-after", "1", "Retry-After value sent with 429 faults")
	seed := fs.Int64("seed", 0, "seed for list order, values and faults (0: random)")
	jwtLifetime := fs.Duration("jwt-lifetime", time.Hour, "lifetime of login JWTs")
	networks := fs.String("networks", "", "comma-separated networks to create at start, each with the key Netmaker generates "+
		"for it (address ranges 10.101.0.0/16, 10.102.0.0/16, ...)")
	latencyFlag := fs.String("latency", "off", "time each request takes, one request at a time: off, real ("+
		netmakertest.RealServerLatency().String()+", calibrated from a real server), or PER_REQUEST,PER_KEY_LISTED")
	var users, tokens multiFlag
	fs.Var(&users, "user", "super admin name:password accepted at POST /api/users/adm/authenticate (repeatable; none: create one with POST /api/users/adm/createsuperadmin)")
	fs.Var(&tokens, "access-token", "personal access token accepted as a credential (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	gen := netmakertest.Generation(*generation)
	if !gen.Valid() {
		return fmt.Errorf("unknown -generation %q (want %s)", *generation, generationList())
	}
	latency, err := netmakertest.ParseLatency(*latencyFlag)
	if err != nil {
		return fmt.Errorf("-latency: %w", err)
	}
	if *faultRate < 0 || *faultRate > 1 {
		return fmt.Errorf("-fault-rate must be between 0 and 1")
	}
	faults := netmakertest.Faults{Rate: *faultRate, RetryAfter: *retryAfter}
	for _, k := range strings.Split(*faultKinds, ",") {
		switch strings.TrimSpace(k) {
		case "":
		case "429":
			faults.TooManyRequests = true
		case "5xx":
			faults.BadGateway = true
		case "reset":
			faults.ConnectionReset = true
		case "lost":
			faults.ResponseLost = true
		default:
			return fmt.Errorf("unknown fault kind %q in -faults (want 429, 5xx, reset, lost)", k)
		}
	}
	userMap := map[string]string{}
	for _, u := range users {
		name, pw, ok := strings.Cut(u, ":")
		if !ok || name == "" {
			return fmt.Errorf("-user wants name:password")
		}
		userMap[name] = pw
	}
	if *masterKey == "" && len(tokens) == 0 && len(userMap) == 0 {
		fmt.Fprintln(os.Stderr, "netmaker-sandbox: warning: no -master-key, -access-token or -user: create a super admin with POST /api/users/adm/createsuperadmin and log in")
	}

	sandbox, handler := netmakertest.NewHandler(netmakertest.Options{
		Generation:   gen,
		MasterKey:    *masterKey,
		AccessTokens: tokens,
		Users:        userMap,
		JWTLifetime:  *jwtLifetime,
		Seed:         *seed,
		Faults:       faults,
		Latency:      latency,
	})

	if err := createNetworks(sandbox, *networks); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	// The contract: this is the first line on stdout, written at once.
	if _, err := fmt.Fprintf(os.Stdout, "NETMAKER_HOST=http://%s\n", ln.Addr().String()); err != nil {
		return err
	}
	_ = os.Stdout.Sync()

	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	return nil
}

// createNetworks creates the networks of a -networks list, as an
// administrator would before handing the server over.
func createNetworks(sandbox *netmakertest.Server, list string) error {
	if list == "" {
		return nil
	}
	names := strings.Split(list, ",")
	if len(names) > 150 {
		return fmt.Errorf("-networks: at most 150 networks")
	}
	for i, name := range names {
		if err := sandbox.CreateNetwork(strings.TrimSpace(name), fmt.Sprintf("10.%d.0.0/16", 101+i)); err != nil {
			return fmt.Errorf("-networks: creating network %q: %w", name, err)
		}
	}
	return nil
}
