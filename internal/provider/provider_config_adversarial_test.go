package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

// Settings that expose the credential warn; insecure_skip_verify with
// ca_cert_pem is refused rather than silently ignoring the CA.
func TestAdversarial_TransportSecurityDiagnostics(t *testing.T) {
	tests := []struct {
		name     string
		cfg      netmaker.Config
		severity diag.Severity // of the one expected diagnostic; 0: none
		at       string
	}{
		{"https", netmaker.Config{Host: "https://api.example.com"}, 0, ""},
		{"http", netmaker.Config{Host: "http://api.example.com"}, diag.SeverityWarning, "host"},
		{"http loopback", netmaker.Config{Host: "http://127.0.0.1:8081"}, 0, ""},
		{"http localhost", netmaker.Config{Host: "http://localhost:8081"}, 0, ""},
		{"insecure", netmaker.Config{Host: "https://api.example.com", InsecureSkipVerify: true}, diag.SeverityWarning, "insecure_skip_verify"},
		{"insecure with CA", netmaker.Config{Host: "https://api.example.com", InsecureSkipVerify: true, CACertPEM: "-----BEGIN CERTIFICATE-----"},
			diag.SeverityError, "insecure_skip_verify"},
		{"CA", netmaker.Config{Host: "https://api.example.com", CACertPEM: "-----BEGIN CERTIFICATE-----"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diags := transportSecurityDiagnostics(tt.cfg)
			if tt.severity == 0 {
				if len(diags) != 0 {
					t.Fatalf("diagnostics %v; want none", diags)
				}
				return
			}
			if len(diags) != 1 || diags[0].Severity() != tt.severity {
				t.Fatalf("diagnostics %v; want one of severity %v", diags, tt.severity)
			}
			withPath, ok := diags[0].(diag.DiagnosticWithPath)
			if !ok || !withPath.Path().Equal(path.Root(tt.at)) {
				t.Fatalf("diagnostic %v is not on %s", diags[0], tt.at)
			}
		})
	}
}

func TestAdversarial_HostProblemHidesCredentials(t *testing.T) {
	for _, host := range []string{"ftp://admin:SECRET@nm.example.com", "nm.example.com?token=SECRET", "https://%zzSECRET"} {
		msg := hostProblem(host)
		if msg == "" || strings.Contains(msg, "SECRET") {
			t.Fatalf("hostProblem(%q) = %q", host, msg)
		}
	}
}
