package docscheck

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// makeSandbox is `make sandbox` running in its own process group, as in a
// terminal of its own.
type makeSandbox struct {
	cmd    *exec.Cmd
	env    map[string]string // the variables of the export lines it printed
	mu     sync.Mutex
	output bytes.Buffer // everything it printed
	done   chan error
}

func (m *makeSandbox) printed() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.output.String()
}

var exportLine = regexp.MustCompile(`^export ([A-Z_]+)=(\S+)$`)

// startMakeSandbox runs `make sandbox` in the repository and waits for the
// export lines it prints for the user to copy.
func startMakeSandbox(t *testing.T) *makeSandbox {
	t.Helper()
	m := &makeSandbox{env: map[string]string{}, done: make(chan error, 1)}
	m.cmd = exec.Command("make", "--no-print-directory", "sandbox")
	m.cmd.Dir = repoRoot
	m.cmd.Env = append(os.Environ(), "SANDBOX_DIR="+t.TempDir())
	m.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := m.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	m.cmd.Stderr = m.cmd.Stdout
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGKILL)
		if err := <-m.done; err != nil {
			t.Logf("make sandbox ended: %v", err) // killed here, or by the test's Ctrl-C
		}
	})
	ready := make(chan struct{})
	go func() {
		scanner := bufio.NewScanner(out)
		for scanner.Scan() {
			line := scanner.Text()
			m.mu.Lock()
			m.output.WriteString(line + "\n")
			if match := exportLine.FindStringSubmatch(line); match != nil {
				m.env[match[1]] = match[2]
				if match[1] == "TF_CLI_CONFIG_FILE" {
					close(ready)
				}
			}
			m.mu.Unlock()
		}
		_, _ = io.Copy(io.Discard, out)
		m.done <- m.cmd.Wait()
	}()
	select {
	case <-ready:
	case err := <-m.done:
		m.done <- err
		t.Fatalf("make sandbox exited (%v) before printing its export lines:\n%s", err, m.printed())
	case <-time.After(5 * time.Minute):
		t.Fatalf("make sandbox printed no export lines in 5 minutes:\n%s", m.printed())
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, name := range []string{"NETMAKER_HOST", "NETMAKER_API_TOKEN", "TF_CLI_CONFIG_FILE"} {
		if m.env[name] == "" {
			t.Fatalf("make sandbox printed no export line for %s:\n%s", name, m.output.String())
		}
	}
	return m
}

// interrupt sends SIGINT to the process group, as Ctrl-C in its terminal
// does, and waits for it to end.
func (m *makeSandbox) interrupt(t *testing.T) {
	t.Helper()
	if err := syscall.Kill(-m.cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-m.done:
		m.done <- err
	case <-time.After(30 * time.Second):
		t.Fatalf("make sandbox still runs 30 s after Ctrl-C:\n%s", m.printed())
	}
}

// readmeQuickStart answers the README's first terraform block.
func readmeQuickStart(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range fencedBlocks(string(data)) {
		if b.lang == "terraform" {
			return b.body
		}
	}
	t.Fatal("README.md has no terraform block")
	return ""
}

var managedNetworkName = regexp.MustCompile(`(?s)resource\s+"netmaker_network"\s+"[^"]+"\s*\{[^}]*?\bname\s*=\s*"([a-z0-9_-]+)"`)

// TestReadmeQuickStartOnMakeSandbox follows the README: `make sandbox`, its
// export lines, then the quick start's configuration with terraform init and
// terraform apply, and nothing else; a second plan has nothing to do. The
// sandbox has every network the guides' snippets expect to exist and none
// that a snippet creates, and Ctrl-C stops it.
func TestReadmeQuickStartOnMakeSandbox(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run make sandbox and apply the README's quick start (make test does)")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make on PATH")
	}
	terraform := terraformBinary(t)
	sandbox := startMakeSandbox(t)

	dir := t.TempDir()
	quickStart := readmeQuickStart(t)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(quickStart), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	for name, value := range sandbox.env {
		env = append(env, name+"="+value)
	}
	tf := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(terraform, append(args, "-no-color")...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	tf("init", "-input=false")
	tf("apply", "-auto-approve", "-input=false")
	tf("plan", "-detailed-exitcode", "-input=false") // exit code 2 (changes) fails
	expires := strings.TrimSpace(tf("output", "-raw", "contractor_expires_at"))
	if at, err := time.Parse(time.RFC3339, expires); err != nil || at.Before(time.Now().Add(29*24*time.Hour)) {
		t.Errorf("contractor_expires_at = %q, want a time 30 days ahead", expires)
	}

	networks := sandboxNetworks(t, sandbox.env["NETMAKER_HOST"], sandbox.env["NETMAKER_API_TOKEN"])
	for _, s := range guideSnippets(t) {
		for _, m := range managedNetworkName.FindAllStringSubmatch(s.body, -1) {
			if slices.Contains(networks, m[1]) {
				t.Errorf("%s creates network %q, which make sandbox has already made", s.where, m[1])
			}
		}
		if managedNetworkBlock.MatchString(s.body) {
			continue
		}
		for _, n := range snippetNetworks(s.body) {
			if !slices.Contains(networks, n) {
				t.Errorf("%s uses network %q, which make sandbox does not make (it makes %v)", s.where, n, networks)
			}
		}
	}

	sandbox.interrupt(t)
	if !strings.Contains(sandbox.printed(), "sandbox stopped") {
		t.Errorf("make sandbox did not say it stopped the sandbox:\n%s", sandbox.printed())
	}
	if resp, err := http.Get(sandbox.env["NETMAKER_HOST"] + "/sandbox/stats"); err == nil {
		resp.Body.Close()
		t.Errorf("the sandbox still answers after Ctrl-C")
	}
}

// sandboxNetworks answers the names of the networks a sandbox has.
func sandboxNetworks(t *testing.T, host, token string) []string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, host+"/api/networks", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list []struct {
		NetID string `json:"netid"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/networks: %d, %v", resp.StatusCode, err)
	}
	names := make([]string, 0, len(list))
	for _, n := range list {
		names = append(names, n.NetID)
	}
	slices.Sort(names)
	return names
}
