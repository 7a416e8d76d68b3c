package provider

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxResourceFileLines keeps each file of netmaker_enrollment_key readable
// as one step of its life cycle (schema, plan, apply, read): a file that
// outgrows it is split by what it covers, not trimmed.
const maxResourceFileLines = 400

func TestEnrollmentKeyResourceFilesStayShort(t *testing.T) {
	files, err := filepath.Glob("enrollment_key_resource*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		if n := bytes.Count(src, []byte("\n")); n > maxResourceFileLines {
			t.Errorf("%s has %d lines, over %d: split it by what it covers", f, n, maxResourceFileLines)
		}
	}
	if checked < 4 {
		t.Fatalf("found %d files of the resource, want its schema, plan, apply and read at least", checked)
	}
}
