//go:build benchnaive

package benchhooks

// ListCacheDisabled makes every read list the keys again (the naive mode the
// list cache is measured against).
const ListCacheDisabled = true
