package inventory

import (
	"context"
	"fmt"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/validation"
)

// MaxReservedTags bounds one reservation: a few sheets of labels.
const MaxReservedTags = 1000

// ReserveTags takes n new tag numbers from the sequence and returns their tags, for labels
// printed before the devices arrive: at intake a device claims one by scanning it
// (NewDevice.TagNumber). Numbers taken are never given to another device, whether or not they
// are ever claimed. Staff and administrators only.
func (s *Store) ReserveTags(ctx context.Context, n int) ([]string, error) {
	if _, err := auth.Require(ctx, auth.Office); err != nil {
		return nil, err
	}
	if n < 1 || n > MaxReservedTags {
		return nil, validation.Field("count", "reserve between 1 and %d tags at once", MaxReservedTags)
	}
	prefix, err := s.TagPrefix(ctx)
	if err != nil {
		return nil, err
	}
	var numbers []int64
	if err := s.db.NewRaw("SELECT nextval('device_tag_seq') FROM generate_series(1, ?)", n).Scan(ctx, &numbers); err != nil {
		return nil, dbError("reserve tags", err)
	}
	tags := make([]string, len(numbers))
	for i, num := range numbers {
		tags[i] = FormatTag(prefix, num)
	}
	return tags, nil
}

// TagPrefix returns the prefix of new asset tags (setting tag_prefix).
func (s *Store) TagPrefix(ctx context.Context) (string, error) {
	var prefix string
	if err := s.setting(ctx, s.db, "tag_prefix", &prefix); err != nil {
		return "", fmt.Errorf("tag prefix: %w", err)
	}
	return prefix, nil
}

// claimable parses a pre-printed tag scanned at intake and returns its number, for
// NewDevice.TagNumber. The tag must be well formed and carry the workshop's prefix; the
// database checks that the number was issued and is on no other device.
func claimable(prefix, field, scanned string) (int64, error) {
	tag, n, err := ParseTag(scanned)
	if err != nil {
		return 0, tagField(field, err)
	}
	if tag != FormatTag(prefix, n) {
		return 0, validation.Field(field, "%s is not one of this workshop's tags (prefix %s)", tag, prefix)
	}
	return n, nil
}
