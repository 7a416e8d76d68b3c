package netmaker

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ConfigField names the Config setting a ConfigError is about, so that a
// caller can report it where the user set it (the provider maps each one to
// its attribute).
type ConfigField string

// The settings Validate and New check.
const (
	FieldHost               ConfigField = "Host"
	FieldAPIToken           ConfigField = "APIToken"
	FieldUsername           ConfigField = "Username"
	FieldPassword           ConfigField = "Password"
	FieldCACertPEM          ConfigField = "CACertPEM"
	FieldInsecureSkipVerify ConfigField = "InsecureSkipVerify"
)

// ConfigProblem is what is wrong with the setting.
type ConfigProblem int

const (
	// ProblemMissing: the setting is empty but needed.
	ProblemMissing ConfigProblem = iota + 1
	// ProblemInvalid: the setting's value is unusable.
	ProblemInvalid
	// ProblemConflict: the setting contradicts another one that is set.
	ProblemConflict
)

// ConfigError is one problem of a Config. Its message never quotes a
// credential, nor a host with user-info, a query or a fragment (they may
// hold credentials).
type ConfigError struct {
	Field   ConfigField
	Problem ConfigProblem
	msg     string
}

func (e *ConfigError) Error() string { return e.msg }

func configError(f ConfigField, p ConfigProblem, msg string) *ConfigError {
	return &ConfigError{Field: f, Problem: p, msg: msg}
}

// Validate is the rule for a Config's host, credential and TLS settings,
// the one New applies: a base URL with an http or https scheme and a host
// name, and nothing else but a path; exactly one credential, APIToken or
// Username together with Password; not InsecureSkipVerify together with
// CACertPEM. It answers nil, or every problem found (each a *ConfigError,
// joined with errors.Join). New also refuses a CACertPEM without a PEM
// certificate (a *ConfigError on FieldCACertPEM) when it builds the pool.
func (c Config) Validate() error {
	var errs []error
	if err := CheckHost(c.Host); err != nil {
		errs = append(errs, err)
	}
	hasToken := c.APIToken != ""
	hasUser := c.Username != "" || c.Password != ""
	switch {
	case hasToken && hasUser:
		errs = append(errs, configError(FieldAPIToken, ProblemConflict,
			"configure either api_token or username and password, not both"))
	case !hasToken && !hasUser:
		errs = append(errs, configError(FieldAPIToken, ProblemMissing,
			"no credential: configure api_token, or username and password"))
	case hasUser && c.Password == "":
		errs = append(errs, configError(FieldPassword, ProblemMissing, "username and password must be configured together"))
	case hasUser && c.Username == "":
		errs = append(errs, configError(FieldUsername, ProblemMissing, "username and password must be configured together"))
	}
	if c.InsecureSkipVerify && strings.TrimSpace(c.CACertPEM) != "" {
		errs = append(errs, configError(FieldInsecureSkipVerify, ProblemConflict,
			"insecure_skip_verify and ca_cert_pem conflict: skipping verification would ignore the CA"))
	}
	return errors.Join(errs...)
}

// CheckHost is the host part of Validate: nil, or a *ConfigError on
// FieldHost.
func CheckHost(raw string) error {
	_, err := checkHost(raw)
	return err
}

// checkHost answers raw parsed, with its surrounding space trimmed.
func checkHost(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, configError(FieldHost, ProblemMissing,
			"host is empty: set it to the Netmaker API URL, e.g. https://api.netmaker.example.com")
	}
	// Errors never quote raw: its user-info or query may hold credentials.
	if !strings.Contains(raw, "://") {
		return nil, configError(FieldHost, ProblemInvalid,
			"host has no scheme: add https:// in front of it (or http:// for a server without TLS), "+
				"e.g. https://api.netmaker.example.com")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, configError(FieldHost, ProblemInvalid,
			"host is not a URL: set it to the Netmaker API URL, e.g. https://api.netmaker.example.com")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, configError(FieldHost, ProblemInvalid,
			"host must start with https:// or http://: a base URL needs an http:// or https:// scheme and a host, "+
				"e.g. https://api.netmaker.example.com")
	}
	if u.User != nil {
		return nil, configError(FieldHost, ProblemInvalid,
			"host must not contain credentials; use api_token or username and password")
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, configError(FieldHost, ProblemInvalid, "host has no host name, e.g. https://api.netmaker.example.com")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		// u.Host alone: the user-info is refused above, the query and fragment are left out.
		return nil, configError(FieldHost, ProblemInvalid, fmt.Sprintf("host %s must not have a query or fragment", u.Host))
	}
	return u, nil
}
