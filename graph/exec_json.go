package graph

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"
)

// The executor's output: the settled objects as JSON, fields in the query's order (the spec's
// response order), strings escaped as encoding/json escapes them (HTML characters included).

// jsonError is a value JSON cannot hold (NaN, an infinity, or what encoding/json refuses).
type jsonError struct{ err error }

func appendObject(b []byte, o *object) []byte {
	b = append(b, '{')
	for i, c := range o.cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, c.key)
		b = append(b, ':')
		b = appendValue(b, o.values[i])
	}
	return append(b, '}')
}

func appendValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case *object:
		if v.failed {
			return append(b, "null"...)
		}
		return appendObject(b, v)
	case []any:
		b = append(b, '[')
		for i, item := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, item)
		}
		return append(b, ']')
	case string:
		return appendString(b, v)
	case bool:
		return strconv.AppendBool(b, v)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case int32:
		return strconv.AppendInt(b, int64(v), 10)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			panic(jsonError{&json.UnsupportedValueError{Str: strconv.FormatFloat(v, 'g', -1, 64)}})
		}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		panic(jsonError{err})
	}
	return append(b, raw...)
}

const hexDigits = "0123456789abcdef"

// appendString is encoding/json's string encoding with its default HTML escaping.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
