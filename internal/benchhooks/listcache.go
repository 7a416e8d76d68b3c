//go:build !benchnaive

package benchhooks

// ListCacheDisabled is false in the shipped provider: reads share one key list.
const ListCacheDisabled = false
