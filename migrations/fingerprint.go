package migrations

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io/fs"
)

// Fingerprint returns the SHA-256 (hex) of the names and contents of every embedded migration
// file. Test helpers name their migrated template databases after it, so that a template is
// rebuilt exactly when a migration is added or edited.
func Fingerprint() string {
	h := sha256.New()
	// fs.WalkDir visits entries in lexical order, so the result does not depend on the order
	// the files were embedded in. Each name and content is length-prefixed so that moving bytes
	// from one file's end to the next file's name cannot produce the same hash.
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(files, path)
		if err != nil {
			return err
		}
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(path)))
		h.Write(n[:])
		h.Write([]byte(path))
		binary.BigEndian.PutUint64(n[:], uint64(len(data)))
		h.Write(n[:])
		h.Write(data)
		return nil
	})
	if err != nil {
		// The files are compiled into the binary: reading them cannot fail short of a broken
		// build, and a fingerprint that silently ignored a file would reuse a stale template.
		panic("migrations: read embedded files: " + err.Error())
	}
	return hex.EncodeToString(h.Sum(nil))
}
