package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

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
			// Through clientConfig: the refusal is the client's rule, the
			// warnings the provider's.
			m := nullProviderModel()
			m.Host, m.APIToken = types.StringValue(tt.cfg.Host), types.StringValue("tok")
			if tt.cfg.CACertPEM != "" {
				m.CACertPEM = types.StringValue(tt.cfg.CACertPEM)
			}
			if tt.cfg.InsecureSkipVerify {
				m.InsecureSkipVerify = types.BoolValue(true)
			}
			_, diags := clientConfig(m, func(string) string { return "" })
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

// A bad host is refused on the host attribute, at validate time (the
// block) and in Configure (the block or NETMAKER_HOST), without quoting it.
func TestAdversarial_HostProblemHidesCredentials(t *testing.T) {
	for _, host := range []string{
		"ftp://admin:SECRET@nm.example.com", "nm.example.com?token=SECRET", "https://%zzSECRET",
		"https://admin:SECRET@nm.example.com", "https://nm.example.com/?token=SECRET", "https://nm.example.com#SECRET",
	} {
		m := nullProviderModel()
		m.Host, m.APIToken = types.StringValue(host), types.StringValue("tok")
		_, inBlock := clientConfig(m, func(string) string { return "" })
		_, inEnv := clientConfig(nullProviderModel(), func(k string) string {
			return map[string]string{envHost: host, envAPIToken: "tok"}[k]
		})
		for name, diags := range map[string]diag.Diagnostics{
			"validate": validateProviderConfig(t, map[string]tftypes.Value{"host": tftypes.NewValue(tftypes.String, host)}),
			"block":    inBlock,
			"env":      inEnv,
		} {
			if len(diags) != 1 || diags[0].Severity() != diag.SeverityError {
				t.Fatalf("%s: host %q: diagnostics %v; want one error", name, host, diags)
			}
			d := diags[0]
			if withPath, ok := d.(diag.DiagnosticWithPath); !ok || !withPath.Path().Equal(path.Root("host")) {
				t.Errorf("%s: host %q: %v is not on host", name, host, d)
			}
			if strings.Contains(d.Summary()+d.Detail(), "SECRET") {
				t.Errorf("%s: host %q: %q quotes it", name, host, d.Detail())
			}
		}
	}
}
