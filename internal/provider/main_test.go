package provider

import (
	"os"
	"testing"
)

// TestMain clears the provider's environment variables once, so that every
// acceptance test depends on its configuration alone. (testAccPreCheck used
// t.Setenv for this, which forbids t.Parallel.) Tests that set them with
// t.Setenv stay sequential, and Go runs sequential tests before parallel ones.
func TestMain(m *testing.M) {
	for _, env := range providerEnvironment {
		_ = os.Unsetenv(env)
	}
	os.Exit(m.Run())
}

// providerEnvironment lists the variables the provider reads its settings from.
var providerEnvironment = []string{envHost, envAPIToken, envUsername, envPassword}
