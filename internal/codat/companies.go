package codat

import (
	"context"
	"net/http"
)

// Company is a Codat company: one SMB customer.
type Company struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Redirect is the Link URL where the SMB user starts authorising their connections.
	Redirect string `json:"redirect,omitempty"`
	Created  string `json:"created,omitempty"`
	LastSync string `json:"lastSync,omitempty"`
	// Products are the identifiers of the products enabled for the company, such as "bank-feeds".
	Products        []string          `json:"products,omitempty"`
	Tags            map[string]string `json:"tags,omitempty"`
	DataConnections []Connection      `json:"dataConnections,omitempty"`
}

// CompanyRequest is the body that creates or replaces a company. On replace, an empty Description or nil Tags
// clears them.
type CompanyRequest struct {
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// ListCompanies returns every company matching opts.
func (c *Client) ListCompanies(ctx context.Context, opts ListOptions) ([]Company, error) {
	return listAll[Company](ctx, c, "/companies", opts)
}

// CreateCompany creates a company. Codat strips characters outside its name pattern rather than rejecting them.
func (c *Client) CreateCompany(ctx context.Context, req CompanyRequest) (*Company, error) {
	return call[Company](ctx, c, http.MethodPost, "/companies", req)
}

// GetCompany returns one company; IsNotFound(err) when it does not exist.
func (c *Client) GetCompany(ctx context.Context, companyID string) (*Company, error) {
	return call[Company](ctx, c, http.MethodGet, pathf("/companies/%s", companyID), nil)
}

// ReplaceCompany replaces a company's name, description and tags (PUT): fields left empty are cleared.
func (c *Client) ReplaceCompany(ctx context.Context, companyID string, req CompanyRequest) (*Company, error) {
	return call[Company](ctx, c, http.MethodPut, pathf("/companies/%s", companyID), req)
}

// DeleteCompany deletes a company with its connections.
func (c *Client) DeleteCompany(ctx context.Context, companyID string) error {
	return c.do(ctx, http.MethodDelete, pathf("/companies/%s", companyID), nil, nil, nil)
}

// AddProduct enables a product, such as "bank-feeds", for a company. The product endpoints are in alpha and serve
// only participants of Codat's development programme; other clients get 403 (IsForbidden).
func (c *Client) AddProduct(ctx context.Context, companyID, product string) error {
	return c.do(ctx, http.MethodPut, pathf("/companies/%s/products/%s", companyID, product), nil, nil, nil)
}

// RemoveProduct disables a product for a company.
func (c *Client) RemoveProduct(ctx context.Context, companyID, product string) error {
	return c.do(ctx, http.MethodDelete, pathf("/companies/%s/products/%s", companyID, product), nil, nil, nil)
}
