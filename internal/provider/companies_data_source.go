package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

type companiesDataSource struct{ dataSourceBase }

type companiesDataSourceModel struct {
	Tags      types.Map            `tfsdk:"tags"`
	Name      types.String         `tfsdk:"name"`
	Query     types.String         `tfsdk:"query"`
	Companies []listedCompanyModel `tfsdk:"companies"`
}

type listedCompanyModel struct {
	ID          types.String            `tfsdk:"id"`
	Name        types.String            `tfsdk:"name"`
	Description types.String            `tfsdk:"description"`
	Tags        types.Map               `tfsdk:"tags"`
	Created     types.String            `tfsdk:"created"`
	Connections []listedConnectionModel `tfsdk:"connections"`
}

type listedConnectionModel struct {
	ID          types.String `tfsdk:"id"`
	PlatformKey types.String `tfsdk:"platform_key"`
	Status      types.String `tfsdk:"status"`
	LinkURL     types.String `tfsdk:"link_url"`
}

// maxQueryLength: "The total length of your query should be under 2048 characters" (codat-docs
// docs/using-the-api/querying.md).
const maxQueryLength = 2048

func (d *companiesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds Codat companies by tags, name or query, with their connections, for example to " +
			"adopt customers onboarded before Terraform with `import` blocks.\n\nReads `GET /companies` with the largest page Codat allows (it asks for 5,000 and follows " +
			"the page size Codat serves, at most 2,000), every page, so a read costs one call per 2,000 companies " +
			"that Codat's filter keeps. Each company's connections come from the same list (`dataConnections`): no " +
			"call per company. When Codat leaves a connection's platform key out, it is found from its integration " +
			"id with at most two integration calls per read.\n\nWithout `tags`, `name` or `query` every company is " +
			"listed. Filters combine: a company is listed when it matches all of them.",
		Attributes: map[string]schema.Attribute{
			"tags": schema.MapAttribute{
				MarkdownDescription: fmt.Sprintf("Companies that have all of these tags, with exactly these values "+
					"(case-sensitive). Sent as Codat's `tags` filter (`key=value` joined by `&&`); a key or value "+
					"outside letters, digits and `-_.@:/+` cannot be written in that filter safely and is matched by "+
					"the provider after reading instead. Keys are 1 to %d characters and values at most %d, as on "+
					"companies: other filters could match nothing.", maxTagKeyLength, maxTagValueLength),
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Map{
					mapvalidator.SizeAtMost(maxCompanyTags),
					mapvalidator.KeysAre(stringvalidator.UTF8LengthBetween(1, maxTagKeyLength),
						stringvalidator.RegexMatches(noLineBreakPattern, "must not contain a line break")),
					mapvalidator.ValueStringsAre(stringvalidator.UTF8LengthAtMost(maxTagValueLength)),
				},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Companies with exactly this name (case-sensitive). Codat's query language " +
					"\"will not work on … listing companies\" (docs/using-the-api/querying.md), so the provider " +
					"compares names itself after reading: combine `name` with `tags` to read fewer companies.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"query": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("A query in Codat's query language, passed as the `query` parameter "+
					"of `GET /companies`, e.g. `name~Bakery && created>2025-01-01`: conditions `property operator "+
					"value` with the operators `=`, `!=`, `~` (contains), `>`, `<`, `>=`, `<=`, joined by `&&` and `||` "+
					"and grouped with `{` `}`, under %d characters. Its form is checked at plan time; a property Codat "+
					"does not know fails the read with Codat's message. Codat's querying page says the language does "+
					"not work on listing companies while its API description accepts it: prefer `tags` and `name`.",
					maxQueryLength),
				Optional:   true,
				Validators: []validator.String{codatQuery()},
			},
			"companies": schema.ListNestedAttribute{
				MarkdownDescription: "The companies found, ordered by `created` (those created in the same second as Codat lists them).",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":          computedString("Codat's id of the company."),
						"name":        computedString("Name of the company."),
						"description": computedString("Description of the company; null when it has none."),
						"tags": schema.MapAttribute{
							MarkdownDescription: "Tags of the company; an empty map when it has none.",
							ElementType:         types.StringType,
							Computed:            true,
						},
						"created": computedString("When the company was created (as Codat gives it, RFC 3339)."),
						"connections": schema.ListNestedAttribute{
							MarkdownDescription: "The company's connections, as Codat lists them.",
							Computed:            true,
							NestedObject: schema.NestedAttributeObject{
								Attributes: map[string]schema.Attribute{
									"id":           computedString("Codat's id of the connection."),
									"platform_key": computedString("Platform key of the connection, such as `gbol` (Xero)."),
									"status":       computedString("Status: `PendingAuth`, `Linked`, `Unlinked` or `Deauthorized`."),
									"link_url":     computedString("URL where the SMB user authorises the connection."),
								},
							},
						},
					},
				},
			},
		},
	}
}

func (d *companiesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	readDataSource(ctx, req, resp, func(model *companiesDataSourceModel) bool {
		tags := stringMap(ctx, model.Tags, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return false
		}
		opts := codat.ListOptions{Query: model.Query.ValueString(), Tags: tagsFilter(tags)}
		companies, err := d.data.listCompanies(ctx, opts)
		if err != nil {
			switch {
			case codat.IsBadRequest(err) && opts.Query != "":
				addAPIAttributeError(&resp.Diagnostics, path.Root("query"), "Codat refused the query", err)
			case codat.IsBadRequest(err) && opts.Tags != "":
				addAPIAttributeError(&resp.Diagnostics, path.Root("tags"), "Codat refused the tags filter "+opts.Tags, err)
			default:
				addAPIError(&resp.Diagnostics, "Unable to list Codat companies", err)
			}
			return false
		}

		var kept []codat.Company
		for _, c := range companies {
			if hasTags(c.Tags, tags) && (model.Name.IsNull() || c.Name == model.Name.ValueString()) {
				kept = append(kept, c)
			}
		}
		// Codat's created has whole seconds: companies of the same second keep the order Codat lists them in.
		slices.SortStableFunc(kept, func(a, b codat.Company) int { return compareCreated(a.Created, b.Created) })

		model.Companies = make([]listedCompanyModel, 0, len(kept))
		for _, c := range kept {
			listed := listedCompanyModel{
				ID:          types.StringValue(c.ID),
				Name:        types.StringValue(c.Name),
				Description: optionalString(types.StringNull(), c.Description),
				Tags:        companyTags(ctx, c.Tags, &resp.Diagnostics),
				Created:     types.StringValue(c.Created),
				Connections: make([]listedConnectionModel, 0, len(c.DataConnections)),
			}
			for i := range c.DataConnections {
				conn := &c.DataConnections[i]
				key, err := d.data.platformKeyOf(ctx, conn, xeroPlatformKey)
				if err != nil {
					addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to find the platform of connection %s of Codat company %s", conn.ID, c.ID), err)
					return false
				}
				listed.Connections = append(listed.Connections, listedConnectionModel{
					ID:          types.StringValue(conn.ID),
					PlatformKey: types.StringValue(key),
					Status:      types.StringValue(conn.Status),
					LinkURL:     types.StringValue(conn.LinkURL),
				})
			}
			model.Companies = append(model.Companies, listed)
		}
		return true
	})
}

// compareCreated orders two of Codat's DateTime values by time, those it cannot read last.
func compareCreated(a, b string) int {
	ta, errA := time.Parse(time.RFC3339Nano, a)
	tb, errB := time.Parse(time.RFC3339Nano, b)
	switch {
	case errA == nil && errB == nil:
		return ta.Compare(tb)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// queryProperty is a property of Codat's query language: a name, with sub-properties after dots.
var queryProperty = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

// queryOperators are the comparison operators of Codat's query language, longest first so that ">=" is not
// read as ">".
var queryOperators = []string{"!=", ">=", "<=", "=", ">", "<", "~"}

// codatQuery checks the form of a query in Codat's query language (docs/using-the-api/querying.md).
func codatQuery() validator.String {
	return stringCheck{description: "a query in Codat's query language", check: checkCodatQuery}
}

func checkCodatQuery(q string) string {
	if strings.TrimSpace(q) == "" {
		return "must not be blank: leave query out to list every company"
	}
	if n := utf8.RuneCountInString(q); n >= maxQueryLength {
		return fmt.Sprintf("must be under %d characters (Codat's limit); it has %d", maxQueryLength, n)
	}
	depth := 0
	for _, r := range q {
		switch r {
		case '{':
			depth++
		case '}':
			depth--
		}
		if depth < 0 {
			return "has a } without its {"
		}
	}
	if depth != 0 {
		return "has a { without its }"
	}
	flat := strings.NewReplacer("{", " ", "}", " ", "||", "&&").Replace(q)
	for i, condition := range strings.Split(flat, "&&") {
		condition = strings.TrimSpace(condition)
		if condition == "" {
			return fmt.Sprintf("has an empty condition (number %d): && and || join two conditions", i+1)
		}
		at, op := -1, ""
		for _, candidate := range queryOperators {
			if j := strings.Index(condition, candidate); j >= 0 && (at < 0 || j < at || j == at && len(candidate) > len(op)) {
				at, op = j, candidate
			}
		}
		if at < 0 {
			return fmt.Sprintf("condition %q has no operator: write property operator value, such as name=Acme", condition)
		}
		property, value := strings.TrimSpace(condition[:at]), strings.TrimSpace(condition[at+len(op):])
		if !queryProperty.MatchString(property) {
			return fmt.Sprintf("condition %q does not start with a property name such as status or dataConnections.status", condition)
		}
		if value == "" {
			return fmt.Sprintf("condition %q has no value (Codat cannot query for null)", condition)
		}
	}
	return ""
}
