package contract

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// equalJSON compares got with the JSON text want, ignoring key order.
func equalJSON(t *testing.T, got any, want string) {
	t.Helper()
	g, _ := json.Marshal(got)
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	wb, _ := json.Marshal(w)
	if string(g) != string(wb) {
		t.Errorf("got  %s\nwant %s", g, wb)
	}
}

func TestHoistDefinitions(t *testing.T) {
	doc := decode(t, `{"components":{"schemas":{
		"Company":{"properties":{"details":{"$ref":"#/components/schemas/Company/definitions/details"},
			"definitions":{"type":"string"}},
			"definitions":{"details":{"properties":{"name":{"type":"string"}}}}},
		"Page":{"allOf":[{"definitions":{"link":{"type":"string"}}}]},
		"Other":{"properties":{
			"name":{"$ref":"#/components/schemas/Company/definitions/details/properties/name"},
			"link":{"$ref":"#/components/schemas/Page/allOf/0/definitions/link"},
			"near":{"$ref":"#/components/schemas/Company/definitions/detailsX"}},
			"example":{"definitions":{"kept":"as data"}}}}}}`)
	if err := hoistDefinitions(doc); err != nil {
		t.Fatal(err)
	}
	equalJSON(t, doc, `{"components":{"schemas":{
		"Company":{"properties":{"details":{"$ref":"#/components/schemas/Company_definitions_details"},
			"definitions":{"type":"string"}}},
		"Company_definitions_details":{"properties":{"name":{"type":"string"}}},
		"Page":{"allOf":[{}]},
		"Page_allOf_0_definitions_link":{"type":"string"},
		"Other":{"properties":{
			"name":{"$ref":"#/components/schemas/Company_definitions_details/properties/name"},
			"link":{"$ref":"#/components/schemas/Page_allOf_0_definitions_link"},
			"near":{"$ref":"#/components/schemas/Company/definitions/detailsX"}},
			"example":{"definitions":{"kept":"as data"}}}}}}`)
}

func TestHoistDefinitionsNameClash(t *testing.T) {
	doc := decode(t, `{"components":{"schemas":{
		"A":{"definitions":{"b":{"type":"string"}}},
		"A_definitions_b":{"type":"integer"}}}}`)
	if err := hoistDefinitions(doc); err == nil || !strings.Contains(err.Error(), "A_definitions_b") {
		t.Errorf("err = %v, want a clash on A_definitions_b", err)
	}
}

func TestRewriteNullable(t *testing.T) {
	doc := decode(t, `{"components":{"schemas":{"S":{"type":"object","properties":{
		"text":{"type":"string","nullable":true},
		"status":{"type":"string","nullable":true,"enum":["a","b"]},
		"union":{"type":["string","integer"],"nullable":true},
		"ref":{"$ref":"#/components/schemas/T","nullable":true,"description":"d","readOnly":true},
		"kept":{"type":"string","nullable":false},
		"nullable":{"type":"boolean"}},
		"example":{"nullable":true}}}}}`)
	if err := rewriteNullable(doc); err != nil {
		t.Fatal(err)
	}
	equalJSON(t, doc, `{"components":{"schemas":{"S":{"type":"object","properties":{
		"text":{"type":["string","null"]},
		"status":{"type":["string","null"],"enum":["a","b",null]},
		"union":{"type":["string","integer","null"]},
		"ref":{"anyOf":[{"$ref":"#/components/schemas/T"},{"type":"null"}],"description":"d","readOnly":true},
		"kept":{"type":"string"},
		"nullable":{"type":"boolean"}},
		"example":{"nullable":true}}}}}`)
}

func TestFixRequiredCase(t *testing.T) {
	doc := decode(t, `{"components":{"schemas":{
		"F":{"properties":{"dataType":{},"supportedFeatures":{}},"required":["datatype","supportedFeatures","missing"]},
		"G":{"properties":{"aB":{},"Ab":{}},"required":["ab"]}}}}`)
	if err := fixRequiredCase(doc); err != nil {
		t.Fatal(err)
	}
	// "missing" names no property in any case and "ab" is ambiguous: both stay as written.
	equalJSON(t, doc, `{"components":{"schemas":{
		"F":{"properties":{"dataType":{},"supportedFeatures":{}},"required":["dataType","supportedFeatures","missing"]},
		"G":{"properties":{"aB":{},"Ab":{}},"required":["ab"]}}}}`)
}

func TestDropNoContentRefs(t *testing.T) {
	doc := decode(t, `{"paths":{"/apiKeys/{id}":{"delete":{"responses":{
		"204":{"description":"No Content","$ref":"#/components/responses/Too-Many-Requests"},
		"404":{"$ref":"#/components/responses/Not-Found"}}}}}}`)
	if err := dropNoContentRefs(doc); err != nil {
		t.Fatal(err)
	}
	equalJSON(t, doc, `{"paths":{"/apiKeys/{id}":{"delete":{"responses":{
		"204":{"description":"No Content"},
		"404":{"$ref":"#/components/responses/Not-Found"}}}}}}`)
}

func TestKeepSourceAccountV2(t *testing.T) {
	const schemas = `"SourceAccountV2":{"properties":{"accountType":{"enum":["checking","loan"]},"routingInfo":{}}},
		"SourceAccount":{"properties":{"accountType":{"type":"string"}}},
		"SourceAccount_definitions_sourceAccounts":{"type":"array","items":{"$ref":"#/components/schemas/SourceAccount"}},
		"Other":{"oneOf":[{"$ref":"#/components/schemas/SourceAccount"},{"type":"null"}]}`
	doc := decode(t, `{"paths":{"/a":{"post":{"requestBody":{"content":{"application/json":{"schema":{"oneOf":[
		{"$ref":"#/components/schemas/SourceAccountV2_definitions_sourceAccountV2Prototype"},
		{"$ref":"#/components/schemas/SourceAccount_definitions_sourceAccountPrototype"}]}}}},
		"responses":{"200":{"content":{"application/json":{"schema":{"oneOf":[
		{"$ref":"#/components/schemas/SourceAccountV2_definitions_sourceAccounts"},
		{"$ref":"#/components/schemas/SourceAccount_definitions_sourceAccounts"}]}}}},
		"207":{"content":{"application/json":{"schema":{"items":{"oneOf":[
		{"$ref":"#/components/schemas/SourceAccountV2BatchCreateResponse"},
		{"$ref":"#/components/schemas/SourceAccountBatchCreateResponse"},
		{"$ref":"#/components/schemas/SourceAccountBatchErrorResponse"}]}}}}}}}},
		"/b":{"post":{"requestBody":{"content":{"application/json":{"schema":{"oneOf":[
		{"type":"array","items":{"$ref":"#/components/schemas/SourceAccountV2_definitions_sourceAccountV2Prototype"}},
		{"type":"array","items":{"$ref":"#/components/schemas/SourceAccount_definitions_sourceAccountPrototype"}}]}}}}}}},
		"components":{"schemas":{`+schemas+`}}}`)
	if err := keepSourceAccountV2(doc); err != nil {
		t.Fatal(err)
	}
	// The v1 branch excludes v2 bodies (a list or a batch must hold a v1 item); the v1 batch answer
	// must hold a v1 account; a oneOf without a v2 branch is left alone.
	const notV2 = `{"properties":{"accountType":{"not":{"enum":["checking","loan"]}}},"not":{"anyOf":[{"required":["routingInfo"]}]}}`
	equalJSON(t, doc, `{"paths":{"/a":{"post":{"requestBody":{"content":{"application/json":{"schema":{"oneOf":[
		{"$ref":"#/components/schemas/SourceAccountV2_definitions_sourceAccountV2Prototype"},
		{"allOf":[{"$ref":"#/components/schemas/SourceAccount_definitions_sourceAccountPrototype"},`+notV2+`]}]}}}},
		"responses":{"200":{"content":{"application/json":{"schema":{"oneOf":[
		{"$ref":"#/components/schemas/SourceAccountV2_definitions_sourceAccounts"},
		{"allOf":[{"$ref":"#/components/schemas/SourceAccount_definitions_sourceAccounts"},
		{"type":"array","not":{"items":{"not":`+notV2+`}}}]}]}}}},
		"207":{"content":{"application/json":{"schema":{"items":{"oneOf":[
		{"$ref":"#/components/schemas/SourceAccountV2BatchCreateResponse"},
		{"allOf":[{"$ref":"#/components/schemas/SourceAccountBatchCreateResponse"},
		{"properties":{"result":{"properties":{"account":`+notV2+`}}}}]},
		{"$ref":"#/components/schemas/SourceAccountBatchErrorResponse"}]}}}}}}}},
		"/b":{"post":{"requestBody":{"content":{"application/json":{"schema":{"oneOf":[
		{"type":"array","items":{"$ref":"#/components/schemas/SourceAccountV2_definitions_sourceAccountV2Prototype"}},
		{"allOf":[{"type":"array","items":{"$ref":"#/components/schemas/SourceAccount_definitions_sourceAccountPrototype"}},
		{"type":"array","not":{"items":{"not":`+notV2+`}}}]}]}}}}}}},
		"components":{"schemas":{`+schemas+`}}}`)

	// Without an enum of v2 types the versions cannot be told apart.
	broken := decode(t, `{"components":{"schemas":{"SourceAccountV2":{"properties":{}},"SourceAccount":{"properties":{}}}}}`)
	if err := keepSourceAccountV2(broken); err == nil {
		t.Error("no error for a SourceAccountV2 without an accountType enum")
	}
}

// pathsRefDoc is a small OpenAPI 3.1 document whose response schema refers into #/paths, as the
// codatio/oas copy of Codat-Platform.json does for the company id, and uses a JSON Schema
// 2020-12 keyword (propertyNames, as Codat's company tags do).
const pathsRefDoc = `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{
	"/companies/{companyId}":{"get":{"parameters":[{"name":"companyId","in":"path","required":true,
		"schema":{"type":"string","format":"uuid"}}],
	"responses":{"200":{"description":"ok","content":{"application/json":{"schema":
		{"$ref":"#/components/schemas/Company"}}}}}}}},
	"components":{"schemas":{"Company":{"type":"object","required":["id"],"properties":{"id":
		{"$ref":"#/paths/~1companies~1%7BcompanyId%7D/get/parameters/0/schema"},
		"tags":{"type":"object","propertyNames":{"pattern":"^.{1,27}$"}}}}}}}`

func TestHoistSchemaRefs(t *testing.T) {
	doc := decode(t, pathsRefDoc)
	if err := hoistSchemaRefs(doc); err != nil {
		t.Fatal(err)
	}
	schemas := componentSchemas(doc)
	equalJSON(t, schemas, `{
		"Company":{"type":"object","required":["id"],"properties":{"id":
			{"$ref":"#/components/schemas/paths__companies__companyId__get_parameters_0_schema"},
			"tags":{"type":"object","propertyNames":{"pattern":"^.{1,27}$"}}}},
		"paths__companies__companyId__get_parameters_0_schema":{"type":"string","format":"uuid"}}`)
	equalJSON(t, lookup(doc, []string{"paths", "/companies/{companyId}", "get", "parameters", "0", "schema"}),
		`{"$ref":"#/components/schemas/paths__companies__companyId__get_parameters_0_schema"}`)
}

// TestHoistSchemaRefsNeeded validates a company with kin-openapi's JSON Schema 2020-12 validator,
// as openapi3filter does for OpenAPI 3.1 documents: the ref into #/paths defeats it until hoisted.
func TestHoistSchemaRefsNeeded(t *testing.T) {
	company := func(t *testing.T, patch bool) *openapi3.Schema {
		t.Helper()
		tree := decode(t, pathsRefDoc)
		if patch {
			if err := hoistSchemaRefs(tree); err != nil {
				t.Fatal(err)
			}
		}
		raw, _ := json.Marshal(tree)
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(raw)
		if err != nil {
			t.Fatal(err)
		}
		if err := doc.Validate(context.Background()); err != nil {
			t.Fatal(err)
		}
		return doc.Components.Schemas["Company"].Value
	}
	opts := []openapi3.SchemaValidationOption{openapi3.EnableJSONSchema2020(),
		openapi3.WithStringFormatValidators(stringFormats())}
	good := map[string]any{"id": companyID}
	bad := map[string]any{"id": "company-1"}

	if err := company(t, false).VisitJSON(good, opts...); err == nil || !strings.Contains(err.Error(), "json-pointer") {
		t.Errorf("unpatched: %v, want a json-pointer failure", err)
	}
	patched := company(t, true)
	if err := patched.VisitJSON(good, opts...); err != nil {
		t.Errorf("patched, a uuid id: %v", err)
	}
	if err := patched.VisitJSON(bad, opts...); err == nil || !strings.Contains(err.Error(), "uuid") {
		t.Errorf("patched, a non-uuid id: %v, want a uuid failure", err)
	}
}

func TestPatchedFilesHaveNoQuirksLeft(t *testing.T) {
	dir := specDir(t)
	for _, name := range specFiles {
		t.Run(name, func(t *testing.T) {
			raw, err := readSpec(dir, name)
			if err != nil {
				t.Fatal(err)
			}
			if err := patchDocument(raw); err != nil {
				t.Fatal(err)
			}
			walkObjects(raw, nil, func(obj map[string]any, path []string) bool {
				at := "#/" + strings.Join(path, "/")
				if _, ok := obj["nullable"].(bool); ok && isSchemaObject(path) {
					t.Errorf("%s: nullable left", at)
				}
				if _, ok := obj["definitions"].(map[string]any); ok && isSchemaObject(path) {
					t.Errorf("%s: definitions left", at)
				}
				if ref, ok := obj["$ref"].(string); ok && strings.Contains(ref, "/schema") &&
					!strings.HasPrefix(ref, "#/components/schemas/") {
					t.Errorf("%s: $ref %s outside the component schemas", at, ref)
				}
				return true
			})
		})
	}
}
