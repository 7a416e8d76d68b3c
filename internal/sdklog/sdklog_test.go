package sdklog

import (
	"slices"
	"testing"
)

func TestQuietVars(t *testing.T) {
	all := []string{"TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO"}
	tests := []struct {
		name    string
		environ []string
		debug   bool
		want    []string
	}{
		{"no logs asked for", []string{"PATH=/usr/bin", "HOME=/root", "TF_IN_AUTOMATION=1"}, false, all},
		{"empty environment", nil, false, all},
		{"empty TF_LOG is unset", []string{"TF_LOG="}, false, all},
		{"other TF_ variables", []string{"TF_CLI_CONFIG_FILE=/x", "TF_REATTACH_PROVIDERS=", "TF_ACC=1"}, false, all},
		{"TF_LOG", []string{"TF_LOG=TRACE"}, false, nil},
		{"TF_LOG off is still the user's choice", []string{"TF_LOG=off"}, false, nil},
		{"TF_LOG_PATH", []string{"TF_LOG_PATH=/tmp/tf.log"}, false, nil},
		{"TF_LOG_PROVIDER", []string{"TF_LOG_PROVIDER=DEBUG"}, false, nil},
		{"TF_LOG_PROVIDER_NETMAKER", []string{"TF_LOG_PROVIDER_NETMAKER=TRACE"}, false, nil},
		{"TF_LOG_SDK", []string{"TF_LOG_SDK=INFO"}, false, nil},
		{"TF_LOG_SDK_FRAMEWORK", []string{"TF_LOG_SDK_FRAMEWORK=TRACE"}, false, nil},
		{"TF_LOG_SDK_PROTO", []string{"TF_LOG_SDK_PROTO=TRACE"}, false, nil},
		{"plugin-testing log file", []string{"TF_ACC_LOG_PATH=/tmp/acc.log"}, false, nil},
		{"debug mode", []string{"PATH=/usr/bin"}, true, nil},
		{"value with =", []string{"TF_LOG_PATH=/tmp/a=b"}, false, nil},
		{"name without value", []string{"TF_LOG"}, false, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := QuietVars(tt.environ, tt.debug); !slices.Equal(got, tt.want) {
				t.Errorf("QuietVars(%q, %v) = %q, want %q", tt.environ, tt.debug, got, tt.want)
			}
		})
	}
}
