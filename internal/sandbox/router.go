package sandbox

import (
	"net/http"
	"net/url"
	"strings"
)

// route is one API operation. Its name, "METHOD /template", is the OpenAPI path template, so
// counters and fault injection speak the spec's language.
type route struct {
	method   string
	template string
	segs     []string
	handle   func(*apiRequest) apiResponse
}

func (rt *route) name() string { return rt.method + " " + rt.template }

func newRoute(method, template string, h func(*apiRequest) apiResponse) *route {
	return &route{method: method, template: template, segs: splitPath(template), handle: h}
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func (s *Sandbox) apiRoutes() []*route {
	const (
		company       = "/companies/{companyId}"
		connection    = company + "/connections/{connectionId}"
		sourceAccount = connection + "/connectionInfo/bankFeedAccounts"
		mapping       = connection + "/bankFeedAccounts/mapping"
	)
	return []*route{
		newRoute(http.MethodGet, "/companies", s.listCompanies),
		newRoute(http.MethodPost, "/companies", s.createCompany),
		newRoute(http.MethodGet, company, s.getCompany),
		newRoute(http.MethodPut, company, s.replaceCompany),
		newRoute(http.MethodDelete, company, s.deleteCompany),
		newRoute(http.MethodPut, company+"/products/{productIdentifier}", s.addProduct),
		newRoute(http.MethodDelete, company+"/products/{productIdentifier}", s.removeProduct),
		newRoute(http.MethodGet, company+"/connections", s.listConnections),
		newRoute(http.MethodPost, company+"/connections", s.createConnection),
		newRoute(http.MethodGet, connection, s.getConnection),
		newRoute(http.MethodDelete, connection, s.deleteConnection),
		newRoute(http.MethodPost, sourceAccount, s.createSourceAccount),
		newRoute(http.MethodPost, sourceAccount+"/batch", s.createSourceAccountsBatch),
		newRoute(http.MethodGet, sourceAccount, s.listSourceAccounts),
		newRoute(http.MethodPatch, sourceAccount+"/{accountId}", s.updateSourceAccount),
		newRoute(http.MethodDelete, sourceAccount+"/{accountId}", s.deleteSourceAccount),
		newRoute(http.MethodGet, mapping, s.getMappings),
		newRoute(http.MethodPost, mapping, s.createMapping),
		newRoute(http.MethodGet, connection+"/bankFeeds/info", s.getCompanyInformation),
		newRoute(http.MethodPost, connection+"/push/bankAccounts/{accountId}/bankTransactions", s.pushBankTransactions),
		newRoute(http.MethodGet, "/webhooks", s.listWebhookConsumers),
		newRoute(http.MethodPost, "/webhooks", s.createWebhookConsumer),
		newRoute(http.MethodDelete, "/webhooks/{webhookId}", s.deleteWebhookConsumer),
		newRoute(http.MethodGet, "/integrations", s.listIntegrations),
		newRoute(http.MethodGet, "/integrations/{platformKey}", s.getIntegration),
		newRoute(http.MethodPut, "/integrations/{platformKey}/enabled", s.setIntegrationEnabled),
		newRoute(http.MethodGet, "/integrations/credentials/{platformKey}", s.getCredentials),
		newRoute(http.MethodPut, "/integrations/credentials/{platformKey}", s.putCredentials),
		newRoute(http.MethodDelete, "/integrations/credentials/{platformKey}", s.deleteCredentials),
		newRoute(http.MethodGet, "/settings/integrations/{integrationId}", s.getIntegrationSettings),
		newRoute(http.MethodPatch, "/settings/integrations/{integrationId}", s.patchIntegrationSettings),
	}
}

// Routes lists the name ("METHOD /template") of every API operation the sandbox serves.
func (s *Sandbox) Routes() []string {
	names := make([]string, len(s.routes))
	for i, rt := range s.routes {
		names[i] = rt.name()
	}
	return names
}

// match finds the route for a request. Literal segments beat parameters, so
// /integrations/credentials/gbol is the credentials route, not an integration called
// "credentials". allowed lists the methods of the best path match when the method differs.
func (s *Sandbox) match(method string, u *url.URL) (best *route, params map[string]string, allowed []string) {
	segs := splitPath(u.EscapedPath())
	bestScore := -1
	for _, rt := range s.routes {
		if len(rt.segs) != len(segs) {
			continue
		}
		score, ok := 0, true
		for i, seg := range rt.segs {
			if strings.HasPrefix(seg, "{") {
				continue
			}
			if seg != segs[i] {
				ok = false
				break
			}
			score++
		}
		if !ok || score < bestScore {
			continue
		}
		if score > bestScore {
			bestScore, best, allowed = score, nil, nil
		}
		if rt.method == method {
			best = rt
		} else {
			allowed = append(allowed, rt.method)
		}
	}
	if best == nil {
		return nil, nil, allowed
	}
	params = map[string]string{}
	for i, seg := range best.segs {
		if strings.HasPrefix(seg, "{") {
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				v = segs[i]
			}
			params[strings.Trim(seg, "{}")] = v
		}
	}
	return best, params, nil
}
