package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as the command (no separate build).
func TestMain(m *testing.M) {
	if os.Getenv("NETMAKER_SANDBOX_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func startSandbox(t *testing.T, args ...string) (host string, cmd *exec.Cmd) {
	t.Helper()
	cmd = exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "NETMAKER_SANDBOX_AS_MAIN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case line := <-lines:
		host, ok := strings.CutPrefix(strings.TrimSpace(line), "NETMAKER_HOST=")
		if !ok || !strings.HasPrefix(host, "http://127.0.0.1:") {
			t.Fatalf("first line %q", line)
		}
		return host, cmd
	case <-time.After(20 * time.Second):
		t.Fatal("no first line")
	}
	return "", nil
}

func get(t *testing.T, method, url, auth, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestSandbox(t *testing.T) {
	tests := []struct {
		gen         string
		sig         syscall.Signal
		defaultCode int // GET of an unknown network's default key
	}{
		{"current", syscall.SIGTERM, 400},
		{"v1.5", syscall.SIGINT, 404},
		{"v1.7", syscall.SIGTERM, 400},
	}
	for _, tt := range tests {
		sig := tt.sig
		t.Run(tt.gen+"/"+sig.String(), func(t *testing.T) {
			host, cmd := startSandbox(t, "-listen", "127.0.0.1:0", "-generation", tt.gen, "-master-key", "KEY",
				"-user", "admin:pw", "-access-token", "PAT")
			if code, _ := get(t, "GET", host+"/api/v1/enrollment-keys", "Bearer KEY", ""); code != 200 {
				t.Fatalf("list with master key: %d", code)
			}
			if code, _ := get(t, "GET", host+"/api/v1/enrollment-keys", "Bearer PAT", ""); code != 200 {
				t.Fatalf("list with access token: %d", code)
			}
			if code, _ := get(t, "GET", host+"/api/v1/enrollment-keys", "Bearer nope", ""); code != 401 {
				t.Fatalf("list with a bad key: %d", code)
			}
			if code, body := get(t, "POST", host+"/api/users/adm/authenticate", "", `{"username":"admin","password":"pw"}`); code != 200 || !strings.Contains(body, "AuthToken") {
				t.Fatalf("login: %d %s", code, body)
			}
			if code, _ := get(t, "GET", host+"/api/v1/enrollment-keys/network/x/default", "Bearer KEY", ""); code != tt.defaultCode {
				t.Fatalf("network default route: %d, want %d", code, tt.defaultCode)
			}
			code, body := get(t, "GET", host+"/sandbox/stats", "", "")
			var stats map[string]int
			if err := json.Unmarshal([]byte(body), &stats); code != 200 || err != nil {
				t.Fatalf("stats: %d %s", code, body)
			}
			if stats["GET /api/v1/enrollment-keys"] != 3 || stats["POST /api/users/adm/authenticate"] != 1 {
				t.Fatalf("stats: %v", stats)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("exit after %s: %v", sig, err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("still running after the signal")
			}
		})
	}
}

// TestSandboxLatency: -latency sets the latency that /sandbox/latency
// answers (and changes).
func TestSandboxLatency(t *testing.T) {
	host, _ := startSandbox(t, "-master-key", "KEY", "-latency", "real")
	if code, body := get(t, "GET", host+"/sandbox/latency", "", ""); code != 200 || body != "7.5ms,410µs\n" {
		t.Fatalf("latency: %d %q", code, body)
	}
	if code, body := get(t, "POST", host+"/sandbox/latency", "", "1ms,2ms"); code != 200 || body != "1ms,2ms\n" {
		t.Fatalf("setting the latency: %d %q", code, body)
	}
	if code, _ := get(t, "GET", host+"/api/v1/enrollment-keys", "Bearer KEY", ""); code != 200 {
		t.Fatalf("list: %d", code)
	}
}

func TestSandboxV15AndFaults(t *testing.T) {
	host, _ := startSandbox(t, "-listen", "127.0.0.1:0", "-generation", "v1.5", "-master-key", "KEY", "-fault-rate", "1", "-seed", "5",
		"-faults", "429", "-retry-after", "0")
	// Every API request is faulted; the sandbox route never is.
	for i := 0; i < 5; i++ {
		req, _ := http.NewRequest("GET", host+"/api/v1/enrollment-keys", nil)
		req.Header.Set("Authorization", "Bearer KEY")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "0" {
			t.Fatalf("want 429 with Retry-After 0, got %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}
	if code, body := get(t, "GET", host+"/sandbox/stats", "", ""); code != 200 || body != `{"GET /api/v1/enrollment-keys":5}`+"\n" {
		t.Fatalf("stats: %d %s", code, body)
	}
}

func TestSandboxBadFlags(t *testing.T) {
	tests := [][]string{
		{"-generation", "v2"},
		{"-fault-rate", "2"},
		{"-user", "nopassword"},
		{"-listen", "256.0.0.1:bad"},
		{"-nope"},
		{"-faults", "429,boom"},
		{"-networks", "prod,Bad Name"},
		{"-networks", "prod,prod"},
		{"-latency", "slow"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], args...)
			cmd.Env = append(os.Environ(), "NETMAKER_SANDBOX_AS_MAIN=1")
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() == 0 {
				t.Fatalf("want a failing exit, got %v", err)
			}
		})
	}
}

// TestSandboxGenerations: -generation selects the line; what a PUT does
// with "default" tells them apart: current and v1.5 ignore it both ways,
// v1.7 moves the default with true and clears it when absent.
func TestSandboxGenerations(t *testing.T) {
	tests := []struct {
		gen                       string
		afterPutTrue, afterPutNil string // default keys after each PUT
	}{
		{"v1.5", "net1", "net1"},
		{"current", "net1", "net1"},
		{"v1.7", "second", ""},
	}
	for _, tt := range tests {
		t.Run(tt.gen, func(t *testing.T) {
			host, _ := startSandbox(t, "-generation", tt.gen, "-master-key", "KEY")
			if code, body := get(t, "POST", host+"/api/networks", "Bearer KEY", `{"netid":"net1","addressrange":"10.1.0.0/16"}`); code != 200 {
				t.Fatalf("create network: %d %s", code, body)
			}
			if code, body := get(t, "POST", host+"/api/v1/enrollment-keys", "Bearer KEY", `{"tags":["second"],"networks":["net1"],"unlimited":true}`); code != 200 {
				t.Fatalf("create key: %d %s", code, body)
			}
			type key struct {
				Value   string   `json:"value"`
				Tags    []string `json:"tags"`
				Default bool     `json:"default"`
			}
			keys := func() (byName map[string]key, defaults string) {
				_, body := get(t, "GET", host+"/api/v1/enrollment-keys", "Bearer KEY", "")
				var ks []key
				if err := json.Unmarshal([]byte(body), &ks); err != nil {
					t.Fatalf("list: %s (%v)", body, err)
				}
				byName = map[string]key{}
				var names []string
				for _, k := range ks {
					byName[k.Tags[0]] = k
					if k.Default {
						names = append(names, k.Tags[0])
					}
				}
				return byName, strings.Join(names, ",")
			}
			byName, _ := keys()
			if code, body := get(t, "PUT", host+"/api/v1/enrollment-keys/"+byName["second"].Value, "Bearer KEY", `{"default":true}`); code != 200 {
				t.Fatalf("update: %d %s", code, body)
			}
			byName, defaults := keys()
			if defaults != tt.afterPutTrue {
				t.Fatalf("default keys after PUT default:true: %q, want %q", defaults, tt.afterPutTrue)
			}
			if code, body := get(t, "PUT", host+"/api/v1/enrollment-keys/"+byName[defaults].Value, "Bearer KEY", `{"groups":[]}`); code != 200 {
				t.Fatalf("update: %d %s", code, body)
			}
			if _, defaults := keys(); defaults != tt.afterPutNil {
				t.Fatalf("default keys after a PUT without default: %q, want %q", defaults, tt.afterPutNil)
			}
		})
	}
}

func TestSandboxUnknownGeneration(t *testing.T) {
	err := run([]string{"-generation", "v1.6"})
	if err == nil || !strings.Contains(err.Error(), `unknown -generation "v1.6" (want v1.5, current or v1.7)`) {
		t.Fatalf("error: %v", err)
	}
}

// TestSandboxCredentials: the first super admin, a login and a personal
// access token, as on a fresh real server (no -user, no -master-key).
func TestSandboxCredentials(t *testing.T) {
	host, _ := startSandbox(t, "-generation", "current")
	if code, body := get(t, "POST", host+"/api/users/adm/createsuperadmin", "", `{"username":"admin","password":"s3cret-pw"}`); code != 200 || !strings.Contains(body, `"username":"admin"`) {
		t.Fatalf("createsuperadmin: %d %s", code, body)
	}
	if code, body := get(t, "POST", host+"/api/users/adm/createsuperadmin", "", `{"username":"other","password":"s3cret-pw"}`); code != 400 || !strings.Contains(body, "superadmin user already exists") {
		t.Fatalf("second createsuperadmin: %d %s", code, body)
	}
	var login struct {
		Response struct{ UserName, AuthToken string }
	}
	_, body := get(t, "POST", host+"/api/users/adm/authenticate", "", `{"username":"admin","password":"s3cret-pw"}`)
	if err := json.Unmarshal([]byte(body), &login); err != nil || login.Response.AuthToken == "" {
		t.Fatalf("login: %s (%v)", body, err)
	}
	expires := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	code, body := get(t, "POST", host+"/api/v1/users/access_token", "Bearer "+login.Response.AuthToken,
		`{"name":"terraform","user_name":"admin","expires_at":"`+expires+`"}`)
	var pat struct {
		Message  string
		Response struct{ UserName, AuthToken string }
	}
	if err := json.Unmarshal([]byte(body), &pat); code != 200 || err != nil || pat.Response.AuthToken == "" ||
		pat.Message != "api access token has generated for user admin" {
		t.Fatalf("access token: %d %s (%v)", code, body, err)
	}
	if code, body := get(t, "GET", host+"/api/v1/enrollment-keys", "Bearer "+pat.Response.AuthToken, ""); code != 200 {
		t.Fatalf("list with the access token: %d %s", code, body)
	}
}

// TestSandboxNetworks: -networks creates each network with its auto-generated
// default key, as on a real server.
func TestSandboxNetworks(t *testing.T) {
	host, _ := startSandbox(t, "-master-key", "KEY", "-networks", "prod,office")
	code, body := get(t, "GET", host+"/api/networks", "Bearer KEY", "")
	var networks []struct {
		NetID        string `json:"netid"`
		AddressRange string `json:"addressrange"`
	}
	if err := json.Unmarshal([]byte(body), &networks); code != 200 || err != nil {
		t.Fatalf("networks: %d %s (%v)", code, body, err)
	}
	got := map[string]string{}
	for _, n := range networks {
		got[n.NetID] = n.AddressRange
	}
	if len(got) != 2 || got["prod"] != "10.101.0.0/16" || got["office"] != "10.102.0.0/16" {
		t.Fatalf("networks = %v, want prod and office", got)
	}
	_, body = get(t, "GET", host+"/api/v1/enrollment-keys", "Bearer KEY", "")
	var keys []struct {
		Tags     []string `json:"tags"`
		Networks []string `json:"networks"`
		Default  bool     `json:"default"`
	}
	if err := json.Unmarshal([]byte(body), &keys); err != nil {
		t.Fatalf("keys: %s (%v)", body, err)
	}
	defaults := map[string]bool{}
	for _, k := range keys {
		if k.Default && len(k.Tags) == 1 && len(k.Networks) == 1 && k.Tags[0] == k.Networks[0] {
			defaults[k.Tags[0]] = true
		}
	}
	if len(keys) != 2 || !defaults["prod"] || !defaults["office"] {
		t.Fatalf("keys = %s, want the auto-generated default key of each network", body)
	}
}
