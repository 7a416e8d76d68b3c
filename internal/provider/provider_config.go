package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
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
				Optional: true,
			},
			"api_token": schema.StringAttribute{
				MarkdownDescription: "A personal access token (recommended) or the server's master key. Conflicts with " +
					"`username` and `password`. Can also be set with `" + envAPIToken + "`.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
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
				MarkdownDescription: "Skip verification of the server's TLS certificate (default `false`). For tests only: " +
					"every plan warns while it is set. Not allowed with `ca_cert_pem` (an error: trusting a CA and skipping " +
					"verification contradict each other).",
				Optional: true,
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Timeout of one HTTP attempt, as a Go duration such as `\"30s\"` or `\"1m\"`. Defaults to `\"30s\"`.",
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
	// A credential given in the block wins over any credential in the
	// environment, whichever its kind.
	configToken := !m.APIToken.IsNull()
	configLogin := !m.Username.IsNull() || !m.Password.IsNull()
	if configToken || configLogin {
		cfg.APIToken = m.APIToken.ValueString()
		if configLogin {
			cfg.Username = valueOrEnv(m.Username, getenv(envUsername))
			cfg.Password = valueOrEnv(m.Password, getenv(envPassword))
		}
	} else {
		cfg.APIToken = getenv(envAPIToken)
		cfg.Username = getenv(envUsername)
		cfg.Password = getenv(envPassword)
	}
	cfg.CACertPEM = m.CACertPEM.ValueString()
	cfg.InsecureSkipVerify = m.InsecureSkipVerify.ValueBool()
	problems := cfg.Validate()
	diags.Append(configDiagnostics(problems, m)...)
	if !slices.ContainsFunc(configProblems(problems), isTLSConflict) {
		diags.Append(transportSecurityDiagnostics(cfg)...)
	}
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

// ValidateConfig applies the client's rule (netmaker.Config.Validate) to
// the provider block at validate and plan time, each problem on its
// attribute, worded as Configure words it.
//
// It reads the block alone, not the environment (NETMAKER_HOST, ...):
// `terraform validate` often runs without it (in CI), and Configure, which
// runs at plan too, applies the same rule to the block merged with the
// environment. So a setting the block leaves out (null, or unknown until
// apply) may still come from the environment or the apply, and its absence
// is Configure's to report. Every other problem involves only settings the
// block sets, and a setting in the block wins over the environment, so it is
// final: a bad host, api_token together with username or password,
// insecure_skip_verify with ca_cert_pem. So is a blank host in the block; a
// blank api_token, username or password is refused by its LengthAtLeast
// validator.
func (p *NetmakerProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	known := func(v types.String) string {
		if v.IsUnknown() {
			return ""
		}
		return v.ValueString()
	}
	cfg := netmaker.Config{
		Host: known(m.Host), APIToken: known(m.APIToken), Username: known(m.Username), Password: known(m.Password),
		CACertPEM: known(m.CACertPEM), InsecureSkipVerify: m.InsecureSkipVerify.ValueBool(),
	}
	for _, err := range configProblems(cfg.Validate()) {
		var ce *netmaker.ConfigError
		if errors.As(err, &ce) && ce.Problem == netmaker.ProblemMissing &&
			(ce.Field != netmaker.FieldHost || m.Host.IsNull() || m.Host.IsUnknown()) {
			continue
		}
		resp.Diagnostics.Append(configDiagnostic(err, m))
	}
}

// configAttribute is the provider attribute of each client setting.
var configAttribute = map[netmaker.ConfigField]string{
	netmaker.FieldHost:               "host",
	netmaker.FieldAPIToken:           "api_token",
	netmaker.FieldUsername:           "username",
	netmaker.FieldPassword:           "password",
	netmaker.FieldCACertPEM:          "ca_cert_pem",
	netmaker.FieldInsecureSkipVerify: "insecure_skip_verify",
}

// configProblems splits an error of netmaker.Config.Validate or
// netmaker.New into its problems.
func configProblems(err error) []error {
	if err == nil {
		return nil
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		return joined.Unwrap()
	}
	return []error{err}
}

// configDiagnostics reports each problem of err (from netmaker.Config.Validate
// or netmaker.New) on its attribute.
func configDiagnostics(err error, m providerModel) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, e := range configProblems(err) {
		diags.Append(configDiagnostic(e, m))
	}
	return diags
}

// configDiagnostic words one problem of the client's rule for the provider
// block m: where a setting may come from the environment, it names the
// environment variable.
func configDiagnostic(err error, m providerModel) diag.Diagnostic {
	var ce *netmaker.ConfigError
	if !errors.As(err, &ce) || configAttribute[ce.Field] == "" {
		return diag.NewErrorDiagnostic("Invalid Netmaker provider configuration", err.Error())
	}
	at := path.Root(configAttribute[ce.Field])
	credentialInBlock := !m.APIToken.IsNull() || !m.Username.IsNull() || !m.Password.IsNull()
	switch {
	case ce.Field == netmaker.FieldHost && ce.Problem == netmaker.ProblemMissing && m.Host.IsNull():
		return diag.NewAttributeErrorDiagnostic(at, "Missing Netmaker host",
			"Set host in the provider block or "+envHost+" to the base URL of the Netmaker API, such as https://api.netmaker.example.com.")
	case ce.Field == netmaker.FieldHost:
		return diag.NewAttributeErrorDiagnostic(at, "Invalid Netmaker host", ce.Error()+".")
	case ce.Field == netmaker.FieldAPIToken && ce.Problem == netmaker.ProblemConflict && credentialInBlock:
		// The summary of the schema's ConflictsWith, which this replaces.
		return diag.NewAttributeErrorDiagnostic(at, "Invalid Attribute Combination",
			"Set either api_token or username and password in the provider block, not both.")
	case ce.Field == netmaker.FieldAPIToken && ce.Problem == netmaker.ProblemConflict:
		return diag.NewAttributeErrorDiagnostic(at, "Conflicting Netmaker credentials",
			fmt.Sprintf("Both %s and %s/%s are set in the environment. Unset one of them, or choose one credential "+
				"in the provider block (it wins over the environment).", envAPIToken, envUsername, envPassword))
	case ce.Field == netmaker.FieldAPIToken && ce.Problem == netmaker.ProblemMissing:
		return diag.NewAttributeErrorDiagnostic(at, "Missing Netmaker credential",
			fmt.Sprintf("Set api_token in the provider block or %s (a personal access token or the master key), "+
				"or username and password (%s and %s).", envAPIToken, envUsername, envPassword))
	case ce.Field == netmaker.FieldPassword && ce.Problem == netmaker.ProblemMissing:
		return diag.NewAttributeErrorDiagnostic(at, "Missing Netmaker password",
			fmt.Sprintf("username is set, so set password in the provider block or %s too.", envPassword))
	case ce.Field == netmaker.FieldUsername && ce.Problem == netmaker.ProblemMissing:
		return diag.NewAttributeErrorDiagnostic(at, "Missing Netmaker username",
			fmt.Sprintf("password is set, so set username in the provider block or %s too.", envUsername))
	case isTLSConflict(ce):
		return diag.NewAttributeErrorDiagnostic(at, "Conflicting TLS settings",
			"insecure_skip_verify = true would skip verification and ignore ca_cert_pem. Remove insecure_skip_verify to "+
				"verify the server against ca_cert_pem, or remove ca_cert_pem.")
	}
	return diag.NewAttributeErrorDiagnostic(at, "Invalid Netmaker provider configuration", ce.Error()+".")
}

// isTLSConflict: insecure_skip_verify = true with ca_cert_pem.
func isTLSConflict(err error) bool {
	var ce *netmaker.ConfigError
	return errors.As(err, &ce) && ce.Field == netmaker.FieldInsecureSkipVerify && ce.Problem == netmaker.ProblemConflict
}

// transportSecurityDiagnostics warns about settings that expose the
// credential or tokens. (insecure_skip_verify with ca_cert_pem, which would
// silently ignore the CA, is refused by the client's rule instead.)
func transportSecurityDiagnostics(cfg netmaker.Config) diag.Diagnostics {
	var diags diag.Diagnostics
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
