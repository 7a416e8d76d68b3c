// Package netmaker is the provider's client for the Netmaker enrollment-key
// API. It hides every wire quirk described in ../shared/netmaker-api.md from
// the provider layer:
//
//   - Reads go through one list of all keys (there is no single-key GET).
//     Reads of a Client share that list: concurrent callers share one
//     request; the Client's own plain creates and deletes are recorded in
//     it, and other writes invalidate it (Config.DisableListCache turns
//     this off).
//   - Both JSON shapes of a key (the list shape, and the detail shape some
//     v1.7 routes answer) decode into one EnrollmentKey; null
//     lists become empty slices, the nil UUID and null gateways become "",
//     the zero time becomes time.Time{}.
//   - Request bodies use unix seconds for expiration, exactly one name in
//     "tags", "unlimited" only for unlimited keys, and PUT always carries
//     relay, groups, auto_assign_gw (the server resets what is missing) and
//     the key's current default flag (v1.7 clears it when absent).
//   - Server generations (v1.5, current, v1.7; see Capabilities) differ in
//     how a token is rotated and how a key becomes or stops being a
//     network's default. RotateKey, MakeDefault, RestoreDefault,
//     ReleaseDefault and DeleteKeyAnyway choose the way for the server at
//     hand (generations.go); callers choose none. What a server cannot do
//     is ErrUnsupported, ErrNeedsRecreate or ErrCannotRecreate, before
//     anything changes; CheckRotate and CheckMakeDefault answer the same
//     at plan time.
//   - Transient failures (connection errors, timeouts, resets, 429, 502,
//     503, 504) are retried with backoff through go-retryablehttp; 500 is not
//     (Netmaker reports validation failures as 500). Writes whose answer was
//     lost are recovered (create adopts a matching key, delete and
//     token regeneration recognise their own effect).
//   - Errors are *APIError values matching one sentinel (ErrNotFound,
//     ErrNameTaken, ...) and name route patterns, never paths: key values,
//     tokens and credentials appear in neither errors nor logs (log
//     contexts mask them as well). ErrNotFound comes only from Netmaker's
//     own messages: a proxy's 404 is ErrServer.
//   - Lookups (lookup.go) have one meaning each: by name, a network's
//     default, and several matches are an *AmbiguousError (never a pick).
//   - A key of a name is the managed one only by its value or its recorded
//     settings (ClaimedKey); another is ErrForeignKey. A create whose
//     outcome cannot be learnt is ErrOutcomeUnknown.
//   - Redirects are refused: the API never redirects, and following one
//     would carry the credential elsewhere.
package netmaker
