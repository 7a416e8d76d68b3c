//go:build !benchprofile

package benchhooks

// StartProfile does nothing in the shipped provider.
func StartProfile() (stop func()) { return func() {} }
