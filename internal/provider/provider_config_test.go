package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
)

func TestClientConfig(t *testing.T) {
	const host = "https://nm.example.com"
	null := nullProviderModel()
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
			netmaker.Config{}, "host", "host has no scheme: add https:// in front of it"},
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

// nullProviderModel is an empty provider block.
func nullProviderModel() providerModel {
	return providerModel{
		Host: types.StringNull(), APIToken: types.StringNull(), Username: types.StringNull(), Password: types.StringNull(),
		CACertPEM: types.StringNull(), InsecureSkipVerify: types.BoolNull(), RequestTimeout: types.StringNull(), MaxRetries: types.Int64Null(),
	}
}

// providerConfigValue is a provider block with the attributes of set; the
// others are null.
func providerConfigValue(t *testing.T, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	typ, ok := providerSchema().Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		t.Fatal("the provider schema is not an object")
	}
	values := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(at, nil)
		if v, ok := set[name]; ok {
			values[name] = v
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// fromProtocol turns the provider server's diagnostics back into the
// framework's, with the root attribute as path.
func fromProtocol(t *testing.T, in []*tfprotov6.Diagnostic) diag.Diagnostics {
	t.Helper()
	var out diag.Diagnostics
	for _, d := range in {
		severity := diag.SeverityError
		if d.Severity == tfprotov6.DiagnosticSeverityWarning {
			severity = diag.SeverityWarning
		}
		if d.Attribute == nil || len(d.Attribute.Steps()) == 0 {
			if severity == diag.SeverityWarning {
				out.AddWarning(d.Summary, d.Detail)
			} else {
				out.AddError(d.Summary, d.Detail)
			}
			continue
		}
		name, ok := d.Attribute.Steps()[0].(tftypes.AttributeName)
		if !ok || len(d.Attribute.Steps()) != 1 {
			t.Fatalf("diagnostic %q on %v: not a root attribute", d.Summary, d.Attribute)
		}
		if severity == diag.SeverityWarning {
			out.AddAttributeWarning(path.Root(string(name)), d.Summary, d.Detail)
		} else {
			out.AddAttributeError(path.Root(string(name)), d.Summary, d.Detail)
		}
	}
	return out
}

// validateProviderConfig runs `terraform validate`'s provider check (schema
// validators and ValidateConfig) on a block through the provider server.
func validateProviderConfig(t *testing.T, set map[string]tftypes.Value) diag.Diagnostics {
	t.Helper()
	return providerDiagnostics(t, set, false)
}

// configureProvider runs the provider's Configure (at plan and apply) on a
// block through the provider server. It contacts no server unless the
// configuration passes.
func configureProvider(t *testing.T, set map[string]tftypes.Value) diag.Diagnostics {
	t.Helper()
	return providerDiagnostics(t, set, true)
}

func providerDiagnostics(t *testing.T, set map[string]tftypes.Value, configure bool) diag.Diagnostics {
	t.Helper()
	ctx, server, config := context.Background(), providerserver.NewProtocol6(New("test")())(), providerConfigValue(t, set)
	var diags []*tfprotov6.Diagnostic
	if configure {
		resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: config})
		if err != nil {
			t.Fatal(err)
		}
		diags = resp.Diagnostics
	} else {
		resp, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: config})
		if err != nil {
			t.Fatal(err)
		}
		diags = resp.Diagnostics
	}
	return fromProtocol(t, diags)
}

// wantOneErrorOn fails unless diags is exactly one error, on attribute at,
// whose detail contains text.
func wantOneErrorOn(t *testing.T, diags diag.Diagnostics, at, text string) {
	t.Helper()
	if at == "" {
		if len(diags) != 0 {
			t.Fatalf("diagnostics %v; want none", diags)
		}
		return
	}
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityError {
		t.Fatalf("diagnostics %v; want one error on %s", diags, at)
	}
	d := diags[0]
	if withPath, ok := d.(diag.DiagnosticWithPath); !ok || !withPath.Path().Equal(path.Root(at)) {
		t.Errorf("error %q: %q is not on %s", d.Summary(), d.Detail(), at)
	}
	if !strings.Contains(d.Detail(), text) {
		t.Errorf("error %q: %q lacks %q", d.Summary(), d.Detail(), text)
	}
}

// TestValidateProviderConfig: what the client's rule refuses in the block
// alone is an error on its attribute at validate time, worded as Configure
// words it; what the environment may still supply is left to Configure.
func TestValidateProviderConfig(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	unknown := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	const host, ca = "https://nm.example.com", "-----BEGIN CERTIFICATE-----"
	tests := []struct {
		name string
		set  map[string]tftypes.Value
		at   string // attribute of the one expected error; "": none
		text string
	}{
		{"token", map[string]tftypes.Value{"host": str(host), "api_token": str("tok")}, "", ""},
		{"login", map[string]tftypes.Value{"host": str(host), "username": str("u"), "password": str("p")}, "", ""},
		{"empty block: the environment may supply all", nil, "", ""},
		{"user info", map[string]tftypes.Value{"host": str("https://u:p@h")}, "host", "must not contain credentials"},
		{"user info with a token", map[string]tftypes.Value{"host": str("https://u:p@h"), "api_token": str("tok")},
			"host", "must not contain credentials"},
		{"query", map[string]tftypes.Value{"host": str("https://h?x=1")}, "host", "must not have a query or fragment"},
		{"empty query", map[string]tftypes.Value{"host": str("https://h/?")}, "host", "must not have a query or fragment"},
		{"fragment", map[string]tftypes.Value{"host": str("https://h#top")}, "host", "must not have a query or fragment"},
		{"no scheme", map[string]tftypes.Value{"host": str("nm.example.com")}, "host", "host has no scheme: add https:// in front of it"},
		{"no host name", map[string]tftypes.Value{"host": str("https://")}, "host", "no host name"},
		{"blank host: it wins over NETMAKER_HOST", map[string]tftypes.Value{"host": str(" ")}, "host", "host is empty"},
		{"unknown host", map[string]tftypes.Value{"host": unknown, "api_token": str("tok")}, "", ""},
		{"token and username", map[string]tftypes.Value{"api_token": str("tok"), "username": str("u")}, "api_token", "not both"},
		{"token and password", map[string]tftypes.Value{"api_token": str("tok"), "password": str("p")}, "api_token", "not both"},
		{"token and login", map[string]tftypes.Value{"host": str(host), "api_token": str("tok"), "username": str("u"),
			"password": str("p")}, "api_token", "not both"},
		{"token and unknown username", map[string]tftypes.Value{"api_token": str("tok"), "username": unknown}, "", ""},
		{"lone username: the password may come from NETMAKER_PASSWORD", map[string]tftypes.Value{"username": str("u")}, "", ""},
		{"lone password", map[string]tftypes.Value{"password": str("p")}, "", ""},
		{"blank token: LengthAtLeast alone", map[string]tftypes.Value{"api_token": str("")}, "api_token", "at least 1"},
		{"insecure with CA", map[string]tftypes.Value{"insecure_skip_verify": tftypes.NewValue(tftypes.Bool, true),
			"ca_cert_pem": str(ca)}, "insecure_skip_verify", "ignore ca_cert_pem"},
		{"insecure unknown with CA", map[string]tftypes.Value{"insecure_skip_verify": tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue),
			"ca_cert_pem": str(ca)}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantOneErrorOn(t, validateProviderConfig(t, tt.set), tt.at, tt.text)
		})
	}
}

// TestValidateProviderConfigIgnoresEnvironment: the environment is
// Configure's to check (terraform validate often runs without it).
func TestValidateProviderConfigIgnoresEnvironment(t *testing.T) {
	t.Setenv(envHost, "https://u:p@h")
	t.Setenv(envAPIToken, "tok")
	wantOneErrorOn(t, validateProviderConfig(t, nil), "", "")
	wantOneErrorOn(t, configureProvider(t, nil), "host", "must not contain credentials")
	t.Setenv(envHost, "https://nm.example.com")
	t.Setenv(envUsername, "u")
	wantOneErrorOn(t, validateProviderConfig(t, nil), "", "")
	wantOneErrorOn(t, configureProvider(t, nil), "api_token", "are set in the environment")
}

// TestConfigureReportsRuleOnAttribute: at plan, Configure reports the
// client's rule on the attribute, for settings from the block or the
// environment, and New's CA check too.
func TestConfigureReportsRuleOnAttribute(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	const host = "https://nm.example.com"
	tests := []struct {
		name string
		set  map[string]tftypes.Value
		at   string
		text string
	}{
		{"lone username", map[string]tftypes.Value{"host": str(host), "username": str("u")}, "password", envPassword},
		{"lone password", map[string]tftypes.Value{"host": str(host), "password": str("p")}, "username", envUsername},
		{"no credential", map[string]tftypes.Value{"host": str(host)}, "api_token", envAPIToken},
		{"no host", map[string]tftypes.Value{"api_token": str("tok")}, "host", envHost},
		{"CA without a certificate", map[string]tftypes.Value{"host": str(host), "api_token": str("tok"),
			"ca_cert_pem": str("not pem")}, "ca_cert_pem", "no PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantOneErrorOn(t, configureProvider(t, tt.set), tt.at, tt.text)
		})
	}
}

// TestConfigAttributeCoversEveryField: each setting the client's rule can
// name is reported on an attribute of the provider block.
func TestConfigAttributeCoversEveryField(t *testing.T) {
	attrs := providerSchema().Attributes
	for _, f := range []netmaker.ConfigField{netmaker.FieldHost, netmaker.FieldAPIToken, netmaker.FieldUsername,
		netmaker.FieldPassword, netmaker.FieldCACertPEM, netmaker.FieldInsecureSkipVerify} {
		name := configAttribute[f]
		if _, ok := attrs[name]; !ok {
			t.Errorf("%s maps to %q, not a provider attribute", f, name)
		}
	}
}
