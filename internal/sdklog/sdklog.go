// Package sdklog decides whether the plugin SDK may write its TRACE logs.
package sdklog

import "strings"

// Vars are the plugin SDK's log-level variables that Quiet sets.
// terraform-plugin-go and terraform-plugin-framework read them for every
// RPC (tfsdklog.WithLevelFromEnv), so setting them in the process
// environment before providerserver.Serve takes effect for all RPCs.
var Vars = []string{"TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO"}

// QuietVars answers the variables to set to OFF so that the SDK does not
// format TRACE logs nobody asked for: by default the SDK logs every RPC,
// attribute, validator and plan modifier at TRACE, which Terraform parses
// and drops when logging is off (a quarter of the provider's CPU). It
// answers nothing, so every log stays, when the user asked for logs
// (any TF_LOG* variable, or plugin-testing's TF_ACC_LOG_PATH, set and not
// empty) or the provider runs in debug mode, where its own stderr is the
// developer's terminal.
func QuietVars(environ []string, debug bool) []string {
	if debug {
		return nil
	}
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if value == "" {
			continue
		}
		if strings.HasPrefix(name, "TF_LOG") || name == "TF_ACC_LOG_PATH" {
			return nil
		}
	}
	return Vars
}
