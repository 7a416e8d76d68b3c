//go:build !benchprofile

package main

// startProfile does nothing in the shipped provider; scripts/bench.sh
// builds with -tags benchprofile to profile it (profile_bench.go).
func startProfile() (stop func()) { return func() {} }
