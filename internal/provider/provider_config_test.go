package provider

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

func TestClientConfig(t *testing.T) {
	const host = "https://nm.example.com"
	null := providerModel{
		Host: types.StringNull(), APIToken: types.StringNull(), Username: types.StringNull(), Password: types.StringNull(),
		CACertPEM: types.StringNull(), InsecureSkipVerify: types.BoolNull(), RequestTimeout: types.StringNull(), MaxRetries: types.Int64Null(),
	}
	with := func(f func(*providerModel)) providerModel { m := null; f(&m); return m }
	tests := []struct {
		name     string
		model    providerModel
		env      map[string]string
		want     netmaker.Config // compared on Host, credential, timeout, retries
		wantPath string          // attribute of the expected error; "" for none
		wantErr  string
	}{
		{"block token", with(func(m *providerModel) { m.Host = types.StringValue(host); m.APIToken = types.StringValue("tok") }), nil,
			netmaker.Config{Host: host, APIToken: "tok", MaxRetries: defaultMaxRetries}, "", ""},
		{"env only", null, map[string]string{envHost: host, envAPIToken: "tok"},
			netmaker.Config{Host: host, APIToken: "tok", MaxRetries: defaultMaxRetries}, "", ""},
		{"block wins over env", with(func(m *providerModel) { m.Host = types.StringValue(host); m.APIToken = types.StringValue("tok") }),
			map[string]string{envHost: "https://other.example.com", envAPIToken: "envtok", envUsername: "u", envPassword: "p"},
			netmaker.Config{Host: host, APIToken: "tok", MaxRetries: defaultMaxRetries}, "", ""},
		{"block login over env token", with(func(m *providerModel) { m.Username = types.StringValue("u") }),
			map[string]string{envHost: host, envAPIToken: "envtok", envPassword: "p"},
			netmaker.Config{Host: host, Username: "u", Password: "p", MaxRetries: defaultMaxRetries}, "", ""},
		{"env login", null, map[string]string{envHost: host, envUsername: "u", envPassword: "p"},
			netmaker.Config{Host: host, Username: "u", Password: "p", MaxRetries: defaultMaxRetries}, "", ""},
		{"timeout and retries", with(func(m *providerModel) {
			m.RequestTimeout = types.StringValue("45s")
			m.MaxRetries = types.Int64Value(0)
		}), map[string]string{envHost: host, envAPIToken: "tok"},
			netmaker.Config{Host: host, APIToken: "tok", RequestTimeout: 45 * time.Second, MaxRetries: 0}, "", ""},
		{"missing host", null, map[string]string{envAPIToken: "tok"}, netmaker.Config{}, "host", "Set host in the provider block or NETMAKER_HOST"},
		{"bad host", with(func(m *providerModel) { m.Host = types.StringValue("nm.example.com") }), map[string]string{envAPIToken: "tok"},
			netmaker.Config{}, "host", "needs an http:// or https:// scheme"},
		{"missing credential", null, map[string]string{envHost: host}, netmaker.Config{}, "api_token", "NETMAKER_API_TOKEN"},
		{"username without password", with(func(m *providerModel) { m.Username = types.StringValue("u") }), map[string]string{envHost: host},
			netmaker.Config{}, "password", "NETMAKER_PASSWORD"},
		{"password without username", null, map[string]string{envHost: host, envPassword: "p"}, netmaker.Config{}, "username", "NETMAKER_USERNAME"},
		{"both in block", with(func(m *providerModel) {
			m.APIToken = types.StringValue("tok")
			m.Username = types.StringValue("u")
		}), map[string]string{envHost: host}, netmaker.Config{}, "api_token", "not both"},
		{"both in env", null, map[string]string{envHost: host, envAPIToken: "tok", envUsername: "u", envPassword: "p"},
			netmaker.Config{}, "api_token", "Both NETMAKER_API_TOKEN and NETMAKER_USERNAME"},
		{"bad timeout", with(func(m *providerModel) { m.RequestTimeout = types.StringValue("soon") }),
			map[string]string{envHost: host, envAPIToken: "tok"}, netmaker.Config{}, "request_timeout", "not a duration"},
		{"unknown host", with(func(m *providerModel) { m.Host = types.StringUnknown() }),
			map[string]string{envHost: host, envAPIToken: "tok"}, netmaker.Config{}, "host", "host is not known until apply"},
		{"unknown token", with(func(m *providerModel) { m.APIToken = types.StringUnknown() }),
			map[string]string{envHost: host}, netmaker.Config{}, "api_token", "api_token is not known until apply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := clientConfig(tt.model, func(k string) string { return tt.env[k] })
			if tt.wantErr == "" {
				if diags.HasError() {
					t.Fatalf("unexpected diagnostics: %v", diags)
				}
				if got.Host != tt.want.Host || got.APIToken != tt.want.APIToken || got.Username != tt.want.Username ||
					got.Password != tt.want.Password || got.RequestTimeout != tt.want.RequestTimeout || got.MaxRetries != tt.want.MaxRetries {
					t.Errorf("config = %+v, want %+v", got, tt.want)
				}
				return
			}
			if !diags.HasError() {
				t.Fatalf("want error %q, got none", tt.wantErr)
			}
			found := false
			for _, d := range diags.Errors() {
				if strings.Contains(d.Detail(), tt.wantErr) {
					found = true
					ad, ok := d.(diag.DiagnosticWithPath)
					if !ok || ad.Path().String() != tt.wantPath {
						t.Errorf("error %q not on attribute %s", d.Summary(), tt.wantPath)
					}
				}
			}
			if !found {
				t.Errorf("no error containing %q in %v", tt.wantErr, diags)
			}
		})
	}
}

func TestAuthDiagnosticHidesSecrets(t *testing.T) {
	cfg := netmaker.Config{Host: "https://nm.example.com", APIToken: "super-secret-token"}
	err := &netmaker.APIError{Method: "GET", Route: "GET /api/v1/enrollment-keys", Host: "nm.example.com", StatusCode: 401,
		Message: "unauthorized", Kind: netmaker.ErrUnauthorized}
	d := authDiagnostic("nm.example.com", cfg, err)
	if !strings.Contains(d.Detail(), "401 unauthorized from nm.example.com") {
		t.Errorf("detail %q lacks the 401 line", d.Detail())
	}
	if strings.Contains(d.Detail(), "super-secret-token") || strings.Contains(d.Summary(), "super-secret-token") {
		t.Error("diagnostic leaks the token")
	}
	other := authDiagnostic("nm.example.com", cfg, errors.New("dial tcp: connection refused"))
	if !strings.Contains(other.Detail(), "connection refused") || strings.Contains(other.Detail(), "401") {
		t.Errorf("connection failure explained as %q", other.Detail())
	}
}
