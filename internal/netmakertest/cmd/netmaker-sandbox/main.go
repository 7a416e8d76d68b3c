// Command netmaker-sandbox runs the in-memory Netmaker test server for people
// and scripts:
//
//	go run ./internal/netmakertest/cmd/netmaker-sandbox -listen 127.0.0.1:0 -generation current -master-key KEY
//
// Its first output line is NETMAKER_HOST=http://<address>. It serves until
// SIGINT or SIGTERM, then exits 0. GET /sandbox/stats (no auth) answers the
// request counts per route pattern.
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

func run(args []string) error {
	fs := flag.NewFlagSet("netmaker-sandbox", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on")
	generation := fs.String("generation", string(netmakertest.GenerationCurrent), "server line to imitate: current or v1.5")
	masterKey := fs.String("master-key", "", "master key accepted as a credential")
	faultRate := fs.Float64("fault-rate", 0, "probability per request of a random fault (429, 502-504, reset, response lost)")
	faultKinds := fs.String("faults", "", "comma-separated fault kinds to draw from: 429, 5xx, reset, lost (default: all)")
	retryAfter := fs.String("retry-after", "1", "Retry-After value sent with 429 faults")
	seed := fs.Int64("seed", 0, "seed for list order, values and faults (0: random)")
	jwtLifetime := fs.Duration("jwt-lifetime", time.Hour, "lifetime of login JWTs")
	var users, tokens multiFlag
	fs.Var(&users, "user", "name:password accepted at POST /api/users/adm/authenticate (repeatable)")
	fs.Var(&tokens, "access-token", "personal access token accepted as a credential (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	gen := netmakertest.Generation(*generation)
	if gen != netmakertest.GenerationCurrent && gen != netmakertest.GenerationV15 {
		return fmt.Errorf("unknown -generation %q (want %q or %q)", *generation, netmakertest.GenerationCurrent, netmakertest.GenerationV15)
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
		fmt.Fprintln(os.Stderr, "netmaker-sandbox: warning: no -master-key, -access-token or -user: every authenticated route answers 401")
	}

	_, handler := netmakertest.NewHandler(netmakertest.Options{
		Generation:   gen,
		MasterKey:    *masterKey,
		AccessTokens: tokens,
		Users:        userMap,
		JWTLifetime:  *jwtLifetime,
		Seed:         *seed,
		Faults:       faults,
	})

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
