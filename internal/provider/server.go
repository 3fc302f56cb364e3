package provider

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewProtocol6Server returns the provider's protocol 6 server, for tf6server.Serve.
//
// It is the framework's server with one change: the framework keeps the context of every request until Terraform
// stops the provider (so that StopProvider can cancel it), and with it everything the request's context carries,
// which is mostly the plugin SDK's per-request loggers, some 40 KB. A provider process serves one Terraform walk,
// but at 500 customers that is over 10,000 requests and a few hundred MB. Here each per-object request reaches the
// framework with a context that drops the request's context once the request has returned, so only a few bytes
// stay behind.
func NewProtocol6Server(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		fw := providerserver.NewProtocol6(New(version)())()
		if s, ok := fw.(frameworkServer); ok {
			return releasingServer{s}
		}
		return fw
	}
}

// frameworkServer is every protocol interface the framework's server implements, so that wrapping it hides none.
// The optional interfaces are deprecated only because terraform-plugin-go will fold their methods into
// ProviderServer; until then tf6server looks for them.
type frameworkServer interface {
	tfprotov6.ProviderServerWithListResource //nolint:staticcheck // see above
	tfprotov6.ProviderServerWithActions      //nolint:staticcheck // see above
	tfprotov6.ProviderServerWithStateStores  //nolint:staticcheck // see above
}

// releasingServer passes the requests Terraform makes once per object, in the thousands at scale, through
// withRequest; all others go to the framework unchanged.
type releasingServer struct {
	frameworkServer
}

func (s releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return withRequest(ctx, req, s.frameworkServer.ValidateResourceConfig)
}

func (s releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return withRequest(ctx, req, s.frameworkServer.UpgradeResourceState)
}

func (s releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return withRequest(ctx, req, s.frameworkServer.UpgradeResourceIdentity)
}

func (s releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return withRequest(ctx, req, s.frameworkServer.ReadResource)
}

func (s releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return withRequest(ctx, req, s.frameworkServer.PlanResourceChange)
}

func (s releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return withRequest(ctx, req, s.frameworkServer.ApplyResourceChange)
}

func (s releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return withRequest(ctx, req, s.frameworkServer.ImportResourceState)
}

func (s releasingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return withRequest(ctx, req, s.frameworkServer.MoveResourceState)
}

// GenerateResourceConfig runs once per object that terraform query writes configuration for. ListResource is left
// to the framework: it runs once per list block, and its results are produced after it returns, on its context.
func (s releasingServer) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return withRequest(ctx, req, s.frameworkServer.GenerateResourceConfig)
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return withRequest(ctx, req, s.frameworkServer.ValidateDataResourceConfig)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return withRequest(ctx, req, s.frameworkServer.ReadDataSource)
}

// withRequest serves one request with a context that forwards to ctx until the request returns.
func withRequest[Req, Resp any](ctx context.Context, req Req, serve func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := newRequestContext(ctx)
	defer rc.release()
	return serve(rc, req)
}

// requestContext behaves exactly like the context it was made from (values, cancellation, deadline) until
// release; after that it keeps only the cancellation channel and reports no values. Nothing of the provider runs on
// a request's context after the request has returned.
type requestContext struct {
	done        <-chan struct{}
	deadline    time.Time
	hasDeadline bool
	parent      atomic.Pointer[contextRef]
}

type contextRef struct{ ctx context.Context }

func newRequestContext(ctx context.Context) *requestContext {
	rc := &requestContext{done: ctx.Done()}
	rc.deadline, rc.hasDeadline = ctx.Deadline()
	rc.parent.Store(&contextRef{ctx})
	return rc
}

func (c *requestContext) release() { c.parent.Store(nil) }

func (c *requestContext) Deadline() (time.Time, bool) { return c.deadline, c.hasDeadline }

// Done is the parent's own channel, so that contexts derived from this one join the parent's cancellation
// directly, as they would have from the parent itself.
func (c *requestContext) Done() <-chan struct{} { return c.done }

func (c *requestContext) Err() error {
	if p := c.parent.Load(); p != nil {
		return p.ctx.Err()
	}
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}

func (c *requestContext) Value(key any) any {
	if p := c.parent.Load(); p != nil {
		return p.ctx.Value(key)
	}
	return nil
}
