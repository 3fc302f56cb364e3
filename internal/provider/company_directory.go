package provider

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// companyDirectory answers the reads of companies and their connections within one provider process (one
// Terraform walk, such as the refresh of a plan), with as few calls as it can tell in advance:
//
//   - Codat's company carries its connections (dataConnections, in GET /companies/{companyId} as in the list), so a
//     connection whose company this process has just read is taken from it: reading a customer's company and its
//     connection costs one call, not two.
//   - GET /companies pages carry up to 2,000 companies each, connections included (CODAT-FACTS C14). Terraform
//     reads resources concurrently and does not say how many will come, so the directory decides as the reads
//     arrive, like renting skis until the rent paid equals the price: the first read is a GET; the second asks
//     Codat how many companies the client has (GET /companies?pageSize=1, one call, totalResults); from then on,
//     as soon as the reads that needed a call of their own are at least as many as the pages a full list takes,
//     the companies are listed once and every read waits for the list. Before that, reads stay one GET each. This
//     never costs more than about twice the better of the two ways, and costs one call per operation more than
//     per-object reads at worst for small operations: 5 customers among 50,000 companies (25 pages) read 5
//     companies and the count, never the list; 100 customers of a client with a few hundred companies read one
//     company, the count and one page. (Measured in BENCHMARKS.md and TestAccCompanyDirectory_*.)
//   - What was read stands in for another read of the same company for directoryMaxAge, measured from when the
//     read began, unless this process wrote to the company or its connections since.
//   - A company or connection missing from the list, or from its company's dataConnections, is read on its own:
//     Codat says whether it is gone (404) exactly as before. A list paged by page number can miss an object when
//     another is created or deleted between two pages, so absence from it proves nothing. A list that fails is
//     not an error: every read waiting for it reads its object on its own, and meets Codat's answer itself.
type companyDirectory struct {
	client *codat.Client

	mu sync.Mutex
	// reads counts the reads that needed a call of their own (neither in memory nor waiting for a list).
	reads   int
	count   *sharedCall[int]
	listing *sharedCall[struct{}]
	known   map[string]knownCompany
	// changed holds when this process last wrote to a company or one of its connections.
	changed map[string]time.Time
}

const (
	// directoryProbeAfter is the read that first asks Codat how many companies there are.
	directoryProbeAfter = 2
	// directoryMaxAge is how long a company read (alone or in a list) answers later reads. Terraform reads a
	// customer's company and connection within seconds of each other; two minutes covers the reads of a refresh
	// of thousands of customers at Codat's per-minute limit, and keeps the answers as fresh as a refresh's.
	directoryMaxAge = 2 * time.Minute
)

type knownCompany struct {
	company *codat.Company
	// at is when the read that returned it began.
	at time.Time
}

// sharedCall is one call whose answer several readers wait for.
type sharedCall[T any] struct {
	done chan struct{}
	val  T
	err  error
}

func newCompanyDirectory(client *codat.Client) *companyDirectory {
	return &companyDirectory{client: client, known: map[string]knownCompany{}, changed: map[string]time.Time{}}
}

// company reads one company; IsNotFound(err) when Codat says it does not exist.
func (d *companyDirectory) company(ctx context.Context, id string) (*codat.Company, error) {
	if c, ok := d.recall(id); ok {
		return c, nil
	}
	if d.viaList(ctx) {
		if c, ok := d.recall(id); ok {
			return c, nil
		}
	}
	began := time.Now()
	c, err := d.client.GetCompany(ctx, id)
	if err != nil {
		return nil, err
	}
	d.remember(c, began)
	return c, nil
}

// connection reads one connection; IsNotFound(err) when Codat says it or its company does not exist.
func (d *companyDirectory) connection(ctx context.Context, companyID, connectionID string) (*codat.Connection, error) {
	c, ok := d.recall(companyID)
	if !ok && d.viaList(ctx) {
		c, ok = d.recall(companyID)
	}
	if ok {
		for i := range c.DataConnections {
			if c.DataConnections[i].ID == connectionID {
				conn := c.DataConnections[i]
				return &conn, nil
			}
		}
	}
	return d.client.GetConnection(ctx, companyID, connectionID)
}

// changedCompany records a write to a company or its connections: earlier reads no longer answer for it.
func (d *companyDirectory) changedCompany(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.changed[id] = time.Now()
	delete(d.known, id)
}

func (d *companyDirectory) recall(id string) (*codat.Company, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	k, ok := d.known[id]
	if !ok || time.Since(k.at) > directoryMaxAge || !k.at.After(d.changed[id]) {
		return nil, false
	}
	return k.company, true
}

func (d *companyDirectory) remember(c *codat.Company, began time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !began.After(d.changed[c.ID]) {
		return
	}
	if k, ok := d.known[c.ID]; ok && k.at.After(began) {
		return
	}
	d.known[c.ID] = knownCompany{company: c, at: began}
}

// viaList counts a read that needs a call, decides whether the companies are to be listed (see companyDirectory)
// and, when they are, waits for the list. It reports whether a list answered: the caller then looks in memory.
func (d *companyDirectory) viaList(ctx context.Context) bool {
	d.mu.Lock()
	d.reads++
	reads, listing := d.reads, d.listing
	d.mu.Unlock()
	if listing == nil {
		if reads < directoryProbeAfter {
			return false
		}
		total, err := d.companyCount(ctx)
		if err != nil {
			return false
		}
		d.mu.Lock()
		pages := max(1, codat.PagesFor(total))
		start := d.listing == nil && d.reads >= pages
		if start {
			d.listing = &sharedCall[struct{}]{done: make(chan struct{})}
		}
		listing = d.listing
		reads = d.reads
		d.mu.Unlock()
		if listing == nil {
			return false
		}
		if start {
			tflog.Debug(ctx, "Reading companies and connections from GET /companies pages", map[string]any{
				"companies": total, "pages": pages, "reads_so_far": reads})
			d.list(ctx, listing)
		}
	}
	select {
	case <-listing.done:
		return listing.err == nil
	case <-ctx.Done():
		return false
	}
}

// companyCount asks Codat how many companies there are, once per process; readers wait for the one call.
func (d *companyDirectory) companyCount(ctx context.Context) (int, error) {
	d.mu.Lock()
	call, first := d.count, d.count == nil
	if first {
		call = &sharedCall[int]{done: make(chan struct{})}
		d.count = call
	}
	d.mu.Unlock()
	if first {
		call.val, call.err = d.client.CountCompanies(ctx)
		if call.err != nil {
			tflog.Debug(ctx, "Counting companies failed; reading companies one by one", map[string]any{"error": call.err.Error()})
		}
		close(call.done)
	}
	select {
	case <-call.done:
		return call.val, call.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// list reads every page of companies into memory.
func (d *companyDirectory) list(ctx context.Context, call *sharedCall[struct{}]) {
	defer close(call.done)
	began := time.Now()
	all, err := d.client.ListCompanies(ctx, codat.ListOptions{PageSize: codat.MaxPageSize})
	if err != nil {
		call.err = err
		tflog.Debug(ctx, "Listing companies failed; reading them one by one", map[string]any{"error": err.Error()})
		return
	}
	for i := range all {
		d.remember(&all[i], began)
	}
}
