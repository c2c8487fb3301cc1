// Package house holds the tests that keep the code's shape: no function longer than 150 lines
// and no file longer than 550 lines among the module's non-test Go files (docs/architecture.md).
// It has no code of its own; `go test ./internal/house` walks the module.
package house
