package sandbox

import (
	"net/url"
	"strings"
)

// Names of the API operations the sandbox serves: "METHOD /template", with the path template of Codat's OpenAPI
// files, so that counters and fault injection speak the spec's language. Routes lists them; Count, InjectFault and
// HoldRequests take them and panic on any other name, so that a mistyped name fails loudly instead of counting
// nothing.
const (
	RouteListCompanies             = "GET /companies"
	RouteCreateCompany             = "POST /companies"
	RouteGetCompany                = "GET /companies/{companyId}"
	RouteReplaceCompany            = "PUT /companies/{companyId}"
	RouteDeleteCompany             = "DELETE /companies/{companyId}"
	RouteAddProduct                = "PUT /companies/{companyId}/products/{productIdentifier}"
	RouteRemoveProduct             = "DELETE /companies/{companyId}/products/{productIdentifier}"
	RouteListConnections           = "GET /companies/{companyId}/connections"
	RouteCreateConnection          = "POST /companies/{companyId}/connections"
	RouteGetConnection             = "GET /companies/{companyId}/connections/{connectionId}"
	RouteDeleteConnection          = "DELETE /companies/{companyId}/connections/{connectionId}"
	RouteCreateSourceAccount       = "POST /companies/{companyId}/connections/{connectionId}/connectionInfo/bankFeedAccounts"
	RouteCreateSourceAccountsBatch = "POST /companies/{companyId}/connections/{connectionId}/connectionInfo/bankFeedAccounts/batch"
	RouteListSourceAccounts        = "GET /companies/{companyId}/connections/{connectionId}/connectionInfo/bankFeedAccounts"
	RouteUpdateSourceAccount       = "PATCH /companies/{companyId}/connections/{connectionId}/connectionInfo/bankFeedAccounts/{accountId}"
	RouteDeleteSourceAccount       = "DELETE /companies/{companyId}/connections/{connectionId}/connectionInfo/bankFeedAccounts/{accountId}"
	RouteGetMappings               = "GET /companies/{companyId}/connections/{connectionId}/bankFeedAccounts/mapping"
	RouteCreateMapping             = "POST /companies/{companyId}/connections/{connectionId}/bankFeedAccounts/mapping"
	RouteGetCompanyInformation     = "GET /companies/{companyId}/connections/{connectionId}/bankFeeds/info"
	RoutePushBankTransactions      = "POST /companies/{companyId}/connections/{connectionId}/push/bankAccounts/{accountId}/bankTransactions"
	RouteListWebhookConsumers      = "GET /webhooks"
	RouteCreateWebhookConsumer     = "POST /webhooks"
	RouteDeleteWebhookConsumer     = "DELETE /webhooks/{webhookId}"
	RouteListIntegrations          = "GET /integrations"
	RouteGetIntegration            = "GET /integrations/{platformKey}"
	RouteSetIntegrationEnabled     = "PUT /integrations/{platformKey}/enabled"
	RouteGetCredentials            = "GET /integrations/credentials/{platformKey}"
	RoutePutCredentials            = "PUT /integrations/credentials/{platformKey}"
	RouteDeleteCredentials         = "DELETE /integrations/credentials/{platformKey}"
	RouteGetIntegrationSettings    = "GET /settings/integrations/{integrationId}"
	RoutePatchIntegrationSettings  = "PATCH /settings/integrations/{integrationId}"
	// RouteXeroToken is Xero's token endpoint, which the sandbox serves beside Codat's API: counted like an API
	// route, but not one of Routes, and faults are never injected into it.
	RouteXeroToken = xeroTokenRoute
)

// route is one API operation.
type route struct {
	method   string
	template string
	segs     []string
	handle   func(*apiRequest) apiResponse
}

func (rt *route) name() string { return rt.method + " " + rt.template }

// newRoute serves the operation named name ("METHOD /template") with h.
func newRoute(name string, h func(*apiRequest) apiResponse) *route {
	method, template, _ := strings.Cut(name, " ")
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
	return []*route{
		newRoute(RouteListCompanies, s.listCompanies),
		newRoute(RouteCreateCompany, s.createCompany),
		newRoute(RouteGetCompany, s.getCompany),
		newRoute(RouteReplaceCompany, s.replaceCompany),
		newRoute(RouteDeleteCompany, s.deleteCompany),
		newRoute(RouteAddProduct, s.addProduct),
		newRoute(RouteRemoveProduct, s.removeProduct),
		newRoute(RouteListConnections, s.listConnections),
		newRoute(RouteCreateConnection, s.createConnection),
		newRoute(RouteGetConnection, s.getConnection),
		newRoute(RouteDeleteConnection, s.deleteConnection),
		newRoute(RouteCreateSourceAccount, s.createSourceAccount),
		newRoute(RouteCreateSourceAccountsBatch, s.createSourceAccountsBatch),
		newRoute(RouteListSourceAccounts, s.listSourceAccounts),
		newRoute(RouteUpdateSourceAccount, s.updateSourceAccount),
		newRoute(RouteDeleteSourceAccount, s.deleteSourceAccount),
		newRoute(RouteGetMappings, s.getMappings),
		newRoute(RouteCreateMapping, s.createMapping),
		newRoute(RouteGetCompanyInformation, s.getCompanyInformation),
		newRoute(RoutePushBankTransactions, s.pushBankTransactions),
		newRoute(RouteListWebhookConsumers, s.listWebhookConsumers),
		newRoute(RouteCreateWebhookConsumer, s.createWebhookConsumer),
		newRoute(RouteDeleteWebhookConsumer, s.deleteWebhookConsumer),
		newRoute(RouteListIntegrations, s.listIntegrations),
		newRoute(RouteGetIntegration, s.getIntegration),
		newRoute(RouteSetIntegrationEnabled, s.setIntegrationEnabled),
		newRoute(RouteGetCredentials, s.getCredentials),
		newRoute(RoutePutCredentials, s.putCredentials),
		newRoute(RouteDeleteCredentials, s.deleteCredentials),
		newRoute(RouteGetIntegrationSettings, s.getIntegrationSettings),
		newRoute(RoutePatchIntegrationSettings, s.patchIntegrationSettings),
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
