package auth

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec encodes a session's values for the sessions table in a small binary form of
// the few types sessions hold (strings, integers, booleans, times). scs's default, gob, builds
// its type descriptions again for every session it decodes: a tenth of the server's CPU on a
// request signed in with a session cookie, where this takes a few hundred nanoseconds.
// Sessions written with gob before it (their first byte is never 0) are still read, so that
// nobody is signed out by the upgrade; they are rewritten in this form at their next change.
//
// The form: 0, the version (1), the deadline in Unix nanoseconds (8 bytes, big-endian), the
// number of values (a uvarint, so that data cut between two values is an error), then each
// value as its key (a uvarint length and the bytes), a type byte and the value.
type sessionCodec struct{}

const (
	codecMagic   = 0 // a gob stream never starts with 0 (it would be an empty message)
	codecVersion = 1
)

// The type bytes.
const (
	tString byte = 's'
	tInt64  byte = 'i' // int64, as a varint
	tInt    byte = 'n' // int, as a varint
	tBool   byte = 'b'
	tFloat  byte = 'f' // float64, its IEEE 754 bits
	tTime   byte = 't' // time.Time, in Unix nanoseconds, UTC
	tBytes  byte = 'y'
)

// Encode writes the deadline and values; a value of a type the form does not hold is an error
// naming its key, so a new kind of session value is caught by the first test that stores it.
func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	b := make([]byte, 0, 64)
	b = append(b, codecMagic, codecVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(deadline.UnixNano()))
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same values give the same bytes
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = appendString(b, k)
		switch v := values[k].(type) {
		case string:
			b = appendString(append(b, tString), v)
		case int64:
			b = binary.AppendVarint(append(b, tInt64), v)
		case int:
			b = binary.AppendVarint(append(b, tInt), int64(v))
		case bool:
			b = append(b, tBool, boolByte(v))
		case float64:
			b = binary.BigEndian.AppendUint64(append(b, tFloat), math.Float64bits(v))
		case time.Time:
			b = binary.AppendVarint(append(b, tTime), v.UnixNano())
		case []byte:
			b = appendString(append(b, tBytes), string(v))
		default:
			return nil, fmt.Errorf("session value %q: type %T cannot be stored in a session", k, v)
		}
	}
	return b, nil
}

// Decode reads what Encode wrote, or a session gob wrote before it.
func (sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if len(b) == 0 || b[0] != codecMagic {
		return scs.GobCodec{}.Decode(b)
	}
	d := decoder{b: b}
	if d.byte() != codecMagic || d.byte() != codecVersion {
		return time.Time{}, nil, errors.New("session data: unknown version")
	}
	deadline := time.Unix(0, int64(d.uint64()))
	n := d.uvarint()
	if n > uint64(len(d.b)) { // each value takes at least two bytes
		d.fail()
	}
	values := make(map[string]any, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		k := d.string()
		switch t := d.byte(); t {
		case tString:
			values[k] = d.string()
		case tInt64:
			values[k] = d.varint()
		case tInt:
			values[k] = int(d.varint())
		case tBool:
			values[k] = d.byte() == 1
		case tFloat:
			values[k] = math.Float64frombits(d.uint64())
		case tTime:
			values[k] = time.Unix(0, d.varint()).UTC()
		case tBytes:
			values[k] = []byte(d.string())
		default:
			if d.err == nil {
				d.err = fmt.Errorf("session data: value %q has unknown type %q", k, t)
			}
		}
	}
	if d.err == nil && len(d.b) > 0 {
		d.err = errors.New("session data: bytes after the last value")
	}
	if d.err != nil {
		return time.Time{}, nil, d.err
	}
	return deadline, values, nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// decoder reads the form; its first error sticks and every later read returns zero values.
type decoder struct {
	b   []byte
	err error
}

var errTruncated = errors.New("session data: truncated")

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errTruncated
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) uint64() uint64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := binary.BigEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

// varint and uvarint read a number; binary's functions return 0 with n <= 0 when the bytes
// end too soon or hold too large a number.
func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	d.skip(n)
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	d.skip(n)
	return v
}

func (d *decoder) skip(n int) {
	if n <= 0 {
		d.fail()
		return
	}
	d.b = d.b[n:]
}

func (d *decoder) string() string {
	n, k := binary.Uvarint(d.b)
	if k <= 0 || n > uint64(len(d.b)-k) {
		d.fail()
		return ""
	}
	s := string(d.b[k : k+int(n)])
	d.b = d.b[k+int(n):]
	return s
}
