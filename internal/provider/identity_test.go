package provider_test

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/provider"
)

// identityAttrs are the identity attributes of every resource, in import ID order, and whether an import block may
// leave them out.
var identityAttrs = map[string][]struct {
	name     string
	optional bool
}{
	"codat_company":                   {{"id", false}},
	"codat_connection":                {{"company_id", false}, {"id", false}},
	"codat_bank_feed_account":         {{"company_id", false}, {"connection_id", false}, {"account_id", false}},
	"codat_bank_feed_account_mapping": {{"company_id", false}, {"connection_id", false}, {"source_account_id", false}},
	"codat_xero_integration":          {{"id", true}},
	"codat_webhook_consumer":          {{"id", false}},
}

// Every resource has an identity (Terraform 1.12): string attributes named after the state attributes that hold
// the same values, all required for import except the singleton's.
func TestProtocolIdentity_schemas(t *testing.T) {
	server := provider.NewProtocol6Server("test")()
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasError(schemas.Diagnostics) {
		t.Fatalf("GetProviderSchema: %v %s", err, diagText(schemas.Diagnostics))
	}
	resp, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || hasError(resp.Diagnostics) {
		t.Fatalf("GetResourceIdentitySchemas: %v %s", err, diagText(resp.Diagnostics))
	}
	for typeName, schema := range schemas.ResourceSchemas {
		identity, ok := resp.IdentitySchemas[typeName]
		if !ok {
			t.Errorf("%s has no identity schema", typeName)
			continue
		}
		want, ok := identityAttrs[typeName]
		if !ok {
			t.Errorf("%s: this test does not know its identity", typeName)
			continue
		}
		if len(identity.IdentityAttributes) != len(want) {
			t.Errorf("%s: %d identity attributes, want %d", typeName, len(identity.IdentityAttributes), len(want))
		}
		for _, w := range want {
			i := slices.IndexFunc(identity.IdentityAttributes, func(a *tfprotov6.ResourceIdentitySchemaAttribute) bool { return a.Name == w.name })
			if i < 0 {
				t.Errorf("%s: no identity attribute %s", typeName, w.name)
				continue
			}
			a := identity.IdentityAttributes[i]
			if a.RequiredForImport == w.optional || a.OptionalForImport != w.optional || a.Description == "" {
				t.Errorf("%s identity %s: required %v, optional %v, description %q; want optional %v and a description",
					typeName, w.name, a.RequiredForImport, a.OptionalForImport, a.Description, w.optional)
			}
			if !a.Type.Is(tftypes.String) {
				t.Errorf("%s identity %s is %s, want a string", typeName, w.name, a.Type)
			}
			if !slices.ContainsFunc(schema.Block.Attributes, func(s *tfprotov6.SchemaAttribute) bool {
				return s.Name == w.name && s.Type.Is(tftypes.String)
			}) {
				t.Errorf("%s identity %s names no string attribute of the resource", typeName, w.name)
			}
		}
	}
}

// identityCase is one resource's life as Terraform 1.12 and later sees it.
type identityCase struct {
	typeName string
	// setup makes what the resource needs and returns its configuration.
	setup func(t *testing.T, env *acctest.Env) map[string]any
	// update changes the configuration in place; nil when the resource has no in-place update.
	update func(config map[string]any)
	// remove deletes the object outside Terraform; nil when it cannot be deleted.
	remove func(t *testing.T, env *acctest.Env, attrs map[string]string)
}

var identityCases = []identityCase{
	{
		typeName: "codat_company",
		setup: func(*testing.T, *acctest.Env) map[string]any {
			return map[string]any{"name": "Identity Ltd", "tags": map[string]string{"crm": "42"}}
		},
		update: func(c map[string]any) { c["name"] = "Identity Renamed Ltd" },
		remove: func(t *testing.T, env *acctest.Env, a map[string]string) { must(t, env.Sandbox.DeleteCompany(a["id"])) },
	},
	{
		typeName: "codat_connection",
		setup: func(t *testing.T, env *acctest.Env) map[string]any {
			return map[string]any{"company_id": env.CreateCompany(t, "Identity Ltd")}
		},
		remove: func(t *testing.T, env *acctest.Env, a map[string]string) {
			must(t, env.Sandbox.DeleteConnection(a["company_id"], a["id"]))
		},
	},
	{
		typeName: "codat_bank_feed_account",
		setup: func(t *testing.T, env *acctest.Env) map[string]any {
			companyID := env.CreateCompany(t, "Identity Ltd")
			return map[string]any{
				"company_id": companyID, "connection_id": env.CreateConnection(t, companyID),
				"account_id": "acc-1", "account_name": "Operating", "account_type": "checking",
				"account_number": "12345678", "currency": "USD", "balance": 100,
			}
		},
		update: func(c map[string]any) { c["account_name"] = "Operating account" },
		remove: func(t *testing.T, env *acctest.Env, a map[string]string) {
			must(t, env.Sandbox.DeleteSourceAccount(a["company_id"], a["connection_id"], a["account_id"]))
		},
	},
	{
		typeName: "codat_bank_feed_account_mapping",
		setup: func(t *testing.T, env *acctest.Env) map[string]any {
			companyID := env.CreateCompany(t, "Identity Ltd")
			connectionID := env.CreateConnection(t, companyID)
			must(t, env.Sandbox.AuthorizeConnection(companyID, connectionID))
			env.Call(t, http.MethodPost, "/companies/"+companyID+"/connections/"+connectionID+
				"/connectionInfo/bankFeedAccounts", map[string]any{
				"id": "acc-1", "accountName": "Operating", "accountType": "checking", "accountNumber": "12345678",
				"currency": "USD", "balance": 100,
			}, nil)
			return map[string]any{"company_id": companyID, "connection_id": connectionID, "source_account_id": "acc-1"}
		},
		// A new feed start date maps the account again, in place.
		update: func(c map[string]any) { c["feed_start_date"] = time.Now().AddDate(0, 0, -7).Format(time.DateOnly) },
		remove: func(t *testing.T, env *acctest.Env, a map[string]string) {
			must(t, env.Sandbox.DeleteSourceAccount(a["company_id"], a["connection_id"], a["source_account_id"]))
		},
	},
	{
		typeName: "codat_xero_integration",
		setup: func(t *testing.T, env *acctest.Env) map[string]any {
			const clientID, secret = "C0FFEE0000000000000000000000A1B2", "identity-secret"
			env.Sandbox.RegisterXeroApp(clientID, secret)
			return map[string]any{"client_id": clientID, "client_secret": secret}
		},
		update: func(c map[string]any) { c["access"] = "one-off" },
	},
	{
		typeName: "codat_webhook_consumer",
		setup: func(*testing.T, *acctest.Env) map[string]any {
			return map[string]any{"url": "https://example.com/codat", "event_types": []string{"connection.connected"}}
		},
		// Every change replaces a webhook consumer: no update.
		remove: func(t *testing.T, env *acctest.Env, a map[string]string) {
			must(t, env.Sandbox.DeleteWebhookConsumer(a["id"]))
		},
	},
}

// Each resource records its identity on create, read, update and import (by import ID and by identity), the same
// identity every time, whether or not Terraform sends one (Terraform before 1.12 does not); an object deleted outside
// Terraform is removed from the state without an error in either case.
func TestProtocolIdentity_lifecycle(t *testing.T) {
	t.Parallel()
	resources, _ := typeNames(t)
	for _, typeName := range resources {
		if !slices.ContainsFunc(identityCases, func(c identityCase) bool { return c.typeName == typeName }) {
			t.Errorf("%s has no entry in identityCases: its identity lifecycle is not tested", typeName)
		}
	}
	for _, c := range identityCases {
		t.Run(c.typeName, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			p := newProtoServer(t, env)
			config := c.setup(t, env)

			created := p.apply(c.typeName, object{}, config)
			attrs := created.attrs(t)
			want := map[string]string{}
			var idParts []string
			for _, a := range identityAttrs[c.typeName] {
				if attrs[a.name] == "" {
					t.Fatalf("created %s has no %s: %v", c.typeName, a.name, attrs)
				}
				want[a.name] = attrs[a.name]
				idParts = append(idParts, attrs[a.name])
			}
			p.expectIdentity("create", c.typeName, created.identity, want)

			p.expectIdentity("read with the identity", c.typeName, p.read(c.typeName, created.state, created.identity, nil).identity, want)
			p.expectIdentity("read without identity", c.typeName, p.read(c.typeName, created.state, nil, nil).identity, want)

			current := created
			if c.update != nil {
				updated := maps.Clone(config)
				c.update(updated)
				current = p.apply(c.typeName, created, updated)
				if maps.Equal(current.attrs(t), attrs) {
					t.Errorf("the update changed nothing in the state: %v", attrs)
				}
				p.expectIdentity("update", c.typeName, current.identity, want)
			}

			imported, private, diags := p.importResource(c.typeName, "", p.identity(c.typeName, want))
			if hasError(diags) {
				t.Fatalf("import by identity: %s", diagText(diags))
			}
			p.expectIdentity("import by identity", c.typeName, imported.identity, want)
			afterImport := p.read(c.typeName, imported.state, imported.identity, private)
			p.expectIdentity("read after import by identity", c.typeName, afterImport.identity, want)
			for name, v := range current.attrs(t) {
				if got := afterImport.attrs(t)[name]; got != v && !importDiffers[c.typeName+"."+name] {
					t.Errorf("after import by identity %s = %q, want %q", name, got, v)
				}
			}

			byID, _, diags := p.importResource(c.typeName, strings.Join(idParts, "/"), nil)
			if hasError(diags) {
				t.Fatalf("import by ID: %s", diagText(diags))
			}
			p.expectIdentity("import by ID", c.typeName, byID.identity, want)

			if c.remove == nil {
				return
			}
			c.remove(t, env, attrs)
			// A new plan is a new provider process, which has read nothing yet.
			p = newProtoServer(t, env)
			for _, sent := range []*tfprotov6.ResourceIdentityData{current.identity, nil} {
				gone := p.read(c.typeName, current.state, sent, nil)
				if !gone.state.IsNull() {
					t.Errorf("read of a %s deleted outside Terraform (identity sent: %v) kept it: %v", c.typeName, sent != nil, gone.attrs(t))
				}
			}
		})
	}
}

// importDiffers are the attributes an import cannot read back: settings of the provider, and secrets Codat masks.
var importDiffers = map[string]bool{
	"codat_xero_integration.client_id":     true,
	"codat_xero_integration.client_secret": true,
}

func (p *protoServer) expectIdentity(when, typeName string, got *tfprotov6.ResourceIdentityData, want map[string]string) {
	p.t.Helper()
	if have := p.identityOf(typeName, got); !maps.Equal(have, want) {
		p.t.Errorf("%s: identity after %s is %v, want %v", typeName, when, have, want)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// An identity that cannot name exactly one object is refused before any request, naming the attribute and what is
// wrong with it, as a malformed import ID is; the singleton's identity may be left empty.
func TestProtocolIdentity_importRefusesBadValues(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	p := newProtoServer(t, env)
	kinds := map[string]string{"company_id": acctest.CodatIssued, "connection_id": acctest.CodatIssued, "account_id": acctest.YourOwn, "source_account_id": acctest.YourOwn}
	good := map[string]string{"company_id": acctest.TestCompanyID, "connection_id": acctest.TestConnectionID, "account_id": "acc-1", "source_account_id": "acc-1"}
	cases := 0
	for typeName, attrs := range identityAttrs {
		if typeName == "codat_xero_integration" {
			continue
		}
		for _, bad := range attrs {
			kind := kinds[bad.name]
			if bad.name == "id" {
				kind = acctest.CodatIssued
			}
			for _, b := range acctest.BadIDs {
				if !slices.Contains(b.Kinds, kind) {
					continue
				}
				identity := map[string]string{}
				for _, a := range attrs {
					identity[a.name] = good[a.name]
					if a.name == "id" {
						identity[a.name] = acctest.TestConnectionID
					}
				}
				identity[bad.name] = b.Value
				_, _, diags := p.importResource(typeName, "", p.identity(typeName, identity))
				want := "Identity attribute " + bad.name + " " + b.Want
				if !slices.ContainsFunc(diags, func(d *tfprotov6.Diagnostic) bool {
					return d.Severity == tfprotov6.DiagnosticSeverityError && d.Summary == "Invalid import identity" &&
						strings.HasPrefix(d.Detail, want)
				}) {
					t.Errorf("%s identity %s = %q: want an error %q, got %s", typeName, bad.name, b.Value, want, diagText(diags))
				}
				cases++
			}
		}
	}
	for _, id := range []string{"GBOL", "", "..", "gbol/x", " gbol"} {
		_, _, diags := p.importResource("codat_xero_integration", "", p.identity("codat_xero_integration", map[string]string{"id": id}))
		if !slices.ContainsFunc(diags, func(d *tfprotov6.Diagnostic) bool {
			return d.Summary == "Invalid import identity" && strings.Contains(d.Detail, `Identity attribute id must be "gbol"`)
		}) {
			t.Errorf("xero integration identity id = %q: no error, got %s", id, diagText(diags))
		}
		cases++
	}
	if cases < 60 {
		t.Errorf("only %d bad identities tried", cases)
	}
	if n := env.Sandbox.TotalCalls(); n != 0 {
		t.Errorf("bad identities made %d API calls: %v", n, env.Sandbox.Counts())
	}

	imported, _, diags := p.importResource("codat_xero_integration", "", p.identity("codat_xero_integration", nil))
	if hasError(diags) {
		t.Fatalf("import of the Xero integration by an empty identity: %s", diagText(diags))
	}
	if got := imported.attrs(t)["id"]; got != "gbol" {
		t.Errorf("import by an empty identity gave id %q, want gbol", got)
	}
	p.expectIdentity("import by an empty identity", "codat_xero_integration", imported.identity, map[string]string{"id": "gbol"})
}
