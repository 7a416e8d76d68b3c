package netmaker

import (
	"testing"
)

// FuzzDecodeKey feeds arbitrary answers to the key decoder: it must never
// panic, and what it answers must keep the model's promises.
func FuzzDecodeKey(f *testing.F) {
	for _, s := range []string{listShape, detailShape, `null`, `{}`, `{"name":null}`,
		`{"tags":null,"groups":null,"relay":null,"expiration":null}`,
		`{"expiration":"2030-01-02T03:04:05.999+05:30"}`, `{"expiration":"0001-01-01T00:00:00Z"}`,
		`{"expiration":-62135596800}`, `{"type":"3","uses_remaining":1e3}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		k, err := decodeKey(body)
		if err != nil {
			return
		}
		if k.Tags == nil || k.Networks == nil {
			t.Fatalf("nil slices: %#v", k)
		}
		if k.GatewayID == nilUUID {
			t.Fatal("nil UUID leaked into the model")
		}
		if !k.Expiration.IsZero() && k.Expiration.Location().String() != "UTC" {
			t.Fatalf("expiration not UTC: %v", k.Expiration)
		}
	})
}

// FuzzDecodeKeys does the same for list answers.
func FuzzDecodeKeys(f *testing.F) {
	for _, s := range []string{`[` + listShape + `,` + detailShape + `]`, `null`, `[]`, `[null]`,
		`[{"tags":["a"],"groups":null}]`, `[{"name":"x","tags":null,"gateway_id":null}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		keys, err := decodeKeys(body)
		if err != nil {
			return
		}
		for _, k := range keys {
			if k.Tags == nil || k.Networks == nil {
				t.Fatalf("nil slices: %#v", k)
			}
		}
	})
}

// FuzzServerMessage checks the error-answer parser and mapper.
func FuzzServerMessage(f *testing.F) {
	f.Add(500, []byte(`{"Code":500,"Message":"no enrollmentkey found","Response":null}`))
	f.Add(404, []byte("404 page not found\n"))
	f.Add(400, []byte(`{"Code":400,"Message":null}`))
	c, err := New(Config{Host: "https://h.example", APIToken: "tok-secret"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := c.apiError("GET", routeKeys, &answer{status: status, body: body})
		if e.Kind == nil {
			t.Fatal("no kind")
		}
		_ = e.Error()
	})
}
