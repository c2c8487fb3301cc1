package graph

import (
	"context"
	"fmt"
	"sync"

	"github.com/graph-gophers/dataloader/v7"
	"github.com/graphql-go/graphql"

	"github.com/digital-inclusion/refurb/auth"
	"github.com/digital-inclusion/refurb/inventory"
)

// requestScope is the root value of every operation a Handler executes. It holds what lives
// for one request, the dataloaders, created on first use. Resolvers reach it through
// p.Info.RootValue, so it needs no context value (the context carries the actor and the
// request id only).
type requestScope struct {
	mu     sync.Mutex
	values map[any]any
	budget *responseBudget // nil: unbounded
}

// scoped returns the request's value for key, made by create on first use. Without a scope
// (an operation executed outside a Handler) it returns a fresh value every time.
func scoped[T any](info graphql.ResolveInfo, key any, create func() T) T {
	s, ok := info.RootValue.(*requestScope)
	if !ok || s == nil {
		return create()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.values[key].(T); ok {
		return v
	}
	if s.values == nil {
		s.values = map[any]any{}
	}
	v := create()
	s.values[key] = v
	return v
}

// loader batches the loads of one kind of value during one request. It implements
// dataloader.Interface and runs dataloader batch functions, but it dispatches a batch when a
// thunk is first called instead of after a timer. The executor (exec.go; graphql-go's for
// mutations likewise, depth by depth) runs a field's
// resolver for every object of a level before it calls the first thunk, so the first call
// batches the whole level, say the donations of a page of 100 devices, in one statement. dataloader's timer window would add its wait to each depth of
// every query, the scan lookup included, and would split a batch whenever the process is slow
// to issue the loads.
type loader[K comparable, V any] struct {
	batch dataloader.BatchFunc[K, V]

	mu      sync.Mutex
	done    map[K]*dataloader.Result[V]
	pending []K // loaded but not yet fetched, in order
	queued  map[K]bool
}

var _ dataloader.Interface[int64, int] = (*loader[int64, int])(nil)

func newLoader[K comparable, V any](batch dataloader.BatchFunc[K, V]) *loader[K, V] {
	// The maps come with the first key: a request makes every loader of an area and uses few.
	return &loader[K, V]{batch: batch}
}

// Load queues key for the next batch and returns a thunk that runs the batch when called.
func (l *loader[K, V]) Load(ctx context.Context, key K) dataloader.Thunk[V] {
	l.mu.Lock()
	if _, ok := l.done[key]; !ok && !l.queued[key] {
		if l.queued == nil {
			l.queued = map[K]bool{}
		}
		l.queued[key] = true
		l.pending = append(l.pending, key)
	}
	l.mu.Unlock()
	return func() (V, error) {
		r := l.result(ctx, key)
		return r.Data, r.Error
	}
}

// LoadMany loads several keys, in one batch with whatever else is pending.
func (l *loader[K, V]) LoadMany(ctx context.Context, keys []K) dataloader.ThunkMany[V] {
	thunks := make([]dataloader.Thunk[V], len(keys))
	for i, k := range keys {
		thunks[i] = l.Load(ctx, k)
	}
	return func() ([]V, []error) {
		data := make([]V, len(keys))
		var errs []error
		for i, th := range thunks {
			v, err := th()
			data[i] = v
			if err != nil {
				if errs == nil {
					errs = make([]error, len(keys))
				}
				errs[i] = err
			}
		}
		return data, errs
	}
}

// result returns key's result, fetching every pending key first when key has none yet.
func (l *loader[K, V]) result(ctx context.Context, key K) *dataloader.Result[V] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r, ok := l.done[key]; ok {
		return r
	}
	keys := l.pending
	if !l.queued[key] { // cleared after it was loaded
		keys = append(keys, key)
	}
	l.pending, l.queued = nil, nil
	if l.done == nil {
		l.done = make(map[K]*dataloader.Result[V], len(keys))
	}
	results := l.batch(ctx, keys)
	for i, k := range keys {
		if i < len(results) && results[i] != nil {
			l.done[k] = results[i]
		} else {
			l.done[k] = &dataloader.Result[V]{Error: fmt.Errorf("batch function returned %d results for %d keys", len(results), len(keys))}
		}
	}
	return l.done[key]
}

// Clear forgets key's result.
func (l *loader[K, V]) Clear(_ context.Context, key K) dataloader.Interface[K, V] {
	l.mu.Lock()
	delete(l.done, key)
	l.mu.Unlock()
	return l
}

// ClearAll forgets every result, e.g. after a mutation changed what they were read from.
func (l *loader[K, V]) ClearAll() dataloader.Interface[K, V] {
	l.mu.Lock()
	clear(l.done)
	l.mu.Unlock()
	return l
}

// Prime records value as key's result unless key has one.
func (l *loader[K, V]) Prime(_ context.Context, key K, value V) dataloader.Interface[K, V] {
	l.mu.Lock()
	if _, ok := l.done[key]; !ok {
		if l.done == nil {
			l.done = map[K]*dataloader.Result[V]{}
		}
		l.done[key] = &dataloader.Result[V]{Data: value}
	}
	l.mu.Unlock()
	return l
}

// thunk adapts a dataloader thunk to what graphql-go accepts as a deferred resolver result.
func thunk[V any](th dataloader.Thunk[V]) func() (any, error) {
	return func() (any, error) {
		v, err := th()
		if err != nil {
			return nil, err
		}
		return v, nil
	}
}

// byKey adapts a store reader that returns values by key to a dataloader batch function. A key
// the reader leaves out gets V's zero value (nil: not found, or not visible to the actor).
func byKey[K comparable, V any](read func(context.Context, []K) (map[K]V, error)) dataloader.BatchFunc[K, V] {
	return func(ctx context.Context, keys []K) []*dataloader.Result[V] {
		out := make([]*dataloader.Result[V], len(keys))
		m, err := read(ctx, keys)
		for i, k := range keys {
			if err != nil {
				out[i] = &dataloader.Result[V]{Error: err}
			} else {
				out[i] = &dataloader.Result[V]{Data: m[k]}
			}
		}
		return out
	}
}

// medium is a storage medium with the latest sanitization record of its device's current
// cycle (nil when it has none).
type medium struct {
	*inventory.StorageMedium
	sanitization *inventory.WipeRecord
}

// eventsKey asks for the last events of a device.
type eventsKey struct {
	deviceID int64
	last     int
}

// firstPageKey asks for the first page of a donation's devices.
type firstPageKey struct {
	donationID int64
	first      int
	sort       inventory.DeviceSort
}

// pageShape is a page's size and order: first pages of the same shape load together.
type pageShape struct {
	first int
	sort  inventory.DeviceSort
}

// batchByGroup builds a batch function for keys that name an object and parameters (how many
// events, a page's size and order): one fetch per distinct parameters, which a query rarely
// varies, for all the objects that share them.
func batchByGroup[K, G comparable, V any](split func(K) (int64, G), fetch func(context.Context, G, []int64) (map[int64]V, error)) dataloader.BatchFunc[K, V] {
	return func(ctx context.Context, keys []K) []*dataloader.Result[V] {
		ids := map[G][]int64{}
		var groups []G
		for _, k := range keys {
			id, g := split(k)
			if _, ok := ids[g]; !ok {
				groups = append(groups, g)
			}
			ids[g] = append(ids[g], id)
		}
		got := make(map[G]map[int64]V, len(groups))
		errs := make(map[G]error, len(groups))
		for _, g := range groups {
			got[g], errs[g] = fetch(ctx, g, ids[g])
		}
		out := make([]*dataloader.Result[V], len(keys))
		for i, k := range keys {
			id, g := split(k)
			out[i] = &dataloader.Result[V]{Data: got[g][id], Error: errs[g]}
		}
		return out
	}
}

// donationPageKey asks for the first page of a donor's donations.
type donationPageKey struct {
	donorID int64
	first   int
}

// inventoryLoaders are one request's loaders for the inventory's edges. Each batch is one store
// call, so a page of devices costs the same number of statements whatever its size.
type inventoryLoaders struct {
	devices     *loader[int64, *inventory.Device]
	donations   *loader[int64, *inventory.Donation]
	donors      *loader[int64, *inventory.Donor]
	storage     *loader[int64, []medium] // by device id, with each medium's sanitization
	events      *loader[eventsKey, []inventory.Event]
	firstPages  *loader[firstPageKey, *inventory.DevicePage] // donations' devices
	donorPages  *loader[donationPageKey, *inventory.DonationPage]
	flags       *loader[int64, []inventory.DeviceFlag]
	transitions *loader[*inventory.Device, []inventory.Status]
	repairs     *loader[int64, []inventory.RepairLog]
	qaChecks    *loader[int64, []inventory.QACheck]
	users       *loader[int64, *auth.User]
}

func newInventoryLoaders(deps Deps) *inventoryLoaders {
	st := deps.Inventory
	l := &inventoryLoaders{
		devices: newLoader(byKey(st.DevicesByID)),
		donors:  newLoader(byKey(st.DonorsByID)),
		// The media and their latest records come together in one statement: wipeComplete and
		// sanitization both need the records.
		storage: newLoader(byKey(func(ctx context.Context, deviceIDs []int64) (map[int64][]medium, error) {
			states, err := st.StorageWithWipes(ctx, deviceIDs)
			if err != nil {
				return nil, err
			}
			out := make(map[int64][]medium, len(states))
			for id, ms := range states {
				list := make([]medium, len(ms))
				for i := range ms {
					list[i] = medium{&ms[i].StorageMedium, ms[i].Latest}
				}
				out[id] = list
			}
			return out, nil
		})),
		events: newLoader(batchByGroup(func(k eventsKey) (int64, int) { return k.deviceID, k.last },
			func(ctx context.Context, last int, ids []int64) (map[int64][]inventory.Event, error) {
				return st.Events(ctx, ids, last)
			})),
		firstPages: newLoader(batchByGroup(func(k firstPageKey) (int64, pageShape) { return k.donationID, pageShape{k.first, k.sort} },
			func(ctx context.Context, g pageShape, ids []int64) (map[int64]*inventory.DevicePage, error) {
				return st.FirstPages(ctx, ids, g.sort, g.first)
			})),
		donorPages: newLoader(batchByGroup(func(k donationPageKey) (int64, int) { return k.donorID, k.first },
			func(ctx context.Context, first int, ids []int64) (map[int64]*inventory.DonationPage, error) {
				return st.FirstDonationPages(ctx, ids, first)
			})),
		flags:    newLoader(byKey(st.OpenFlags)),
		repairs:  newLoader(byKey(st.Repairs)),
		qaChecks: newLoader(byKey(st.QAChecks)),
		transitions: newLoader(byKey(func(ctx context.Context, ds []*inventory.Device) (map[*inventory.Device][]inventory.Status, error) {
			byID, err := st.AllowedTransitions(ctx, ds)
			if err != nil {
				return nil, err
			}
			out := make(map[*inventory.Device][]inventory.Status, len(ds))
			for _, d := range ds {
				out[d] = byID[d.ID]
			}
			return out, nil
		})),
		users: newLoader(byKey(deps.Auth.UsersByID)),
	}
	// Donations come with their donors in one statement; the donors loader is primed with them
	// so that Donation.donor costs nothing more.
	l.donations = newLoader(byKey(func(ctx context.Context, ids []int64) (map[int64]*inventory.Donation, error) {
		ds, err := st.DonationsByID(ctx, ids)
		for _, d := range ds {
			if d.Donor != nil {
				l.donors.Prime(ctx, d.Donor.ID, d.Donor)
			}
		}
		return ds, err
	}))
	return l
}

// clear forgets everything loaded so far: a mutation changed it.
func (l *inventoryLoaders) clear() {
	l.devices.ClearAll()
	l.donations.ClearAll()
	l.donors.ClearAll()
	l.storage.ClearAll()
	l.events.ClearAll()
	l.flags.ClearAll()
	l.transitions.ClearAll()
	l.repairs.ClearAll()
	l.qaChecks.ClearAll()
	l.users.ClearAll()
}

// inventoryLoaders returns the request's inventory loaders.
func (b *builder) inventoryLoaders(p graphql.ResolveParams) *inventoryLoaders {
	return scoped(p.Info, b, func() *inventoryLoaders { return newInventoryLoaders(b.deps) })
}
