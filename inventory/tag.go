package inventory

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/digital-inclusion/refurb/validation"
)

const tagAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// CheckChar returns the ISO 7064 MOD 37,36 check character of s (alphanumeric, any case). It
// catches every single mistyped character and nearly every swap of two adjacent ones, the usual
// errors of a person typing a tag. Like every ISO 7064 hybrid system it misses some swaps of
// neighbours whose values differ by one (about 1 in 36 of those: DI-000123-N and DI-000213-N
// are both valid). The database's refurb_check_char computes the same.
func CheckChar(s string) (byte, error) {
	p := 36
	for _, r := range strings.ToUpper(s) {
		v := strings.IndexRune(tagAlphabet, r)
		if v < 0 {
			return 0, fmt.Errorf("%q is not alphanumeric", r)
		}
		p = (p + v) % 36
		if p == 0 {
			p = 36
		}
		p = (p * 2) % 37
	}
	return tagAlphabet[(37-p)%36], nil
}

// FormatTag returns the asset tag of tag number n with prefix, e.g. DI-000123-K.
// Every scan parses a tag, and parsing formats it again to check it: built by hand, not with
// fmt, which took a percent of a scan's CPU.
func FormatTag(prefix string, n int64) string {
	digits := strconv.FormatInt(n, 10)
	b := make([]byte, 0, len(prefix)+len(digits)+8)
	b = append(append(b, prefix...), '-')
	if n >= 0 {
		for i := len(digits); i < 6; i++ {
			b = append(b, '0')
		}
		b = append(b, digits...)
	} else {
		b = fmt.Appendf(b, "%06d", n) // not a tag number: as fmt pads it
	}
	c, err := CheckChar(strings.ReplaceAll(string(b), "-", ""))
	if err != nil {
		c = '?'
	}
	return string(append(append(b, '-'), c))
}

// Tags as printed, with hyphens, may have a prefix with digits. Without hyphens the prefix must
// be letters only, or it could not be told apart from the number (DI000123N is DI-000123-N).
var (
	tagPattern        = regexp.MustCompile(`^([A-Z0-9]{1,10})-([0-9]{1,12})-([A-Z0-9])$`)
	compactTagPattern = regexp.MustCompile(`^([A-Z]{1,10})-?([0-9]{1,12})-?([A-Z0-9])$`)
)

// TagReason is why something given for an asset tag is not one.
type TagReason string

// The reasons.
const (
	// TagMalformed: it is not shaped like a tag (DI-000123-K).
	TagMalformed TagReason = "malformed"
	// TagBadCheck: it is shaped like a tag, but its check character is wrong, so it was
	// mistyped or misread; it must never open another device.
	TagBadCheck TagReason = "bad_check"
)

// TagError says that what was given for an asset tag is not one. ParseTag returns it without
// a Field. The store's readers (DeviceByTag, Scan, a tag claimed at intake) return it with the
// input field it came in, and then it also is a *validation.FieldError for that field
// (errors.As), so that front ends present it as any other bad input; its text is the field
// error's.
type TagError struct {
	Field  string    // the input field, e.g. "tag"; "" from ParseTag
	Input  string    // the tag as read: trimmed, the last segment of a URL
	Reason TagReason // TagMalformed or TagBadCheck
}

func (e *TagError) message() string {
	if e.Reason == TagBadCheck {
		return fmt.Sprintf("%q has a wrong check character: it was mistyped or misread", e.Input)
	}
	return fmt.Sprintf("%q is not an asset tag (like DI-000123-K)", e.Input)
}

func (e *TagError) Error() string {
	if e.Field == "" {
		return e.message()
	}
	return e.Field + ": " + e.message()
}

// Unwrap returns the field error the tag error is for an input field, or nil without one.
func (e *TagError) Unwrap() error {
	if e.Field == "" {
		return nil
	}
	return &validation.FieldError{Field: e.Field, Message: e.message()}
}

// tagField returns err, a *TagError from ParseTag, as the error of input field.
func tagField(field string, err error) error {
	if te, ok := err.(*TagError); ok {
		return &TagError{Field: field, Input: te.Input, Reason: te.Reason}
	}
	return validation.Field(field, "%s", err.Error())
}

// splitCanonicalTag is tagPattern.FindStringSubmatch(s) without the regular expression: the
// scan parses a tag at every request, and the canonical form is what scanners send.
func splitCanonicalTag(s string) []string {
	prefix, rest, ok := strings.Cut(s, "-")
	if !ok {
		return nil
	}
	number, check, ok := strings.Cut(rest, "-")
	if !ok || len(prefix) < 1 || len(prefix) > 10 || len(number) < 1 || len(number) > 12 || len(check) != 1 {
		return nil
	}
	alnum := func(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }
	for i := range len(prefix) {
		if !alnum(prefix[i]) {
			return nil
		}
	}
	for i := range len(number) {
		if number[i] < '0' || number[i] > '9' {
			return nil
		}
	}
	if !alnum(check[0]) {
		return nil
	}
	return []string{s, prefix, number, check}
}

// ParseTag accepts what a person or a scanner may give for a device: the tag in any case, with or
// without hyphens, or the full URL a label's QR code encodes (…/D/DI-000123-K). It returns the
// canonical tag and its number, or a *TagError when it is malformed or its check character is
// wrong.
func ParseTag(s string) (tag string, number int64, err error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		if u, perr := url.Parse(s); perr == nil {
			s = u.Path
		}
		s = strings.TrimRight(s, "/")
		s = s[strings.LastIndex(s, "/")+1:]
	}
	upper := strings.ToUpper(s)
	m := splitCanonicalTag(upper)
	if m == nil {
		m = compactTagPattern.FindStringSubmatch(upper)
	}
	if m == nil {
		return "", 0, &TagError{Input: s, Reason: TagMalformed}
	}
	n, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil || n <= 0 {
		return "", 0, &TagError{Input: s, Reason: TagMalformed}
	}
	want := FormatTag(m[1], n)
	if want[len(want)-1] != m[3][0] {
		return "", 0, &TagError{Input: s, Reason: TagBadCheck}
	}
	return want, n, nil
}
