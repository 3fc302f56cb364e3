package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// mapper maps one source account and follows its feed until it is connected: what Create and Update share.
type mapper struct {
	r    *bankFeedAccountMappingResource
	plan *bankFeedAccountMappingModel
	key  connectionKey
	// source is the source account's id, what names it in diagnostics.
	source, what string
	// wait bounds how long the feed may take to connect once Codat has accepted the mapping.
	wait time.Duration
}

func (r *bankFeedAccountMappingResource) newMapper(plan *bankFeedAccountMappingModel, wait time.Duration) *mapper {
	key := plan.key()
	source := plan.SourceAccountID.ValueString()
	return &mapper{r: r, plan: plan, key: key, source: source, wait: wait,
		what: fmt.Sprintf("source account %q of Codat connection %s/%s", source, key.companyID, key.connectionID)}
}

// errFeedEnded is a feed Codat reports disconnected while the provider waits for it to connect.
var errFeedEnded = errors.New("the feed was disconnected before it connected")

// connect makes the planned mapping true and records it in state. prior is the state of an update, nil on create.
//
// No step may leave the Xero organisation with a second account for one source account: without a target the
// account is mapped to the Xero account it fed before, or to the free one named after it, and Codat is asked to
// create one only when there is neither; a POST whose outcome is unknown is followed by a read of the mapping list
// before it is sent again. Whatever Codat accepted is recorded before the wait for the feed, so that neither a
// timeout nor an interrupt loses it.
//
// configured is the target_account_id of the configuration (null when it leaves the choice to the provider).
func (m *mapper) connect(ctx context.Context, configured types.String, prior *bankFeedAccountMappingModel, state *tfsdk.State, diags *diag.Diagnostics) {
	if prior != nil {
		// An update that fails before Codat changed anything leaves the state as it was.
		diags.Append(state.Set(ctx, prior)...)
	}
	target, start := knownString(m.plan.TargetAccountID), knownString(m.plan.FeedStartDate)

	// What is there now. A create with a target skips the read: posting the identical mapping again succeeds (C10).
	var current *codat.BankFeedMapping
	if target == "" || prior != nil {
		var err error
		if current, err = m.read(ctx); err != nil {
			addAPIError(diags, "Unable to read the mapping of "+m.what, err)
			return
		}
	}
	if current != nil && isFed(current.Status) {
		sameTarget := target == "" || current.TargetAccountID == target
		sameStart := start == "" || dateOnly(current.FeedStartDate) == start
		switch {
		case prior == nil && !sameTarget:
			diags.AddError("Unable to map "+m.what, fmt.Sprintf("The source account already feeds the Xero account %q (%s), "+
				"not %s as configured. Import the mapping (terraform import with ID %s/%s/%s) or disconnect the feed first.",
				current.TargetAccountName, current.TargetAccountID, target, m.key.companyID, m.key.connectionID, m.source))
			return
		case prior == nil || sameTarget && sameStart:
			// Already fed as configured (by the SMB user, or by a run whose answer was lost): adopt it rather than
			// ask Codat again, which could make a second Xero account.
			if prior == nil {
				diags.AddWarning("Recorded an existing mapping of "+m.what, fmt.Sprintf("The source account already feeds "+
					"the Xero account %q (%s), status %q: it is recorded as it is instead of being mapped again.",
					current.TargetAccountName, current.TargetAccountID, strings.ToLower(current.Status)))
			}
			m.follow(ctx, m.record(prior), current, state, diags)
			return
		}
		// Another target or another start date: Codat keeps an existing mapping as it is (C10), so the feed is
		// disconnected first and the account mapped again, to the same Xero account unless another is configured.
		if err := m.r.disconnect(ctx, m.key, m.source); err != nil {
			addAPIError(diags, "Unable to disconnect "+m.what+" before mapping it again", err)
			return
		}
		disconnected := *prior
		disconnected.Status = types.StringValue(statusDisconnected)
		diags.Append(state.Set(ctx, &disconnected)...)
		if target == "" {
			target = current.TargetAccountID
		}
	}
	if target == "" && prior != nil {
		target = knownString(prior.TargetAccountID) // the Xero account the feed used before it was disconnected
	}
	if target == "" && current != nil {
		target = freeAccountNamedAfterSource(current)
	}

	adopted, answered, err := m.post(ctx, target, start)
	if err != nil {
		summary := "Unable to map " + m.what
		if target != "" && knownString(configured) == "" && !codat.IsNotFound(err) {
			err = fmt.Errorf("%w\n\nThe provider mapped the account to the Xero account %s, which it fed before. If that "+
				"account is gone from Xero, set target_account_id, or replace this resource to let Codat create a new one", err, target)
		}
		addMappingError(diags, summary, err)
		return
	}
	if adopted != nil {
		m.follow(ctx, m.record(prior), adopted, state, diags)
		return
	}

	// Codat accepted the mapping: record it before waiting, with the documented status of an accepted mapping
	// ("connecting", D:bank-feeds/mapping/api-mapping.md). The answer's status is the request's, not the feed's
	// (C16), and is never recorded.
	rec := m.record(prior)
	rec.Status = types.StringValue(statusConnecting)
	switch {
	case target != "":
		rec.TargetAccountID = types.StringValue(target)
	case answered != "":
		rec.TargetAccountID = types.StringValue(answered)
	default:
		rec.TargetAccountID = types.StringNull() // a new account: its id comes with the first read of the list
	}
	if prior == nil || !rec.TargetAccountID.Equal(prior.TargetAccountID) {
		rec.TargetAccountName = types.StringNull()
	}
	rec.FeedStartDate = types.StringNull()
	if start != "" {
		rec.FeedStartDate = types.StringValue(start)
	}
	diags.Append(state.Set(ctx, rec)...)
	m.follow(ctx, rec, nil, state, diags)
}

// record is the state to write: the plan's configuration and ids, with the prior state's computed values; what is
// unknown until Codat reports it is null.
func (m *mapper) record(prior *bankFeedAccountMappingModel) *bankFeedAccountMappingModel {
	rec := *m.plan
	rec.ID = types.StringValue(m.key.companyID + "/" + m.key.connectionID + "/" + m.source)
	rec.TargetAccountName = types.StringNull()
	if prior != nil {
		rec.TargetAccountName = prior.TargetAccountName
	}
	for _, v := range []*types.String{&rec.TargetAccountID, &rec.FeedStartDate, &rec.Status, &rec.TargetAccountName} {
		if v.IsUnknown() {
			*v = types.StringNull()
		}
	}
	return &rec
}

// follow records a mapping Codat has in rec (mapping nil: the one just accepted, rec already recorded) and, unless
// it is connected, waits for it. The wait's end is reported as a warning: the state already holds the mapping, and
// an error would taint it, whose replacement would only map the account again.
func (m *mapper) follow(ctx context.Context, rec *bankFeedAccountMappingModel, mapping *codat.BankFeedMapping, state *tfsdk.State, diags *diag.Diagnostics) {
	if mapping != nil {
		setMappingState(rec, m.key, mapping)
		diags.Append(state.Set(ctx, rec)...)
		if strings.EqualFold(mapping.Status, statusConnected) {
			return
		}
	}
	if diags.HasError() {
		return
	}
	waitCtx, cancel := context.WithTimeout(ctx, m.wait)
	defer cancel()
	last, err := m.waitConnected(waitCtx)
	if last != nil {
		setMappingState(rec, m.key, last)
		diags.Append(state.Set(ctx, rec)...)
	}
	switch {
	case err == nil:
	case errors.Is(err, errFeedEnded):
		diags.AddError("Mapping of "+m.what+" did not connect", fmt.Sprintf("Codat accepted the mapping, then reported the "+
			"feed %q before it connected. It is recorded as such; check the connection's link_url page, and run "+
			"terraform apply to map the account again.", rec.Status.ValueString()))
	case ctx.Err() != nil:
		// Terraform was interrupted: requests already sent finished, no new one starts.
		diags.AddWarning("Stopped waiting for the mapping of "+m.what, fmt.Sprintf("Terraform was interrupted after Codat "+
			"accepted the mapping. It is recorded in the state with status %q; the next plan reads its progress.",
			rec.Status.ValueString()))
	case errors.Is(err, context.DeadlineExceeded):
		diags.AddWarning("Mapping of "+m.what+" not connected yet", fmt.Sprintf("Codat accepted the mapping, but the feed "+
			"did not connect within %s (timeouts). It is recorded in the state with status %q; the next plan reads its "+
			"progress. Raise the timeout to make apply wait longer.", m.wait, rec.Status.ValueString()))
	default:
		diags.AddWarning("Unable to follow the mapping of "+m.what, fmt.Sprintf("Codat accepted the mapping, but reading "+
			"its progress failed. It is recorded in the state with status %q; the next plan reads it again.\n\n%s",
			rec.Status.ValueString(), apiErrorDetail(err)))
	}
}

// waitConnected polls the connection's mappings until the source account is connected, backing off up to
// mappingPollMax. Every poll reads afresh: the shared list would hide the change being waited for. When the wait
// fails, the mapping is the source account's as last read (nil if none was).
func (m *mapper) waitConnected(ctx context.Context) (*codat.BankFeedMapping, error) {
	var last *codat.BankFeedMapping
	wait := mappingPollFirst
	for {
		current, err := m.read(ctx)
		if err != nil {
			return last, err
		}
		if current != nil {
			last = current
			switch strings.ToLower(current.Status) {
			case statusConnected:
				return current, nil
			case statusDisconnected:
				return current, errFeedEnded
			}
		}
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, mappingPollMax)
	}
}

// read is the source account's entry of the mapping list, read afresh; an error wrapping errMissing when the list
// has no such account.
func (m *mapper) read(ctx context.Context) (*codat.BankFeedMapping, error) {
	mappings, err := m.r.data.client.GetBankAccountMapping(ctx, m.key.companyID, m.key.connectionID)
	return findIn(mappings, err, func(b *codat.BankFeedMapping) bool { return b.SourceAccountID == m.source },
		"source account %q of Codat connection %s/%s", m.source, m.key.companyID, m.key.connectionID)
}

// post asks Codat to map the account (to a new Xero account when target is ""). It returns the mapping to adopt
// when Codat turns out to have made it already, or else the target id of Codat's answer.
//
// Codat caches every answer but a 429 for the Idempotency-Key it came with, 5xx included (C4): a 5xx, or no answer,
// leaves unknown whether the mapping was made, and sending the same request again could not tell. So the provider
// reads the mapping list: a mapping Codat made is adopted; only when there is none does it ask again, once, in a
// new request (with a new key).
func (m *mapper) post(ctx context.Context, target, start string) (*codat.BankFeedMapping, string, error) {
	req := codat.BankFeedAccountMapping{SourceAccountID: m.source, FeedStartDate: start}
	if target != "" {
		req.TargetAccountID = &target
	}
	for asked := 0; ; asked++ {
		res, err := m.r.data.client.CreateBankAccountMapping(ctx, m.key.companyID, m.key.connectionID, req)
		if err == nil {
			if strings.EqualFold(res.Status, mappingRequestFailed) {
				return nil, "", fmt.Errorf("the mapping request failed (Codat's answer: status %q, error %q)", res.Status, res.Error)
			}
			return nil, res.TargetAccountID, nil
		}
		if !outcomeUncertain(err) || asked > 0 {
			return nil, "", err
		}
		current, rerr := m.read(ctx)
		if rerr != nil {
			return nil, "", fmt.Errorf("%w\n\nCodat may have made the mapping; reading the mapping list to find out failed "+
				"too (%v). The next apply reads the list again before it maps the account", err, rerr)
		}
		if madeBy(current, target) {
			return current, "", nil
		}
	}
}

// madeBy reports whether the mapping list shows a mapping like the one asked for (to target; to any Xero account
// when target is ""): a feed on its way, or one pending with its target set, as Codat may show an accepted mapping
// it has not saved to Xero yet (D:bank-feeds/mapping/api-mapping.md).
func madeBy(m *codat.BankFeedMapping, target string) bool {
	if m.TargetAccountID == "" || target != "" && m.TargetAccountID != target {
		return false
	}
	status := strings.ToLower(m.Status)
	return isFed(status) || status == statusPending
}

// outcomeUncertain reports whether a failed POST may nevertheless have been applied: Codat answered 5xx (replayed
// for the same key, C4) or 409 (a request with the key still running), or no answer came.
func outcomeUncertain(err error) bool {
	var unknown *codat.OutcomeUnknownError
	var apiErr *codat.APIError
	var reqErr *codat.RequestError
	switch {
	case errors.As(err, &unknown):
		return true
	case errors.As(err, &apiErr):
		return apiErr.StatusCode >= 500 || apiErr.StatusCode == 409
	case errors.As(err, &reqErr):
		return reqErr.Attempts > 0
	}
	return false
}

// freeAccountNamedAfterSource is the first target option named like the source account: the account a mapping
// without a target made before ("Create New Account" names the new account after the source account), or one the
// SMB user made with that name. Options leave out accounts other feeds use (C10).
func freeAccountNamedAfterSource(m *codat.BankFeedMapping) string {
	if m.SourceAccountName == "" {
		return ""
	}
	for _, o := range m.TargetAccountOptions {
		if o.Name == m.SourceAccountName {
			return o.ID
		}
	}
	return ""
}

// knownString is a known, non-null value, or "".
func knownString(v types.String) string {
	if v.IsNull() || v.IsUnknown() {
		return ""
	}
	return v.ValueString()
}
