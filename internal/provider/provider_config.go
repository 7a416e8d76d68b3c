package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmaker"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/validators"
)

// Environment variables read when the provider block leaves a setting out.
const (
	envHost     = "NETMAKER_HOST"
	envAPIToken = "NETMAKER_API_TOKEN"
	envUsername = "NETMAKER_USERNAME"
	envPassword = "NETMAKER_PASSWORD"
)

// defaultMaxRetries is used when max_retries is not set.
const defaultMaxRetries = 4

// providerModel is the provider block.
type providerModel struct {
	Host               types.String `tfsdk:"host"`
	APIToken           types.String `tfsdk:"api_token"`
	Username           types.String `tfsdk:"username"`
	Password           types.String `tfsdk:"password"`
	CACertPEM          types.String `tfsdk:"ca_cert_pem"`
	InsecureSkipVerify types.Bool   `tfsdk:"insecure_skip_verify"`
	RequestTimeout     types.String `tfsdk:"request_timeout"`
	MaxRetries         types.Int64  `tfsdk:"max_retries"`
}

func providerSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Manages [Netmaker](https://www.netmaker.io/) enrollment keys. Authenticate with a personal " +
			"access token or the master key (`api_token`), or with `username` and `password`. Every setting can also come " +
			"from the environment; a setting in the provider block wins over the environment.",
		Attributes: map[string]schema.Attribute{
			"host": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Netmaker API server, such as `https://api.netmaker.example.com`. " +
					"Required here or in `" + envHost + "`.",
				Optional:   true,
				Validators: []validator.String{hostValidator{}},
			},
			"api_token": schema.StringAttribute{
				MarkdownDescription: "A personal access token (recommended) or the server's master key. Conflicts with " +
					"`username` and `password`. Can also be set with `" + envAPIToken + "`.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(path.MatchRoot("username"), path.MatchRoot("password")),
				},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "A Netmaker user to log in as, together with `password`; the provider logs in again " +
					"when the session expires during a long run. Conflicts with `api_token`. Can also be set with `" + envUsername + "`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"password": schema.StringAttribute{
				MarkdownDescription: "The password of `username`. Can also be set with `" + envPassword + "`.",
				Optional:            true,
				Sensitive:           true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"ca_cert_pem": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded CA certificate(s) to trust for the server's TLS certificate, in addition to the system's. " +
					"Not allowed with `insecure_skip_verify = true`.",
				Optional: true,
			},
			"insecure_skip_verify": schema.BoolAttribute{
				MarkdownDescription: "Skip verification of the server's TLS certificate. For tests only: every plan warns " +
					"while it is set. Not allowed with `ca_cert_pem` (an error: trusting a CA and skipping verification " +
					"contradict each other). Defaults to `false`.",
				Optional: true,
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Timeout of one HTTP attempt, as a Go duration such as `\"30s\"` or `\"1m\"`. Defaults to the client's default.",
				Optional:            true,
				Validators:          []validator.String{validators.PositiveDuration()},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times to retry a request after a transient failure (connection error, "+
					"429, 502, 503, 504), with backoff. `0` disables retries. Defaults to `%d`.", defaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
		},
	}
}

// clientConfig merges the provider block with the environment and checks
// that the result is complete. Attribute errors name the env var to set.
func clientConfig(m providerModel, getenv func(string) string) (netmaker.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	var cfg netmaker.Config

	unknown := map[string]bool{
		"host": m.Host.IsUnknown(), "api_token": m.APIToken.IsUnknown(), "username": m.Username.IsUnknown(),
		"password": m.Password.IsUnknown(), "ca_cert_pem": m.CACertPEM.IsUnknown(),
		"insecure_skip_verify": m.InsecureSkipVerify.IsUnknown(), "request_timeout": m.RequestTimeout.IsUnknown(),
		"max_retries": m.MaxRetries.IsUnknown(),
	}
	for _, name := range []string{"host", "api_token", "username", "password", "ca_cert_pem", "insecure_skip_verify", "request_timeout", "max_retries"} {
		if unknown[name] {
			diags.AddAttributeError(path.Root(name), "Unknown Netmaker provider setting",
				fmt.Sprintf("The provider cannot connect to Netmaker because %s is not known until apply. "+
					"Set it to a value known at plan time (a literal, a variable or an environment variable), "+
					"or apply the resources it depends on first with -target.", name))
		}
	}
	if diags.HasError() {
		return cfg, diags
	}

	cfg.Host = strings.TrimSpace(valueOrEnv(m.Host, getenv(envHost)))
	if cfg.Host == "" {
		diags.AddAttributeError(path.Root("host"), "Missing Netmaker host",
			"Set host in the provider block or "+envHost+" to the base URL of the Netmaker API, such as https://api.netmaker.example.com.")
	} else if msg := hostProblem(cfg.Host); msg != "" {
		diags.AddAttributeError(path.Root("host"), "Invalid Netmaker host", msg)
	}

	// A credential given in the block wins over any credential in the
	// environment, whichever its kind.
	configToken := !m.APIToken.IsNull()
	configLogin := !m.Username.IsNull() || !m.Password.IsNull()
	switch {
	case configToken && configLogin:
		diags.AddAttributeError(path.Root("api_token"), "Conflicting Netmaker credentials",
			"Set either api_token or username and password in the provider block, not both.")
		return cfg, diags
	case configToken:
		cfg.APIToken = m.APIToken.ValueString()
	case configLogin:
		cfg.Username = valueOrEnv(m.Username, getenv(envUsername))
		cfg.Password = valueOrEnv(m.Password, getenv(envPassword))
	default:
		cfg.APIToken = getenv(envAPIToken)
		cfg.Username = getenv(envUsername)
		cfg.Password = getenv(envPassword)
		if cfg.APIToken != "" && (cfg.Username != "" || cfg.Password != "") {
			diags.AddAttributeError(path.Root("api_token"), "Conflicting Netmaker credentials",
				fmt.Sprintf("Both %s and %s/%s are set in the environment. Unset one of them, or choose one credential "+
					"in the provider block (it wins over the environment).", envAPIToken, envUsername, envPassword))
			return cfg, diags
		}
	}
	switch {
	case cfg.APIToken == "" && cfg.Username == "" && cfg.Password == "":
		diags.AddAttributeError(path.Root("api_token"), "Missing Netmaker credential",
			fmt.Sprintf("Set api_token in the provider block or %s (a personal access token or the master key), "+
				"or username and password (%s and %s).", envAPIToken, envUsername, envPassword))
	case cfg.APIToken == "" && cfg.Password == "":
		diags.AddAttributeError(path.Root("password"), "Missing Netmaker password",
			fmt.Sprintf("username is set, so set password in the provider block or %s too.", envPassword))
	case cfg.APIToken == "" && cfg.Username == "":
		diags.AddAttributeError(path.Root("username"), "Missing Netmaker username",
			fmt.Sprintf("password is set, so set username in the provider block or %s too.", envUsername))
	}

	cfg.CACertPEM = m.CACertPEM.ValueString()
	cfg.InsecureSkipVerify = m.InsecureSkipVerify.ValueBool()
	diags.Append(transportSecurityDiagnostics(cfg)...)
	if !m.RequestTimeout.IsNull() {
		d, err := time.ParseDuration(m.RequestTimeout.ValueString())
		if err != nil || d <= 0 {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid request timeout",
				validators.PositiveDurationProblem(m.RequestTimeout.ValueString()))
		}
		cfg.RequestTimeout = d
	}
	cfg.MaxRetries = defaultMaxRetries
	if !m.MaxRetries.IsNull() {
		if m.MaxRetries.ValueInt64() < 0 {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid max_retries", "max_retries must be 0 or more.")
		}
		cfg.MaxRetries = int(m.MaxRetries.ValueInt64())
	}
	return cfg, diags
}

func valueOrEnv(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return env
}

// authDiagnostic explains a failed CheckAuth without repeating any secret.
func authDiagnostic(host string, cfg netmaker.Config, err error) diag.Diagnostic {
	if errors.Is(err, netmaker.ErrUnauthorized) {
		detail := fmt.Sprintf("401 unauthorized from %s: check api_token (%s). An access token may have been revoked; "+
			"a master key must match the server's MASTER_KEY.", host, envAPIToken)
		at := path.Root("api_token")
		if cfg.APIToken == "" {
			detail = fmt.Sprintf("401 unauthorized from %s: check username and password (%s, %s); the server did not "+
				"accept them.", host, envUsername, envPassword)
			at = path.Root("username")
		}
		return diag.NewAttributeErrorDiagnostic(at, "Netmaker rejected the credential", detail)
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("host"), "Could not connect to Netmaker",
		fmt.Sprintf("Checking the credential against %s failed: %s", host, err))
}

// hostValidator checks host statically when it is given in the block.
type hostValidator struct{}

func (hostValidator) Description(context.Context) string {
	return "must be an http or https URL such as https://api.netmaker.example.com"
}

func (v hostValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (hostValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := hostProblem(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Netmaker host", msg)
	}
}

// hostProblem explains why host is not a usable base URL, or answers "".
func hostProblem(host string) string {
	u, err := url.Parse(strings.TrimSpace(host))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// Not quoted: a mistyped host may carry credentials.
		return "host is not a base URL such as https://api.netmaker.example.com: it needs an http:// or https:// scheme and a host."
	}
	return ""
}

// transportSecurityDiagnostics warns about settings that expose the
// credential or tokens, and refuses insecure_skip_verify with ca_cert_pem:
// the CA would be silently ignored.
func transportSecurityDiagnostics(cfg netmaker.Config) diag.Diagnostics {
	var diags diag.Diagnostics
	if cfg.InsecureSkipVerify && strings.TrimSpace(cfg.CACertPEM) != "" {
		diags.AddAttributeError(path.Root("insecure_skip_verify"), "Conflicting TLS settings",
			"insecure_skip_verify = true would skip verification and ignore ca_cert_pem. Remove insecure_skip_verify to "+
				"verify the server against ca_cert_pem, or remove ca_cert_pem.")
		return diags
	}
	if u, err := url.Parse(cfg.Host); err == nil && strings.EqualFold(u.Scheme, "http") && !isLoopback(u.Hostname()) {
		diags.AddAttributeWarning(path.Root("host"), "Netmaker host uses plain HTTP",
			"host starts with http://: the credential and every enrollment token this provider reads cross the network "+
				"unencrypted. Use https://.")
	}
	if cfg.InsecureSkipVerify {
		diags.AddAttributeWarning(path.Root("insecure_skip_verify"), "TLS certificate verification is off",
			"insecure_skip_verify = true: anyone between Terraform and Netmaker can read the credential and the tokens. "+
				"Use ca_cert_pem to trust a private CA instead.")
	}
	return diags
}

// isLoopback: plain HTTP to this machine crosses no network.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
