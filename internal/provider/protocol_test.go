package provider_test

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/provider"
)

// protoServer drives the provider's protocol 6 server (the one main.go serves) the way Terraform does, for what the
// installed Terraform (1.11) cannot show: resource identity (Terraform 1.12) and list resources (Terraform 1.14).
type protoServer struct {
	t      *testing.T
	server tfprotov6.ProviderServer
	// lister is server's list resource half, which tf6server finds by this optional interface.
	lister tfprotov6.ListResourceServer
	// schemas are the resource, list resource and identity schemas the server reports.
	schemas    *tfprotov6.GetProviderSchemaResponse
	identities map[string]*tfprotov6.ResourceIdentitySchema
}

// newProtoServer starts a server and configures it for env's sandbox, as Terraform 1.14 would.
func newProtoServer(t *testing.T, env *acctest.Env) *protoServer {
	t.Helper()
	ctx := context.Background()
	p := &protoServer{t: t, server: provider.NewProtocol6Server("test")()}
	lister, ok := p.server.(tfprotov6.ListResourceServer)
	if !ok {
		t.Fatalf("the provider's server %T serves no list resources", p.server)
	}
	p.lister = lister
	schemas, err := p.server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	p.check("GetProviderSchema", err, schemas.Diagnostics)
	p.schemas = schemas
	identities, err := p.server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	p.check("GetResourceIdentitySchemas", err, identities.Diagnostics)
	p.identities = identities.IdentitySchemas

	config := p.value(schemas.Provider.ValueType(), map[string]any{
		"api_key": env.APIKey, "base_url": env.URL, "xero_token_url": env.XeroTokenURL(), "max_retries": 3,
	})
	resp, err := p.server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.14.0", Config: p.dynamic(config),
	})
	p.check("ConfigureProvider", err, resp.Diagnostics)
	return p
}

// check fails the test on an RPC error or an error diagnostic.
func (p *protoServer) check(rpc string, err error, diags []*tfprotov6.Diagnostic) {
	p.t.Helper()
	if err != nil {
		p.t.Fatalf("%s: %v", rpc, err)
	}
	if hasError(diags) {
		p.t.Fatalf("%s: %s", rpc, diagText(diags))
	}
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func diagText(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "[%s] %s: %s\n", d.Severity, d.Summary, d.Detail)
	}
	return b.String()
}

// resourceType is the value type of a resource's state.
func (p *protoServer) resourceType(typeName string) tftypes.Object {
	p.t.Helper()
	s, ok := p.schemas.ResourceSchemas[typeName]
	if !ok {
		p.t.Fatalf("no resource %s", typeName)
	}
	return p.objectType(s.ValueType())
}

// objectType is typ, which must be an object type.
func (p *protoServer) objectType(typ tftypes.Type) tftypes.Object {
	p.t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		p.t.Fatalf("%s is not an object type", typ)
	}
	return obj
}

// identityType is the value type of a resource's identity.
func (p *protoServer) identityType(typeName string) tftypes.Object {
	p.t.Helper()
	s, ok := p.identities[typeName]
	if !ok {
		p.t.Fatalf("no identity schema for %s", typeName)
	}
	return p.objectType(s.ValueType())
}

// value builds an object of typ from Go values (string, int, bool, map[string]string, []string for a list or set,
// or a tftypes.Value); the attributes not given are null.
func (p *protoServer) value(typ tftypes.Type, attrs map[string]any) tftypes.Value {
	p.t.Helper()
	obj := p.objectType(typ)
	vals := map[string]tftypes.Value{}
	for name, at := range obj.AttributeTypes {
		v, ok := attrs[name]
		if !ok || v == nil {
			vals[name] = tftypes.NewValue(at, nil)
			continue
		}
		switch v := v.(type) {
		case tftypes.Value:
			vals[name] = v
		case string:
			vals[name] = tftypes.NewValue(at, v)
		case int:
			vals[name] = tftypes.NewValue(at, big.NewFloat(float64(v)))
		case bool:
			vals[name] = tftypes.NewValue(at, v)
		case map[string]string:
			elems := map[string]tftypes.Value{}
			for k, e := range v {
				elems[k] = tftypes.NewValue(tftypes.String, e)
			}
			vals[name] = tftypes.NewValue(at, elems)
		case []string:
			elems := make([]tftypes.Value, 0, len(v)) // an empty slice is an empty list or set, not null
			for _, e := range v {
				elems = append(elems, tftypes.NewValue(tftypes.String, e))
			}
			vals[name] = tftypes.NewValue(at, elems)
		default:
			p.t.Fatalf("attribute %s: unsupported value %T", name, v)
		}
	}
	for name := range attrs {
		if _, ok := obj.AttributeTypes[name]; !ok {
			p.t.Fatalf("%s has no attribute %s", typ, name)
		}
	}
	return tftypes.NewValue(obj, vals)
}

func (p *protoServer) dynamic(v tftypes.Value) *tfprotov6.DynamicValue {
	p.t.Helper()
	dv, err := tfprotov6.NewDynamicValue(v.Type(), v)
	if err != nil {
		p.t.Fatal(err)
	}
	return &dv
}

func (p *protoServer) decode(typ tftypes.Type, dv *tfprotov6.DynamicValue) tftypes.Value {
	p.t.Helper()
	if dv == nil {
		return tftypes.NewValue(typ, nil)
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		p.t.Fatal(err)
	}
	return v
}

// identity builds an identity of typeName from strings; the attributes not given are null.
func (p *protoServer) identity(typeName string, attrs map[string]string) *tfprotov6.ResourceIdentityData {
	p.t.Helper()
	vals := map[string]any{}
	for k, v := range attrs {
		vals[k] = v
	}
	return &tfprotov6.ResourceIdentityData{IdentityData: p.dynamic(p.value(p.identityType(typeName), vals))}
}

// identityOf decodes an identity into its strings; nil for no identity or a null one.
func (p *protoServer) identityOf(typeName string, id *tfprotov6.ResourceIdentityData) map[string]string {
	p.t.Helper()
	if id == nil {
		return nil
	}
	v := p.decode(p.identityType(typeName), id.IdentityData)
	if v.IsNull() {
		return nil
	}
	return stringAttrs(p.t, v)
}

// stringAttrs reads the known string attributes of an object value.
func stringAttrs(t *testing.T, v tftypes.Value) map[string]string {
	t.Helper()
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for name, a := range attrs {
		if !a.Type().Is(tftypes.String) || !a.IsKnown() || a.IsNull() {
			continue
		}
		var s string
		if err := a.As(&s); err != nil {
			t.Fatal(err)
		}
		out[name] = s
	}
	return out
}

// object is a resource's state (or planned state) with its identity.
type object struct {
	state    tftypes.Value
	identity *tfprotov6.ResourceIdentityData
}

// attrs are the known string attributes of the object's state.
func (o object) attrs(t *testing.T) map[string]string {
	t.Helper()
	return stringAttrs(t, o.state)
}

// proposed is what Terraform proposes for a configuration over a prior state: configured values, and the prior
// value of each computed attribute left out of the configuration.
func (p *protoServer) proposed(typeName string, prior, config tftypes.Value) tftypes.Value {
	p.t.Helper()
	if prior.IsNull() {
		return config
	}
	var priorAttrs, configAttrs map[string]tftypes.Value
	if err := prior.As(&priorAttrs); err != nil {
		p.t.Fatal(err)
	}
	if err := config.As(&configAttrs); err != nil {
		p.t.Fatal(err)
	}
	computed := map[string]bool{}
	for _, a := range p.schemas.ResourceSchemas[typeName].Block.Attributes {
		computed[a.Name] = a.Computed
	}
	out := map[string]tftypes.Value{}
	for name, v := range configAttrs {
		if v.IsNull() && computed[name] {
			v = priorAttrs[name]
		}
		out[name] = v
	}
	return tftypes.NewValue(config.Type(), out)
}

// apply plans and applies config over prior (a null state to create, a null config to destroy), as Terraform
// does, and returns the new object.
func (p *protoServer) apply(typeName string, prior object, config map[string]any) object {
	p.t.Helper()
	ctx := context.Background()
	typ := p.resourceType(typeName)
	if prior.state.Type() == nil {
		prior.state = tftypes.NewValue(typ, nil)
	}
	cfg := tftypes.NewValue(typ, nil)
	if config != nil {
		cfg = p.value(typ, config)
	}
	plan, err := p.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, PriorState: p.dynamic(prior.state), ProposedNewState: p.dynamic(p.proposed(typeName, prior.state, cfg)),
		Config: p.dynamic(cfg), PriorIdentity: prior.identity,
	})
	p.check("PlanResourceChange "+typeName, err, plan.Diagnostics)
	resp, err := p.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: typeName, PriorState: p.dynamic(prior.state), PlannedState: plan.PlannedState,
		Config: p.dynamic(cfg), PlannedPrivate: plan.PlannedPrivate, PlannedIdentity: plan.PlannedIdentity,
	})
	p.check("ApplyResourceChange "+typeName, err, resp.Diagnostics)
	return object{p.decode(typ, resp.NewState), resp.NewIdentity}
}

// read refreshes an object; identity is what Terraform sends as the current identity (nil: none, as Terraform
// before 1.12 sends). It fails the test on an error diagnostic.
func (p *protoServer) read(typeName string, state tftypes.Value, identity *tfprotov6.ResourceIdentityData, private []byte) object {
	p.t.Helper()
	resp, err := p.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
		TypeName: typeName, CurrentState: p.dynamic(state), CurrentIdentity: identity, Private: private,
	})
	p.check("ReadResource "+typeName, err, resp.Diagnostics)
	return object{p.decode(p.resourceType(typeName), resp.NewState), resp.NewIdentity}
}

// importResource imports by import ID (id) or by identity, and returns the imported object with its private
// data (which marks it as just imported for the read that follows) and the diagnostics.
func (p *protoServer) importResource(typeName, id string, identity *tfprotov6.ResourceIdentityData) (object, []byte, []*tfprotov6.Diagnostic) {
	p.t.Helper()
	resp, err := p.server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{
		TypeName: typeName, ID: id, Identity: identity,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	if hasError(resp.Diagnostics) {
		return object{}, nil, resp.Diagnostics
	}
	if len(resp.ImportedResources) != 1 {
		p.t.Fatalf("ImportResourceState %s returned %d objects, want 1", typeName, len(resp.ImportedResources))
	}
	r := resp.ImportedResources[0]
	return object{p.decode(p.resourceType(typeName), r.State), r.Identity}, r.Private, resp.Diagnostics
}

// listed is one result of a list request.
type listed struct {
	display  string
	identity map[string]string
	// resource is the object's state when the request included resources, else null.
	resource tftypes.Value
}

// listType is the value type of a list resource's configuration.
func (p *protoServer) listType(typeName string) tftypes.Type {
	p.t.Helper()
	s, ok := p.schemas.ListResourceSchemas[typeName]
	if !ok {
		p.t.Fatalf("no list resource %s", typeName)
	}
	return s.ValueType()
}

// list runs a list block (terraform query) and returns its results and the diagnostics of results without an
// object (the stream's errors and warnings).
func (p *protoServer) list(typeName string, config map[string]any, includeResource bool, limit int64) ([]listed, []*tfprotov6.Diagnostic) {
	p.t.Helper()
	stream, err := p.lister.ListResource(context.Background(), &tfprotov6.ListResourceRequest{
		TypeName: typeName, Config: p.dynamic(p.value(p.listType(typeName), config)), IncludeResource: includeResource, Limit: limit,
	})
	if err != nil {
		p.t.Fatalf("ListResource %s: %v", typeName, err)
	}
	var results []listed
	var diags []*tfprotov6.Diagnostic
	for r := range stream.Results {
		if r.Identity == nil {
			diags = append(diags, r.Diagnostics...)
			continue
		}
		if hasError(r.Diagnostics) {
			p.t.Fatalf("ListResource %s: a result with errors: %s", typeName, diagText(r.Diagnostics))
		}
		l := listed{display: r.DisplayName, identity: p.identityOf(typeName, r.Identity), resource: tftypes.NewValue(p.resourceType(typeName), nil)}
		if r.Resource != nil {
			l.resource = p.decode(p.resourceType(typeName), r.Resource)
		}
		results = append(results, l)
	}
	return results, diags
}

// validateList validates a list block's configuration as Terraform does before a query.
func (p *protoServer) validateList(typeName string, config map[string]any) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.lister.ValidateListResourceConfig(context.Background(), &tfprotov6.ValidateListResourceConfigRequest{
		TypeName: typeName, Config: p.dynamic(p.value(p.listType(typeName), config)),
		IncludeResourceObject: p.dynamic(tftypes.NewValue(tftypes.Bool, true)),
		Limit:                 p.dynamic(tftypes.NewValue(tftypes.Number, big.NewFloat(100))),
	})
	if err != nil {
		p.t.Fatalf("ValidateListResourceConfig %s: %v", typeName, err)
	}
	return resp.Diagnostics
}

// adopt does what terraform query -generate-config-out and the plan after it do with a listed object: it generates
// the object's configuration, validates it, imports the object by its identity, reads it, and plans the generated
// configuration over it. It fails the test unless the read gives the listed object and the plan changes nothing.
func (p *protoServer) adopt(typeName string, l listed) {
	p.t.Helper()
	ctx := context.Background()
	typ := p.resourceType(typeName)
	generated, err := p.server.GenerateResourceConfig(ctx, &tfprotov6.GenerateResourceConfigRequest{TypeName: typeName, State: p.dynamic(l.resource)})
	p.check("GenerateResourceConfig "+typeName, err, generated.Diagnostics)
	validated, err := p.server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName, Config: generated.Config})
	p.check("ValidateResourceConfig of the generated configuration of "+l.display, err, validated.Diagnostics)

	imported, private, diags := p.importResource(typeName, "", p.identity(typeName, l.identity))
	if hasError(diags) {
		p.t.Fatalf("import of %s by its listed identity: %s", l.display, diagText(diags))
	}
	read := p.read(typeName, imported.state, imported.identity, private)
	if !read.state.Equal(l.resource) {
		p.t.Errorf("%s: listed object\n%v\ndiffers from the object imported by its identity\n%v", l.display, l.resource, read.state)
	}
	config := p.decode(typ, generated.Config)
	plan, err := p.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, PriorState: p.dynamic(read.state), ProposedNewState: p.dynamic(p.proposed(typeName, read.state, config)),
		Config: generated.Config, PriorIdentity: read.identity, PriorPrivate: private,
	})
	p.check("PlanResourceChange of the generated configuration of "+l.display, err, plan.Diagnostics)
	if planned := p.decode(typ, plan.PlannedState); !planned.Equal(read.state) || len(plan.RequiresReplace) > 0 {
		p.t.Errorf("%s: the generated configuration plans a change:\nplanned %v\nprior   %v\nreplace %v", l.display, planned, read.state, plan.RequiresReplace)
	}
}
