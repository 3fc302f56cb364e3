package provider_test

import (
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
)

// The guide's examples need Terraform 1.12 and 1.14, so they are HCL files that Terraform 1.11 does not read; these
// tests read them instead, as those versions would, and run them at the protocol level.

// listBlock is a list block of a query file.
type listBlock struct {
	typeName, name  string
	config          map[string]any
	limit           int64
	includeResource bool
}

// parseHCL reads an example and fails the test unless it is formatted as terraform fmt formats it.
func parseHCL(t *testing.T, path string) *hcl.File {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if formatted := hclwrite.Format(src); !bytes.Equal(formatted, src) {
		t.Errorf("%s is not formatted; formatted it reads:\n%s", path, formatted)
	}
	f, diags := hclparse.NewParser().ParseHCL(src, path)
	if diags.HasErrors() {
		t.Fatalf("%s: %s", path, diags)
	}
	return f
}

// literal evaluates an expression of an example, which holds only literals.
func literal(t *testing.T, expr hcl.Expression) cty.Value {
	t.Helper()
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		t.Fatalf("%s: %s", expr.Range(), diags)
	}
	return v
}

// goValue converts a literal of a list block's configuration for protoServer.value.
func goValue(t *testing.T, v cty.Value) any {
	t.Helper()
	switch {
	case v.Type() == cty.String:
		return v.AsString()
	case v.Type().IsObjectType() || v.Type().IsMapType():
		m := map[string]string{}
		for k, e := range v.AsValueMap() {
			m[k] = e.AsString()
		}
		return m
	}
	t.Fatalf("unsupported literal %s", v.Type().FriendlyName())
	return nil
}

func parseListBlocks(t *testing.T, path string) []listBlock {
	t.Helper()
	content, diags := parseHCL(t, path).Body.Content(&hcl.BodySchema{
		Blocks: []hcl.BlockHeaderSchema{{Type: "list", LabelNames: []string{"type", "name"}}},
	})
	if diags.HasErrors() {
		t.Fatalf("%s: %s", path, diags)
	}
	var blocks []listBlock
	for _, b := range content.Blocks {
		body, diags := b.Body.Content(&hcl.BodySchema{
			Attributes: []hcl.AttributeSchema{{Name: "provider", Required: true}, {Name: "limit"}, {Name: "include_resource"}},
			Blocks:     []hcl.BlockHeaderSchema{{Type: "config"}},
		})
		if diags.HasErrors() {
			t.Fatalf("%s: %s", path, diags)
		}
		l := listBlock{typeName: b.Labels[0], name: b.Labels[1], config: map[string]any{}, limit: 100}
		if a, ok := body.Attributes["limit"]; ok {
			n, _ := literal(t, a.Expr).AsBigFloat().Int64()
			l.limit = n
		}
		if a, ok := body.Attributes["include_resource"]; ok {
			l.includeResource = literal(t, a.Expr).True()
		}
		for _, c := range body.Blocks {
			attrs, diags := c.Body.JustAttributes()
			if diags.HasErrors() {
				t.Fatalf("%s: %s", path, diags)
			}
			for name, a := range attrs {
				l.config[name] = goValue(t, literal(t, a.Expr))
			}
		}
		blocks = append(blocks, l)
	}
	return blocks
}

// The query files of the guide are valid list blocks, and the one that adopts everything finds every company,
// every Xero connection and every source account.
func TestProtocolList_guideQueries(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, bigQuota)
	companies := createCompanies(t, env, 4, "Customer", map[string]string{"team": "lending"})
	var connections, accounts []string
	for i, c := range companies {
		conn := env.CreateConnection(t, c)
		connections = append(connections, conn)
		for j := range i {
			id := fmt.Sprintf("acc-%d-%d", i, j)
			env.Call(t, http.MethodPost, "/companies/"+c+"/connections/"+conn+"/connectionInfo/bankFeedAccounts",
				map[string]any{"id": id, "accountName": "Account " + id, "accountType": "savings", "accountNumber": "99" + id,
					"currency": "EUR", "balance": 1}, nil)
			accounts = append(accounts, id)
		}
	}
	// Not Xero: the adopting query leaves it out.
	env.Call(t, http.MethodPost, "/companies/"+companies[0]+"/connections", map[string]string{"platformKey": "qhyg"}, nil)
	p := newProtoServer(t, env)

	files, err := filepath.Glob("../../examples/query/*.tfquery.hcl")
	if err != nil || len(files) < 2 {
		t.Fatalf("query examples: %v %v", files, err)
	}
	for _, path := range files {
		found := map[string][]string{}
		for _, b := range parseListBlocks(t, path) {
			if diags := p.validateList(b.typeName, b.config); len(diags) != 0 {
				t.Errorf("%s: list %q %q: %s", path, b.typeName, b.name, diagText(diags))
			}
			// Ids in an example are placeholders for the reader's own.
			if _, ok := b.config["company_id"]; ok {
				continue
			}
			results, diags := p.list(b.typeName, b.config, b.includeResource, b.limit)
			if len(diags) != 0 || len(results) == 0 {
				t.Errorf("%s: list %q %q found %d objects: %s", path, b.typeName, b.name, len(results), diagText(diags))
			}
			attr := map[string]string{"codat_company": "id", "codat_connection": "id", "codat_bank_feed_account": "account_id"}[b.typeName]
			found[b.typeName] = append(found[b.typeName], identityValues(results, attr)...)
		}
		if filepath.Base(path) != "adopt.tfquery.hcl" {
			continue
		}
		for typeName, want := range map[string][]string{
			"codat_company": companies, "codat_connection": connections, "codat_bank_feed_account": accounts,
		} {
			if got := found[typeName]; !slices.Equal(got, slices.Sorted(slices.Values(want))) {
				t.Errorf("%s found %s %v, want %v", path, typeName, got, want)
			}
		}
	}
}

// The guide's import blocks give every required identity attribute of their resource, and nothing else, with
// values the provider accepts.
func TestProtocolIdentity_guideImports(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	p := newProtoServer(t, env)
	const path = "../../examples/identity/import-by-identity.hcl"
	content, diags := parseHCL(t, path).Body.Content(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "import"}}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	imported := map[string]bool{}
	for _, b := range content.Blocks {
		attrs, diags := b.Body.JustAttributes()
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		to, diags := hcl.AbsTraversalForExpr(attrs["to"].Expr)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		typeName := to.RootName()
		identity := map[string]string{}
		for k, v := range literal(t, attrs["identity"].Expr).AsValueMap() {
			identity[k] = v.AsString()
		}
		var want []string
		for _, a := range identityAttrs[typeName] {
			if !a.optional {
				want = append(want, a.name)
			}
		}
		if got := slices.Sorted(maps.Keys(identity)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
			t.Errorf("%s: identity of %s gives %v, want %v", path, typeName, got, want)
		}
		object, _, importDiags := p.importResource(typeName, "", p.identity(typeName, identity))
		if hasError(importDiags) {
			t.Errorf("%s: import of %s: %s", path, typeName, diagText(importDiags))
			continue
		}
		if got := p.identityOf(typeName, object.identity); len(got) == 0 {
			t.Errorf("%s: import of %s recorded no identity", path, typeName)
		}
		imported[typeName] = true
	}
	for typeName := range identityAttrs {
		if !imported[typeName] {
			t.Errorf("%s has no import block for %s", path, typeName)
		}
	}
	if n := env.Sandbox.TotalCalls(); n != 0 {
		t.Errorf("imports made %d API calls", n)
	}
}

// The guide's tables give each resource's identity attributes and each list resource's filters as the provider
// has them.
func TestGuide_identityAndListTables(t *testing.T) {
	page, err := os.ReadFile("../../docs/guides/terraform-query-and-resource-identity.md")
	if err != nil {
		t.Fatal(err)
	}
	guide := string(page)
	for typeName, attrs := range identityAttrs {
		var names []string
		for _, a := range attrs {
			names = append(names, "`"+a.name+"`")
		}
		row := regexp.MustCompile(`(?m)^\| ` + "`" + typeName + "`" + ` \| ([^|]*) \|`).FindStringSubmatch(guide)
		if row == nil || !strings.HasPrefix(row[1], strings.Join(names, ", ")) {
			t.Errorf("the guide's identity row of %s is %q, want the attributes %s", typeName, row, strings.Join(names, ", "))
		}
	}
	p := newProtoServer(t, acctest.New(t))
	for typeName, schema := range p.schemas.ListResourceSchemas {
		heading := "### `list \"" + typeName + "\"`"
		start := strings.Index(guide, heading)
		if start < 0 {
			t.Errorf("the guide has no section %s", heading)
			continue
		}
		section := guide[start+len(heading):]
		if end := strings.Index(section, "\n#"); end >= 0 {
			section = section[:end]
		}
		var filters []string
		for _, row := range regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\|").FindAllStringSubmatch(section, -1) {
			filters = append(filters, row[1])
		}
		var want []string
		for _, a := range schema.Block.Attributes {
			want = append(want, a.Name)
		}
		if slices.Sort(filters); !slices.Equal(filters, slices.Sorted(slices.Values(want))) {
			t.Errorf("the guide's filters of %s are %v, want %v", typeName, filters, want)
		}
	}
}
