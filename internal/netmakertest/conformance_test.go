package netmakertest

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Recorded conformance (issue 24). scripts/record-conformance.sh drives a
// real Netmaker server through a fixed list of exchanges
// (conformanceSteps in conformance_record_test.go) and writes what it
// answered to testdata/conformance/GENERATION/exchanges.json, volatile
// values replaced by placeholders (conformance_roles_test.go).
// TestConformance replays every recorded request on the test server of
// that generation and compares status, content type and answer.
//
// The comparison is exact but for the placeholders, which must match by
// role, and for the order of a list of objects (real servers list from a
// Go map). A recording is evidence of how a real server behaves: when
// the test server answers otherwise, fix the test server, not the file.

// conformanceFile is the name of a recording inside its folder.
const conformanceFile = "exchanges.json"

// recording is one run against one real server.
type recording struct {
	Generation Generation `json:"generation"`
	Source     string     `json:"source"`   // what the server was built from
	Recorded   string     `json:"recorded"` // the date of the run
	Exchanges  []exchange `json:"exchanges"`
}

// exchange is one request and its answer, placeholders in place of
// volatile values.
type exchange struct {
	Name     string          `json:"name"`
	Method   string          `json:"method"`
	Path     string          `json:"path"`
	Auth     string          `json:"auth"`                // the Authorization header; "" sends none
	Body     json.RawMessage `json:"body,omitempty"`      // a JSON request body
	BodyText *string         `json:"body_text,omitempty"` // a request body that is not JSON
	// Settle: the server's asynchronous work (a network deletion's
	// cascade) had finished before the request.
	Settle      bool            `json:"settle,omitempty"`
	Status      int             `json:"status"` // 0: the connection closed with no answer
	ContentType string          `json:"content_type,omitempty"`
	Answer      json.RawMessage `json:"answer,omitempty"`      // a JSON answer
	AnswerText  *string         `json:"answer_text,omitempty"` // an answer that is not JSON ("" for an empty one)
}

func (e exchange) String() string { return fmt.Sprintf("%q (%s %s)", e.Name, e.Method, e.Path) }

// conformanceGenerations are the generations recorded from real servers;
// v1.7 has no server to record and stays modelled from the official
// provider's client.
var conformanceGenerations = []Generation{GenerationV15, GenerationCurrent}

// minExchanges is how many exchanges a committed recording holds at least.
const minExchanges = 20

func TestConformance(t *testing.T) {
	recs := loadRecordings(t)
	for _, rec := range recs {
		t.Run(string(rec.Generation), func(t *testing.T) {
			t.Parallel()
			replay(t, rec)
		})
	}
}

// loadRecordings reads the committed recordings (every generation of
// conformanceGenerations must have one), or those under $CONFORMANCE_DIR:
// that folder's own exchanges.json, or those of its sub-folders. A
// relative CONFORMANCE_DIR is taken from this package's folder, where go
// test runs.
func loadRecordings(t *testing.T) []recording {
	t.Helper()
	dir, committed := os.Getenv("CONFORMANCE_DIR"), false
	if dir == "" {
		dir, committed = filepath.Join("testdata", "conformance"), true
	}
	files := []string{filepath.Join(dir, conformanceFile)}
	if _, err := os.Stat(files[0]); err != nil {
		files, err = filepath.Glob(filepath.Join(dir, "*", conformanceFile))
		if err != nil {
			t.Fatal(err)
		}
	}
	var recs []recording
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rec recording
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !rec.Generation.Valid() {
			t.Fatalf("%s: unknown generation %q", f, rec.Generation)
		}
		recs = append(recs, rec)
	}
	if len(recs) == 0 {
		t.Fatalf("no recording (%s) in %s", conformanceFile, dir)
	}
	if committed {
		for _, g := range conformanceGenerations {
			i := slices.IndexFunc(recs, func(r recording) bool { return r.Generation == g })
			switch {
			case i < 0:
				t.Errorf("no committed recording of generation %s", g)
			case len(recs[i].Exchanges) < minExchanges:
				t.Errorf("the recording of %s holds %d exchanges, want at least %d", g, len(recs[i].Exchanges), minExchanges)
			}
		}
	}
	return recs
}

// replay sends every recorded request to a fresh test server of the
// recording's generation and compares the answers.
func replay(t *testing.T, rec recording) {
	master := "conformance-master-" + randomSecret()
	srv := newTest(t, Options{Generation: rec.Generation, MasterKey: master})
	r := newRoles(time.Now())
	r.secret("{{master-key}}", master)
	r.secret("{{password}}", "pw-"+randomSecret())
	c := &conformanceClient{base: srv.URL()}
	for i, want := range rec.Exchanges {
		if want.Settle {
			srv.WaitIdle()
		}
		req, err := r.request(want)
		if err != nil {
			t.Fatalf("exchange %d %s: %v", i+1, want, err)
		}
		got, err := c.exchange(r, req)
		if err != nil {
			t.Fatalf("exchange %d %s: %v", i+1, want, err)
		}
		if diffs := compareExchanges(want, got); len(diffs) > 0 {
			t.Errorf("exchange %d %s: the test server differs from %s:\n  %s",
				i+1, want, rec.Source, strings.Join(diffs, "\n  "))
		}
	}
}

// request is an exchange's request with the run's actual values.
type request struct {
	exchange
	path, auth string
	body       []byte
}

// request fills in a recorded request with this run's values.
func (r *roles) request(e exchange) (request, error) {
	req := request{exchange: e}
	var err error
	if req.path, err = r.substituteString(e.Path); err != nil {
		return req, err
	}
	if req.auth, err = r.substituteString(e.Auth); err != nil {
		return req, err
	}
	switch {
	case e.Body != nil:
		var v any
		if err := decodeJSON(e.Body, &v); err != nil {
			return req, fmt.Errorf("recorded body: %w", err)
		}
		if v, err = r.substitute(v); err != nil {
			return req, err
		}
		if req.body, err = json.Marshal(v); err != nil {
			return req, err
		}
	case e.BodyText != nil:
		s, err := r.substituteString(*e.BodyText)
		if err != nil {
			return req, err
		}
		req.body = []byte(s)
	}
	return req, nil
}

// conformanceClient sends exchanges, one connection each (a hang-up must
// not spill over into the next request).
type conformanceClient struct {
	base string
	http *http.Client
}

// exchange sends req and answers the exchange as recorded: request and
// answer normalized, the answer's new values learnt first.
func (c *conformanceClient) exchange(r *roles, req request) (exchange, error) {
	if c.http == nil {
		c.http = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	}
	var rd io.Reader
	if req.body != nil {
		rd = bytes.NewReader(req.body)
	}
	hr, err := http.NewRequest(req.Method, c.base+req.path, rd)
	if err != nil {
		return exchange{}, err
	}
	if req.auth != "" {
		hr.Header.Set("Authorization", req.auth)
	}
	if req.body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	out := exchange{Name: req.Name, Method: req.Method, Path: r.inlineReplace(req.path),
		Auth: r.inlineReplace(req.auth), Settle: req.Settle}
	if req.body != nil {
		var v any
		if decodeJSON(req.body, &v) == nil {
			out.Body, _ = json.Marshal(r.normalize(v))
		} else {
			s := r.inlineReplace(string(req.body))
			out.BodyText = &s
		}
	}
	resp, err := c.http.Do(hr)
	if err != nil {
		if noAnswer(err) {
			return out, nil // Status 0
		}
		return exchange{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return exchange{}, fmt.Errorf("reading the answer: %w", err)
	}
	out.Status = resp.StatusCode
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		out.ContentType, _, _ = mime.ParseMediaType(ct)
	}
	var v any
	if len(bytes.TrimSpace(body)) > 0 && decodeJSON(body, &v) == nil {
		r.learn(v)
		out.Answer, _ = json.Marshal(r.normalize(v))
	} else {
		s := r.inlineReplace(string(body))
		out.AnswerText = &s
	}
	return out, nil
}

// noAnswer: the server closed the connection without answering.
func noAnswer(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}

func randomSecret() string { return rand.Text() }

// compareExchanges lists how got (the test server) differs from want
// (the real server).
func compareExchanges(want, got exchange) []string {
	var diffs []string
	if want.Status != got.Status {
		diffs = append(diffs, fmt.Sprintf("status: real %d, test server %d", want.Status, got.Status))
	}
	if want.ContentType != got.ContentType {
		diffs = append(diffs, fmt.Sprintf("content type: real %q, test server %q", want.ContentType, got.ContentType))
	}
	switch {
	case want.Status == 0 || got.Status == 0:
		// no answer on one side: the status says it all
	case want.AnswerText != nil || got.AnswerText != nil:
		if want.AnswerText == nil || got.AnswerText == nil || *want.AnswerText != *got.AnswerText {
			diffs = append(diffs, fmt.Sprintf("answer: real %s, test server %s", answerOf(want), answerOf(got)))
		}
	default:
		var w, g any
		if err := decodeJSON(want.Answer, &w); err != nil {
			return append(diffs, "recorded answer: "+err.Error())
		}
		if err := decodeJSON(got.Answer, &g); err != nil {
			return append(diffs, "test server's answer: "+err.Error())
		}
		compareJSON("answer", w, g, &diffs)
	}
	return diffs
}

func answerOf(e exchange) string {
	if e.AnswerText != nil {
		return fmt.Sprintf("text %q", *e.AnswerText)
	}
	return "JSON " + string(e.Answer)
}

// compareJSON appends where g differs from w: keys, JSON types, list or
// object, values. Lists of objects are compared as sets, their members
// paired by identity (value, netid or name) or by content.
func compareJSON(path string, w, g any, diffs *[]string) {
	const maxDiffs = 25
	if len(*diffs) >= maxDiffs {
		return
	}
	if jsonKind(w) != jsonKind(g) {
		*diffs = append(*diffs, fmt.Sprintf("%s: real %s, test server %s", path, kindAndValue(w), kindAndValue(g)))
		return
	}
	switch w := w.(type) {
	case map[string]any:
		g, _ := g.(map[string]any) // same kind as w
		for _, k := range sortedKeys(w) {
			if _, ok := g[k]; !ok {
				*diffs = append(*diffs, fmt.Sprintf("%s: the test server lacks %q (real: %s)", path, k, brief(w[k])))
				continue
			}
			compareJSON(path+"."+k, w[k], g[k], diffs)
		}
		for _, k := range sortedKeys(g) {
			if _, ok := w[k]; !ok {
				*diffs = append(*diffs, fmt.Sprintf("%s: the test server adds %q (%s)", path, k, brief(g[k])))
			}
		}
	case []any:
		gl, _ := g.([]any) // same kind as w
		compareLists(path, w, gl, diffs)
	default:
		if !jsonEqual(w, g) {
			*diffs = append(*diffs, fmt.Sprintf("%s: real %s, test server %s", path, brief(w), brief(g)))
		}
	}
}

func compareLists(path string, w, g []any, diffs *[]string) {
	wIDs, wOK := identities(w)
	gIDs, gOK := identities(g)
	if !wOK || !gOK {
		if len(w) != len(g) {
			*diffs = append(*diffs, fmt.Sprintf("%s: real %d elements %s, test server %d %s", path, len(w), brief(w), len(g), brief(g)))
			return
		}
		w, g = sortedByContent(w), sortedByContent(g)
		for i := range w {
			compareJSON(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], diffs)
		}
		return
	}
	for _, id := range sortedKeys(wIDs) {
		if gi, ok := gIDs[id]; ok {
			compareJSON(path+"["+id+"]", w[wIDs[id]], g[gi], diffs)
		} else {
			*diffs = append(*diffs, fmt.Sprintf("%s: the test server lacks %s", path, id))
		}
	}
	for _, id := range sortedKeys(gIDs) {
		if _, ok := wIDs[id]; !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: the test server adds %s", path, id))
		}
	}
}

// identities indexes a list of objects by their identity field; ok is
// false for other lists, or when identities are missing or repeated.
func identities(l []any) (map[string]int, bool) {
	ids := map[string]int{}
	for i, e := range l {
		obj, isObj := e.(map[string]any)
		if !isObj {
			return nil, false
		}
		id := ""
		for _, f := range []string{"value", "netid", "name"} {
			if s, ok := obj[f].(string); ok {
				id = f + "=" + s
				break
			}
		}
		if _, dup := ids[id]; id == "" || dup {
			return nil, false
		}
		ids[id] = i
	}
	return ids, true
}

// sortedByContent orders a list of objects by their JSON; other lists
// keep their order (it means something: networks, tags).
func sortedByContent(l []any) []any {
	for _, e := range l {
		if _, ok := e.(map[string]any); !ok {
			return l
		}
	}
	out := slices.Clone(l)
	sort.SliceStable(out, func(i, j int) bool { return brief(out[i]) < brief(out[j]) })
	return out
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "list"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "bool"
	}
	return fmt.Sprintf("%T", v)
}

// kindAndValue is v as a mismatch names it: `list ["a"]`, `null`.
func kindAndValue(v any) string {
	if v == nil {
		return "null"
	}
	return jsonKind(v) + " " + brief(v)
}

func jsonEqual(a, b any) bool { return brief(a) == brief(b) }

// brief is v as compact JSON (keys sorted).
func brief(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
