package web

import (
	"io/fs"
	"os"
)

// osFS reads the package's directory, for tests that check the Go sources.
type osFS struct{}

func (osFS) Open(name string) (fs.File, error) { return os.Open(name) }
