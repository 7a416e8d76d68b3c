package netmaker

import (
	"errors"
	"strings"
	"testing"
)

// TestConfigValidate is the host, credential and TLS rule in one table: the
// cases of New's, the provider's host check's and the provider's credential
// merge's tests, each with the field it names.
func TestConfigValidate(t *testing.T) {
	type want struct {
		field   ConfigField
		problem ConfigProblem
		text    string
	}
	const ca = "-----BEGIN CERTIFICATE-----"
	tests := []struct {
		name string
		cfg  Config
		want []want // in order; none: valid
	}{
		{"https with slash", Config{Host: "https://api.example.com/", APIToken: "t"}, nil},
		{"http with port and path", Config{Host: "http://10.0.0.1:8081/nm//", APIToken: "t"}, nil},
		{"surrounding space", Config{Host: "  https://h  ", APIToken: "t"}, nil},
		{"login", Config{Host: "https://h", Username: "u", Password: "p"}, nil},
		{"CA", Config{Host: "https://h", APIToken: "t", CACertPEM: ca}, nil},
		{"insecure", Config{Host: "https://h", APIToken: "t", InsecureSkipVerify: true}, nil},
		{"no scheme", Config{Host: "api.example.com", APIToken: "t"},
			[]want{{FieldHost, ProblemInvalid, "host has no scheme: add https:// in front of it"}}},
		{"no scheme, with a port", Config{Host: "nm.example.com:8081", APIToken: "t"},
			[]want{{FieldHost, ProblemInvalid, "host has no scheme: add https:// in front of it"}}},
		{"ftp", Config{Host: "ftp://api.example.com", APIToken: "t"}, []want{{FieldHost, ProblemInvalid, "must start with https://"}}},
		{"empty", Config{APIToken: "t"}, []want{{FieldHost, ProblemMissing, "host is empty"}}},
		{"blank", Config{Host: " \t", APIToken: "t"}, []want{{FieldHost, ProblemMissing, "host is empty"}}},
		{"no host", Config{Host: "https://", APIToken: "t"}, []want{{FieldHost, ProblemInvalid, "no host name"}}},
		{"port only", Config{Host: "https://:8081", APIToken: "t"}, []want{{FieldHost, ProblemInvalid, "no host name"}}},
		{"not a URL", Config{Host: "https://%zz", APIToken: "t"}, []want{{FieldHost, ProblemInvalid, "host is not a URL"}}},
		{"user info", Config{Host: "https://a:b@h", APIToken: "t"}, []want{{FieldHost, ProblemInvalid, "must not contain credentials"}}},
		{"user only", Config{Host: "https://a@h", APIToken: "t"}, []want{{FieldHost, ProblemInvalid, "must not contain credentials"}}},
		{"query", Config{Host: "https://h/?x=1", APIToken: "t"}, []want{{FieldHost, ProblemInvalid, "query"}}},
		{"query without slash", Config{Host: "https://h?x=1", APIToken: "t"}, []want{{FieldHost, ProblemInvalid, "query"}}},
		{"empty query", Config{Host: "https://h?", APIToken: "t"}, []want{{FieldHost, ProblemInvalid, "query"}}},
		{"fragment", Config{Host: "https://h#x", APIToken: "t"}, []want{{FieldHost, ProblemInvalid, "fragment"}}},
		{"no credential", Config{Host: "https://h"}, []want{{FieldAPIToken, ProblemMissing, "no credential"}}},
		{"both credentials", Config{Host: "https://h", APIToken: "t", Username: "u", Password: "p"},
			[]want{{FieldAPIToken, ProblemConflict, "not both"}}},
		{"token and username", Config{Host: "https://h", APIToken: "t", Username: "u"}, []want{{FieldAPIToken, ProblemConflict, "not both"}}},
		{"token and password", Config{Host: "https://h", APIToken: "t", Password: "p"}, []want{{FieldAPIToken, ProblemConflict, "not both"}}},
		{"user without password", Config{Host: "https://h", Username: "u"}, []want{{FieldPassword, ProblemMissing, "together"}}},
		{"password without user", Config{Host: "https://h", Password: "p"}, []want{{FieldUsername, ProblemMissing, "together"}}},
		{"insecure with CA", Config{Host: "https://h", APIToken: "t", InsecureSkipVerify: true, CACertPEM: ca},
			[]want{{FieldInsecureSkipVerify, ProblemConflict, "conflict"}}},
		{"insecure with blank CA", Config{Host: "https://h", APIToken: "t", InsecureSkipVerify: true, CACertPEM: " \n"}, nil},
		{"every problem at once", Config{Host: "https://a:b@h", Username: "u", InsecureSkipVerify: true, CACertPEM: ca}, []want{
			{FieldHost, ProblemInvalid, "must not contain credentials"},
			{FieldPassword, ProblemMissing, "together"},
			{FieldInsecureSkipVerify, ProblemConflict, "conflict"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			var got []error
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				got = j.Unwrap()
			} else if err != nil {
				got = []error{err}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Validate = %v; want %d problems", err, len(tt.want))
			}
			for i, w := range tt.want {
				var ce *ConfigError
				if !errors.As(got[i], &ce) {
					t.Fatalf("problem %d %v is not a *ConfigError", i, got[i])
				}
				if ce.Field != w.field || ce.Problem != w.problem || !strings.Contains(ce.Error(), w.text) {
					t.Errorf("problem %d = %+v %q; want %s/%d containing %q", i, *ce, ce.Error(), w.field, w.problem, w.text)
				}
			}
			// New applies the same rule (and parses a CA that passes it,
			// which ca is not: TestNewCAErrorNamesField).
			if _, newErr := New(tt.cfg); tt.cfg.CACertPEM == "" || err != nil {
				if (newErr == nil) != (err == nil) || (err != nil && newErr.Error() != err.Error()) {
					t.Errorf("New = %v; Validate = %v", newErr, err)
				}
			}
			if len(tt.want) > 0 && tt.want[0].field == FieldHost {
				if hostErr := CheckHost(tt.cfg.Host); hostErr == nil || hostErr.Error() != got[0].Error() {
					t.Errorf("CheckHost = %v; want %v", hostErr, got[0])
				}
			}
		})
	}
}

// TestConfigErrorsHideSecrets: no problem quotes the host's user-info, query
// or fragment, nor a credential.
func TestConfigErrorsHideSecrets(t *testing.T) {
	for _, cfg := range []Config{
		{Host: "ftp://admin:SECRET@nm.example.com", APIToken: "SECRET-token", Username: "SECRET-user"},
		{Host: "https://admin:SECRET@nm.example.com", Password: "SECRET-password"},
		{Host: "nm.example.com?token=SECRET"},
		{Host: "https://nm.example.com?token=SECRET"},
		{Host: "https://nm.example.com/#SECRET"},
		{Host: "https://%zzSECRET"},
	} {
		err := cfg.Validate()
		if err == nil || strings.Contains(err.Error(), "SECRET") {
			t.Fatalf("Validate(%+v) = %v", cfg, err)
		}
	}
}

// TestNewCAErrorNamesField: the one check New makes beyond Validate.
func TestNewCAErrorNamesField(t *testing.T) {
	cfg := Config{Host: "https://h", APIToken: "t", CACertPEM: "not pem"}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate = %v; the CA is parsed by New", err)
	}
	_, err := New(cfg)
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != FieldCACertPEM || ce.Problem != ProblemInvalid || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Fatalf("New = %v; want a ConfigError on CACertPEM", err)
	}
}
