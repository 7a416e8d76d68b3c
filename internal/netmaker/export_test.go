package netmaker

import "time"

// SetRetryWaitForTest shortens the backoff so that retry tests run fast.
func SetRetryWaitForTest(c *Client, minWait, maxWait time.Duration) {
	c.http.RetryWaitMin, c.http.RetryWaitMax = minWait, maxWait
}
