package auth

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionValues holds a value of every type a session may keep, as the web pages and the
// middleware put them (a user id and when it was seen, a flash message and whether it tells of
// a failure, the bench's mode and log, a PIN's expiry) and the other types the form holds.
func sessionValues() map[string]any {
	return map[string]any{
		"user_id":      int64(42),
		"seen":         int64(1796558400),
		"flash":        "Appareil DI-000123-K enregistré ✓",
		"flash_failed": true,
		"bench_mode":   "in_repair",
		"bench_log":    `[{"tag":"DI-000001-A"}]`,
		"pin_until":    int64(-1), // a negative varint
		"count":        7,
		"ratio":        0.25,
		"at":           time.Date(2026, 12, 6, 15, 4, 5, 123456789, time.UTC),
		"raw":          []byte{0, 1, 2, 255},
		"empty":        "",
		"no":           false,
	}
}

func TestSessionCodecRoundTrip(t *testing.T) {
	deadline := time.Date(2026, 12, 13, 15, 4, 5, 987654321, time.UTC)
	b, err := sessionCodec{}.Encode(deadline, sessionValues())
	if err != nil {
		t.Fatal(err)
	}
	gotDeadline, got, err := sessionCodec{}.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !gotDeadline.Equal(deadline) {
		t.Errorf("deadline %v, want %v", gotDeadline, deadline)
	}
	if want := sessionValues(); !reflect.DeepEqual(got, want) {
		t.Errorf("values\n got %#v\nwant %#v", got, want)
	}
	// scs reads values by type assertion: an int64 that came back as another type would read
	// as 0 and sign the user out.
	if _, ok := got["user_id"].(int64); !ok {
		t.Errorf("user_id came back as %T, want int64", got["user_id"])
	}
	again, _ := sessionCodec{}.Encode(deadline, got)
	if string(again) != string(b) {
		t.Error("the same values encoded to different bytes")
	}
}

// TestSessionCodecReadsGob: sessions stored before the codec (gob, scs's default) are read,
// so that an upgrade signs nobody out.
func TestSessionCodecReadsGob(t *testing.T) {
	deadline := time.Now().Add(time.Hour).Round(0)
	old, err := scs.GobCodec{}.Encode(deadline, map[string]any{"user_id": int64(7), "seen": int64(1796558400), "flash": "ok"})
	if err != nil {
		t.Fatal(err)
	}
	gotDeadline, got, err := sessionCodec{}.Decode(old)
	if err != nil {
		t.Fatalf("a gob session: %v", err)
	}
	if !gotDeadline.Equal(deadline) || got["user_id"] != int64(7) || got["flash"] != "ok" {
		t.Errorf("a gob session read as %v %#v", gotDeadline, got)
	}
}

func TestSessionCodecRefusesWhatItCannotHold(t *testing.T) {
	_, err := sessionCodec{}.Encode(time.Now(), map[string]any{"user_id": int64(1), "cart": []int{1, 2}})
	if err == nil || !strings.Contains(err.Error(), `"cart"`) || !strings.Contains(err.Error(), "[]int") {
		t.Fatalf("a []int value: got %v, want an error naming the key and its type", err)
	}
}

// TestSessionCodecTruncated: data cut anywhere, or with an unknown type byte, is an error and
// never a panic or a session with values missing.
func TestSessionCodecTruncated(t *testing.T) {
	b, err := sessionCodec{}.Encode(time.Now(), sessionValues())
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n < len(b); n++ {
		if _, v, err := (sessionCodec{}).Decode(b[:n]); err == nil {
			t.Fatalf("cut at %d of %d bytes: no error, %d values", n, len(b), len(v))
		}
	}
	if _, _, err := (sessionCodec{}).Decode(append(b, 's')); err == nil {
		t.Error("a byte after the last value: no error")
	}
	bad, _ := sessionCodec{}.Encode(time.Now(), map[string]any{"k": "v"})
	bad[len(bad)-3] = '?' // the type byte of k's value
	if _, _, err := (sessionCodec{}).Decode(bad); err == nil || !strings.Contains(err.Error(), "unknown type") {
		t.Errorf("unknown type byte: got %v", err)
	}
	bad[1] = 9
	if _, _, err := (sessionCodec{}).Decode(bad); err == nil || !strings.Contains(err.Error(), "version") {
		t.Errorf("unknown version: got %v", err)
	}
}
