//go:build tools

// Package tools records the changie dependency of this module (see go.mod).
package tools

import _ "github.com/miniscruff/changie"
