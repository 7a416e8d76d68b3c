// Package benchhooks holds the switches only scripts/bench.sh builds in,
// with build tags: a CPU profile of each provider process (benchprofile)
// and reads that list every key each time (benchnaive, the mode the list
// cache is measured against). The shipped provider is built without tags:
// its profile hook does nothing and its list cache is on.
package benchhooks
