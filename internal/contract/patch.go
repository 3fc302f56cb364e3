package contract

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// A patch repairs one quirk of Codat's OpenAPI files in the decoded JSON document, before
// kin-openapi sees it. The files themselves are never changed: they are Codat's, byte for byte.
type patch struct {
	name  string
	apply func(doc map[string]any) error
}

// patches run in this order: the later ones rely on the definitions blocks being hoisted.
var patches = []patch{
	{"hoist-definitions", hoistDefinitions},
	{"schema-refs", hoistSchemaRefs},
	{"nullable", rewriteNullable},
	{"required-case", fixRequiredCase},
	{"no-content-ref", dropNoContentRefs},
	{"source-account-v2", keepSourceAccountV2},
	{"legacy-security", addLegacySecurity},
}

// patchDocument applies every patch except those named in skip.
func patchDocument(doc map[string]any, skip ...string) error {
	for _, p := range patches {
		if slices.Contains(skip, p.name) {
			continue
		}
		if err := p.apply(doc); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
	}
	return nil
}

// valueKeywords hold JSON values (examples, enums, defaults) rather than schemas or OpenAPI
// objects: a key called "nullable" or "$ref" inside them is data and must not be rewritten.
var valueKeywords = map[string]bool{"example": true, "examples": true, "enum": true, "const": true, "default": true}

// nameMaps are keywords whose object maps arbitrary names (property names, component names,
// status codes) to schemas or responses: the map itself is no schema, so a key "definitions" or
// "default" in it is a name.
var nameMaps = map[string]bool{
	"properties": true, "patternProperties": true, "$defs": true, "dependentSchemas": true,
	"schemas": true, "responses": true,
}

// walkObjects calls fn for every JSON object below node in document order (keys sorted) with the
// JSON-pointer tokens leading to it, skipping values of valueKeywords (except where the key is a
// name: a property called "default", the default response). fn returns false to stop the walk,
// and walkObjects reports whether the walk ran to the end.
func walkObjects(node any, path []string, fn func(obj map[string]any, path []string) bool) bool {
	switch n := node.(type) {
	case map[string]any:
		if !fn(n, path) {
			return false
		}
		keys := make([]string, 0, len(n))
		for k := range n {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if valueKeywords[k] && isSchemaObject(path) {
				continue
			}
			if !walkObjects(n[k], append(slices.Clip(path), k), fn) {
				return false
			}
		}
	case []any:
		for i, v := range n {
			if !walkObjects(v, append(slices.Clip(path), fmt.Sprint(i)), fn) {
				return false
			}
		}
	}
	return true
}

// isSchemaObject tells a schema from a name map (such as the properties object, whose
// "definitions" or "nullable" key would be a property name).
func isSchemaObject(path []string) bool {
	return len(path) == 0 || !nameMaps[path[len(path)-1]]
}

func componentSchemas(doc map[string]any) map[string]any {
	components, _ := doc["components"].(map[string]any)
	schemas, _ := components["schemas"].(map[string]any)
	return schemas
}

func pointerToken(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// hoistDefinitions fixes Codat's non-standard "definitions" blocks nested inside component
// schemas (also deeper, e.g. Companies/allOf/1/definitions), which $refs point into:
// "#/components/schemas/Connection/definitions/dataConnectionStatus". "definitions" is no keyword
// of an OpenAPI schema, so kin-openapi rejects every schema holding one ("extra sibling fields:
// [definitions]") and a document that fails validation gives no trustworthy checks. Each entry
// moves to a component schema named after its place (Connection_definitions_dataConnectionStatus,
// Companies_allOf_1_definitions_links) and every $ref into it, including refs to its properties,
// follows.
func hoistDefinitions(doc map[string]any) error {
	schemas := componentSchemas(doc)
	if schemas == nil {
		return nil
	}
	for {
		var owner, defs map[string]any
		var at []string
		walkObjects(schemas, nil, func(obj map[string]any, path []string) bool {
			if d, ok := obj["definitions"].(map[string]any); ok && len(path) > 0 && isSchemaObject(path) {
				owner, defs, at = obj, d, path
				return false
			}
			return true
		})
		if owner == nil {
			return nil
		}
		delete(owner, "definitions")
		tokens := make([]string, len(at))
		for i, p := range at {
			tokens[i] = pointerToken(p)
		}
		oldBase := "#/components/schemas/" + strings.Join(tokens, "/") + "/definitions/"
		renames := make(map[string]string, len(defs))
		for name, schema := range defs {
			newName := strings.Join(at, "_") + "_definitions_" + name
			if _, taken := schemas[newName]; taken {
				return fmt.Errorf("cannot hoist %s%s: component schema %q exists", oldBase, name, newName)
			}
			schemas[newName] = schema
			renames[oldBase+pointerToken(name)] = "#/components/schemas/" + pointerToken(newName)
		}
		rewriteRefs(doc, renames)
	}
}

// hoistSchemaRefs fixes schema $refs that point outside #/components/schemas: Company.id refers
// to "#/components/parameters/companyId/schema" (the codatio/oas copies even refer into
// "#/paths/~1companies~1%7BcompanyId%7D~1syncSettings/..."). kin-openapi's JSON Schema 2020-12
// validator carries only #/components/schemas refs into the schema it compiles, so a schema that
// reaches such a ref and needs that validator (Company does: its tags use propertyNames) fails to
// compile ("json-pointer ... not found") and no body of the operation can be checked. The
// referenced schema moves to a component schema named after its place
// (parameters_companyId_schema), leaving a $ref to it behind, and the refs follow it.
func hoistSchemaRefs(doc map[string]any) error {
	schemas := componentSchemas(doc)
	if schemas == nil {
		return nil
	}
	for {
		var target []string
		walkObjects(doc, nil, func(obj map[string]any, _ []string) bool {
			ref, ok := obj["$ref"].(string)
			if !ok || !strings.HasPrefix(ref, "#/") || strings.HasPrefix(ref, "#/components/schemas/") {
				return true
			}
			tokens, err := pointerTokens(ref)
			if i := slices.Index(tokens, "schema"); err == nil && i >= 0 {
				target = tokens[:i+1]
				return false
			}
			return true
		})
		if target == nil {
			return nil
		}
		parent, ok := lookup(doc, target[:len(target)-1]).(map[string]any)
		if !ok || parent["schema"] == nil {
			return fmt.Errorf("$ref target #/%s not found", strings.Join(target, "/"))
		}
		name := componentName(target)
		if _, taken := schemas[name]; taken {
			return fmt.Errorf("cannot hoist #/%s: component schema %q exists", strings.Join(target, "/"), name)
		}
		schemas[name] = parent["schema"]
		newRef := "#/components/schemas/" + name
		parent["schema"] = map[string]any{"$ref": newRef}
		walkObjects(doc, nil, func(obj map[string]any, _ []string) bool {
			ref, ok := obj["$ref"].(string)
			if !ok || ref == newRef {
				return true
			}
			if tokens, err := pointerTokens(ref); err == nil && len(tokens) >= len(target) && slices.Equal(tokens[:len(target)], target) {
				rest := make([]string, 0, len(tokens)-len(target))
				for _, t := range tokens[len(target):] {
					rest = append(rest, pointerToken(t))
				}
				obj["$ref"] = strings.Join(append([]string{newRef}, rest...), "/")
			}
			return true
		})
	}
}

// pointerTokens splits a local $ref ("#/a/b~1c/%7Bx%7D") into its unescaped JSON-pointer tokens.
func pointerTokens(ref string) ([]string, error) {
	fragment, err := url.PathUnescape(strings.TrimPrefix(ref, "#/"))
	if err != nil {
		return nil, err
	}
	tokens := strings.Split(fragment, "/")
	for i, t := range tokens {
		tokens[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(t)
	}
	return tokens, nil
}

func lookup(node any, tokens []string) any {
	for _, t := range tokens {
		switch n := node.(type) {
		case map[string]any:
			node = n[t]
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(n) {
				return nil
			}
			node = n[i]
		default:
			return nil
		}
	}
	return node
}

// componentName turns a pointer into a component name (which allows only [A-Za-z0-9._-]).
func componentName(tokens []string) string {
	if len(tokens) > 0 && tokens[0] == "components" {
		tokens = tokens[1:]
	}
	name := strings.Join(tokens, "_")
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, name)
}

// rewriteRefs replaces every $ref equal to a key of renames, or below it ("<key>/properties/x"),
// with the renamed target.
func rewriteRefs(doc map[string]any, renames map[string]string) {
	walkObjects(doc, nil, func(obj map[string]any, _ []string) bool {
		ref, ok := obj["$ref"].(string)
		if !ok {
			return true
		}
		for old, repl := range renames {
			if ref == old || strings.HasPrefix(ref, old+"/") {
				obj["$ref"] = repl + ref[len(old):]
				break
			}
		}
		return true
	})
}

// isAnnotation tells the keywords that describe a schema without constraining values; they stay
// on the outer schema when rewriteNullable moves the constraints into an anyOf branch.
func isAnnotation(key string) bool {
	switch key {
	case "title", "description", "example", "examples", "deprecated", "readOnly", "writeOnly", "default", "externalDocs":
		return true
	}
	return strings.HasPrefix(key, "x-")
}

// rewriteNullable fixes `nullable: true`, an OpenAPI 3.0 keyword, inside these OpenAPI 3.1 files.
// kin-openapi validates 3.1 documents as JSON Schema 2020-12, where "nullable" means nothing, so
// every null Codat documents as allowed (sortCode, modifiedDate, accountInfo...) would fail. The
// 3.1 spelling is a "null" type: `type: T` becomes `type: [T, "null"]` (and null joins an enum);
// a schema without a type (a $ref with siblings, a composition) becomes
// `anyOf: [<its constraints>, {type: "null"}]`. `nullable: false` is dropped.
func rewriteNullable(doc map[string]any) error {
	walkObjects(doc, nil, func(obj map[string]any, path []string) bool {
		nullable, ok := obj["nullable"].(bool)
		if !ok || !isSchemaObject(path) {
			return true
		}
		delete(obj, "nullable")
		if !nullable {
			return true
		}
		switch t := obj["type"].(type) {
		case string:
			obj["type"] = []any{t, "null"}
			addNullToEnum(obj)
		case []any:
			if !slices.Contains(t, any("null")) {
				obj["type"] = append(t, "null")
			}
			addNullToEnum(obj)
		default:
			inner := map[string]any{}
			for k, v := range obj {
				if !isAnnotation(k) {
					inner[k] = v
					delete(obj, k)
				}
			}
			obj["anyOf"] = []any{inner, map[string]any{"type": "null"}}
		}
		return true
	})
	return nil
}

func addNullToEnum(obj map[string]any) {
	if enum, ok := obj["enum"].([]any); ok && !slices.Contains(enum, nil) {
		obj["enum"] = append(enum, nil)
	}
}

// fixRequiredCase fixes a `required` entry that names a property in the wrong case:
// Integration.definitions.dataTypeFeature declares the property `dataType` but requires
// `datatype`, so every correct Integration that lists datatypeFeatures would fail. A required
// name with no property of that exact name but exactly one of another case is renamed to it.
func fixRequiredCase(doc map[string]any) error {
	walkObjects(doc, nil, func(obj map[string]any, path []string) bool {
		required, ok := obj["required"].([]any)
		props, hasProps := obj["properties"].(map[string]any)
		if !ok || !hasProps || !isSchemaObject(path) {
			return true
		}
		for i, r := range required {
			name, _ := r.(string)
			if _, exact := props[name]; exact || name == "" {
				continue
			}
			var match []string
			for p := range props {
				if strings.EqualFold(p, name) {
					match = append(match, p)
				}
			}
			if len(match) == 1 {
				required[i] = match[0]
			}
		}
		return true
	})
	return nil
}

// dropNoContentRefs fixes DELETE /apiKeys/{apiKeyId}, whose 204 response is
// `{"description": "No Content", "$ref": "#/components/responses/Too-Many-Requests"}`: the $ref
// gives the 204 a required JSON error body, so a correct empty 204 would fail. A 204 response
// carries no content (RFC 9110 §15.3.5), so its $ref is dropped and the description kept.
func dropNoContentRefs(doc map[string]any) error {
	walkObjects(doc, nil, func(obj map[string]any, path []string) bool {
		if len(path) >= 2 && path[len(path)-1] == "204" && path[len(path)-2] == "responses" {
			if _, ok := obj["$ref"]; ok {
				delete(obj, "$ref")
				if _, ok := obj["description"]; !ok {
					obj["description"] = "No Content"
				}
			}
		}
		return true
	})
	return nil
}

// keepSourceAccountV2 fixes the source-account bodies declared as
// `oneOf: [SourceAccountV2..., SourceAccount...]`. The v1 schema is looser than v2 (every v1
// property is a nullable free string), so a valid v2 body also matches v1 and strict oneOf rejects
// every valid v2 body and response. Treating it as anyOf would instead let a v2 body with a wrong
// accountType pass as v1. Which shape a client speaks is Codat's choice per client (v1 for clients
// integrated before 2024-08-01), so the body says which branch applies: a body with one of v2's
// account types or a member only v2 has (routingInfo, accountInfo) is v2 and is validated against
// the v2 branch alone; any other body (Codat's v1 "Debit"/"Credit", other free text, no type) is
// v1 and is validated against the v1 branch, which is made to exclude v2 bodies. A client's list
// holds one shape: it is v1 when any item is v1 (a v1 client may use v2's type names as free text
// too), and every item is then validated as v1; the same holds for the batch create's array of
// prototypes. A batch-create answer is v1 when its account is.
func keepSourceAccountV2(doc map[string]any) error {
	notV2, err := notSourceAccountV2(doc)
	if err != nil || notV2 == nil {
		return err
	}
	schemas := componentSchemas(doc)
	walkObjects(doc, nil, func(obj map[string]any, path []string) bool {
		branches, ok := obj["oneOf"].([]any)
		if !ok || !isSchemaObject(path) || !slices.ContainsFunc(branches, func(b any) bool { return refersTo(b, isSourceAccountV2) }) {
			return true
		}
		var kept []any
		for _, b := range branches {
			switch {
			case refersTo(b, isSourceAccountBatchV1):
				// A batch-create answer is v1 when its account is.
				marker := map[string]any{"properties": map[string]any{"result": map[string]any{"properties": map[string]any{"account": notV2}}}}
				kept = append(kept, map[string]any{"allOf": []any{b, marker}})
			case refersTo(b, isSourceAccountV1):
				marker := notV2
				branch, _ := b.(map[string]any)
				if ref, _ := branch["$ref"].(string); isArraySchema(schemas, ref) || branch["type"] == "array" {
					// "contains": notV2, written with not and items: "contains" would hand the whole
					// schema to kin-openapi's JSON Schema 2020-12 validator and change its messages.
					marker = map[string]any{"type": "array", "not": map[string]any{"items": map[string]any{"not": notV2}}}
				}
				kept = append(kept, map[string]any{"allOf": []any{b, marker}})
			default:
				kept = append(kept, b)
			}
		}
		obj["oneOf"] = kept
		return true
	})
	return nil
}

// notSourceAccountV2 is a schema that an object matches when it is no v2 source account: its
// accountType is none of SourceAccountV2's types and it has none of the members that only
// SourceAccountV2 has. Nil when the document has no source accounts.
func notSourceAccountV2(doc map[string]any) (map[string]any, error) {
	schemas := componentSchemas(doc)
	v2, _ := schemas["SourceAccountV2"].(map[string]any)
	v1, _ := schemas["SourceAccount"].(map[string]any)
	if v2 == nil || v1 == nil {
		return nil, nil
	}
	v2Props, _ := v2["properties"].(map[string]any)
	v1Props, _ := v1["properties"].(map[string]any)
	accountType, _ := v2Props["accountType"].(map[string]any)
	enum, _ := accountType["enum"].([]any)
	if len(enum) == 0 {
		return nil, fmt.Errorf("SourceAccountV2.accountType has no enum")
	}
	var v2Only []any
	for _, name := range sortedNames(v2Props) {
		if _, ok := v1Props[name]; !ok {
			v2Only = append(v2Only, map[string]any{"required": []any{name}})
		}
	}
	notV2 := map[string]any{"properties": map[string]any{"accountType": map[string]any{"not": map[string]any{"enum": enum}}}}
	if len(v2Only) > 0 {
		notV2["not"] = map[string]any{"anyOf": v2Only}
	}
	return notV2, nil
}

func sortedNames(m map[string]any) []string {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// isArraySchema reports whether ref names a component schema of type array.
func isArraySchema(schemas map[string]any, ref string) bool {
	name, ok := strings.CutPrefix(ref, "#/components/schemas/")
	schema, _ := schemas[name].(map[string]any)
	return ok && schema["type"] == "array"
}

func isSourceAccountBatchV1(ref string) bool {
	name := strings.TrimPrefix(ref, "#/components/schemas/")
	return name == "SourceAccountBatchCreateResponse" || strings.HasPrefix(name, "SourceAccountBatchCreateResponse_")
}

func isSourceAccountV2(ref string) bool {
	return strings.HasPrefix(ref, "#/components/schemas/SourceAccountV2")
}

func isSourceAccountV1(ref string) bool {
	name := strings.TrimPrefix(ref, "#/components/schemas/")
	return name != ref && (name == "SourceAccount" || strings.HasPrefix(name, "SourceAccount/") ||
		strings.HasPrefix(name, "SourceAccount_") || name == "SourceAccountBatchCreateResponse" ||
		strings.HasPrefix(name, "SourceAccountBatchCreateResponse_"))
}

// refersTo reports whether a $ref inside node satisfies match.
func refersTo(node any, match func(string) bool) bool {
	return !walkObjects(node, nil, func(obj map[string]any, _ []string) bool {
		ref, ok := obj["$ref"].(string)
		return !ok || !match(ref)
	})
}

// addLegacySecurity gives a document that declares no security scheme at all Codat's API-key
// header. Only the legacy integration-settings file (written from the SDK models, without the
// security block) is such a document; every operation of Codat's deprecated API took the API key
// in the Authorization header (CODAT-FACTS section 1, "Other auth methods"), so without this patch
// a request that sends no key would pass the check.
func addLegacySecurity(doc map[string]any) error {
	components, _ := doc["components"].(map[string]any)
	if components == nil {
		components = map[string]any{}
		doc["components"] = components
	}
	if _, ok := components["securitySchemes"]; ok {
		return nil
	}
	if _, ok := doc["security"]; ok {
		return fmt.Errorf("security requirements without security schemes")
	}
	components["securitySchemes"] = map[string]any{
		"auth_header": map[string]any{"type": "apiKey", "in": "header", "name": "Authorization"},
	}
	doc["security"] = []any{map[string]any{"auth_header": []any{}}}
	return nil
}
