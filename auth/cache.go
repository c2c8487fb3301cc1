package auth

import (
	"sync"
	"time"
)

// credentialCache keeps, for a few seconds, what the token and session lookups found, so that a
// request does not cost a statement before its own work (docs/performance.md). It is a cache,
// not state: each instance has its own and an entry is never older than ttl, so a token revoked,
// a user disabled or a role changed through any instance takes effect on every instance within
// ttl. Changes made through this Service (RevokeToken, SetDisabled, SetPassword) forget their
// entries at once. Nothing is written through it: last_used_at is still recorded once a minute.
type credentialCache struct {
	ttl time.Duration
	now func() time.Time

	mu     sync.Mutex
	tokens map[[32]byte]tokenEntry // by the token's SHA-256
	users  map[int64]userEntry     // the session lookup's user, by id
}

// maxCachedCredentials bounds each map: past it, the map is emptied (a burst of new tokens
// costs each a statement again, nothing worse).
const maxCachedCredentials = 10_000

type tokenEntry struct {
	actor    Actor
	lastUsed *time.Time // as last read or written
	until    time.Time  // now+ttl, or the token's expiry if sooner
}

type userEntry struct {
	user  *User
	until time.Time
}

func newCredentialCache(ttl time.Duration) *credentialCache {
	return &credentialCache{ttl: ttl, now: time.Now, tokens: map[[32]byte]tokenEntry{}, users: map[int64]userEntry{}}
}

func (c *credentialCache) token(hash [32]byte) (tokenEntry, bool) {
	if c == nil {
		return tokenEntry{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.tokens[hash]
	if !ok || !c.now().Before(e.until) {
		delete(c.tokens, hash)
		return tokenEntry{}, false
	}
	return e, true
}

func (c *credentialCache) putToken(hash [32]byte, actor Actor, lastUsed *time.Time, expires *time.Time) {
	if c == nil {
		return
	}
	until := c.now().Add(c.ttl)
	if expires != nil && expires.Before(until) {
		until = *expires
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.tokens) >= maxCachedCredentials {
		clear(c.tokens)
	}
	c.tokens[hash] = tokenEntry{actor: actor, lastUsed: lastUsed, until: until}
}

// touchToken records a write of last_used_at.
func (c *credentialCache) touchToken(hash [32]byte, at time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.tokens[hash]; ok {
		e.lastUsed = &at
		c.tokens[hash] = e
	}
}

func (c *credentialCache) user(id int64) (*User, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.users[id]
	if !ok || !c.now().Before(e.until) {
		delete(c.users, id)
		return nil, false
	}
	return e.user, true
}

func (c *credentialCache) putUser(u *User) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.users) >= maxCachedCredentials {
		clear(c.users)
	}
	c.users[u.ID] = userEntry{user: u, until: c.now().Add(c.ttl)}
}

// forgetUser drops the user and every token acting as them.
func (c *credentialCache) forgetUser(id int64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.users, id)
	for k, e := range c.tokens {
		if e.actor.UserID == id {
			delete(c.tokens, k)
		}
	}
}

// forgetToken drops the token with id tokenID.
func (c *credentialCache) forgetToken(tokenID int64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.tokens {
		if e.actor.TokenID == tokenID {
			delete(c.tokens, k)
		}
	}
}
