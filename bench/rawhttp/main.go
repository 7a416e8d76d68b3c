// Command rawhttp is the raw-HTTP floor scripts/bench.sh measures the
// provider's writes against: the requests a client that knows exactly what
// to do would send for the keys of bench/keys.tf, at a given parallelism,
// with nothing else (no Terraform, no framework, no checks beyond the
// status). -op create makes N keys as bench/keys.tf configures them;
// update, rotate and delete list the keys once, then PUT the device tag
// (as the provider sends it: relay, groups, auto_assign_gw, default),
// regenerate the token, or delete, every key named bench-*. Only the bench
// builds it.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

const (
	keysRoute = "/api/v1/enrollment-keys"
	nilUUID   = "00000000-0000-0000-0000-000000000000"
)

// listedKey is what the requests need of a listed key (list shape).
type listedKey struct {
	Value        string   `json:"value"`
	Tags         []string `json:"tags"`
	Networks     []string `json:"networks"`
	Relay        string   `json:"relay"`
	AutoAssignGW bool     `json:"auto_assign_gw"`
	Default      bool     `json:"default"`
}

type client struct {
	host, token string
	http        *http.Client
}

func main() {
	host := flag.String("host", os.Getenv("NETMAKER_HOST"), "server base URL")
	op := flag.String("op", "", "create, update, rotate or delete")
	n := flag.Int("n", 0, "how many keys to create (-op create)")
	parallelism := flag.Int("parallelism", 10, "requests in flight at once")
	tag := flag.String("tag", "x", "the device tag to set (-op update)")
	flag.Parse()
	c := &client{host: strings.TrimRight(*host, "/"), token: os.Getenv("NETMAKER_API_TOKEN"), http: &http.Client{
		Timeout:   5 * time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: *parallelism},
	}}
	if err := run(c, *op, *n, *parallelism, *tag); err != nil {
		fmt.Fprintln(os.Stderr, "rawhttp:", err)
		os.Exit(1)
	}
}

func run(c *client, op string, n, parallelism int, tag string) error {
	var jobs []func() error
	if op == "create" {
		for i := range n {
			jobs = append(jobs, func() error { return c.send(http.MethodPost, keysRoute, createBody(i)) })
		}
		return inParallel(jobs, parallelism)
	}
	keys, err := c.benchKeys()
	if err != nil {
		return err
	}
	for _, k := range keys {
		path := keysRoute + "/" + k.Value
		switch op {
		case "update":
			var groups []string
			for _, network := range k.Networks {
				groups = append(groups, network+"."+tag)
			}
			body := map[string]any{"relay": k.Relay, "groups": groups, "auto_assign_gw": k.AutoAssignGW, "default": k.Default}
			jobs = append(jobs, func() error { return c.send(http.MethodPut, path, body) })
		case "rotate":
			jobs = append(jobs, func() error { return c.send(http.MethodPost, path+"/regenerate-token", nil) })
		case "delete":
			jobs = append(jobs, func() error { return c.send(http.MethodDelete, path, nil) })
		default:
			return fmt.Errorf("unknown -op %q (want create, update, rotate or delete)", op)
		}
	}
	return inParallel(jobs, parallelism)
}

// createBody is key i of bench/keys.tf.
func createBody(i int) map[string]any {
	name := fmt.Sprintf("bench-%04d", i)
	body := map[string]any{"tags": []string{name}, "networks": []string{fmt.Sprintf("bench-net-%d", i%4)},
		"groups": []string{}, "relay": nilUUID}
	switch i % 3 {
	case 0:
		body["unlimited"] = true
	case 1:
		body["uses_remaining"] = 10
	default:
		body["expiration"] = time.Now().Add(8760 * time.Hour).Unix()
	}
	return body
}

func (c *client) benchKeys() ([]listedKey, error) {
	req, err := http.NewRequest(http.MethodGet, c.host+keysRoute, nil)
	if err != nil {
		return nil, err
	}
	body, err := c.do(req)
	if err != nil {
		return nil, err
	}
	var all []listedKey
	if err := json.Unmarshal(body, &all); err != nil {
		return nil, fmt.Errorf("decoding the list: %w", err)
	}
	var keys []listedKey
	for _, k := range all {
		if len(k.Tags) > 0 && strings.HasPrefix(k.Tags[0], "bench-") {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

func (c *client) send(method, path string, body any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.host+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	_, err = c.do(req)
	return err
}

func (c *client) do(req *http.Request) ([]byte, error) {
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		// The route pattern, not the path: the path holds a key's value.
		return nil, fmt.Errorf("%s %s: %d %s", req.Method, routeOf(req.URL.Path), resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return body, nil
}

func routeOf(path string) string {
	if rest, ok := strings.CutPrefix(path, keysRoute+"/"); ok {
		_, tail, _ := strings.Cut(rest, "/")
		return strings.TrimSuffix(keysRoute+"/{value}/"+tail, "/")
	}
	return path
}

// inParallel runs jobs with at most parallelism at once; the first error.
func inParallel(jobs []func() error, parallelism int) error {
	queue := make(chan func() error)
	errs := make(chan error, len(jobs))
	var wg sync.WaitGroup
	for range max(parallelism, 1) {
		wg.Go(func() {
			for job := range queue {
				errs <- job()
			}
		})
	}
	for _, job := range jobs {
		queue <- job
	}
	close(queue)
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		if err != nil {
			all = append(all, err)
		}
	}
	if len(all) > 0 {
		return fmt.Errorf("%d of %d requests failed; the first: %w", len(all), len(jobs), all[0])
	}
	return nil
}
