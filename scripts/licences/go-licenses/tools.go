//go:build tools

// Package tools pins the go-licenses command for `go build` in this module.
package tools

import _ "github.com/google/go-licenses/v2"
