package sandbox

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// forbiddenNameChars is the complement of the name pattern in CompanyRequestBody
// (^[A-Za-z0-9\s\-',&@.,?!\s]+$): Codat removes these characters instead of rejecting the name.
var forbiddenNameChars = regexp.MustCompile(`[^A-Za-z0-9\s\-',&@.,?!]`)

const (
	maxTags        = 10
	maxTagKeyLen   = 27
	maxTagValueLen = 100
)

// products is the catalogue of product identifiers a company can have enabled, taken from the
// identifiers used in Codat's API description.
var products = []string{
	"accounting", "bank-feeds", "banking", "commerce", "expenses", "expenses-v1",
	"lending", "payables", "payables-v2", "spend-insights",
}

type companyJSON struct {
	ID                           string            `json:"id"`
	Name                         string            `json:"name"`
	Description                  string            `json:"description"`
	Redirect                     string            `json:"redirect"`
	Created                      string            `json:"created"`
	Products                     []string          `json:"products"`
	Tags                         map[string]string `json:"tags"`
	DataConnections              []connectionJSON  `json:"dataConnections"`
	OwnerUserIDs                 []string          `json:"ownerUserIds"`
	ReferenceSubsidiaryCompanies []struct{}        `json:"referenceSubsidiaryCompanies"`
}

func (s *Sandbox) companyJSON(base string, c *company) companyJSON {
	conns := c.sortedConnections()
	out := companyJSON{
		ID:                           c.ID,
		Name:                         c.Name,
		Description:                  c.Description,
		Redirect:                     companyLink(base, c.ID),
		Created:                      formatTime(c.Created),
		Products:                     slices.Clone(c.Products),
		Tags:                         map[string]string{},
		DataConnections:              make([]connectionJSON, len(conns)),
		OwnerUserIDs:                 []string{},
		ReferenceSubsidiaryCompanies: []struct{}{},
	}
	for k, v := range c.Tags {
		out.Tags[k] = v
	}
	for i, conn := range conns {
		out.DataConnections[i] = s.apiConnectionJSON(base, conn)
	}
	return out
}

func companyLink(base, companyID string) string {
	return base + "/link/companies/" + companyID
}

// companyField resolves a company property: one of companyFields, or "tags.<key>", the tag named key.
func companyField(prop string) (func(*company) string, bool) {
	if key, ok := strings.CutPrefix(prop, "tags."); ok {
		return companyTag(key)
	}
	return companyFields.lookup(prop)
}

var companyFields = fields[*company]{
	"id":          func(c *company) string { return c.ID },
	"name":        func(c *company) string { return c.Name },
	"description": func(c *company) string { return c.Description },
	"created":     func(c *company) string { return formatTime(c.Created) },
}

// findCompany must be called with s.mu held.
func (s *Sandbox) findCompany(id string) (*company, apiResponse, bool) {
	c, ok := s.companies[id]
	if !ok {
		return nil, notFound("No company was found with ID %s", id), false
	}
	return c, apiResponse{}, true
}

// companyBody is a validated CompanyRequestBody, its name already stripped.
type companyBody struct {
	name, description string
	tags              map[string]string
}

func parseCompanyBody(raw []byte) (companyBody, apiResponse, bool) {
	obj, resp, ok := decodeObject(raw)
	if !ok {
		return companyBody{}, resp, false
	}
	var v validator
	var body companyBody
	// A name of white space alone matches the pattern and minLength 1, and Codat's documents say
	// nothing more about it: it is accepted and stored as sent (a plausible reading; Codat may well
	// refuse it, which would change nothing for a client that does not send it).
	if name, ok := obj.str("name", &v); ok {
		body.name = stripCompanyName(name)
		if name == "" {
			v.fail("name", "MinLength", "'name' must not be empty.")
		} else if body.name == "" {
			v.fail("name", "Pattern", "'name' must contain at least one of the characters A-Z a-z 0-9 space - ' , & @ . ? !")
		}
	} else if !obj.present("name") {
		v.fail("name", "Required", "'name' is required.")
	}
	body.description, _ = obj.str("description", &v)
	if tags, ok := obj.strings("tags", &v); ok {
		validateTags(tags, &v)
		body.tags = tags
	}
	if !v.ok() {
		return companyBody{}, v.response(), false
	}
	return body, apiResponse{}, true
}

// StripCompanyName returns the name Codat stores for a requested company name: the request
// with every character outside the name pattern removed.
func StripCompanyName(name string) string { return stripCompanyName(name) }

func stripCompanyName(name string) string {
	return forbiddenNameChars.ReplaceAllString(name, "")
}

func validateTags(tags map[string]string, v *validator) {
	if len(tags) > maxTags {
		v.fail("tags", "MaxProperties", "A company can have at most %d tags; %d were given.", maxTags, len(tags))
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !validTagKey(k) {
			v.fail("tags."+k, "PropertyNames", "Tag keys must be 1 to %d characters long without line breaks.", maxTagKeyLen)
		}
		if utf8.RuneCountInString(tags[k]) > maxTagValueLen {
			v.fail("tags."+k, "MaxLength", "Tag values must be at most %d characters long.", maxTagValueLen)
		}
	}
}

// validTagKey applies the tags' propertyNames pattern ^.{1,27}$ (P
// #/components/schemas/Company/definitions/companyDetails/properties/tags; CODAT-FACTS C11). JSON
// Schema lengths and patterns count characters (code points), not bytes, and its patterns are
// ECMA-262 regular expressions, whose "." matches anything but the line terminators LF, CR, U+2028
// and U+2029. (Go's "." differs: it matches CR and the two separators, so the rule is written out.)
func validTagKey(k string) bool {
	if n := utf8.RuneCountInString(k); n < 1 || n > maxTagKeyLen {
		return false
	}
	return !strings.ContainsAny(k, "\n\r\u2028\u2029")
}

func (s *Sandbox) listCompanies(r *apiRequest) apiResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	companies, resp, ok := filterCompaniesByTags(r, s.sortedCompanies())
	if !ok {
		return resp
	}
	return pagedResults(r, companies, "Company", companyField, func(c *company) companyJSON { return s.companyJSON(r.base, c) })
}

func (s *Sandbox) createCompany(r *apiRequest) apiResponse {
	body, resp, ok := parseCompanyBody(r.body)
	if !ok {
		return resp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &company{
		Company: Company{
			ID:          uuid.NewString(),
			Name:        body.name,
			Description: body.description,
			Tags:        body.tags,
			Products:    []string{},
			Created:     s.now(),
		},
		seq:         s.nextSeq(),
		connections: map[string]*connection{},
	}
	s.companies[c.ID] = c
	return jsonResponse(http.StatusOK, s.companyJSON(r.base, c))
}

func (s *Sandbox) getCompany(r *apiRequest) apiResponse {
	return s.withCompany(r, func(c *company) apiResponse {
		return jsonResponse(http.StatusOK, s.companyJSON(r.base, c))
	})
}

// replaceCompany replaces name, description and tags: members absent from the body are cleared.
func (s *Sandbox) replaceCompany(r *apiRequest) apiResponse {
	return s.withCompany(r, func(c *company) apiResponse {
		body, resp, ok := parseCompanyBody(r.body)
		if !ok {
			return resp
		}
		c.Name, c.Description, c.Tags = body.name, body.description, body.tags
		return jsonResponse(http.StatusOK, s.companyJSON(r.base, c))
	})
}

func (s *Sandbox) deleteCompany(r *apiRequest) apiResponse {
	return s.withCompany(r, func(c *company) apiResponse {
		delete(s.companies, c.ID)
		return emptyResponse(http.StatusNoContent)
	})
}

func (s *Sandbox) addProduct(r *apiRequest) apiResponse {
	return s.setProduct(r, true)
}

func (s *Sandbox) removeProduct(r *apiRequest) apiResponse {
	return s.setProduct(r, false)
}

// forbiddenMessage is the error of Codat's Forbidden response (P #/components/responses/Forbidden).
const forbiddenMessage = "You are using an outdated API key or a key not associated with that resource."

func (s *Sandbox) setProduct(r *apiRequest, enabled bool) apiResponse {
	// Add and remove product are "currently in alpha and available only to participants in the
	// development program" (P add-product, remove-product; CODAT-FACTS C5), and both declare a 403.
	// Codat does not say what it answers a client outside the programme; the most plausible reading
	// is its Forbidden response, before the company is looked up, as for any operation the client's
	// key may not use.
	if !s.opts.ProductsProgramme {
		return errorResponse(http.StatusForbidden, forbiddenMessage)
	}
	return s.withCompany(r, func(c *company) apiResponse {
		product := r.param("productIdentifier")
		if !slices.Contains(products, product) {
			return notFound("Product %s was not found", product)
		}
		c.Products = slices.DeleteFunc(c.Products, func(p string) bool { return p == product })
		if enabled {
			c.Products = append(c.Products, product)
			slices.Sort(c.Products)
		}
		return emptyResponse(http.StatusNoContent)
	})
}
